"""Break-even: local ownership against API spend, month by month and across volumes.

``compare(scenario)`` runs the engine (``costmodel.engine``) for the one scenario and returns a
``Comparison``: numbers only (the verdict in words is ``costmodel.explain.explain``'s job): a
verdict, the break-even month and volume, costs per million tokens, and the curve as a tidy
DataFrame.

Definitions
-----------
One basis for every figure: **the local position** at month m, the cash out to date less what the
machine would fetch if sold at m (``costmodel.engine``). With a cost of capital, both it and the
API's spend are present values.

* **Savings at the horizon**: API spend less the local position at the horizon.
* **Verdict**: ``does_not_fit`` (the quant does not fit in memory), ``cannot_serve`` (the volume
  needs more hours than the box is powered in some month; the hybrid that serves up to capacity
  locally and sends the overflow to the API is costed in the curve), ``pays_back`` (the position
  is ahead of the API at the horizon: the savings are positive) or ``never`` (it is not).
* **Crossings**: every month the savings change sign (``crossings``), so "pays back in month 31,
  falls behind in month 48, ahead again from month 55" is said whole. **Break-even month**: the
  first month the position turns ahead, when the box pays back. **Cash payback**: the same for
  the cash out alone, resale ignored, a second and labelled figure.
* **Cost per million tokens**: the position at the horizon over the tokens asked (each month's
  weighted by its discount, so that the API's figure is its price): local below the API's exactly
  when the savings are positive.
* **Break-even volume**: the flat monthly volume at which the savings at the horizon are 0. Within
  capacity they are linear in a flat volume, so two draws of the engine (no tokens, and the volume
  at capacity) give the line and its root.
* **API price trend** (``Scenario.api_price_change_per_year`` = g): month m's API tokens, and the
  overflow's, cost today's price times ``(1 + g) ** ((m - 1) / 12)`` (``price_trend_factors``).
* **Quality adjustment** (``Scenario.quality_adjusted``): the build generates
  ``1 / quality_retained`` tokens for each token the API would (``local_tokens_per_api_token``),
  so hours at load, electricity above idle and capacity count tokens of API-equivalent work.
"""

from __future__ import annotations

import dataclasses
import enum
import functools

import numpy as np
import pandas as pd

from .engine import Simulation, crossings, first_ahead, hours_per_api_token, price_trend_factors, simulate
from .errors import CostModelError
from .inputs import INPUTS
from .memory import Fit, check_fit
from .ownership import capacity_tok_per_month, per_mtok
from .pricing import blended_usd_per_mtok
from .renting import MOST_INSTANCES, interruption_factor, restart_hours
from .schema import Scenario
from .speed import Speed, estimate_speed
from .units import HOURS_PER_DAY, TOKENS_PER_MTOK, W_PER_KW


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
    "local_cash_usd",  # local cash out: the machine, setup, replacements, running costs, overflow
    "overflow_usd",  # of which the overflow sent to the API
    "running_usd",  # of which electricity, maintenance and operator time
    "local_value_usd",  # what the machine would sell for at that month
    "local_net_usd",  # the local position: cash out less what the machine would sell for
    "savings_usd",  # api_usd - local_net_usd: above 0, owning is ahead
    "discount_factor",  # what a dollar of that month is worth today (1 without a cost of capital)
)


@dataclasses.dataclass(frozen=True)
class Throughput:
    """Speeds used for capacity, and where they came from."""

    decode_tok_s: float | None  # aggregate over the streams served at once
    prefill_tok_s: float | None
    source: str  # "measured", "estimated", "measured decode, estimated prefill", "none"
    estimate: Speed | None
    streams: int = 1

    @property
    def stream_decode_tok_s(self) -> float | None:
        """What each of the streams gets [tokens/s]."""
        return None if self.decode_tok_s is None else self.decode_tok_s / self.streams


@dataclasses.dataclass(frozen=True)
class RentalUse:
    """What renting serves the demand with, over the horizon (months 1..horizon)."""

    hours_billed_per_month: float  # [h/month] instance-hours billed, on average a month
    hours_worked_per_month: float  # [h/month] of which the instances work, on average a month
    rented_instances: int  # instances rented at once in the busiest month
    instance_capacity_tok_per_month: float  # [tokens/month] most one instance serves a month
    restart_h: float  # [h] start and weights load
    effective_usd_per_hour: float  # [USD/h] the hourly price with each interruption's restart billed

    @property
    def rental_utilisation(self) -> float:
        """Hours of work over hours billed [0-1] (0 when nothing is billed)."""
        billed = self.hours_billed_per_month
        return self.hours_worked_per_month / billed if billed > 0 else 0.0


