"""Break-even: local ownership against API spend, month by month and across volumes.

``compare(scenario)`` simulates the horizon month by month (month 0 is the purchase) and returns
a ``Comparison``: a verdict, the break-even month and volume, costs per million tokens, and the
curve as a tidy DataFrame.

Definitions
-----------
* **Break-even month**: the first month in which cumulative API spend reaches the cumulative
  local cost, interpolated linearly within the month. The local cost counts the machine at its
  price less the resale value it keeps at the end of its life (``capex x (1 - resale_fraction)``,
  paid at month 0 and at each replacement), plus electricity, maintenance and the overflow sent
  to the API. ``cash_payback_month`` is the same crossing with resale ignored.
* **Savings at the horizon**: API spend minus the local cost *net* of selling the box at the
  horizon (what the machine would fetch then).
* **Cost per million tokens**: the local net cost over the horizon over the tokens served.
* **Break-even volume**: the flat monthly volume at which the local net cost over the horizon
  equals the API's.
* **Verdict**: ``does_not_fit`` (the quant does not fit in memory), ``cannot_serve`` (the volume
  needs more hours than the box is powered in some month; the hybrid that serves up to capacity
  locally and sends the overflow to the API is costed in the curve), ``pays_back`` (break-even
  within the horizon) or ``never`` (running costs alone reach the API price, or the savings are
  too small to recover the capex within the horizon).
* **API price trend** (``Scenario.api_price_change_per_year`` = g): month m's API tokens, and the
  overflow's, cost today's price times ``(1 + g) ** ((m - 1) / 12)`` (``price_trend_factors``).
  The break-even volume keeps its meaning, the flat volume V* at which savings at the horizon
  are 0. Over a horizon of H months, with a the API's price per token today, k the marginal
  local cost per token and F the fixed local cost net of the value at the horizon,
  ``API = V x a x sum(f_m)`` and ``local = F + V x k x H`` (within capacity), so
  ``V* = F / (H x (a x mean(f_m) - k))``, the flat formula with a scaled by the mean multiplier.
* **Quality adjustment** (``Scenario.quality_adjusted``): the build generates
  ``1 / quality_retained`` tokens for each token the API would (``local_tokens_per_api_token``),
  so hours at load, electricity above idle and capacity count tokens of API-equivalent work.
"""

from __future__ import annotations

import dataclasses
import enum

import numpy as np
import pandas as pd

from .errors import CostModelError
from .fit import Fit, check_fit
from .ownership import (
    capacity_tok_per_month,
    depreciation_usd,
    electricity_usd,
    hours_per_token,
    per_mtok,
    powered_hours_per_month,
    replacement_months,
    resale_value_usd,
)
from .pricing import blended_usd_per_mtok
from .schema import Scenario
from .speed import Speed, estimate_speed
from .units import MONTHS_PER_YEAR, TOKENS_PER_MTOK, W_PER_KW


class Verdict(enum.StrEnum):
    """The answer to "buy the box or pay the API"."""

    PAYS_BACK = "pays_back"
    NEVER = "never"
    CANNOT_SERVE = "cannot_serve"
    DOES_NOT_FIT = "does_not_fit"


#: columns of ``Comparison.curve``, one row per month 0..horizon (cumulative USD unless noted)
CURVE_COLUMNS = (
    "month",
    "tokens",  # tokens asked that month
    "served_local_tokens",  # of which the build serves
    "api_usd",  # all tokens through the API
    "local_cash_usd",  # local cash out: capex, replacements, running costs, overflow to the API
    "local_usd",  # local cost: cash less the resale value kept at the end of life
    "overflow_usd",  # of which the overflow sent to the API
    "local_value_usd",  # what the machine would sell for at that month
    "local_net_usd",  # local cash minus what the machine would sell for
    "savings_usd",  # api_usd - local_net_usd
)


@dataclasses.dataclass(frozen=True)
class Throughput:
    """Speeds used for capacity, and where they came from."""

    decode_tok_s: float | None
    prefill_tok_s: float | None
    source: str  # "measured", "estimated", "measured decode, estimated prefill", "none"
    estimate: Speed | None


