"""How sure is the verdict? Which guesses move it, how likely it is to hold, and API price trends.

=========================  ==========================================================================
``tornado``                each input over a range, one at a time: savings and break-even at both ends
``monte_carlo``            every uncertain input drawn at once (triangular), vectorised over the draws
``price_trend_scenarios``  cumulative curves and break-even under several API price trends
``default_uncertain``      the default (low, likely, high) of each uncertain input of a scenario
``DEFAULT_TRENDS``         falling (observed), flat and rising (a stress case), each with its source
``INPUTS``                 the inputs that can be varied, by name
=========================  ==========================================================================

The inputs are named as the scenario's fields (``electricity_usd_per_kwh``, ``capex_usd``,
``resale_fraction``, ``decode_tok_s``, ``tokens_per_month``, ``input_share``,
``cached_input_share``, ``hours_per_day``, ``dual_use_share``, ``api_price_change_per_year``)
plus ``api_price``, a multiplier on every per-token price of the API and of the overflow API
(1.0 is today's prices). ``decode_tok_s`` is the measured speed where the scenario gives one and
the estimate otherwise; prefill speed stays as the scenario has it.

``monte_carlo`` does not call ``compare`` per draw: it runs the engine ``compare`` runs
(``costmodel.engine.simulate``) for all draws at once as (draws x months) arrays, so with
zero-width ranges every draw is ``compare``'s. The inputs, their bounds, labels and units are the
one table ``costmodel.inputs.INPUTS``.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from .breakeven import Comparison, base_values as _scenario_values, compare, throughput
from .engine import first_ahead, simulate
from .errors import CostModelError
from .inputs import INPUTS, known, replaced, varied
from .memory import check_fit
from .schema import Scenario

#: the tornado's rows by default (an input marked "nonzero" only where the scenario's value is not 0,
#: since a +-25% range around 0 is empty; give it a range to add its row)
TORNADO_INPUTS = tuple(name for name, row in INPUTS.items() if row.in_tornado)


def tornado_inputs(base: Mapping[str, float]) -> tuple[str, ...]:
    """The tornado's rows for a scenario with these ``base`` values (its inputs: ``base_values``)."""
    return tuple(
        name for name in TORNADO_INPUTS if name in base and (INPUTS[name].in_tornado is True or base[name] != 0)
    )


#: the inputs ``monte_carlo`` draws by default
UNCERTAIN_INPUTS = tuple(name for name, row in INPUTS.items() if row.uncertain)


#: default half-width of an uncertain API price trend [fraction per year], around the scenario's
#: own trend. In the year to 2026-11-28 the median same-model price change was -20% (see
#: ``DEFAULT_TRENDS``); +-0.3 covers that cut with room to spare, and a rise of the same size.
TREND_HALF_WIDTH_PER_YEAR = 0.3

#: largest draws x months a Monte Carlo run may hold per array (about 80 MB of float64)
MAX_CELLS = 10_000_000


class PriceTrend(NamedTuple):
    """A scenario for the API's prices over the horizon, with where it comes from."""

    label: str
    api_price_change_per_year: float  # [fraction per year]
    source: str


