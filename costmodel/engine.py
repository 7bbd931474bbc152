"""The one monthly simulation behind every figure: what owning a build and paying the API cost.

``simulate`` runs a scenario month by month (month 0 is the purchase) for ``n`` draws at once:
every input of ``costmodel.inputs.INPUTS`` may be a number or an (n,) array, and every result is an
(n, horizon + 1) array of cumulative USD. ``compare`` is the one-draw case; ``monte_carlo`` runs
10,000. ``crossings`` finds where a curve changes sign.

Month by month, for demand D_m (tokens asked, growing by ``monthly_growth``):

* hours needed = D_m x hours per token (``ownership.hours_per_token``, quality adjustment included),
  at most the powered hours; above them the build serves a share and the rest overflows to the API;
* running cost = electricity at load and idle x PUE (``ownership.electricity_usd``) + maintenance
  (flat, and a share of capex a year) + operator time;
* cash out = the machine's price at month 0 (capex x dual use, or nothing for a box owned already,
  whose price is the sale given up) + setup; at each replacement a new machine less the old one
  sold at its value then; + running costs + the overflow's API bill;
* the machine's value if sold at month m (``ownership.resale_value_usd``);
* **the local position** at month m = cash out to date - the machine's value at m: what owning has
  cost if the box were sold that month. Every verdict, saving and cost per token comes from it;
* API spend = D_m x the blended price x the price trend's multiplier (``price_trend_factors``);
* with a cost of capital both sides are present values: month m's dollars x ``(1 + r) ** -m``
  (``ownership.discount_factors``), the machine's value at m too.

A rented machine (``Rental``) runs the same sums with its bill in place of owning: as many
instances as the month's work needs (up to ``renting.MOST_INSTANCES``, the overflow to the API
beyond), the instance-hours its ``rental_mode`` bills at the hourly price, storage for the weights,
egress and operator time (``costmodel.renting``); nothing is bought, so it is worth nothing if
"sold" and its position is its cash out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from .inputs import INPUTS
from .ownership import (
    discount_factors,
    electricity_usd,
    hours_per_token,
    powered_hours_per_month,
    replacement_months,
    resale_value_usd,
    usable_hours_per_month,
)
from .pricing import blended_usd_per_mtok
from .renting import MOST_INSTANCES, billed_hours, egress_usd, interruption_factor, restart_hours, storage_usd
from .schema import ApiPrice, Scenario
from .units import HOURS_PER_DAY, MONTHS_PER_YEAR, TOKENS_PER_MTOK

#: an (n,) array of an input per draw, or one number for every draw
Values = Mapping[str, "float | np.ndarray | None"]


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


@dataclasses.dataclass(frozen=True)
class Simulation:
    """Cumulative sums of ``n`` draws by month: every curve an (n, horizon + 1) array [USD, or tokens],
    in present value when the scenario discounts."""

    months: np.ndarray  # (horizon + 1,) 0..horizon
    tokens: np.ndarray  # tokens asked each month (not discounted)
    served_local_tokens: np.ndarray  # of which the build serves (not discounted)
    discount: np.ndarray  # (1 or n, horizon + 1) what a dollar of month m is worth today
    api_usd: np.ndarray  # all tokens through the API
    local_cash_usd: np.ndarray  # machine, setup, replacements, running costs, overflow to the API
    overflow_usd: np.ndarray  # of which the overflow sent to the API
    running_usd: np.ndarray  # of which electricity, maintenance and operator time
    local_value_usd: np.ndarray  # what the machine in use would sell for that month
    over_capacity: np.ndarray  # (n,) bool: some month asks more than the build serves
    billed_hours: np.ndarray | None = None  # a rented machine's instance-hours billed each month
    rented_instances: np.ndarray | None = None  # and the instances rented each month

    @property
    def local_net_usd(self) -> np.ndarray:
        """The local position: cash out to date less what the machine would sell for that month."""
        return self.local_cash_usd - self.local_value_usd

    @property
    def savings_usd(self) -> np.ndarray:
        """API spend less the local position: above 0, owning is ahead."""
        return self.api_usd - self.local_net_usd

    @property
    def tokens_weight(self) -> np.ndarray:
        """Tokens asked over the horizon, each month's counted at its discount [tokens] (n or 1,)."""
        return (self.tokens * self.discount).sum(axis=1)