@dataclasses.dataclass(frozen=True)
class CostTerms:
    """Linear cost structure of a flat-volume horizon: local net = fixed + marginal x tokens.

    Tokens are tokens of API-equivalent work: with ``quality_adjusted`` the marginal cost and
    the capacity already count the extra tokens the build generates. API prices are today's;
    ``api_price_factor_mean`` is the mean of the trend's multiplier over months 1..horizon
    (1.0 for flat prices), so the API's spend on a flat volume V over the horizon is
    ``V x api_usd_per_token x api_price_factor_mean x horizon_months``.
    """

    fixed_usd: float  # capex, replacements, idle power, maintenance less value at horizon
    marginal_usd_per_token: float  # electricity above idle per token served
    api_usd_per_token: float  # today's price (month 1)
    overflow_usd_per_token: float  # today's price (month 1)
    capacity_tok_per_month: float
    horizon_months: int
    api_price_factor_mean: float = 1.0


@dataclasses.dataclass(frozen=True)
class Comparison:
    """The result of ``compare``: verdict, break-even, costs per Mtok, and the monthly curve."""

    scenario: Scenario
    verdict: Verdict
    headline: str  # the verdict in a few plain words
    reason: str  # the verdict with its why
    break_even_month: float | None
    cash_payback_month: float | None
    hybrid_break_even_month: float | None
    break_even_usd: float | None
    break_even_volume_tok_per_month: float | None
    break_even_volume_within_capacity: bool
    savings_at_horizon_usd: float
    local_usd_per_mtok: float | None
    api_usd_per_mtok: float  # today's blended price; with a price trend the curve's api_usd follows it
    local_running_usd_per_mtok: float | None
    local_marginal_usd_per_mtok: float | None
    electricity_usd_per_mtok_at_load: float | None
    capacity_tok_per_month: float
    first_month_over_capacity: int | None
    throughput: Throughput
    fit: Fit
    terms: CostTerms
    curve: pd.DataFrame


def _throughput(scenario: Scenario, fit: Fit) -> Throughput:
    """Measured speeds where given, the estimator's otherwise."""
    s = scenario
    if not fit.fits:
        return Throughput(None, None, "none", None)
    estimate = None
    if s.decode_tok_s is None or s.prefill_tok_s is None:
        estimate = estimate_speed(s.build, s.model, s.quant, **s.memory_options)
    decode = s.decode_tok_s if s.decode_tok_s is not None else estimate.decode_tok_s
    prefill = s.prefill_tok_s if s.prefill_tok_s is not None else estimate.prefill_tok_s
    given = (s.decode_tok_s is not None, s.prefill_tok_s is not None)
    source = {
        (True, True): "measured",
        (True, False): "measured decode, estimated prefill",
        (False, True): "estimated decode, measured prefill",
        (False, False): "estimated",
    }[given]
    return Throughput(decode, prefill, source, estimate)


def _at_month(values: np.ndarray, month: float) -> float:
    """A monthly series at a fractional month, linearly interpolated."""
    return float(np.interp(month, np.arange(values.size), values))


def _crossing(gap: np.ndarray) -> float | None:
    """First month at which ``gap`` (local minus API, cumulative) reaches 0, interpolated."""
    if gap[0] <= 0:
        return 0.0
    below = np.nonzero(gap <= 0)[0]
    if below.size == 0:
        return None
    m = int(below[0])
    return (m - 1) + gap[m - 1] / (gap[m - 1] - gap[m])


def price_trend_factors(api_price_change_per_year: float | np.ndarray, horizon_months: int) -> np.ndarray:
    """The API price multiplier at each month 0..horizon: ``(1 + change) ** ((m - 1) / 12)``.

    Month 1 pays today's price, month 13 today's price times (1 + change). Month 0 buys no
    tokens. An array of n changes gives an (n, horizon + 1) array. At -30% a year:

    >>> price_trend_factors(-0.3, 24)[[1, 13, 24]].round(4).tolist()
    [1.0, 0.7, 0.5048]
    >>> bool((price_trend_factors(0.0, 60) == 1.0).all())   # a flat trend is exactly 1
    True
    """
    months = np.arange(horizon_months + 1, dtype=float)
    change = np.asarray(api_price_change_per_year, dtype=float)
    return np.power(1.0 + change[..., np.newaxis], (months - 1.0) / MONTHS_PER_YEAR)