#: The API price trends ``price_trend_scenarios`` compares by default, each with its source.
#:
#: * **falling, -20%/year (observed)**: the median change of a model's 3:1 blended price at the
#:   same provider, over the 59 changes dated in the 12 months to 2026-11-28 in the genai-prices
#:   0.2.3 snapshot (``genai_prices/data.py``, ``StartDateConstraint`` entries; OpenRouter left
#:   out, its listed prices follow the cheapest upstream and promotions): 37 cuts, 22 rises.
#:   Cuts such as GLM 5.2 at quicksilverpro $1.12/$3.52 -> $0.70/$2.20 (-37.5%, 2026-10-19),
#:   GPT-5.6 Sol $5/$30 -> $4/$20 (-29% blended, 2026-08-21), GPT-5.6 Terra $2.50/$15 -> $2/$12
#:   (-20%, 2026-07-30); rises such as DeepSeek V4 Pro $0.435/$0.87 -> $0.66/$1.98 (+82%,
#:   2026-08-17) and Mistral Medium $0.40/$2 -> $1.50/$7.50 (+275%, 2026-06-16). Most listed
#:   prices (1,348 of the 1,407 model entries outside OpenRouter) did not change in that year:
#:   -20% a year is the pace of the prices that moved, a falling case rather than the typical
#:   one. The price of a *fixed quality* falls far faster (9x to 900x a year,
#:   Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks", 2025-03-12),
#:   but only for a user who moves to newer models; this comparison keeps one model.
#: * **flat**: today's prices for the whole horizon; what most listed prices did over the year.
#: * **+50%/year if subsidies end**: a stress case, an assumption rather than a sourced figure.
#:   Rises do happen (Gemini 3.6-3.8 Flash are listed to double on 2027-01-01), but no data
#:   gives a pace for API prices rising across the market.
DEFAULT_TRENDS: tuple[PriceTrend, ...] = (
    PriceTrend(
        "-20%/year (observed)",
        -0.20,
        "median same-model price change over the 59 changes dated 2025-11-28 to 2026-11-28 in "
        "genai-prices 0.2.3 (OpenRouter excluded): 37 cuts, 22 rises; e.g. GLM 5.2 at quicksilverpro "
        "-37.5% on 2026-10-19",
    ),
    PriceTrend("flat", 0.0, "today's prices held; most listed prices did not change in the year to 2026-11-28"),
    PriceTrend("+50%/year if subsidies end", 0.5, "a stress case: an assumption, not a sourced figure"),
)


# --------------------------------------------------------------------------- inputs


def _base(fn: str, scenario: Scenario) -> tuple[dict[str, float], float]:
    """``base_values`` and the prefill speed [tokens/s]; an error naming ``fn`` if the quant does not fit."""
    if not isinstance(scenario, Scenario):
        raise CostModelError(f"{fn}: expected a Scenario, got {type(scenario).__name__}")
    fit = check_fit(scenario.build, scenario.model, scenario.quant, **scenario.memory.model_dump())
    if not fit.fits:
        raise CostModelError(
            f"{fn}: {scenario.quant.quant} does not fit on {scenario.build.machine_id} (short by "
            f"{fit.shortfall_gb:,.0f} GB), so no input changes the verdict"
        )
    speeds = throughput(scenario, fit)
    return _scenario_values(scenario, speeds), float(speeds.prefill_tok_s)


def base_values(scenario: Scenario) -> dict[str, float]:
    """Each input's value in ``scenario`` (``decode_tok_s``: measured, else estimated).

    >>> from costmodel.sensitivity import base_values
    >>> import costmodel as cm
    >>> cat = cm.load_catalog(); glm = cat.models["glm-5.2"]
    >>> s = cm.Scenario(build=cat.builds["mac-studio-m3-ultra-256gb"], model=glm, quant=glm.quants["UD-IQ2_XXS"],
    ...                 price=cat.prices["zai/glm-5.2"], usage=cm.Usage(tokens_per_month=50e6))
    >>> base_values(s)["api_price"], base_values(s)["electricity_usd_per_kwh"]
    (1.0, 0.15)
    """
    return _base("base_values", scenario)[0]


# --------------------------------------------------------------------------- tornado


def _crossing_month(result: Comparison) -> float | None:
    """Where the cumulative curves cross: break-even, or the hybrid's when over capacity."""
    if result.break_even_month is not None:
        return result.break_even_month
    return result.hybrid_break_even_month