@dataclasses.dataclass(frozen=True)
class Comparison:
    """The result of ``compare``: numbers only. ``costmodel.explain.explain`` puts them in words."""

    scenario: Scenario
    verdict: Verdict
    break_even_month: float | None
    cash_payback_month: float | None
    hybrid_break_even_month: float | None
    break_even_usd: float | None
    break_even_volume_tok_per_month: float | None
    break_even_volume_within_capacity: bool
    savings_at_horizon_usd: float
    local_usd_per_mtok: float | None
    api_usd_per_mtok: float  # today's blended price; with a price trend the curve's api_usd follows it
    api_horizon_usd_per_mtok: float  # what the API charges on average over the horizon, tokens weighted
    api_price_factor_mean: float  # mean of the trend's multiplier over months 1..horizon (1 when flat)
    local_running_usd_per_mtok: float | None
    local_marginal_usd_per_mtok: float | None
    electricity_usd_per_mtok_at_load: float | None
    capacity_tok_per_month: float
    first_month_over_capacity: int | None
    #: each stream's decode is below the scenario's ``min_stream_tok_s``: the box is too slow for them
    too_slow: bool
    crossings: tuple[tuple[float, bool], ...]  # (month, True: turns ahead / False: falls behind)
    throughput: Throughput
    fit: Fit
    columns: dict[str, np.ndarray]  # the curve's columns (``CURVE_COLUMNS``), one value per month 0..horizon
    rental: RentalUse | None = None  # a rented machine's hours billed, instances and utilisation

    @functools.cached_property
    def curve(self) -> pd.DataFrame:
        """The monthly curve as a tidy DataFrame: one row per month, ``CURVE_COLUMNS``."""
        return pd.DataFrame(self.columns, columns=list(CURVE_COLUMNS), copy=False)

    @property
    def total_tokens(self) -> float:
        """Tokens asked over the horizon."""
        return float(self.columns["tokens"].sum())

    @property
    def tokens_first_over_capacity(self) -> float | None:
        """Tokens asked in the first month the build cannot serve."""
        m = self.first_month_over_capacity
        return None if m is None else float(self.columns["tokens"][m])

    @property
    def stream_tok_s(self) -> float | None:
        """What each stream decodes at [tokens/s], speculative decoding counted."""
        return stream_tok_s(self.scenario, self.throughput)

    @property
    def ahead(self) -> bool:
        """True when the local position is ahead of the API at the horizon."""
        return self.savings_at_horizon_usd > 0


def throughput(scenario: Scenario, fit: Fit) -> Throughput:
    """Measured speeds where the scenario gives them, the estimator's otherwise."""
    s = scenario
    if not fit.fits:
        return Throughput(None, None, "none", None)
    estimate = estimate_speed(s.build, s.model, s.quant, **s.speed.model_dump())  # its ceiling checks a measurement
    decode = estimate.decode_tok_s
    if s.decode_tok_s is not None:  # a measurement of one stream, moved to the streams served by the model's ratio
        decode = s.decode_tok_s
        if s.concurrency > 1:
            one = estimate_speed(s.build, s.model, s.quant, **{**s.speed.model_dump(), "concurrency": 1})
            decode *= estimate.decode_tok_s / one.decode_tok_s
    prefill = s.prefill_tok_s if s.prefill_tok_s is not None else estimate.prefill_tok_s
    given = (s.decode_tok_s is not None, s.prefill_tok_s is not None)
    k = s.speed_source
    source = {
        (True, True): k,
        (True, False): f"{k} decode, estimated prefill",
        (False, True): f"estimated decode, {k} prefill",
        (False, False): "estimated",
    }[given]
    return Throughput(decode, prefill, source, estimate, s.concurrency)


def stream_tok_s(scenario: Scenario, speeds: Throughput) -> float | None:
    """What each stream decodes at [tokens/s]: the aggregate over the streams, with speculative decoding."""
    each = speeds.stream_decode_tok_s
    return None if each is None else each * scenario.speculative_speedup