def cost_terms(scenario: Scenario, hours_per_token_h: float | None) -> CostTerms:
    """The fixed and per-token costs of a flat-volume horizon (see ``CostTerms``).

    ``hours_per_token_h`` [h] is the load one token of API-equivalent work takes (quality
    adjustment included, as ``compare`` passes it), or None when the build cannot run the model.
    """
    s, b = scenario, scenario.build
    horizon = s.horizon_months
    capex = b.capex_usd * s.dual_use_share
    powered = powered_hours_per_month(s.hours_per_day)
    idle_month = float(electricity_usd(0.0, powered, b.power_load_w, b.power_idle_w, s.electricity_usd_per_kwh))
    lost = depreciation_usd(capex, b.resale_fraction, b.lifetime_months, horizon, s.replace_at_end_of_life)
    fixed = lost + horizon * (idle_month + s.maintenance_usd_per_month)
    if hours_per_token_h is None:
        marginal, capacity = 0.0, 0.0
    else:
        marginal = hours_per_token_h * (b.power_load_w - b.power_idle_w) / W_PER_KW * s.electricity_usd_per_kwh
        capacity = capacity_tok_per_month(hours_per_token_h, s.hours_per_day)
    return CostTerms(
        fixed_usd=fixed,
        marginal_usd_per_token=marginal,
        api_usd_per_token=blended_usd_per_mtok(s.price, s.usage) / TOKENS_PER_MTOK,
        overflow_usd_per_token=blended_usd_per_mtok(s.overflow, s.usage) / TOKENS_PER_MTOK,
        capacity_tok_per_month=capacity,
        horizon_months=horizon,
        api_price_factor_mean=float(price_trend_factors(s.api_price_change_per_year, horizon)[1:].mean()),
    )


def _curve(scenario: Scenario, hours_per_token_h: float | None) -> dict[str, np.ndarray]:
    """Monthly simulation of the horizon: one array per column of ``CURVE_COLUMNS``.

    ``costmodel.sensitivity`` repeats these sums for many draws at once; a change here needs
    the same change there (a test checks that both agree).
    """
    s, b, u = scenario, scenario.build, scenario.usage
    horizon = s.horizon_months
    months = np.arange(horizon + 1, dtype=float)
    demand = np.zeros(horizon + 1)
    demand[1:] = u.tokens_per_month * (1.0 + u.monthly_growth) ** (months[1:] - 1)

    powered = powered_hours_per_month(s.hours_per_day)
    if hours_per_token_h is None:
        load_h = np.zeros_like(demand)
        served = np.zeros_like(demand)
    else:
        needed_h = demand * hours_per_token_h
        load_h = np.minimum(needed_h, powered)
        share_served = np.divide(powered, needed_h, out=np.ones_like(needed_h), where=needed_h > powered)
        served = demand * share_served
    served[0] = 0.0
    overflow_tokens = demand - served

    running = electricity_usd(load_h, powered, b.power_load_w, b.power_idle_w, s.electricity_usd_per_kwh)
    running = running + s.maintenance_usd_per_month
    running[0] = 0.0
    capex = b.capex_usd * s.dual_use_share
    flows = np.asarray(running, dtype=float).copy()
    flows[0] += capex
    for month in replacement_months(horizon, b.lifetime_months, s.replace_at_end_of_life):
        flows[int(month)] += capex * (1.0 - b.resale_fraction)

    api_rate = blended_usd_per_mtok(s.price, u) / TOKENS_PER_MTOK
    overflow_rate = blended_usd_per_mtok(s.overflow, u) / TOKENS_PER_MTOK
    trend = price_trend_factors(s.api_price_change_per_year, horizon)
    overflow_usd = np.cumsum(overflow_tokens * overflow_rate * trend)
    cash = np.cumsum(flows) + overflow_usd
    api = np.cumsum(demand * api_rate * trend)
    value = resale_value_usd(capex, b.resale_fraction, b.lifetime_months, horizon, s.replace_at_end_of_life)
    net = cash - value
    return {
        "month": months.astype(int),
        "tokens": demand,
        "served_local_tokens": served,
        "api_usd": api,
        "local_cash_usd": cash,
        "local_usd": cash - capex * b.resale_fraction,
        "overflow_usd": overflow_usd,
        "local_value_usd": value,
        "local_net_usd": net,
        "savings_usd": api - net,
    }


def format_mtok(tokens: float) -> str:
    """``24.2e6`` -> ``'24.2 M'``."""
    return f"{tokens / 1e6:,.1f} M"


def _usd(x: float) -> str:
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


def _rate(x: float | None) -> str:
    return "n/a" if x is None else f"${x:,.2f}"