def tornado(
    scenario: Scenario,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    *,
    spread: float = 0.25,
) -> pd.DataFrame:
    """Savings at the horizon and break-even as each input moves over its range, one at a time.

    Each input of ``TORNADO_INPUTS`` runs from ``base x (1 - spread)`` to ``base x (1 + spread)``
    (shares kept within 0-1, hours within 1-24 a day); ``ranges`` maps an input to its own
    (low, high) in the input's unit [e.g. USD/kWh], and may add ``api_price_change_per_year``.
    A base of 0 gives an empty range: give one in ``ranges``. Two ``compare`` calls per input.

    Returns one row per input, sorted by ``impact_usd`` (largest first): ``input``,
    ``low_value``, ``base_value``, ``high_value``, ``savings_low_usd``, ``savings_base_usd``,
    ``savings_high_usd`` [USD], ``break_even_month_low``, ``break_even_month_base``,
    ``break_even_month_high`` [month; None where the curves do not cross within the horizon; the
    hybrid's crossing when over capacity], ``verdict_low``, ``verdict_base``, ``verdict_high``,
    ``impact_usd`` = |savings_high - savings_low| [USD], and ``flips_verdict`` (True when the
    verdict at either end differs from the scenario's).

    >>> import costmodel as cm
    >>> cat = cm.load_catalog(); glm = cat.models["glm-5.2"]
    >>> s = cm.Scenario(build=cat.builds["mac-studio-m3-ultra-256gb"], model=glm, quant=glm.quants["UD-IQ2_XXS"],
    ...                 price=cat.prices["zai/glm-5.2"], usage=cm.Usage(tokens_per_month=50e6))
    >>> table = cm.tornado(s)
    >>> table["input"].iloc[0], bool(table["impact_usd"].is_monotonic_decreasing)
    ('api_price', True)
    """
    ranges = dict(ranges or {})
    known("tornado", list(ranges), scenario)
    base, _ = _base("tornado", scenario)
    defaults = _default_ranges("tornado", base, spread)
    rows_by_default = tornado_inputs(base)
    names = list(rows_by_default) + [n for n in INPUTS if n in ranges and n not in rows_by_default]
    reference = compare(scenario)
    rows = []
    for name in names:
        if name in ranges:
            pair = ranges[name]
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise CostModelError(f"tornado: ranges[{name!r}] must be (low, high), got {pair!r}")
            low, high = (INPUTS[name].check("tornado", v) for v in pair)
            if low > high:
                raise CostModelError(f"tornado: ranges[{name!r}] has low {low:g} above high {high:g}")
        else:
            low, _, high = defaults[name]
        at_low = compare(varied(scenario, name, low))
        at_high = compare(varied(scenario, name, high))
        rows.append(
            {
                "input": name,
                "low_value": low,
                "base_value": base[name],
                "high_value": high,
                "savings_low_usd": at_low.savings_at_horizon_usd,
                "savings_base_usd": reference.savings_at_horizon_usd,
                "savings_high_usd": at_high.savings_at_horizon_usd,
                "break_even_month_low": _crossing_month(at_low),
                "break_even_month_base": _crossing_month(reference),
                "break_even_month_high": _crossing_month(at_high),
                "verdict_low": at_low.verdict.value,
                "verdict_base": reference.verdict.value,
                "verdict_high": at_high.verdict.value,
                "impact_usd": abs(at_high.savings_at_horizon_usd - at_low.savings_at_horizon_usd),
                "flips_verdict": at_low.verdict != reference.verdict or at_high.verdict != reference.verdict,
            }
        )
    table = pd.DataFrame(rows)
    for column in ("break_even_month_low", "break_even_month_base", "break_even_month_high"):
        # object dtype keeps None (no break-even) as None rather than NaN
        table[column] = pd.Series([r[column] for r in rows], dtype=object)
    return table.sort_values("impact_usd", ascending=False, kind="stable").reset_index(drop=True)


def default_ranges(scenario: Scenario, spread: float = 0.25) -> dict[str, tuple[float, float, float]]:
    """The (low, base, high) ``tornado`` moves each input over by default: base x (1 -+ spread),
    clipped to the input's bounds; no comparison is run."""
    return _default_ranges("default_ranges", _base("default_ranges", scenario)[0], spread)


def clip(name: str, value: float) -> float:
    """A default range's end within input ``name``'s bounds (shares 0-1, hours 1-24)."""
    return INPUTS[name].clip(value)


def _default_ranges(fn: str, base: Mapping[str, float], spread: float) -> dict[str, tuple[float, float, float]]:
    if not (isinstance(spread, (int, float)) and 0 <= spread < 1):
        raise CostModelError(f"{fn}: spread must be from 0 up to (not including) 1, got {spread!r}")
    return {
        name: (clip(name, base[name] * (1.0 - spread)), base[name], clip(name, base[name] * (1.0 + spread)))
        for name in tornado_inputs(base)
    }


# --------------------------------------------------------------------------- Monte Carlo


