"""The answer in one line: the cheapest way to serve the demand over the horizon, and what would change it.

``recommend(study)`` ranks every way the study offers to serve the tokens: each API offering (its
spend over the horizon), each build that holds the model (its local position at the horizon: cash
out less what it would sell for; a build short of capacity as its hybrid, the overflow sent to the
cheapest offering, and as the boxes of it that serve the whole demand, up to ``MOST_BOXES``), and
each rental that holds it (its bill: as many instances as the work needs). All are present values
on the study's one basis, so the amount by which the best beats the runner-up is exactly the saving
the cards show for that pair.

What would change the answer is solved, not guessed:

* **by volume** (``cheapest_by_volume``): the cheapest of buy, rent and API at every flat volume
  from 1 M to 10 B tokens a month, as segments whose ends are where the cheapest changes (a grid of
  ``GRID_POINTS``, each change then found within its step on a finer grid of the two it lies between);
* **by the best build's price and by electricity**: the values at which the best build costs what the
  best other way costs (its cost is linear in both, so two runs of the engine give the root).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd

from .breakeven import Comparison, Verdict, compare, flat_costs
from .explain import machine_name, short_name
from .inputs import varied
from .study import Study, volume_grid

#: the most boxes of one build the recommendation considers buying
MOST_BOXES = 8
#: volumes of the finer grid within a step of the study's grid (``study.volume_grid``) where the cheapest changes
FINE_POINTS = 65

Kind = Literal["api", "build", "rent"]


def boxes_to_serve(r: Comparison) -> int | None:
    """How many boxes of ``r``'s build serve the busiest month it asks (None past ``MOST_BOXES``)."""
    peak = float(r.columns["tokens"].max())
    return boxes_for(r, peak)


def boxes_for(r: Comparison, tokens_per_month: float) -> int | None:
    """How many boxes of ``r``'s build serve ``tokens_per_month`` (None past ``MOST_BOXES``, or too slow)."""
    if r.capacity_tok_per_month <= 0 or r.too_slow or r.scenario.build.rented:
        return None
    n = math.ceil(tokens_per_month / (r.capacity_tok_per_month / r.scenario.boxes) * (1 - 1e-12))
    return n if n <= MOST_BOXES else None


@dataclasses.dataclass(frozen=True)
class Option:
    """One way to serve the demand, and what it costs over the horizon [USD, present value]."""

    kind: Kind
    key: str  # a price_id, a build_id (with "xN" for N boxes) or a rental_id
    name: str
    cost_usd: float
    comparison: Comparison | None  # for a build or a rental: against the cheapest API


@dataclasses.dataclass(frozen=True)
class Segment:
    """The cheapest way to serve a flat volume from ``low`` to ``high`` tokens a month."""

    low_tok_per_month: float
    high_tok_per_month: float
    kind: Kind
    key: str  # a price_id, a build_id or a rental_id
    name: str
    most_boxes: int = 1  # a build: the most boxes of it bought within the segment
    hybrid: bool = False  # some of the segment's volumes go past the machine's capacity, to the API


@dataclasses.dataclass(frozen=True)
class Cheapest:
    """The cheapest way at each flat volume: its segments, and the cheapest cost along the grid."""

    segments: tuple[Segment, ...]
    envelope: pd.DataFrame  # volume_tok_per_month, usd_per_mtok (the cheapest way's), key (its id)


@dataclasses.dataclass(frozen=True)
class Recommendation:
    """The ways to serve the demand, cheapest first, and the thresholds that would change the answer."""

    options: tuple[Option, ...]
    cheapest_api: Option
    best_build: Option | None  # the cheapest build that holds the model, if any does
    unable: tuple[str, ...]  # build and rental ids that cannot hold the model
    volume_threshold_tok_per_month: float | None  # flat volume where best build and cheapest API tie
    electricity_threshold_usd_per_kwh: float | None  # electricity price where the best build ties the best other way
    capex_threshold_usd: float | None  # the best build's price at which it ties the best other way
    too_slow: tuple[str, ...] = ()  # build and rental ids slower per stream than the floor asked
    best_rental: Option | None = None  # the cheapest rental that holds the model, if any does
    by_volume: Cheapest | None = None  # the cheapest way at each flat volume (``cheapest``)

    @property
    def segments(self) -> tuple[Segment, ...]:
        """Where each way is the cheapest, by flat volume (none when not computed)."""
        return self.by_volume.segments if self.by_volume is not None else ()

    @property
    def best(self) -> Option:
        return self.options[0]

    @property
    def runner_up(self) -> Option | None:
        return self.options[1] if len(self.options) > 1 else None

    @property
    def rival(self) -> Option | None:
        """The best way that is not a build: what the best build must beat (the runner-up when a build is best)."""
        return _rival(self.options)