def compare(scenario: Scenario) -> Comparison:
    """Local ownership against the API for ``scenario``: verdict, break-even and curves.

    Never raises for a valid ``Scenario``: a build that cannot hold the quant gets the verdict
    ``does_not_fit``, one too slow for the volume ``cannot_serve``.
    """
    if not isinstance(scenario, Scenario):
        raise CostModelError(f"compare: expected a Scenario, got {type(scenario).__name__}")
    s, u = scenario, scenario.usage
    fit = check_fit(s.build, s.model, s.quant, **s.memory_options)
    throughput = _throughput(s, fit)
    hpt = (
        hours_per_token(throughput.decode_tok_s, throughput.prefill_tok_s, u.input_share) * s.local_tokens_per_api_token
        if throughput.decode_tok_s is not None and throughput.prefill_tok_s is not None
        else None
    )
    terms = cost_terms(s, hpt)
    c = _curve(s, hpt)

    horizon = s.horizon_months
    tokens = c["tokens"]
    served = c["served_local_tokens"]
    over = np.nonzero(tokens[1:] - served[1:] > tokens[1:] * 1e-12)[0]
    first_over = int(over[0]) + 1 if over.size else None
    gap = c["local_usd"] - c["api_usd"]
    crossing = _crossing(gap)
    cash_crossing = _crossing(c["local_cash_usd"] - c["api_usd"])

    total_tokens = float(tokens.sum())
    last = {column: float(values[-1]) for column, values in c.items()}
    api_per_mtok = blended_usd_per_mtok(s.price, u)
    # what the API charges on average over the horizon, tokens weighted (today's price when flat)
    trend = price_trend_factors(s.api_price_change_per_year, horizon)
    mean_factor = float((tokens * trend).sum() / total_tokens) if total_tokens > 0 else 1.0
    api_horizon_per_mtok = api_per_mtok * mean_factor
    trend_note = (
        f" (its average over the horizon at {s.api_price_change_per_year:+.0%} a year)"
        if s.api_price_change_per_year != 0
        else ""
    )
    running_usd = last["local_cash_usd"] - last["overflow_usd"] - _capex_cash(s)
    local_per_mtok = per_mtok(last["local_net_usd"], total_tokens) if fit.fits else None
    running_per_mtok = per_mtok(running_usd, float(served.sum())) if hpt is not None else None
    marginal_per_mtok = terms.marginal_usd_per_token * TOKENS_PER_MTOK if hpt is not None else None
    at_load = (
        hpt * TOKENS_PER_MTOK * s.build.power_load_w / W_PER_KW * s.electricity_usd_per_kwh if hpt is not None else None
    )

    margin = terms.api_usd_per_token * terms.api_price_factor_mean - terms.marginal_usd_per_token
    volume = terms.fixed_usd / (horizon * margin) if (hpt is not None and margin > 0) else None
    within = volume is not None and volume <= terms.capacity_tok_per_month
    savings = last["savings_usd"]

    break_even = hybrid = cash_payback = None
    if not fit.fits:
        verdict = Verdict.DOES_NOT_FIT
        headline = f"does not fit: short by {fit.shortfall_gb:,.0f} GB"
        reason = f"{headline} (needs {fit.required_gb:,.0f} GB, {fit.available_gb:,.0f} GB usable)"
        if fit.cap_raise_would_fit:
            reason += "; raising the GPU memory cap would make it fit"
    elif first_over is not None:
        verdict = Verdict.CANNOT_SERVE
        hybrid = crossing
        headline = (
            f"cannot serve: capacity {format_mtok(terms.capacity_tok_per_month)} tokens a month "
            f"against {format_mtok(tokens[first_over])} asked"
            + (f" (from month {first_over})" if first_over > 1 else "")
        )
        reason = headline + (
            f"; the hybrid sending the overflow to the API pays back in month {hybrid:.1f}"
            if hybrid is not None and hybrid <= horizon
            else "; the hybrid sending the overflow to the API never pays back"
        )
    elif crossing is not None:
        verdict = Verdict.PAYS_BACK
        break_even, cash_payback = crossing, cash_crossing
        headline = reason = f"pays back in month {crossing:.1f}"
        if _end_of_life_value(s) > 0:
            reason += " counting its resale value at the end of its life" + (
                f"; in cash alone in month {cash_crossing:.1f}"
                if cash_crossing is not None and cash_crossing <= horizon
                else "; not within the horizon in cash alone"
            )
    else:
        verdict = Verdict.NEVER
        if total_tokens < 1:
            headline = reason = "never: no tokens to serve"
        elif running_per_mtok is not None and running_per_mtok >= api_horizon_per_mtok:
            headline = f"never: running costs alone are {_rate(running_per_mtok)} per million tokens"
            reason = (
                f"{headline} against the API's {_rate(api_horizon_per_mtok)}{trend_note} "
                f"({_rate(running_per_mtok - api_horizon_per_mtok)} more)"
            )
        else:
            headline = (
                f"never within {horizon} months: local costs {_rate(local_per_mtok)} per million tokens "
                f"against the API's {_rate(api_horizon_per_mtok)}{trend_note}"
            )
            reason = headline
            monthly = float((c["api_usd"][-1] - c["api_usd"][-2]) - (c["local_usd"][-1] - c["local_usd"][-2]))
            months_more = gap[-1] / monthly if monthly > 0 else None
            if months_more is not None:
                reason += f"; it saves {_usd(monthly)} a month, so paying back would take ~{horizon + months_more:,.0f} months"
            if savings > 0:
                reason += (
                    f"; sold at month {horizon} while still worth more than its end-of-life value, "
                    f"it leaves you {_usd(savings)} ahead"
                )
    return Comparison(
        scenario=s,
        verdict=verdict,
        headline=headline,
        reason=reason,
        break_even_month=break_even,
        cash_payback_month=cash_payback,
        hybrid_break_even_month=hybrid,
        break_even_usd=(
            _at_month(c["api_usd"], break_even if break_even is not None else hybrid)
            if (break_even is not None or hybrid is not None)
            else None
        ),
        break_even_volume_tok_per_month=volume,
        break_even_volume_within_capacity=within,
        savings_at_horizon_usd=savings,
        local_usd_per_mtok=local_per_mtok,
        api_usd_per_mtok=api_per_mtok,
        local_running_usd_per_mtok=running_per_mtok,
        local_marginal_usd_per_mtok=marginal_per_mtok,
        electricity_usd_per_mtok_at_load=at_load,
        capacity_tok_per_month=terms.capacity_tok_per_month,
        first_month_over_capacity=first_over,
        throughput=throughput,
        fit=fit,
        terms=terms,
        curve=pd.DataFrame(c, columns=list(CURVE_COLUMNS), copy=False),
    )