def default_uncertain(scenario: Scenario, spread: float = 0.25) -> dict[str, tuple[float, float, float]]:
    """The (low, likely, high) ``monte_carlo`` draws from by default, in each input's unit.

    Electricity, capex, resale, decode speed, API price and tokens a month each run
    ``spread`` (25%) either side of the scenario's value, which is the likeliest (shares and
    hours kept within their bounds); the API price trend runs ``TREND_HALF_WIDTH_PER_YEAR``
    (0.3 a year) either side of the scenario's trend. Update the result to change one:
    ``{**cm.default_uncertain(s), "hours_per_day": (8, 12, 16)}``.
    """
    return _default_uncertain("default_uncertain", _base("default_uncertain", scenario)[0], spread)


def _default_uncertain(fn: str, base: Mapping[str, float], spread: float) -> dict[str, tuple[float, float, float]]:
    if not (isinstance(spread, (int, float)) and 0 <= spread < 1):
        raise CostModelError(f"{fn}: spread must be from 0 up to (not including) 1, got {spread!r}")
    out = {}
    for name in UNCERTAIN_INPUTS:
        if name not in base:  # not an input of this scenario (capex of a rental, say)
            continue
        value = base[name]
        if name == "api_price_change_per_year":
            low, high = value - TREND_HALF_WIDTH_PER_YEAR, value + TREND_HALF_WIDTH_PER_YEAR
        else:
            low, high = value * (1.0 - spread), value * (1.0 + spread)
        out[name] = (clip(name, low), value, clip(name, high))
    return out


def _triangular(u: np.ndarray, low: float, likely: float, high: float) -> np.ndarray:
    """Triangular draws by the inverse of its CDF (numpy's own refuses a zero-width range)."""
    width = high - low
    if width == 0:
        return np.full(u.shape, low)
    cut = (likely - low) / width
    rising = low + np.sqrt(u * (width * (likely - low)))
    falling = high - np.sqrt((1.0 - u) * (width * (high - likely)))
    return np.where(u < cut, rising, falling)


@dataclasses.dataclass(frozen=True)
class MonteCarloSummary:
    """What ``monte_carlo`` found, in numbers that are never NaN (None where there is none)."""

    draws: int
    seed: int
    probability_local_cheaper: float  # [0-1] share of draws with savings at the horizon > 0
    savings_p10_usd: float
    savings_p50_usd: float
    savings_p90_usd: float
    savings_mean_usd: float
    share_paying_back: float  # [0-1] ahead at the horizon (the verdict pays back), as probability_local_cheaper
    break_even_month_p10: float | None  # over the draws that pay back
    break_even_month_p50: float | None
    break_even_month_p90: float | None
    share_over_capacity: float  # [0-1] some month asks more than the build serves


@dataclasses.dataclass(frozen=True)
class MonteCarlo:
    """The result of ``monte_carlo``: the draws, the savings, and the spread of the curves.

    Arrays are read-only; row i of ``draws`` is draw i of every per-draw array.
    """

    scenario: Scenario
    seed: int
    uncertain: Mapping[str, tuple[float, float, float]]  # the (low, likely, high) drawn from
    draws: pd.DataFrame  # the sampled inputs, a column per uncertain input
    savings_at_horizon_usd: np.ndarray  # (n,) [USD] API spend less local net cost, as compare
    probability_local_cheaper: float  # [0-1]
    local_net_usd: np.ndarray  # (n, horizon + 1) [USD] the local position by month, as compare's curve
    api_usd: np.ndarray  # (n, horizon + 1) [USD] cumulative API spend
    pays_back: np.ndarray  # (n,) bool: the local position is ahead at the horizon (the verdict pays back)
    break_even_month: np.ndarray  # [month] of each draw that pays back, in draw order (draws[pays_back])
    over_capacity: np.ndarray  # (n,) bool: some month asks more than the build serves
    fan: pd.DataFrame  # month, side (local or api), p10_usd, p50_usd, p90_usd

    @property
    def n(self) -> int:
        """Number of draws."""
        return int(self.savings_at_horizon_usd.size)

    @property
    def summary(self) -> MonteCarloSummary:
        """Percentiles of the savings and of the break-even month, and the shares."""
        p10, p50, p90 = np.percentile(self.savings_at_horizon_usd, [10, 50, 90])
        months = (
            np.percentile(self.break_even_month, [10, 50, 90]).tolist()
            if self.break_even_month.size
            else [None, None, None]
        )
        return MonteCarloSummary(
            draws=self.n,
            seed=self.seed,
            probability_local_cheaper=self.probability_local_cheaper,
            savings_p10_usd=float(p10),
            savings_p50_usd=float(p50),
            savings_p90_usd=float(p90),
            savings_mean_usd=float(self.savings_at_horizon_usd.mean()),
            share_paying_back=float(self.pays_back.mean()),
            break_even_month_p10=months[0],
            break_even_month_p50=months[1],
            break_even_month_p90=months[2],
            share_over_capacity=float(self.over_capacity.mean()),
        )


