"""Several builds against several API offerings at once: what the break-even page shows.

``compare_builds`` runs ``compare`` for every (build, API) pair of one model, quant, usage and
set of assumptions, and returns a ``Study``: the results by pair, a one-row-per-pair summary,
the curves in long form, and the assumptions in words for a chart's caption.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from .breakeven import Comparison, Verdict, compare, volume_curve
from .errors import CostModelError
from .pricing import blended_usd_per_mtok
from .schema import ApiPrice, Build, Model, Quant, Scenario, Usage

#: columns of ``Study.summary``
SUMMARY_COLUMNS = (
    "build_id",
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
    """``compare`` for every (build, API) pair; ``results[(build_id, price_id)]``."""

    builds: tuple[Build, ...]
    prices: tuple[ApiPrice, ...]
    model: Model
    quant: Quant
    usage: Usage
    results: Mapping[tuple[str, str], Comparison]
    as_of: dt.date

    @property
    def primary_price(self) -> ApiPrice:
        """The first API offering: the one each build's headline is measured against."""
        return self.prices[0]

    def primary(self, build_id: str) -> Comparison:
        """The comparison of ``build_id`` against the primary API."""
        return self.results[(build_id, self.primary_price.price_id)]

    @property
    def summary(self) -> pd.DataFrame:
        """One row per (build, API) pair (see ``SUMMARY_COLUMNS``)."""
        rows = []
        for (build_id, price_id), r in self.results.items():
            rows.append(
                {
                    "build_id": build_id,
                    "price_id": price_id,
                    "verdict": r.verdict.value,
                    "reason": r.reason,
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
        """Cumulative cost by month in long form: ``series`` (a build id or ``API: price_id``),
        ``kind`` (local or api), ``month``, ``usd``; builds that do not fit are left out."""
        frames = []
        for build in self.builds:
            r = self.primary(build.build_id)
            if r.verdict == Verdict.DOES_NOT_FIT:
                continue
            frames.append(
                pd.DataFrame(
                    {"series": build.build_id, "kind": "local", "month": r.curve["month"], "usd": r.curve["local_usd"]}
                )
            )
        for price in self.prices:
            r = self.results[(self.builds[0].build_id, price.price_id)]
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

    def volume_curve(self, build_id: str, points: int = 100) -> pd.DataFrame:
        """Cost per million tokens against flat monthly volume, 1 M to 10 B, for one build that fits."""
        return volume_curve(self.primary(build_id), points=points)

    def volume_curves(
        self, min_tok_per_month: float = 1e6, max_tok_per_month: float = 1e10, points: int = 120
    ) -> pd.DataFrame:
        """Cost per million tokens against flat monthly volume for every build that fits (long form)."""
        frames = []
        for build in self.builds:
            r = self.primary(build.build_id)
            if r.verdict == Verdict.DOES_NOT_FIT:
                continue
            frame = volume_curve(r, min_tok_per_month, max_tok_per_month, points)
            frame.insert(0, "build_id", build.build_id)
            frames.append(frame)
        if not frames:
            return pd.DataFrame(
                columns=[
                    "build_id",
                    "volume_tok_per_month",
                    "local_usd_per_mtok",
                    "api_usd_per_mtok",
                    "within_capacity",
                ]
            )
        return pd.concat(frames, ignore_index=True)

    def assumptions(self) -> list[str]:
        """The scenario in words, for a chart that must stand alone."""
        s = self.primary(self.builds[0].build_id).scenario
        u = s.usage
        cached = f", {u.cached_input_share:.0%} of input cached" if u.cached_input_share else ""
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
                f"local side charged for the quality gap ({q:.0%} retained: {1 / q:.2f} tokens per API token)"
            )
        return [
            f"{self.model.name} {self.quant.quant} ({self.quant.file_size_gb:,.0f} GB, {s.context_tokens:,}-token context); "
            f"{format_tokens(u.tokens_per_month)} tokens a month, {u.input_share:.0%} input{cached}{growth}",
            f"API: {prices}{as_of}" + ("; " + "; ".join(extras) if extras else ""),
            f"electricity ${s.electricity_usd_per_kwh:.2f}/kWh, powered {s.hours_per_day:g} h/day, "
            f"{s.dual_use_share:.0%} of capex charged, {s.horizon_months}-month horizon; made {self.as_of}",
        ]


def format_tokens(tokens: float) -> str:
    """``50e6`` -> ``'50 M'``, ``2.5e9`` -> ``'2.5 B'``."""
    if tokens >= 1e9:
        return f"{tokens / 1e9:,.3g} B"
    if tokens >= 1e6:
        return f"{tokens / 1e6:,.3g} M"
    if tokens >= 1e3:
        return f"{tokens / 1e3:,.3g} k"
    return f"{tokens:,.0f}"


def compare_builds(
    builds: Sequence[Build],
    prices: Sequence[ApiPrice],
    *,
    model: Model,
    quant: Quant,
    usage: Usage,
    decode_tok_s: Mapping[str, float] | None = None,
    as_of: dt.date | None = None,
    **assumptions: object,
) -> Study:
    """``compare`` each build against each API offering under the same assumptions.

    ``decode_tok_s`` maps build ids to measured decode speeds that replace the estimate;
    ``assumptions`` are any other ``Scenario`` fields (electricity, horizon, ...).
    """
    if not builds or not prices:
        raise CostModelError("compare_builds: give at least one build and one API offering")
    ids = [b.build_id for b in builds]
    if len(set(ids)) != len(ids):
        raise CostModelError(f"compare_builds: a build is listed twice in {ids}")
    measured = dict(decode_tok_s or {})
    unknown = set(measured) - set(ids)
    if unknown:
        raise CostModelError(f"compare_builds: measured speeds for builds not compared: {sorted(unknown)}")
    results = {}
    for build in builds:
        for price in prices:
            scenario = Scenario(
                build=build,
                model=model,
                quant=quant,
                price=price,
                usage=usage,
                decode_tok_s=measured.get(build.build_id),
                **assumptions,
            )
            results[(build.build_id, price.price_id)] = compare(scenario)
    return Study(
        builds=tuple(builds),
        prices=tuple(prices),
        model=model,
        quant=quant,
        usage=usage,
        results=results,
        as_of=as_of or dt.date.today(),
    )