def _column(value: float | np.ndarray) -> np.ndarray:
    """An input as an (n, 1) column (or (1, 1) for one value), so it broadcasts against (n, months)."""
    return np.asarray(value, dtype=float).reshape(-1, 1)


def _blend(price: ApiPrice, input_share: np.ndarray, cached_input_share: np.ndarray) -> np.ndarray:
    cached = price.cached_input_usd_per_mtok
    return blended_usd_per_mtok(
        input_usd_per_mtok=price.input_usd_per_mtok,
        output_usd_per_mtok=price.output_usd_per_mtok,
        cached_input_usd_per_mtok=price.input_usd_per_mtok if cached is None else cached,
        input_share=input_share,
        cached_input_share=cached_input_share,
    )


def local_prefill_tok_s(prefill_tok_s, prefix_cache_hit: float | None, cached_input_share):
    """Prompt tokens a second of the mix on the local side: a prefix-cache hit is not prefilled
    again, so the hit share of input costs no time (``prefix_cache_hit``; None: the usage's cached
    share of input, what the API bills as cached).

    >>> round(float(local_prefill_tok_s(100.0, None, 0.9))), float(local_prefill_tok_s(100.0, 0.0, 0.9))
    (1000, 100.0)
    """
    hit = cached_input_share if prefix_cache_hit is None else prefix_cache_hit
    return prefill_tok_s / np.maximum(1.0 - hit, 1e-3)


def hours_per_api_token(s: Scenario, decode_tok_s, prefill_tok_s, input_share, cached_input_share, speedup=None):
    """Hours a machine works for each API token of the mix [h/token]: decode (times speculative
    decoding's ``speedup``, the scenario's by default) and prefill (less the prefix cache's hits),
    times the extra tokens a quant's quality gap asks for (``local_tokens_per_api_token``)."""
    speedup = s.speculative_speedup if speedup is None else speedup
    prefill = local_prefill_tok_s(prefill_tok_s, s.prefix_cache_hit, cached_input_share)
    return hours_per_token(decode_tok_s * speedup, prefill, input_share) * s.local_tokens_per_api_token


def _owning(s: Scenario, col: Mapping[str, np.ndarray], load_h: np.ndarray, horizon: int):
    """A bought machine's monthly flows, running costs and value if sold, for hours at load ``load_h``."""
    b, boxes = s.build, col["boxes"]
    powered = powered_hours_per_month(col["hours_per_day"])
    capex = col["capex_usd"] * col["dual_use_share"] * boxes  # the machines' price charged to LLM work
    electricity = boxes * electricity_usd(
        load_h, powered, b.power_load_w, b.power_idle_w, col["electricity_usd_per_kwh"]
    )
    running = electricity * col["pue"] + (
        s.maintenance_usd_per_month * boxes
        + capex * col["maintenance_share_per_year"] / MONTHS_PER_YEAR
        + col["operator_hours_per_month"] * col["operator_usd_per_hour"]
    )
    running[:, 0] = 0.0
    resale = col["resale_fraction"]
    owned = s.owned_value_usd
    flows = running.copy()
    flows[:, :1] += (capex if owned is None else owned) + (col["setup_usd"] if owned is None else 0.0)
    value = resale_value_usd(capex, resale, b.lifetime_months, horizon, s.replace_at_end_of_life, owned)
    for i, month in enumerate(replacement_months(horizon, b.lifetime_months, s.replace_at_end_of_life)):
        old_price = owned if (i == 0 and owned is not None) else capex
        m = int(month)  # a new machine bought, the old one sold at its end-of-life value
        flows[:, m : m + 1] += capex - old_price * resale
    return flows, running, value