def _percentiles(values: np.ndarray, percentiles: Sequence[float] = (10, 50, 90)) -> np.ndarray:
    """Percentiles of each column, interpolated linearly as ``np.percentile``'s default.

    One sort of the columns: several times faster here than ``np.percentile``'s partitions.
    """
    ordered = np.sort(values, axis=0)
    last = ordered.shape[0] - 1
    rows = []
    for q in percentiles:
        position = q / 100 * last
        below = int(position)
        above = min(below + 1, last)
        rows.append(ordered[below] + (ordered[above] - ordered[below]) * (position - below))
    return np.stack(rows)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def monte_carlo(
    scenario: Scenario,
    n: int = 10_000,
    seed: int = 0,
    uncertain: Mapping[str, tuple[float, float, float]] | None = None,
) -> MonteCarlo:
    """Draw ``n`` scenarios around ``scenario`` and cost them all at once.

    Each input in ``uncertain`` (a name of ``INPUTS`` -> (low, likely, high) in the input's unit)
    is drawn from a triangular distribution, independently; the others keep the scenario's
    values. ``None`` uses ``default_uncertain(scenario)``: electricity, capex, resale, decode
    speed, API price and tokens a month +-25%, the API price trend +-0.3 a year. Draws are
    taken with ``numpy.random.default_rng(seed)``, so the same seed gives the same result.
    All draws are costed together as (n x months) arrays, no loop per draw.

    Returns a ``MonteCarlo``: the draws, the savings at the horizon [USD] of each, the
    probability that local is cheaper at the horizon, the cumulative curves, the break-even month
    of the draws that pay back, and ``fan``: the 10th, 50th and 90th percentile of cumulative
    local and API cost by month.

    >>> import costmodel as cm
    >>> cat = cm.load_catalog(); glm = cat.models["glm-5.2"]
    >>> s = cm.Scenario(build=cat.builds["mac-studio-m3-ultra-256gb"], model=glm, quant=glm.quants["UD-IQ2_XXS"],
    ...                 price=cat.prices["zai/glm-5.2"], usage=cm.Usage(tokens_per_month=50e6))
    >>> mc = cm.monte_carlo(s, n=2_000, seed=0)
    >>> mc.savings_at_horizon_usd.shape, 0.0 <= mc.probability_local_cheaper <= 1.0
    ((2000,), True)
    """
    fn = "monte_carlo"
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise CostModelError(f"{fn}: n must be a whole number of draws >= 1, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise CostModelError(f"{fn}: seed must be a whole number >= 0, got {seed!r}")
    n, seed = int(n), int(seed)
    base, prefill = _base(fn, scenario)
    horizon = scenario.horizon_months
    if n * (horizon + 1) > MAX_CELLS:
        raise CostModelError(
            f"{fn}: {n:,} draws x {horizon + 1} months exceeds {MAX_CELLS:,} values per array; use fewer draws"
        )
    spec = _default_uncertain(fn, base, 0.25) if uncertain is None else dict(uncertain)
    known(fn, list(spec), scenario)
    checked: dict[str, tuple[float, float, float]] = {}
    for name in INPUTS:  # the canonical order fixes which random numbers each input gets
        if name not in spec:
            continue
        triple = spec[name]
        if not isinstance(triple, (tuple, list)) or len(triple) != 3:
            raise CostModelError(f"{fn}: uncertain[{name!r}] must be (low, likely, high), got {triple!r}")
        low, likely, high = (INPUTS[name].check(fn, v) for v in triple)
        if not low <= likely <= high:
            raise CostModelError(
                f"{fn}: uncertain[{name!r}] needs low <= likely <= high, got ({low:g}, {likely:g}, {high:g})"
            )
        checked[name] = (low, likely, high)

    x: dict[str, np.ndarray | float] = dict(base)
    u = np.random.default_rng(seed).random((len(checked), n))
    for row, (name, triple) in enumerate(checked.items()):
        x[name] = _triangular(u[row], *triple)

    sim = simulate(scenario, x, prefill, n)
    local, api = sim.local_net_usd, sim.api_usd
    savings_curves = sim.savings_usd
    savings = savings_curves[:, -1]
    pays_back = savings > 0
    _, months = first_ahead(savings_curves[pays_back])
    q_local, q_api = _percentiles(local), _percentiles(api)
    month_index = np.arange(horizon + 1)
    fan = pd.DataFrame(
        {
            "month": np.concatenate([month_index, month_index]),
            "side": np.repeat(["local", "api"], horizon + 1),
            "p10_usd": np.concatenate([q_local[0], q_api[0]]),
            "p50_usd": np.concatenate([q_local[1], q_api[1]]),
            "p90_usd": np.concatenate([q_local[2], q_api[2]]),
        }
    )
    return MonteCarlo(
        scenario=scenario,
        seed=seed,
        uncertain=types.MappingProxyType(checked),
        draws=pd.DataFrame({name: x[name] for name in checked}),
        savings_at_horizon_usd=_read_only(savings),
        probability_local_cheaper=float(np.count_nonzero(savings > 0) / n),
        local_net_usd=_read_only(local),
        api_usd=_read_only(api),
        pays_back=_read_only(pays_back),
        break_even_month=_read_only(months),
        over_capacity=_read_only(sim.over_capacity),
        fan=fan,
    )


# --------------------------------------------------------------------------- price trends


def price_trend_scenarios(
    scenario: Scenario,
    trends: Sequence[PriceTrend] | Mapping[str, float] = DEFAULT_TRENDS,
) -> pd.DataFrame:
    """The cumulative curves and break-even under each API price trend, in one tidy table.

    ``trends`` are ``PriceTrend``s or a mapping of label -> ``api_price_change_per_year``
    [fraction per year]; each replaces the scenario's own trend. Columns: ``trend`` (label),
    ``source`` (where the trend comes from; empty for a mapping), ``api_price_change_per_year``, ``month``, ``api_usd``, ``local_net_usd`` [USD, cumulative, as
    ``compare``'s curve; the local side changes only through overflow sent to the API],
    ``break_even_month`` [month, None where the curves do not cross within the horizon] with
    ``break_even_usd`` [USD, the cumulative cost there],
    ``savings_at_horizon_usd`` [USD] and ``verdict``, the last three repeated on each month.

    >>> import costmodel as cm
    >>> cat = cm.load_catalog(); glm = cat.models["glm-5.2"]
    >>> s = cm.Scenario(build=cat.builds["mac-studio-m3-ultra-256gb"], model=glm, quant=glm.quants["UD-IQ2_XXS"],
    ...                 price=cat.prices["zai/glm-5.2"], usage=cm.Usage(tokens_per_month=50e6),
    ...                 discount_rate_per_year=0.0)
    >>> table = cm.price_trend_scenarios(s)
    >>> table.groupby("trend", sort=False)["api_usd"].last().round(-1).tolist()   # 60 months of API spend
    [3920.0, 6450.0, 20630.0]
    """
    if isinstance(trends, Mapping):
        trends = [PriceTrend(str(label), change, "") for label, change in trends.items()]
    if not trends:
        raise CostModelError("price_trend_scenarios: give at least one trend")
    frames = []
    for trend in trends:
        result = compare(replaced(scenario, api_price_change_per_year=trend.api_price_change_per_year))
        curve = result.curve
        months = len(curve)
        frames.append(
            pd.DataFrame(
                {
                    "trend": [trend.label] * months,
                    "source": [trend.source] * months,
                    "api_price_change_per_year": np.full(months, float(trend.api_price_change_per_year)),
                    "month": curve["month"].to_numpy(),
                    "api_usd": curve["api_usd"].to_numpy(),
                    "local_net_usd": curve["local_net_usd"].to_numpy(),
                    "break_even_month": pd.Series([_crossing_month(result)] * months, dtype=object),
                    "break_even_usd": pd.Series([result.break_even_usd] * months, dtype=object),
                    "savings_at_horizon_usd": np.full(months, result.savings_at_horizon_usd),
                    "verdict": [result.verdict.value] * months,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
