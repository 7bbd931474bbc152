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


def explain(r: Comparison) -> Explanation:
    """The verdict of ``r`` in plain words.

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
    if r.verdict == Verdict.CANNOT_SERVE:
        first = r.first_month_over_capacity
        headline = (
            f"cannot serve: capacity {mtok(r.capacity_tok_per_month)} tokens a month "
            f"against {mtok(r.tokens_first_over_capacity)} asked" + (f" (from month {first})" if first > 1 else "")
        )
        hybrid = r.hybrid_break_even_month
        details.append(
            f"the hybrid sending the overflow to the API pays back in month {hybrid:.1f}"
            if hybrid is not None and hybrid <= horizon
            else "the hybrid sending the overflow to the API never pays back"
        )
        return Explanation(headline, tuple(details))
    if r.verdict == Verdict.PAYS_BACK:
        headline = f"pays back in month {r.break_even_month:.1f}"
        if r.end_of_life_value_usd > 0:
            cash = r.cash_payback_month
            details.append(
                "counting its resale value at the end of its life"
                + (
                    f"; in cash alone in month {cash:.1f}"
                    if cash is not None and cash <= horizon
                    else "; not within the horizon in cash alone"
                )
            )
        return Explanation(headline, tuple(details))
    api = r.api_horizon_usd_per_mtok
    if r.total_tokens < 1:
        return Explanation("never: no tokens to serve", ())
    running = r.local_running_usd_per_mtok
    if running is not None and running >= api:
        headline = f"never: running costs alone are {rate(running)} per million tokens"
        return Explanation(headline, (f"against the API's {rate(api)}{trend_note} ({rate(running - api)} more)",))
    headline = (
        f"never within {horizon} months: local costs {rate(r.local_usd_per_mtok)} per million tokens "
        f"against the API's {rate(api)}{trend_note}"
    )
    monthly = r.last_month_saving_usd
    if monthly > 0:
        months_more = r.gap_at_horizon_usd / monthly
        details.append(
            f"it saves {usd(monthly)} a month, so paying back would take ~{horizon + months_more:,.0f} months"
        )
    if r.savings_at_horizon_usd > 0:
        details.append(
            f"sold at month {horizon} while still worth more than its end-of-life value, "
            f"it leaves you {usd(r.savings_at_horizon_usd)} ahead"
        )
    return Explanation(headline, tuple(details))