def linear_root(comparison: Comparison, name: str, low: float, high: float, target_usd: float | None = None) -> float | None:
    """The value of input ``name`` within [low, high] at which the machine's position at the horizon
    equals ``target_usd`` (the API's spend when None: savings 0), for an input the position is linear
    in (electricity, capex): two ``compare`` runs."""
    s = comparison.scenario
    target = float(comparison.columns["api_usd"][-1]) if target_usd is None else target_usd
    a = float(compare(varied(s, name, low)).columns["local_net_usd"][-1]) - target
    b = float(compare(varied(s, name, high)).columns["local_net_usd"][-1]) - target
    if a == b:
        return None
    root = low + (high - low) * (-a) / (b - a)
    return root if low <= root <= high else None


def recommend(study: Study, segments: bool = True) -> Recommendation:
    """The cheapest way to serve ``study``'s demand over its horizon, and what would change the answer.

    ``segments`` False leaves out the cheapest way by volume (``cheapest_by_volume``), which costs
    a few dozen runs of the engine.

    >>> import datetime as dt, costmodel as cm
    >>> study = cm.study_of(cm.StudyInputs(), cm.load_catalog(), dt.date(2026, 12, 1))
    >>> rec = recommend(study)
    >>> rec.best.kind, rec.best.key
    ('api', 'avian/z-ai/glm-5.2')
    """
    apis = [
        Option("api", p.price_id, p.price_id, float(study.api(p.price_id).columns["api_usd"][-1]), None)
        for p in study.prices
    ]
    cheapest_api = next(o for o in apis if o.key == study.primary_price.price_id)
    machines, unable, slow = [], [], []
    for b in study.machines:
        r = study.results[(b.machine_id, cheapest_api.key)]
        if r.verdict == Verdict.DOES_NOT_FIT:
            unable.append(b.machine_id)
            continue
        if r.too_slow:
            slow.append(b.machine_id)
            continue
        kind: Kind = "rent" if b.rented else "build"
        machines.append(Option(kind, b.machine_id, machine_name(b), float(r.columns["local_net_usd"][-1]), r))
        n = boxes_to_serve(r) if r.verdict == Verdict.CANNOT_SERVE else None
        if n is not None and n > r.scenario.boxes:
            more = compare(r.scenario.model_copy(update={"boxes": n}))
            machines.append(
                Option(
                    "build",
                    f"{b.build_id}x{n}",
                    f"{n}x {short_name(b.name)}",
                    float(more.columns["local_net_usd"][-1]),
                    more,
                )
            )
    options = tuple(sorted([*apis, *machines], key=lambda o: o.cost_usd))
    best_build = min((o for o in machines if o.kind == "build"), key=lambda o: o.cost_usd, default=None)
    best_rental = min((o for o in machines if o.kind == "rent"), key=lambda o: o.cost_usd, default=None)
    rival = _rival(options)
    volume = electricity = capex = None
    if best_build is not None:
        r = best_build.comparison
        if r.break_even_volume_within_capacity:
            volume = r.break_even_volume_tok_per_month
        target = rival.cost_usd if rival is not None else None
        electricity = linear_root(r, "electricity_usd_per_kwh", 0.0, 10.0, target)
        capex = linear_root(r, "capex_usd", 1.0, 10 * r.scenario.build.capex_usd, target)
    return Recommendation(
        options,
        cheapest_api,
        best_build,
        tuple(unable),
        volume,
        electricity,
        capex,
        tuple(slow),
        best_rental,
        cheapest(study, cheapest_api.key) if segments else None,
    )


def _rival(options: tuple[Option, ...]) -> Option | None:
    return next((o for o in options if o.kind != "build"), None)


#: a way's cost per million tokens at flat volumes [USD/Mtok], the boxes it buys at each, and
#: whether it sends some of them to the API (a hybrid)
Evaluator = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


def _evaluators(study: Study, price_id: str) -> dict[tuple[Kind, str, str], Evaluator]:
    """Each way to serve the tokens, with its cost at given flat volumes: each API; each machine that
    holds the model and is fast enough, against ``price_id`` for its overflow; a build also as the
    boxes of it that serve the volume (up to ``MOST_BOXES``) where they cost less than its hybrid."""
    out: dict[tuple[Kind, str, str], Evaluator] = {}
    grid = volume_grid()
    for p in study.prices:
        r = study.api(p.price_id)
        # an API's cost per million tokens is the same at every flat volume: costed once
        usd_per_mtok = float(flat_costs(r.scenario, r.throughput, grid[:1])[1][0])
        out[("api", p.price_id, p.price_id)] = lambda v, c=usd_per_mtok: (
            np.full(v.size, c),
            np.ones(v.size),
            np.zeros(v.size, dtype=bool),
        )
    primary = price_id == study.primary_price.price_id  # the study's own curves are against that one
    for m in study.machines:
        r = study.results[(m.machine_id, price_id)]
        if r.verdict == Verdict.DOES_NOT_FIT or r.too_slow:
            continue
        kind: Kind = "rent" if m.rented else "build"
        on_grid = study.volume_curve(m.machine_id)["local_usd_per_mtok"].to_numpy() if primary else None
        out[(kind, m.machine_id, machine_name(m))] = _machine_evaluator(r, on_grid)
    return out