def _end_of_life_value(scenario: Scenario) -> float:
    """Resale value the machine keeps at the end of its life [USD]."""
    return scenario.build.capex_usd * scenario.dual_use_share * scenario.build.resale_fraction


def _capex_cash(scenario: Scenario) -> float:
    """Capex and replacement cash over the horizon [USD]."""
    b, s = scenario.build, scenario
    capex = b.capex_usd * s.dual_use_share
    replaced = replacement_months(s.horizon_months, b.lifetime_months, s.replace_at_end_of_life)
    return capex + replaced.size * capex * (1.0 - b.resale_fraction)


def volume_curve(
    comparison: Comparison,
    min_tok_per_month: float = 1e6,
    max_tok_per_month: float = 1e10,
    points: int = 200,
) -> pd.DataFrame:
    """Cost per million tokens against a flat monthly volume, log-spaced [USD/Mtok].

    Columns: ``volume_tok_per_month``, ``local_usd_per_mtok`` (net of resale over the horizon;
    above capacity, the hybrid that sends the overflow to the API), ``api_usd_per_mtok``,
    ``within_capacity``. Both costs are averages over the horizon: with a price trend the API's
    price (and the overflow's) is today's times the trend's mean multiplier.
    """
    if not (0 < min_tok_per_month < max_tok_per_month) or points < 2:
        raise CostModelError(
            "volume_curve: need 0 < min_tok_per_month < max_tok_per_month and points >= 2, "
            f"got {min_tok_per_month:g}, {max_tok_per_month:g}, {points}"
        )
    t = comparison.terms
    volume = np.geomspace(min_tok_per_month, max_tok_per_month, points)
    served = np.minimum(volume, t.capacity_tok_per_month)
    local_total = t.fixed_usd + t.horizon_months * (
        t.marginal_usd_per_token * served + t.overflow_usd_per_token * t.api_price_factor_mean * (volume - served)
    )
    return pd.DataFrame(
        {
            "volume_tok_per_month": volume,
            "local_usd_per_mtok": local_total / (volume * t.horizon_months) * TOKENS_PER_MTOK,
            "api_usd_per_mtok": np.full(points, t.api_usd_per_token * t.api_price_factor_mean * TOKENS_PER_MTOK),
            "within_capacity": volume <= t.capacity_tok_per_month,
        }
    )