def base_values(scenario: Scenario, speeds: Throughput) -> dict[str, float | None]:
    """Every input of ``INPUTS`` that applies to the scenario (``Input.applies``), as the scenario has
    it; ``decode_tok_s`` is the speed in use (measured, else estimated; None when the build cannot
    run the model)."""
    values: dict[str, float | None] = {
        name: row.read(scenario) for name, row in INPUTS.items() if name != "decode_tok_s" and row.applies(scenario)
    }
    values["decode_tok_s"] = speeds.decode_tok_s
    return values


def _at_month(values: np.ndarray, month: float) -> float:
    """A monthly series at a fractional month, linearly interpolated."""
    return float(np.interp(month, np.arange(values.size), values))


def _row(sim: Simulation, i: int = 0) -> dict[str, np.ndarray]:
    """Draw ``i`` of a simulation as the curve's columns."""
    return {
        "month": sim.months.astype(int),
        "tokens": sim.tokens[i],
        "served_local_tokens": sim.served_local_tokens[i],
        "api_usd": sim.api_usd[i],
        "local_cash_usd": sim.local_cash_usd[i],
        "overflow_usd": sim.overflow_usd[i],
        "running_usd": sim.running_usd[i],
        "local_value_usd": sim.local_value_usd[i],
        "local_net_usd": sim.local_net_usd[i],
        "savings_usd": sim.savings_usd[i],
        "discount_factor": sim.discount[min(i, sim.discount.shape[0] - 1)],
    }


def _flat(scenario: Scenario) -> Scenario:
    """``scenario`` with flat usage: the volume curve and break-even volume are about flat volumes."""
    if scenario.usage.monthly_growth == 0:
        return scenario
    usage = scenario.usage.model_copy(update={"monthly_growth": 0.0})
    return scenario.model_copy(update={"usage": usage})


def _break_even_volume(at_zero: float, at_capacity: float, capacity: float) -> tuple[float | None, bool]:
    """The flat volume where savings at the horizon are 0, from their line through (0, at_zero) and
    (capacity, at_capacity) [tokens/month], and whether it lies within capacity; None if they never rise."""
    slope = (at_capacity - at_zero) / capacity
    if slope <= 0:
        return None, False
    volume = -at_zero / slope
    return volume, volume <= capacity


