"""A comparison in words, and the one way numbers are written for people.

``explain(comparison)`` gives the verdict as a short headline and the sentences that say why;
pages, tables and charts take their words from here and their numbers from the comparison, so
nothing on screen is cut out of a sentence or formatted twice.

=================  ==================================================================
``explain``        ``Explanation(headline, details)``: the verdict in plain words
``tokens``         ``50e6`` -> ``'50 M'``, ``2.5e9`` -> ``'2.5 B'``
``usd``            ``-1234.5`` -> ``'-$1,235'``
``rate``           a price per million tokens: ``'$2.15'``, ``'n/a'`` for None
=================  ==================================================================
"""

from __future__ import annotations

import dataclasses

from .breakeven import Comparison, Verdict


def tokens(count: float) -> str:
    """A token count for people: ``50e6`` -> ``'50 M'``, ``2.5e9`` -> ``'2.5 B'``, ``1234`` -> ``'1.23 k'``.

    >>> tokens(50e6), tokens(2.5e9), tokens(128e6), tokens(10e9), tokens(0)
    ('50 M', '2.5 B', '128 M', '10 B', '0')
    """
    if count >= 1e9:
        return f"{count / 1e9:,.3g} B"
    if count >= 1e6:
        return f"{count / 1e6:,.3g} M"
    if count >= 1e3:
        return f"{count / 1e3:,.3g} k"
    return f"{count:,.0f}"


def mtok(count: float) -> str:
    """Millions of tokens to one decimal: ``24.2e6`` -> ``'24.2 M'``."""
    return f"{count / 1e6:,.1f} M"


def usd(amount: float) -> str:
    """Whole dollars with the sign in front: ``-1234.5`` -> ``'-$1,235'``.

    >>> usd(1444.4), usd(-713)
    ('$1,444', '-$713')
    """
    return f"-${-amount:,.0f}" if amount < 0 else f"${amount:,.0f}"


def rate(usd_per_mtok: float | None) -> str:
    """A price per million tokens: ``'$2.15'``; ``'n/a'`` when there is none."""
    return "n/a" if usd_per_mtok is None else f"${usd_per_mtok:,.2f}"


@dataclasses.dataclass(frozen=True)
class Explanation:
    """A comparison in words: ``headline`` (the verdict in a few words) and ``details`` (why)."""

    headline: str
    details: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The headline and its why as one sentence."""
        return "; ".join((self.headline, *self.details))


def months(month: float) -> str:
    """A crossing's month for a sentence: ``'month 31.2'``, or ``'the first month'`` below 1."""
    return "the first month" if month < 1 else f"month {month:.1f}"


def _turns(r: Comparison) -> list[str]:
    """The crossings after the first, in words: 'falls behind again in month 48', 'ahead again from month 55'."""
    out = []
    for month, up in r.crossings[1:]:
        out.append(f"ahead again from {months(month)}" if up else f"falls behind again in {months(month)}")
    return out


def _basis(r: Comparison) -> str:
    """How the sums count money: 'at a 4% cost of capital' or ''."""
    s = r.scenario
    return f" at a {s.discount_rate_per_year:.1%} a year cost of capital" if s.monthly_rate > 0 else ""


def explain(r: Comparison) -> Explanation:
    """The verdict of ``r`` in plain words; every sentence follows from the one basis of its numbers
    (the local position: cash out less what the box would sell for), so none contradicts another.

    >>> import costmodel as cm
    >>> cat = cm.load_catalog(); glm = cat.models["glm-5.2"]
    >>> s = cm.Scenario(build=cat.builds["mac-studio-192gb"], model=glm, quant=glm.quants["UD-IQ2_XXS"],
    ...                 price=cat.prices["zai/glm-5.2"], usage=cm.Usage(tokens_per_month=50e6))
    >>> explain(cm.compare(s)).headline
    'does not fit: short by 59 GB'
    """
    s, fit = r.scenario, r.fit
    horizon = s.horizon_months
    change = s.api_price_change_per_year
    trend_note = f" (its average over the horizon at {change:+.0%} a year)" if change != 0 else ""
    details: list[str] = []
    if r.verdict == Verdict.DOES_NOT_FIT:
        details.append(f"needs {fit.required_gb:,.0f} GB, {fit.available_gb:,.0f} GB usable")
        if fit.cap_raise_would_fit:
            details.append("raising the GPU memory cap would make it fit")
        return Explanation(f"does not fit: short by {fit.shortfall_gb:,.0f} GB", tuple(details))
    ahead = r.savings_at_horizon_usd
    standing = (
        f"{usd(ahead)} ahead of the API by month {horizon}{_basis(r)}"
        if ahead > 0
        else f"{usd(-ahead)} behind the API by month {horizon}{_basis(r)}"
    )
    if r.verdict == Verdict.CANNOT_SERVE:
        first = r.first_month_over_capacity
        headline = (
            f"cannot serve: capacity {mtok(r.capacity_tok_per_month)} tokens a month "
            f"against {mtok(r.tokens_first_over_capacity)} asked" + (f" (from month {first})" if first > 1 else "")
        )
        hybrid = r.hybrid_break_even_month
        details.append(
            f"the hybrid sending the overflow to the API pays back in {months(hybrid)}, {standing}"
            if hybrid is not None
            else f"the hybrid sending the overflow to the API is {standing}"
        )
        return Explanation(headline, tuple(details))
    if r.verdict == Verdict.PAYS_BACK:
        month = r.break_even_month
        headline = "ahead of the API from the first month" if month < 1 else f"pays back in month {month:.1f}"
        details += _turns(r)
        details.append(standing)
        cash = r.cash_payback_month
        details.append(
            f"its price is recovered in cash in month {cash:.1f}"
            if cash is not None
            else f"its price is not recovered in cash within {horizon} months (counting what the box would sell "
            "for, it is ahead)"
        )
        return Explanation(headline, tuple(details))
    api = r.api_horizon_usd_per_mtok
    if r.total_tokens < 1:
        return Explanation("never: no tokens to serve", ())
    running = r.local_running_usd_per_mtok
    if running is not None and running >= api:
        headline = f"never: running costs alone are {rate(running)} per million tokens"
        details.append(f"against the API's {rate(api)}{trend_note} ({rate(running - api)} more)")
    else:
        headline = (
            f"never within {horizon} months: local costs {rate(r.local_usd_per_mtok)} per million tokens "
            f"against the API's {rate(api)}{trend_note}"
        )
    if r.crossings:
        details.append(f"ahead from {months(r.crossings[0][0])}, " + ", ".join(_turns(r) or ["then behind again"]))
    details.append(standing)
    volume = r.break_even_volume_tok_per_month
    if volume is not None and r.break_even_volume_within_capacity and volume > r.scenario.usage.tokens_per_month:
        details.append(f"it would pay back above {tokens(volume)} tokens a month")
    return Explanation(headline, tuple(details))
