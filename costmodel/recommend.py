"""The answer in one line: the cheapest way to serve the demand over the horizon, and what would change it.

``recommend(study)`` ranks every way the study offers to serve the tokens asked: each API offering
(its spend over the horizon) and each build that holds the model (its local position at the horizon:
cash out less what it would sell for; a build short of capacity as its hybrid, the overflow sent to
the cheapest offering, and as the boxes of it that serve the whole demand, up to ``MOST_BOXES``). All
are present values on the study's one basis, so the amount by which the best beats the runner-up is
exactly the saving the cards show for that pair.

What would change the answer is solved, not guessed: the flat volume at which the best build and the
cheapest API cost the same (``break_even_volume_tok_per_month``), and the electricity price at which
they do (savings are linear in the price of electricity, so two runs of the engine give the root).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Literal

from .breakeven import Comparison, Verdict, compare
from .explain import short_name
from .inputs import varied
from .study import Study

#: the most boxes of one build the recommendation considers buying
MOST_BOXES = 8


def boxes_to_serve(r: Comparison) -> int | None:
    """How many boxes of ``r``'s build serve the busiest month it asks (None past ``MOST_BOXES``)."""
    peak = float(r.columns["tokens"].max())
    if r.capacity_tok_per_month <= 0 or r.too_slow:
        return None
    n = math.ceil(peak / (r.capacity_tok_per_month / r.scenario.boxes) * (1 - 1e-12))
    return n if n <= MOST_BOXES else None


@dataclasses.dataclass(frozen=True)
class Option:
    """One way to serve the demand, and what it costs over the horizon [USD, present value]."""

    kind: Literal["api", "build"]
    key: str  # a price_id or a build_id
    name: str
    cost_usd: float
    comparison: Comparison | None  # for a build: against the cheapest API


@dataclasses.dataclass(frozen=True)
class Recommendation:
    """The ways to serve the demand, cheapest first, and the thresholds that would change the answer."""

    options: tuple[Option, ...]
    cheapest_api: Option
    best_build: Option | None  # the cheapest build that holds the model, if any does
    unable: tuple[str, ...]  # build ids that cannot hold the model
    volume_threshold_tok_per_month: float | None  # flat volume where best build and cheapest API tie
    electricity_threshold_usd_per_kwh: float | None  # electricity price where they tie (0-10 $/kWh)
    capex_threshold_usd: float | None  # the best build's price at which they tie
    too_slow: tuple[str, ...] = ()  # build ids slower per stream than the floor asked

    @property
    def best(self) -> Option:
        return self.options[0]

    @property
    def runner_up(self) -> Option | None:
        return self.options[1] if len(self.options) > 1 else None


def linear_root(comparison: Comparison, name: str, low: float, high: float) -> float | None:
    """The value of input ``name`` within [low, high] at which the savings at the horizon are 0,
    for an input they are linear in (electricity, capex, the API price): two ``compare`` runs."""
    s = comparison.scenario
    a = compare(varied(s, name, low)).savings_at_horizon_usd
    b = compare(varied(s, name, high)).savings_at_horizon_usd
    if a == b:
        return None
    root = low + (high - low) * (-a) / (b - a)
    return root if low <= root <= high else None


def recommend(study: Study) -> Recommendation:
    """The cheapest way to serve ``study``'s demand over its horizon, and what would change the answer.

    >>> import datetime as dt, costmodel as cm
    >>> study = cm.study_of(cm.StudyInputs(), cm.load_catalog(), dt.date(2026, 12, 1))
    >>> rec = recommend(study)
    >>> rec.best.kind, rec.best.key
    ('api', 'avian/z-ai/glm-5.2')
    """
    first_build = study.builds[0].build_id
    apis = [
        Option(
            "api", p.price_id, p.price_id, float(study.results[(first_build, p.price_id)].columns["api_usd"][-1]), None
        )
        for p in study.prices
    ]
    cheapest_api = min(apis, key=lambda o: o.cost_usd)
    builds, unable, slow = [], [], []
    for b in study.builds:
        r = study.results[(b.build_id, cheapest_api.key)]
        if r.verdict == Verdict.DOES_NOT_FIT:
            unable.append(b.build_id)
            continue
        if r.too_slow:
            slow.append(b.build_id)
            continue
        builds.append(Option("build", b.build_id, short_name(b.name), float(r.columns["local_net_usd"][-1]), r))
        n = boxes_to_serve(r) if r.verdict == Verdict.CANNOT_SERVE else None
        if n is not None and n > r.scenario.boxes:
            more = compare(r.scenario.model_copy(update={"boxes": n}))
            builds.append(
                Option(
                    "build",
                    f"{b.build_id}x{n}",
                    f"{n}x {short_name(b.name)}",
                    float(more.columns["local_net_usd"][-1]),
                    more,
                )
            )
    best_build = min(builds, key=lambda o: o.cost_usd) if builds else None
    volume = electricity = capex = None
    if best_build is not None:
        r = best_build.comparison
        if r.break_even_volume_within_capacity:
            volume = r.break_even_volume_tok_per_month
        electricity = linear_root(r, "electricity_usd_per_kwh", 0.0, 10.0)
        capex = linear_root(r, "capex_usd", 1.0, 10 * r.scenario.build.capex_usd)
    options = tuple(sorted([*apis, *builds], key=lambda o: o.cost_usd))
    return Recommendation(options, cheapest_api, best_build, tuple(unable), volume, electricity, capex, tuple(slow))