def rent_bill(s: Scenario, work_h, usable_h, col: Mapping[str, np.ndarray] | None = None):
    """Hours billed a month and their price for ``work_h`` hours of work: ``(hours, instances, usd)``,
    interruptions counted (``costmodel.renting``). ``col`` gives the varied inputs (the rental price
    multiplier, busy hours, starts a day) where a sensitivity study draws them."""
    col = col or {}
    r = s.build
    restart = restart_hours(r, s.quant.file_size_gb)
    hours, count = billed_hours(
        r,
        s.rental_mode,
        work_h,
        usable_h,
        col.get("busy_hours_per_day", s.busy_hours_per_day),
        restart,
        col.get("rental_starts_per_day", s.rental_starts_per_day),
        s.rental_idle_minutes,
    )
    hours = hours * interruption_factor(r, restart)
    return hours, count, hours * r.usd_per_hour * col.get("rental_price", 1.0)


def simulate(scenario: Scenario, values: Values, prefill_tok_s: float | None, n: int = 1) -> Simulation:
    """The monthly sums of ``scenario`` for ``n`` draws of the inputs in ``values``.

    ``values`` gives every input of ``INPUTS`` as a number or an (n,) array, in its unit;
    ``decode_tok_s`` (and ``prefill_tok_s``) None means the build cannot run the model, so every
    token goes to the API on the local side too. Other fields (horizon, growth, lifetime, power,
    the prices themselves, the box owned already) are the scenario's.
    """
    s, b, u = scenario, scenario.build, scenario.usage
    horizon = s.horizon_months
    months = np.arange(horizon + 1, dtype=float)
    col = {name: _column(values[name]) for name in INPUTS if values.get(name) is not None}

    growth = np.zeros(horizon + 1)
    growth[1:] = (1.0 + u.monthly_growth) ** (months[1:] - 1)
    demand = np.broadcast_to(col["tokens_per_month"] * growth, (n, horizon + 1))  # (n, months) tokens asked
    busy = col.get("busy_hours_per_day", s.busy_hours_per_day)
    # a rented machine is up whenever it is asked for; a bought one is powered hours_per_day
    on_hours = HOURS_PER_DAY if b.rented else col["hours_per_day"]
    usable = usable_hours_per_month(on_hours, busy, s.peak_to_average)  # hours one machine can work
    units = MOST_INSTANCES if b.rented else col["boxes"]  # the most machines that share the load
    runnable = "decode_tok_s" in col and prefill_tok_s is not None
    if runnable:
        hpt = hours_per_api_token(
            s, col["decode_tok_s"], prefill_tok_s, col["input_share"], col["cached_input_share"], col["speculative_speedup"]
        )
        needed_h = demand * hpt / units  # hours each machine works: they share the load
        load_h = np.minimum(needed_h, usable)
        over = needed_h > usable
    else:
        needed_h = load_h = np.zeros((n, horizon + 1))
        over = np.ones((n, horizon + 1), dtype=bool)

    billed = rented_count = None
    if b.rented:  # the bill: hours billed, the weights' storage, the answers sent out, operator time
        work_h = load_h * units
        served_output = (
            np.divide(work_h, hpt, out=np.zeros_like(work_h), where=work_h > 0) * (1.0 - col["input_share"])
            if runnable
            else np.zeros_like(work_h)
        )
        billed, rented_count, hours_usd = rent_bill(s, work_h, usable, col)
        running = (
            hours_usd
            + storage_usd(b, s.quant.file_size_gb, rented_count)
            + egress_usd(b, served_output)
            + col["operator_hours_per_month"] * col["operator_usd_per_hour"]
        )
        running = np.broadcast_to(running, (n, horizon + 1)).copy()
        running[:, 0] = 0.0
        flows = running.copy()
        value = np.zeros((1, horizon + 1))
    else:
        flows, running, value = _owning(s, col, load_h, horizon)

    api_rate = col["api_price"] * _blend(s.price, col["input_share"], col["cached_input_share"]) / TOKENS_PER_MTOK
    change = np.asarray(values["api_price_change_per_year"], dtype=float)
    # one row of multipliers when every draw shares the trend (the common case): 1/n of the work
    trend = (
        price_trend_factors(float(change.flat[0]), horizon)
        if change.size == 1 or np.all(change == change.flat[0])
        else price_trend_factors(change.reshape(n), horizon)
    )
    rate = np.asarray(values["discount_rate_per_year"], dtype=float) if s.discounted else np.zeros(1)
    monthly = (1.0 + rate) ** (1.0 / MONTHS_PER_YEAR) - 1.0
    discount = (
        discount_factors(float(monthly.flat[0]), horizon)[np.newaxis, :]
        if monthly.size == 1 or np.all(monthly == monthly.flat[0])
        else discount_factors(monthly.reshape(n), horizon)
    )
    cash = np.cumsum(flows * discount, axis=1)
    if over.any():
        overflow_rate = (
            col["api_price"] * _blend(s.overflow, col["input_share"], col["cached_input_share"]) / TOKENS_PER_MTOK
        )
        share_served = np.divide(usable, needed_h, out=np.zeros_like(demand), where=over & (needed_h > 0))
        share_served = np.where(over, share_served, 1.0)
        served = demand * share_served
        served[:, 0] = 0.0
        overflow_tokens = demand - served
        overflow_usd = np.cumsum(overflow_tokens * overflow_rate * trend * discount, axis=1)
        cash = cash + overflow_usd
        over_capacity = (overflow_tokens[:, 1:] > demand[:, 1:] * 1e-12).any(axis=1)
    else:  # every draw within capacity every month: the overflow is exactly 0, so skip its sums
        served = demand.copy()
        served[:, 0] = 0.0
        overflow_usd = np.zeros_like(demand)
        over_capacity = np.zeros(n, dtype=bool)
    api = np.cumsum(demand * api_rate * trend * discount, axis=1)
    return Simulation(
        months=months,
        tokens=demand,
        served_local_tokens=served,
        discount=discount,
        api_usd=api,
        local_cash_usd=cash,
        overflow_usd=overflow_usd,
        running_usd=np.cumsum(running * discount, axis=1),
        local_value_usd=value * discount,
        over_capacity=over_capacity,
        billed_hours=None if billed is None else np.broadcast_to(billed, (n, horizon + 1)),
        rented_instances=None if rented_count is None else np.broadcast_to(rented_count, (n, horizon + 1)),
    )


