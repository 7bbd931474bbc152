"""Several builds against several API offerings at once: what the break-even page shows.

``compare_builds`` runs ``compare`` for every (build, API) pair of one model, quant, usage and
set of assumptions, and returns a ``Study``: the results by pair, a one-row-per-pair summary,
the curves in long form, and the assumptions in words for a chart's caption.

``StudyInputs`` describes a study by ids (model, quant, builds, API offerings) and the
assumptions: what the dashboard keeps in its URL and saves as a named scenario, and what a
notebook loads back; ``study_of(inputs, catalog, as_of)`` recomputes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import Field, field_validator, model_validator

from .breakeven import Comparison, Verdict, compare, volume_curve
from .catalog import Catalog, lookup
from .errors import CostModelError
from .explain import explain, stale_prices, value
from .explain import tokens as format_tokens
from .memory import check_fit
from .pricing import blended_usd_per_mtok
from .schema import (
    ApiPrice,
    Assumptions,
    Build,
    DecodeTokS,
    Machine,
    Model,
    OwnedValueUsd,
    PrefillTokS,
    Quant,
    RENTAL_PRICE_STALE_AFTER_DAYS,
    Rental,
    Scenario,
    TokensPerMonth,
    Usage,
)
from .speed import estimate_speed

#: the article's four builds: the default of a study
ARTICLE_BUILDS = ("mac-studio-m3-ultra-256gb", "rtx3090-256gb-offload", "rtx3090-x12", "mac-studio-192gb")
#: a study's API offerings by default: the article's (Z.ai, $1.40 / $4.40) and the cheapest
#: offering of GLM 5.2 in the catalogue at a 3:1 mix (Avian, $0.495 / $1.733 in genai-prices 0.2.3;
#: a test keeps it the cheapest)
DEFAULT_PRICES = ("zai/glm-5.2", "avian/z-ai/glm-5.2")
#: a study's rentals by default: the cheapest community offer and the cheapest on-demand offer of
#: ``data/rentals.csv`` whose GPUs hold the article's 2-bit GLM 5.2 (a test keeps them so)
DEFAULT_RENTALS: tuple[str, ...] = ("runpod-a100-80gb-sxm-x4-community", "hyperstack-rtx-pro-6000-server-x4-ondemand")
#: the flat monthly volumes a study is costed at by volume: the chart of cost per million tokens and
#: the cheapest way at each volume [tokens/month], 40 a decade over the volume slider's span
VOLUME_SPAN, VOLUME_POINTS = (1e6, 1e10), 161


def volume_grid() -> np.ndarray:
    """``VOLUME_POINTS`` volumes spaced evenly in log from 1 M to 10 B tokens a month."""
    return np.geomspace(*VOLUME_SPAN, VOLUME_POINTS)


#: what one study may compare at most
MAX_BUILDS, MAX_PRICES, MAX_RENTALS = 24, 8, 8
#: the longest name of a saved study
MAX_SCENARIO_NAME = 80

#: columns of ``Study.summary``
SUMMARY_COLUMNS = (
    "build_id",
    "path",
    "price_id",
    "verdict",
    "reason",
    "break_even_month",
    "break_even_volume_tok_per_month",
    "savings_at_horizon_usd",
    "local_usd_per_mtok",
    "api_usd_per_mtok",
    "decode_tok_s",
    "prefill_tok_s",
    "speed_source",
    "capacity_tok_per_month",
)


@dataclasses.dataclass(frozen=True)
class Study:
    """``compare`` for every (machine, API) pair; ``results[(machine_id, price_id)]``, where a machine
    is a build to buy or a rental (their ids never collide)."""

    builds: tuple[Build, ...]
    prices: tuple[ApiPrice, ...]
    model: Model
    quant: Quant
    usage: Usage
    results: Mapping[tuple[str, str], Comparison]
    as_of: dt.date
    rentals: tuple[Rental, ...] = ()
    #: each machine's flat-volume curve, made on first use (``volume_curve``)
    _flat: dict[str, pd.DataFrame] = dataclasses.field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def machines(self) -> tuple[Machine, ...]:
        """The builds, then the rentals: every way the study serves the tokens on its own hardware."""
        return (*self.builds, *self.rentals)

    @property
    def first_id(self) -> str:
        """The first machine's id: the API's spend is the same in every machine's comparison."""
        return self.machines[0].machine_id

    @property
    def primary_price(self) -> ApiPrice:
        """The cheapest API offering over the horizon: the one each machine's card is measured against."""
        first = self.first_id
        return min(self.prices, key=lambda p: self.results[(first, p.price_id)].columns["api_usd"][-1])

    def primary(self, machine_id: str) -> Comparison:
        """The comparison of ``machine_id`` (a build or a rental) against the primary API."""
        return self.results[(machine_id, self.primary_price.price_id)]

    def api(self, price_id: str) -> Comparison:
        """A comparison against ``price_id``, for the API's side of it (the same for every machine)."""
        return self.results[(self.first_id, price_id)]

    @property
    def summary(self) -> pd.DataFrame:
        """One row per (machine, API) pair (see ``SUMMARY_COLUMNS``)."""
        rows = []
        for (build_id, price_id), r in self.results.items():
            rows.append(
                {
                    "build_id": build_id,
                    "path": "rent" if r.scenario.build.rented else "buy",
                    "price_id": price_id,
                    "verdict": r.verdict.value,
                    "reason": explain(r).reason,
                    "break_even_month": r.break_even_month,
                    "break_even_volume_tok_per_month": r.break_even_volume_tok_per_month,
                    "savings_at_horizon_usd": r.savings_at_horizon_usd,
                    "local_usd_per_mtok": r.local_usd_per_mtok,
                    "api_usd_per_mtok": r.api_usd_per_mtok,
                    "decode_tok_s": r.throughput.decode_tok_s,
                    "prefill_tok_s": r.throughput.prefill_tok_s,
                    "speed_source": r.throughput.source,
                    "capacity_tok_per_month": r.capacity_tok_per_month,
                }
            )
        return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))

    @property
    def curves(self) -> pd.DataFrame:
        """Cumulative cost by month in long form: ``series`` (a machine id or ``API: price_id``),
        ``kind`` (local, rent or api), ``month``, ``usd``; machines that do not fit are left out."""
        frames = []
        for machine in self.machines:
            r = self.primary(machine.machine_id)
            if r.verdict == Verdict.DOES_NOT_FIT:
                continue
            frames.append(
                pd.DataFrame(
                    {
                        "series": machine.machine_id,
                        "kind": "rent" if machine.rented else "local",
                        "month": r.curve["month"],
                        "usd": r.curve["local_net_usd"],
                    }
                )
            )
        for price in self.prices:
            r = self.api(price.price_id)
            frames.append(
                pd.DataFrame(
                    {
                        "series": f"API: {price.price_id}",
                        "kind": "api",
                        "month": r.curve["month"],
                        "usd": r.curve["api_usd"],
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def volume_curve(self, machine_id: str) -> pd.DataFrame:
        """Cost per million tokens at the flat volumes of ``volume_grid()`` (1 M to 10 B), for one machine
        that fits; computed once per study (the chart and the cheapest way by volume share it)."""
        if machine_id not in self._flat:
            self._flat[machine_id] = volume_curve(self.primary(machine_id), volumes=volume_grid())
        return self._flat[machine_id]

    def assumptions(self) -> list[str]:
        """The scenario in words, for a chart that must stand alone."""
        s = self.primary(self.first_id).scenario
        u = s.usage
        cached = f", {value('cached_input_share', u.cached_input_share)} of input cached" if u.cached_input_share else ""
        growth = f", growing {u.monthly_growth:+.0%} a month" if u.monthly_growth else ""
        ages = sorted({p.as_of for p in self.prices if p.as_of is not None})
        prices = ", ".join(
            f"{p.price_id} ${p.input_usd_per_mtok:g}/${p.output_usd_per_mtok:g} in/out = "
            f"${blended_usd_per_mtok(p, u):.2f}/M blended"
            for p in self.prices
        )
        as_of = f" (as of {ages[0]})" if len(ages) == 1 else (f" (as of {ages[0]} to {ages[-1]})" if ages else "")
        extras = []
        if s.api_price_change_per_year:
            extras.append(f"API prices {s.api_price_change_per_year:+.0%} a year")
        if s.quality_adjusted:
            q = self.quant.quality_retained or 1.0
            extras.append(
                f"local side charged for the quality gap ({q:.0%} retained by {self.quant.quality_words}: "
                f"{1 / q:.2f} tokens per API token)"
            )
        stale = stale_prices(self.builds, self.as_of)
        return [
            f"{self.model.name} {self.quant.quant} ({self.quant.file_size_gb:,.0f} GB, {s.context_tokens:,}-token context); "
            f"{format_tokens(u.tokens_per_month)} tokens a month, {value('input_share', u.input_share)} input{cached}{growth}",
            f"API: {prices}{as_of}" + ("; " + "; ".join(extras) if extras else ""),
            f"electricity ${s.electricity_usd_per_kwh:.2f}/kWh"
            + (f" x PUE {s.pue:g}" if s.pue != 1 else "")
            + f", powered {s.hours_per_day:g} h/day, {s.dual_use_share:.0%} of capex charged, "
            f"{s.horizon_months}-month horizon; made {self.as_of}",
            money_line(
                s, [b.name for b in self.builds if self.primary(b.build_id).scenario.owned_value_usd is not None]
            ),
            *([rental_line(s, self.rentals, self.as_of)] if self.rentals else []),
            *([stale] if stale else []),
        ]


def money_line(s: Scenario, owned: Sequence[str] = ()) -> str:
    """The money terms of a scenario in words: the cost of capital always (a chart must say it),
    the others where they are set."""
    if s.discount_rate_per_year == 0:
        capital = "no cost of capital (plain sums)"
    elif s.discounted:
        capital = f"cost of capital {s.discount_rate_per_year:.1%}/yr: both sides in present value"
    else:
        capital = f"plain sums (cost of capital {s.discount_rate_per_year:.1%}/yr switched off)"
    terms = [capital, "a box's position = cash out less what it would sell for"]
    if s.setup_usd:
        terms.append(f"setup ${s.setup_usd:,.0f}")
    if s.maintenance_usd_per_month:
        terms.append(f"upkeep ${s.maintenance_usd_per_month:,.0f}/month")
    if s.maintenance_share_per_year:
        terms.append(f"maintenance {s.maintenance_share_per_year:.0%} of capex a year")
    if s.operator_hours_per_month:
        terms.append(f"operator {s.operator_hours_per_month:g} h/month at ${s.operator_usd_per_hour:,.0f}/h")
    if owned:
        terms.append("owned already: " + ", ".join(owned))
    return "; ".join(terms)


#: a rental mode in words, for a chart's assumptions
RENTAL_MODE_WORDS = {
    "always-on": "always on",
    "busy-hours": "on for the busy hours",
    "scale-to-zero": "scale to zero",
}


def rental_mode_words(s: Scenario) -> str:
    """How a scenario bills a rental, in words: 'scale to zero (4 starts a day, up 10 min after the last request)'."""
    mode = RENTAL_MODE_WORDS[s.rental_mode]
    if s.rental_mode == "scale-to-zero":
        mode += f" ({s.rental_starts_per_day:g} starts a day, up {s.rental_idle_minutes:g} min after the last request)"
    elif s.rental_mode == "busy-hours":
        mode += f" ({s.busy_hours_per_day:g} h a day)"
    return mode


def rental_line(s: Scenario, rentals: Sequence[Rental], today: dt.date) -> str:
    """How the rentals are billed, and when their prices were seen, in words."""
    seen = sorted({r.price_seen for r in rentals if r.price_seen is not None})
    dates = ""
    if seen:
        dates = f"; hourly prices seen {seen[0]:%b %Y}" + (f" to {seen[-1]:%b %Y}" if seen[-1] != seen[0] else "")
    old = [r for r in rentals if r.price_is_stale(today)]
    if old:
        dates += f" ({len(old)} over {RENTAL_PRICE_STALE_AFTER_DAYS} days old: check them)"
    return (
        f"rented: {rental_mode_words(s)}, as many instances as the work needs; "
        f"storage for the weights counted{dates}"
    )


def compare_builds(
    builds: Sequence[Build],
    prices: Sequence[ApiPrice],
    *,
    model: Model,
    quant: Quant,
    usage: Usage,
    as_of: dt.date,
    decode_tok_s: Mapping[str, float] | None = None,
    owned_value_usd: Mapping[str, float] | None = None,
    prefill_tok_s: Mapping[str, float] | None = None,
    calibrated: Mapping[str, tuple[float, float | None]] | None = None,
    rentals: Sequence[Rental] = (),
    **assumptions: object,
) -> Study:
    """``compare`` each build, and each rental, against each API offering under the same assumptions.

    ``as_of`` [date] is the day the study is made (charts carry it); ``decode_tok_s`` maps build
    ids to measured decode speeds that replace the estimate (``prefill_tok_s`` the same for prompt
    processing); ``calibrated`` maps build ids to (decode, prefill) speeds measured on that build by
    a catalogue source, used where the user gave none; ``owned_value_usd`` maps build ids owned
    already to what each would sell for today [USD]; ``assumptions`` are any other ``Scenario``
    fields (electricity, horizon, ...).
    """
    machines = (*builds, *rentals)
    if not machines or not prices:
        raise CostModelError("compare_builds: give at least one build or rental and one API offering")
    ids = [m.machine_id for m in machines]
    if len(set(ids)) != len(ids):
        raise CostModelError(f"compare_builds: a build or rental is listed twice in {ids}")
    measured, owned = dict(decode_tok_s or {}), dict(owned_value_usd or {})
    prefill = dict(prefill_tok_s or {})
    for what, given, among in (
        ("measured speeds", measured, ids),
        ("measured prefill speeds", prefill, ids),
        ("owned values", owned, [b.build_id for b in builds]),
    ):
        unknown = set(given) - set(among)
        if unknown:
            raise CostModelError(f"compare_builds: {what} for builds not compared: {sorted(unknown)}")
    results = {}
    for build in machines:
        key = build.machine_id
        decode, pre, kind = measured.get(key), prefill.get(key), "measured"
        if decode is None and pre is None and key in (calibrated or {}):
            (decode, pre), kind = calibrated[key], "calibrated"
        for price in prices:
            scenario = Scenario(
                build=build,
                model=model,
                quant=quant,
                price=price,
                usage=usage,
                decode_tok_s=decode,
                prefill_tok_s=pre,
                speed_source=kind,
                owned_value_usd=owned.get(key),
                **assumptions,
            )
            results[(key, price.price_id)] = compare(scenario)
    return Study(
        builds=tuple(builds),
        prices=tuple(prices),
        model=model,
        quant=quant,
        usage=usage,
        results=results,
        as_of=as_of,
        rentals=tuple(rentals),
    )


def check_name(name: str) -> str:
    """A scenario's name, stripped: 1-80 printable characters without ``<`` or ``>``.

    >>> check_name("  my box  ")
    'my box'
    """
    clean = name.strip() if isinstance(name, str) else ""
    if not clean:
        raise CostModelError("scenario name: must not be empty")
    if len(clean) > MAX_SCENARIO_NAME:
        raise CostModelError(f"scenario name: must be at most {MAX_SCENARIO_NAME} characters")
    if any(ch in clean for ch in "<>") or not clean.isprintable():
        raise CostModelError(f"scenario name: {clean[:40]!r} may not hold '<', '>' or control characters")
    return clean


class StudyInputs(Assumptions, Usage):
    """A study by ids and assumptions; the defaults are the article's GLM 5.2 case.

    The usage and assumption fields, their bounds and defaults are ``Usage``'s and
    ``Assumptions``'; ``decode_tok_s`` and ``prefill_tok_s`` map build ids to measured speeds.
    """

    tokens_per_month: TokensPerMonth = 50e6
    model_id: Annotated[str, Field(min_length=1, max_length=80)] = "glm-5.2"
    quant: Annotated[str, Field(min_length=1, max_length=60)] = "UD-IQ2_XXS"
    build_id: Annotated[tuple[str, ...], Field(max_length=MAX_BUILDS)] = ARTICLE_BUILDS
    #: the article's offering and the cheapest GLM 5.2 offering in the catalogue at the default 3:1 mix
    price_id: Annotated[tuple[str, ...], Field(min_length=1, max_length=MAX_PRICES)] = DEFAULT_PRICES
    rental_id: Annotated[tuple[str, ...], Field(max_length=MAX_RENTALS)] = DEFAULT_RENTALS
    decode_tok_s: dict[str, DecodeTokS] = Field(default_factory=dict)
    prefill_tok_s: dict[str, PrefillTokS] = Field(default_factory=dict)
    owned_value_usd: dict[str, OwnedValueUsd] = Field(default_factory=dict)

    @field_validator("build_id", "price_id", "rental_id")
    @classmethod
    def _unique(cls, ids: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(ids)) != len(ids):
            raise ValueError(f"lists an id twice: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
        return ids

    @model_validator(mode="after")
    def _measured_builds_are_compared(self) -> StudyInputs:
        if not self.build_id and not self.rental_id:
            raise ValueError("build_id: pick at least one build or rental")
        machines = set(self.build_id) | set(self.rental_id)
        for field, among in (
            ("decode_tok_s", machines),
            ("prefill_tok_s", machines),
            ("owned_value_usd", set(self.build_id)),
        ):
            stray = sorted(set(getattr(self, field)) - among)
            if stray:
                raise ValueError(f"{field} names builds not compared: {', '.join(stray)}")
        return self

    def check(self, catalog: Catalog) -> StudyInputs:
        """The inputs, after checking every id against ``catalog``; a ``CostModelError`` names the first unknown."""
        model = lookup(catalog.models, self.model_id, "model")
        lookup(model.quants, self.quant, f"quant of {self.model_id}")
        for build_id in self.build_id:
            lookup(catalog.builds, build_id, "build")
        for rental_id in self.rental_id:
            lookup(catalog.rentals, rental_id, "rental")
        for price_id in self.price_id:
            lookup(catalog.prices, price_id, "API offering")
        if self.context_tokens > model.max_context_tokens:
            raise CostModelError(
                f"context_tokens {self.context_tokens:,} exceeds {self.model_id}'s maximum {model.max_context_tokens:,}"
            )
        return self


def calibrated_for(catalog: Catalog, inputs: StudyInputs, model: Model) -> dict[str, tuple[float, float | None]]:
    """The catalogue's measured speeds of the study's quant on its builds, moved to the study's filled
    context by the estimate's own ratio (a point measured at 512 tokens anchors the estimate there)."""
    out = {}
    quant = model.quants[inputs.quant]
    for build_id in inputs.build_id:
        point = catalog.calibrated.get((build_id, model.model_id, inputs.quant))
        build = catalog.builds[build_id]
        if point is None or not check_fit(build, model, quant, **inputs.memory.model_dump()).fits:
            continue
        options = {**inputs.speed.model_dump(), "engine": point.engine}
        there = estimate_speed(
            build,
            model,
            quant,
            **{
                **options,
                "filled_context_share": 1.0,
                "context_tokens": max(point.context_tokens, inputs.context_tokens),
            },
            filled_context_tokens=point.context_tokens,
        )
        here = estimate_speed(build, model, quant, **options)
        prefill = point.prefill_tok_s * here.prefill_tok_s / there.prefill_tok_s if point.prefill_tok_s else None
        out[build_id] = (point.decode_tok_s * here.decode_tok_s / there.decode_tok_s, prefill)
    return out


def study_of(inputs: StudyInputs, catalog: Catalog, as_of: dt.date) -> Study:
    """Recompute the study ``inputs`` describes, with ``catalog``'s builds, models and prices, as of ``as_of``.

    >>> import datetime as dt, costmodel as cm
    >>> study = study_of(StudyInputs(), cm.load_catalog(), dt.date(2026, 12, 1))
    >>> study.primary("mac-studio-192gb").verdict.value
    'does_not_fit'
    """
    inputs.check(catalog)
    model = catalog.models[inputs.model_id]
    return compare_builds(
        [catalog.builds[b] for b in inputs.build_id],
        [catalog.prices[p] for p in inputs.price_id],
        model=model,
        quant=model.quants[inputs.quant],
        usage=inputs.usage,
        as_of=as_of,
        decode_tok_s=inputs.decode_tok_s,
        prefill_tok_s=inputs.prefill_tok_s,
        calibrated=calibrated_for(catalog, inputs, model),
        owned_value_usd=inputs.owned_value_usd,
        rentals=[catalog.rentals[r] for r in inputs.rental_id],
        **inputs.assumptions,
    )