def compare(scenario: Scenario) -> Comparison:
    """Local ownership against the API for ``scenario``: verdict, break-even and curves.

    Never raises for a valid ``Scenario``: a build that cannot hold the quant gets the verdict
    ``does_not_fit``, one too slow for the volume ``cannot_serve``.
    """
    if not isinstance(scenario, Scenario):
        raise CostModelError(f"compare: expected a Scenario, got {type(scenario).__name__}")
    s, u, b = scenario, scenario.usage, scenario.build
    fit = check_fit(b, s.model, s.quant, **s.memory.model_dump())
    speeds = throughput(s, fit)
    prefill = speeds.prefill_tok_s  # as measured or estimated; the engine takes the prefix cache off
    runnable = speeds.decode_tok_s is not None and prefill is not None
    hpt = hours_per_api_token(s, speeds.decode_tok_s, prefill, u.input_share, u.cached_input_share) if runnable else None
    on_hours, units = (HOURS_PER_DAY, MOST_INSTANCES) if b.rented else (s.hours_per_day, s.boxes)
    capacity = (
        capacity_tok_per_month(hpt, on_hours, s.busy_hours_per_day, s.peak_to_average, units)
        if hpt is not None
        else 0.0
    )
    values = base_values(s, speeds)
    # the break-even volume: flat volumes 0 and capacity, as draws 1 and 2 (a bought box's savings
    # are linear in a flat volume within capacity; a rental's step with its instances: searched)
    line = runnable and capacity > 0 and not b.rented
    if line and u.monthly_growth == 0:  # one run of the engine for all three
        sim = simulate(s, {**values, "tokens_per_month": np.array([u.tokens_per_month, 0.0, capacity])}, prefill, n=3)
        flat = sim.savings_usd[1:, -1]
    else:
        sim = simulate(s, values, prefill)
        flat = (
            simulate(_flat(s), {**values, "tokens_per_month": np.array([0.0, capacity])}, prefill, n=2).savings_usd[
                :, -1
            ]
            if line
            else None
        )
    c = _row(sim)

    tokens, served = c["tokens"], c["served_local_tokens"]
    over = np.nonzero(tokens[1:] - served[1:] > tokens[1:] * 1e-12)[0]
    first_over = int(over[0]) + 1 if over.size else None
    savings = c["savings_usd"]
    turns = crossings(savings)
    first_up = next((month for month, up in turns if up), None)
    cash_crosses, cash_month = first_ahead(c["api_usd"] - c["local_cash_usd"])
    weight = float((tokens * c["discount_factor"]).sum())  # tokens asked, each month's at its discount
    served_weight = float((served * c["discount_factor"]).sum())
    last = {column: float(values[-1]) for column, values in c.items()}
    trend = price_trend_factors(s.api_price_change_per_year, s.horizon_months)
    at_load = (
        hpt * TOKENS_PER_MTOK / W_PER_KW * s.electricity_usd_per_kwh * s.pue if runnable and not b.rented else None
    )

    if line:
        volume, within = _break_even_volume(float(flat[0]), float(flat[1]), capacity)
    elif runnable and capacity > 0:
        volume, within = _searched_break_even_volume(s, values, prefill, capacity)
    else:
        volume, within = None, False
    rental = _rental_use(s, sim, hpt, on_hours) if b.rented and runnable else None

    break_even = hybrid = cash_payback = None
    floor = s.min_stream_tok_s
    too_slow = runnable and floor is not None and stream_tok_s(s, speeds) < floor
    if not fit.fits:
        verdict = Verdict.DOES_NOT_FIT
    elif too_slow:
        verdict = Verdict.CANNOT_SERVE
    elif first_over is not None:
        verdict, hybrid = Verdict.CANNOT_SERVE, first_up if last["savings_usd"] > 0 else None
    elif last["savings_usd"] > 0:
        verdict, break_even = Verdict.PAYS_BACK, first_up
    else:
        verdict = Verdict.NEVER
    if verdict in (Verdict.PAYS_BACK, Verdict.CANNOT_SERVE) and cash_crosses[0] and not b.rented:
        cash_payback = float(cash_month[0])  # a rental buys nothing: no price to recover
    crossed = break_even if break_even is not None else hybrid
    return Comparison(
        scenario=s,
        verdict=verdict,
        break_even_month=break_even,
        cash_payback_month=cash_payback,
        hybrid_break_even_month=hybrid,
        break_even_usd=_at_month(c["api_usd"], crossed) if crossed is not None else None,
        break_even_volume_tok_per_month=volume,
        break_even_volume_within_capacity=within,
        savings_at_horizon_usd=last["savings_usd"],
        local_usd_per_mtok=per_mtok(last["local_net_usd"], weight) if fit.fits else None,
        api_usd_per_mtok=blended_usd_per_mtok(s.price, u),
        api_horizon_usd_per_mtok=per_mtok(last["api_usd"], weight) or blended_usd_per_mtok(s.price, u),
        api_price_factor_mean=float(trend[1:].mean()),
        local_running_usd_per_mtok=per_mtok(last["running_usd"], served_weight) if runnable else None,
        local_marginal_usd_per_mtok=(
            at_load * (b.power_load_w - b.power_idle_w)
            if at_load is not None
            else hpt * TOKENS_PER_MTOK * rental.effective_usd_per_hour
            if rental is not None
            else None
        ),
        electricity_usd_per_mtok_at_load=at_load * b.power_load_w if at_load is not None else None,
        capacity_tok_per_month=capacity,
        first_month_over_capacity=first_over,
        too_slow=bool(too_slow),
        crossings=turns,
        throughput=speeds,
        fit=fit,
        columns=c,
        rental=rental,
    )


def _rental_use(s: Scenario, sim: Simulation, hpt: float, on_hours: float) -> RentalUse:
    """A rented machine's hours billed and worked, instances and prices, from draw 0 of ``sim``."""
    r = s.build
    restart = restart_hours(r, s.quant.file_size_gb)
    served = sim.served_local_tokens[0, 1:]
    return RentalUse(
        hours_billed_per_month=float(sim.billed_hours[0, 1:].mean()),
        hours_worked_per_month=float((served * hpt).mean()),
        rented_instances=int(sim.rented_instances[0, 1:].max()),
        instance_capacity_tok_per_month=float(
            capacity_tok_per_month(hpt, on_hours, s.busy_hours_per_day, s.peak_to_average)
        ),
        restart_h=restart,
        effective_usd_per_hour=r.usd_per_hour * interruption_factor(r, restart),
    )