def first_ahead(savings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First month each row of ``savings`` (API spend less the local position, cumulative) turns
    positive, interpolated linearly within the month.

    Returns (whether each row turns ahead within the horizon, the month of the rows that do).

    >>> crosses, month = first_ahead(np.array([[0.0, -50.0, 50.0], [-10.0, -20.0, -30.0]]))
    >>> crosses.tolist(), month.tolist()
    ([True, False], [1.5])
    """
    savings = np.atleast_2d(savings)
    ahead = savings > 0
    crosses = ahead.any(axis=1)
    rows = np.nonzero(crosses)[0]
    first = ahead[rows].argmax(axis=1)
    at_once = first == 0
    before = np.maximum(first - 1, 0)
    s0, s1 = savings[rows, before], savings[rows, first]
    step = np.divide(-s0, s1 - s0, out=np.zeros_like(s0), where=~at_once)
    return crosses, np.where(at_once, 0.0, (first - 1) + step)


def crossings(savings: np.ndarray) -> tuple[tuple[float, bool], ...]:
    """Every month one curve of savings changes sign: ``(month, True)`` where owning turns ahead,
    ``(month, False)`` where it falls behind again, interpolated within the month. Month 0 counts as
    behind (the purchase is just made).

    >>> [(round(month, 3), ahead) for month, ahead in crossings(np.array([0.0, 10.0, -5.0, -1.0, 3.0]))]
    [(0.0, True), (1.667, False), (3.25, True)]
    """
    row = np.asarray(savings, dtype=float).ravel()
    ahead = row > 0
    ahead[:1] = False  # month 0: behind, whatever the sign
    month = np.nonzero(ahead[1:] != ahead[:-1])[0] + 1  # where the side changes
    s0, s1 = row[month - 1], row[month]
    step = np.divide(-s0, s1 - s0, out=np.zeros_like(s0), where=s1 != s0)
    step[(s0 > 0) & (s1 > 0)] = 0.0  # ahead at month 0 already: from month 0 on
    at = month - 1 + np.clip(step, 0.0, 1.0)  # within the month the side changes in
    return tuple(zip(at.tolist(), ahead[month].tolist(), strict=True))