def _machine_evaluator(r: Comparison, on_grid: np.ndarray | None = None) -> Evaluator:
    """A machine's cost per million tokens at flat volumes: as chosen (a build short of capacity as its
    hybrid), or for a build the boxes that serve the volume where they cost less (as ``recommend``
    weighs them at the study's volume). Every number of boxes is one draw of the same engine run.
    ``on_grid``: its costs as chosen at ``volume_grid()``, when already made (the study's curve)."""
    s, speeds = r.scenario, r.throughput
    per_box = r.capacity_tok_per_month / s.boxes

    grid = volume_grid()

    def as_chosen(volumes: np.ndarray) -> np.ndarray:
        if on_grid is not None and volumes.shape == grid.shape and np.array_equal(volumes, grid):
            return on_grid.copy()
        return flat_costs(s, speeds, volumes)[0]

    def cost(volumes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        boxes = np.full(volumes.size, float(s.boxes))
        if s.build.rented:
            return as_chosen(volumes), boxes, volumes > r.capacity_tok_per_month * (1 + 1e-12)
        wanted = np.array([boxes_for(r, v) or 0 for v in volumes], dtype=float)
        more = wanted > s.boxes  # where more boxes than chosen serve the volume: one run for all of them
        best = as_chosen(volumes)
        theirs = flat_costs(s, speeds, volumes[more], boxes=wanted[more])[0] if more.any() else best[more]
        cheaper = theirs < best[more]
        best[more] = np.where(cheaper, theirs, best[more])
        boxes[more] = np.where(cheaper, wanted[more], boxes[more])
        return best, boxes, volumes > per_box * boxes * (1 + 1e-12)

    return cost


def cheapest_by_volume(study: Study, price_id: str | None = None) -> tuple[Segment, ...]:
    """The segments of ``cheapest``: the cheapest way at every flat volume from 1 M to 10 B tokens a month.

    >>> import datetime as dt, costmodel as cm
    >>> study = cm.study_of(cm.StudyInputs(), cm.load_catalog(), dt.date(2026, 12, 1))
    >>> [(s.kind, s.key) for s in cheapest_by_volume(study)][:1]
    [('api', 'avian/z-ai/glm-5.2')]
    """
    return cheapest(study, price_id).segments


def cheapest(study: Study, price_id: str | None = None) -> Cheapest:
    """The cheapest way to serve each flat volume from 1 M to 10 B tokens a month, as segments.

    Every API offering, build and rental of the study is costed per million tokens at flat volumes
    (a build short of capacity as its hybrid or as the boxes that serve the volume, whichever costs
    less; a rental as the instances the work needs); the cheapest at each volume of a log grid is
    kept, and where it changes between two volumes the change is found on a finer grid between
    them. ``price_id`` is the API the machines' overflow goes to (the cheapest by default).
    """
    price_id = price_id or study.primary_price.price_id
    evaluators = _evaluators(study, price_id)
    keys = list(evaluators)
    grid = volume_grid()
    three = [evaluators[k](grid) for k in keys]
    costs = np.vstack([c for c, _, _ in three])
    boxes = np.vstack([n for _, n, _ in three])
    hybrid = np.vstack([h for _, _, h in three])
    winner = np.argmin(costs, axis=0)
    edges, owners = [float(grid[0])], [int(winner[0])]
    for i in np.nonzero(winner[1:] != winner[:-1])[0]:
        a, b = int(winner[i]), int(winner[i + 1])
        fine = np.linspace(grid[i], grid[i + 1], FINE_POINTS)
        gap = evaluators[keys[a]](fine)[0] - evaluators[keys[b]](fine)[0]  # above 0 once b is cheaper
        j = max(int(np.argmax(gap > 0)) if np.any(gap > 0) else FINE_POINTS - 1, 1)
        g0, g1 = gap[j - 1], gap[j]
        edges.append(float(fine[j - 1] + (fine[j] - fine[j - 1]) * (-g0 / (g1 - g0) if g1 != g0 else 0.0)))
        owners.append(b)
    edges.append(float(grid[-1]))
    out: list[Segment] = []
    for k, owner in enumerate(owners):
        kind, key, name = keys[owner]
        inside = (grid >= edges[k]) & (grid <= edges[k + 1]) & (winner == owner)
        most = int(boxes[owner][inside].max()) if inside.any() else 1
        sends = bool(hybrid[owner][inside].any())
        if out and out[-1].key == key:
            last = out[-1]
            out[-1] = dataclasses.replace(
                last, high_tok_per_month=edges[k + 1], most_boxes=max(last.most_boxes, most), hybrid=last.hybrid or sends
            )
            continue
        out.append(Segment(edges[k], edges[k + 1], kind, key, name, most, sends))
    envelope = pd.DataFrame(
        {
            "volume_tok_per_month": grid,
            "usd_per_mtok": costs[winner, np.arange(grid.size)],
            "key": [keys[w][1] for w in winner],
        }
    )
    return Cheapest(tuple(out), envelope)