#: flat volumes tried at once when a break-even volume is searched (twice: a grid, then within a step)
SEARCH_POINTS = 96


def _searched_break_even_volume(
    s: Scenario, values: dict[str, float | None], prefill: float, capacity: float
) -> tuple[float | None, bool]:
    """The lowest flat volume at which the savings at the horizon turn positive, where they are not
    linear in the volume (a rental's instances come in steps) [tokens/month]: a log grid up to
    ``capacity``, then a finer one within the step where they change sign, interpolated there."""
    flat = _flat(s)

    def savings(volumes: np.ndarray) -> np.ndarray:
        sim = simulate(flat, {**values, "tokens_per_month": volumes}, prefill, n=volumes.size)
        return sim.savings_usd[:, -1]

    grid = np.concatenate([[0.0], np.geomspace(capacity * 1e-6, capacity, SEARCH_POINTS - 1)])
    ahead = savings(grid)
    up = np.nonzero((ahead[1:] > 0) & (ahead[:-1] <= 0))[0]
    if up.size == 0:
        return None, False
    low, high = grid[up[0]], grid[up[0] + 1]
    fine = np.linspace(low, high, SEARCH_POINTS)
    ahead = savings(fine)
    i = int(np.argmax(ahead > 0))
    v0, v1, a0, a1 = fine[i - 1], fine[i], ahead[i - 1], ahead[i]
    return float(v0 + (v1 - v0) * (-a0) / (a1 - a0)), True


def volume_curve(
    comparison: Comparison,
    min_tok_per_month: float = 1e6,
    max_tok_per_month: float = 1e10,
    points: int = 200,
    *,
    volumes: np.ndarray | None = None,
) -> pd.DataFrame:
    """Cost per million tokens against a flat monthly volume, log-spaced [USD/Mtok].

    Columns: ``volume_tok_per_month``, ``local_usd_per_mtok`` (net of resale over the horizon;
    above capacity, the hybrid that sends the overflow to the API), ``api_usd_per_mtok``,
    ``within_capacity``. Each volume is a draw of the same engine ``compare`` runs, with flat
    usage: with a price trend both sides are averages over the horizon. ``volumes`` gives the
    volumes themselves [tokens/month, each above 0] in place of the log-spaced range.
    """
    if volumes is None:
        if not (0 < min_tok_per_month < max_tok_per_month) or points < 2:
            raise CostModelError(
                "volume_curve: need 0 < min_tok_per_month < max_tok_per_month and points >= 2, "
                f"got {min_tok_per_month:g}, {max_tok_per_month:g}, {points}"
            )
        volume = np.geomspace(min_tok_per_month, max_tok_per_month, points)
    else:
        volume = np.asarray(volumes, dtype=float).ravel()
        if volume.size < 1 or not np.all(np.isfinite(volume)) or np.any(volume <= 0):
            raise CostModelError("volume_curve: volumes must be finite and above 0")
    local, api = flat_costs(comparison.scenario, comparison.throughput, volume)
    return pd.DataFrame(
        {
            "volume_tok_per_month": volume,
            "local_usd_per_mtok": local,
            "api_usd_per_mtok": api,
            "within_capacity": volume <= comparison.capacity_tok_per_month,
        }
    )


def flat_costs(
    scenario: Scenario, speeds: Throughput, volumes: np.ndarray, boxes: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Local and API cost per million tokens at flat monthly ``volumes`` [USD/Mtok], one draw of the
    engine per volume (the numbers of ``volume_curve``): each side over the horizon, over the tokens
    asked with each month's at its discount, as ``compare`` counts them. ``boxes`` gives a bought
    build's number of boxes per draw (the scenario's by default)."""
    values = {**base_values(scenario, speeds), "tokens_per_month": volumes}
    if boxes is not None:
        values["boxes"] = boxes
    sim = simulate(_flat(scenario), values, speeds.prefill_tok_s, n=volumes.size)
    tokens = sim.tokens_weight
    return sim.local_net_usd[:, -1] / tokens * TOKENS_PER_MTOK, sim.api_usd[:, -1] / tokens * TOKENS_PER_MTOK
