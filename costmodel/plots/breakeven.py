"""The break-even charts: cumulative cost by month, cost per million tokens against volume, saved scenarios."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..breakeven import Comparison, Verdict
from ..glossary import axis_title
from ..explain import explain, machine_label
from ..explain import tokens as format_tokens
from ..recommend import Cheapest
from ..study import VOLUME_SPAN, Study
from .style import PALETTE, SCENARIO_DASHES, Spec, api_style, array, by_month, esc, finish


def _not_drawn(study: Study, names: Mapping[str, str]) -> list[str]:
    notes = []
    for machine in study.machines:
        r = study.primary(machine.machine_id)
        if r.verdict == Verdict.DOES_NOT_FIT:
            notes.append(f"Not drawn: {names.get(machine.machine_id, machine.machine_id)}: {explain(r).headline}")
    return notes


#: a rented machine's line: dash-dot in its colour (a bought one's is solid, the API's black dashes)
RENT_DASH = "dashdot"


def _label(machine, names: Mapping[str, str]) -> str:
    """A machine's legend entry: a rental says it is rented."""
    return machine_label(machine, names.get(machine.machine_id, machine.machine_id))


def _finish(spec: Spec, study: Study, names: Mapping[str, str], question: str, height: int, notes: list[str]) -> dict:
    """A break-even chart's title, the study's assumptions, and its notes with the builds not drawn."""
    return finish(spec, question, study.assumptions(), height=height, notes=notes + _not_drawn(study, names))


def cumulative_cost(study: Study, colours: Mapping[str, str], names: Mapping[str, str] | None = None) -> dict:
    """Cumulative cost by month: a line per build (its position: cash out less what the box would
    sell for; dotted, the cash out alone) and per API offering; every crossing marked.

    A build above capacity is drawn as its hybrid (overflow sent to the API); a build that does
    not fit is named under the chart instead of drawn.
    """
    names = dict(names or {})
    spec = Spec()
    for build in study.machines:
        r = study.primary(build.machine_id)
        if r.verdict == Verdict.DOES_NOT_FIT:
            continue
        label = _label(build, names)
        if r.verdict == Verdict.CANNOT_SERVE:
            label += " (hybrid: overflow to API)"
        colour = colours.get(build.machine_id, PALETTE[0])
        spec.scatter(
            x=array(r.columns["month"]),
            y=array(r.columns["local_net_usd"]),
            name=label,
            mode="lines",
            legendgroup=build.machine_id,
            line={"color": colour, "width": 2.5, **({"dash": RENT_DASH} if build.rented else {})},
            hovertemplate="month %{x}<br>$%{y:,.0f}"
            + (" rented" if build.rented else " net of resale")
            + "<extra>"
            + label
            + "</extra>",
        )
        if build.rented:
            continue  # nothing bought: its cash out is its position
        spec.scatter(
            x=array(r.columns["month"]),
            y=array(r.columns["local_cash_usd"]),
            name=f"cash out {build.build_id}",
            mode="lines",
            showlegend=False,
            legendgroup=build.build_id,
            line={"color": colour, "width": 1, "dash": "dot"},
            hovertemplate="month %{x}<br>$%{y:,.0f} cash out<extra>" + label + "</extra>",
        )
    for i, price in enumerate(study.prices):
        curve = study.api(price.price_id).columns
        spec.scatter(
            x=array(curve["month"]),
            y=array(curve["api_usd"]),
            name=f"API: {price.price_id}",
            mode="lines",
            line=api_style(i),
            hovertemplate="month %{x}<br>$%{y:,.0f}<extra>API: " + price.price_id + "</extra>",
        )
    for build in study.machines:
        for price in study.prices:
            r = study.results[(build.machine_id, price.price_id)]
            if r.verdict == Verdict.DOES_NOT_FIT:
                continue
            _marks(
                spec,
                r,
                build.machine_id,
                price.price_id,
                colours.get(build.machine_id, PALETTE[0]),
                names.get(build.machine_id, build.machine_id),
            )
    by_month(spec)
    notes = [
        "Solid: what owning has cost if the box were sold that month (cash out less what it would fetch); dotted: cash out alone.",
        "Stars: owning turns ahead of the API; crosses: it falls behind again; diamonds: its price recovered in cash.",
    ]
    if study.rentals:
        notes.append("Dash-dot: renting, the bill to date (hours billed, storage for the weights, egress).")
    question = "Buy, rent or pay the API?" if study.rentals else "Buy the box or pay the API?"
    return _finish(spec, study, names, f"{question} Cumulative cost [USD]", 720, notes)


def _marks(spec: Spec, r: Comparison, build_id: str, price_id: str, colour: str, label: str) -> None:
    """Every crossing of one build against one API, and its cash payback, as markers."""
    api = r.columns["api_usd"]
    for i, (month, up) in enumerate(r.crossings):
        first = i == 0 and r.break_even_month is not None
        spec.scatter(
            x=[month],
            y=[float(np.interp(month, r.columns["month"], api))],
            mode="markers",
            showlegend=False,
            legendgroup=build_id,
            marker={
                "symbol": "star" if up else "x",
                "size": 14 if up else 11,
                "color": colour,
                "line": {"width": 1, "color": "black"},
            },
            name=f"{'break-even' if first else 'ahead' if up else 'behind again'} {build_id} vs {price_id}",
            hovertemplate=f"{label} {'ahead of' if up else 'behind'} {price_id}<br>month {month:.1f}<extra></extra>",
        )
    if r.cash_payback_month is not None:
        spec.scatter(
            x=[r.cash_payback_month],
            y=[float(np.interp(r.cash_payback_month, r.columns["month"], api))],
            mode="markers",
            showlegend=False,
            legendgroup=build_id,
            marker={"symbol": "diamond", "size": 11, "color": colour, "line": {"width": 1, "color": "black"}},
            name=f"cash payback {build_id} vs {price_id}",
            hovertemplate=f"{label}: price recovered in cash, month {r.cash_payback_month:.1f}<extra></extra>",
        )


def cost_per_mtok(
    study: Study,
    colours: Mapping[str, str],
    names: Mapping[str, str] | None = None,
    cheapest: Cheapest | None = None,
) -> dict:
    """Cost per million tokens against flat monthly volume (log-log), capacity and crossovers marked.

    Solid: what the build serves; dotted beyond its capacity (the hybrid that sends the overflow
    to the API); dash-dot, a rental (as many instances as the volume needs); a vertical tick at
    each build's capacity; a circle where a machine meets the API price. ``cheapest`` (from
    ``costmodel.recommend.cheapest``) draws the cheapest way at each volume as a wide band under the
    lines, each segment named at the top.
    """
    names = dict(names or {})
    spec = Spec()
    span = list(VOLUME_SPAN)
    if cheapest is not None:
        _cheapest_band(spec, cheapest, names)
    for build in study.machines:
        if study.primary(build.machine_id).verdict == Verdict.DOES_NOT_FIT:
            continue
        line = study.volume_curve(build.machine_id)  # the grid the cheapest way by volume is found on
        colour = colours.get(build.machine_id, PALETTE[0])
        label = _label(build, names)
        inside, beyond = line[line["within_capacity"]], line[~line["within_capacity"]]
        if not beyond.empty and not inside.empty:
            beyond = pd.concat([inside.tail(1), beyond])
        solid = RENT_DASH if build.rented else "solid"
        for part, dash, show in ((inside, solid, True), (beyond, "dot", inside.empty)):
            if part.empty:
                continue
            spec.scatter(
                x=array(part["volume_tok_per_month"]),
                y=array(part["local_usd_per_mtok"]),
                mode="lines",
                name=label,
                legendgroup=build.machine_id,
                showlegend=show,
                line={"color": colour, "dash": dash, "width": 2.5},
                hovertemplate="%{x:.3s} tokens/month<br>$%{y:,.2f} per M<extra>" + label + "</extra>",
            )
        r = study.primary(build.machine_id)
        capacity = r.capacity_tok_per_month
        if capacity < span[1] and not inside.empty and not build.rented:
            spec.scatter(
                x=[capacity],
                y=[float(inside["local_usd_per_mtok"].iloc[-1])],
                mode="markers+text",
                showlegend=False,
                legendgroup=build.machine_id,
                marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": colour}},
                text=["capacity"],
                textposition="top center",
                textfont={"size": 10, "color": colour},
                name=f"capacity {build.machine_id}",
                hovertemplate=f"{label}: capacity {format_tokens(capacity)} tokens/month<extra></extra>",
            )
        volume = r.break_even_volume_tok_per_month
        if volume is not None and r.break_even_volume_within_capacity and span[0] <= volume <= span[1]:
            spec.scatter(
                x=[volume],
                y=[r.api_usd_per_mtok],
                mode="markers",
                showlegend=False,
                legendgroup=build.machine_id,
                marker={"symbol": "circle-open", "size": 14, "color": colour, "line": {"width": 3, "color": colour}},
                name=f"crossover {build.machine_id}",
                hovertemplate=f"{label} matches {study.primary_price.price_id} at "
                f"{format_tokens(volume)} tokens/month<extra></extra>",
            )
    levels = []
    for i, price in enumerate(study.prices):
        r = study.api(price.price_id)
        levels.append(r.api_usd_per_mtok)
        spec.scatter(
            x=span,
            y=[r.api_usd_per_mtok] * 2,
            mode="lines",
            line=api_style(i),
            name=f"API: {price.price_id} ${r.api_usd_per_mtok:.2f}/M",
            hovertemplate=f"API: {price.price_id}<br>$%{{y:,.2f}} per M<extra></extra>",
        )
    ys = [y for t in spec.data for y in t["y"] if y is not None and y > 0]
    you = max(study.usage.tokens_per_month, span[0])
    spec.scatter(
        x=[you, you],
        y=[min(ys + levels), max(ys + levels)],
        mode="lines+text",
        name="your volume",
        showlegend=False,
        line={"color": "#bbb", "width": 1},
        text=["", "your volume"],
        textposition="bottom right",
        textfont={"size": 10, "color": "#777"},
        hoverinfo="skip",
    )
    spec.layout.update(
        xaxis={
            "type": "log",
            "title": {"text": axis_title("volume_tok_per_month", "Tokens a month (flat)")},
            "dtick": 1,
        },
        yaxis={
            "type": "log",
            "title": {"text": axis_title("api_usd_per_mtok", "Cost per million tokens")},
            "tickprefix": "$",
            "dtick": 1,  # labels at powers of ten only: a bare "5" between $1 and $10 reads as $5 or $500
        },
    )
    notes = [
        "Solid: what each build serves; dotted: beyond its capacity, the overflow sent to the API. "
        "Circles: where a build matches the API price."
    ]
    if study.rentals:
        notes.append("Dash-dot: renting, as many instances as the volume needs.")
    if cheapest is not None:
        notes.append(
            "Green band: the cheapest way at each volume (a build may be several boxes of it, named at the top)."
        )
    question = (
        "Buy, rent or pay the API? Cost per million tokens by volume [USD]"
        if study.rentals
        else "At what volume does the box beat the API? Cost per million tokens [USD]"
    )
    return _finish(spec, study, names, question, 700, notes)


#: the cheapest way's band: wide and pale, under the lines
CHEAPEST_BAND = {"color": "rgba(44, 160, 44, 0.22)", "width": 14}


def _cheapest_band(spec: Spec, cheapest: Cheapest, names: Mapping[str, str]) -> None:
    """The cheapest cost at each volume as a wide band, each segment named above the plot, and a
    thin rule where the cheapest way changes."""
    env = cheapest.envelope
    spec.above_plot_px = 18  # the segments' names sit between the subtitle and the plot
    spec.scatter(
        x=array(env["volume_tok_per_month"]),
        y=array(env["usd_per_mtok"]),
        mode="lines",
        name="cheapest at each volume",
        line=CHEAPEST_BAND,
        hovertemplate="%{x:.3s} tokens/month<br>cheapest: $%{y:,.2f} per M<extra></extra>",
    )
    for i, segment in enumerate(cheapest.segments):
        low, high = segment.low_tok_per_month, segment.high_tok_per_month
        name = names.get(segment.key, segment.name)
        word = {"api": "API", "build": "buy", "rent": "rent"}[segment.kind]
        if segment.kind == "build" and segment.most_boxes > 1:
            word += f" up to {segment.most_boxes}x"
        spec.layout["annotations"].append(
            {
                "text": esc(f"{word}: {name}" if segment.kind != "api" else f"{word}: {segment.name}"),
                "xref": "x",
                "yref": "paper",
                "x": float(np.log10(np.sqrt(low * high))),
                "y": 1.0,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 10, "color": "#2b7a2b"},
            }
        )
        if i:
            spec.layout.setdefault("shapes", []).append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": low,
                    "x1": low,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#2b7a2b", "width": 1, "dash": "dot"},
                }
            )


def scenario_overlay(studies: Mapping[str, Study], colours: Mapping[str, str]) -> dict:
    """Cumulative cost of two to four saved scenarios on one chart: colour per build, dash per scenario."""
    spec = Spec()
    for i, (name, study) in enumerate(studies.items()):
        dash = SCENARIO_DASHES[i % len(SCENARIO_DASHES)]
        for build in study.machines:
            r = study.primary(build.machine_id)
            if r.verdict == Verdict.DOES_NOT_FIT:
                continue
            spec.scatter(
                x=array(r.columns["month"]),
                y=array(r.columns["local_net_usd"]),
                mode="lines",
                name=f"{name}: {build.machine_id}",
                legendgroup=name,
                line={"color": colours.get(build.machine_id, PALETTE[0]), "dash": dash, "width": 2.5},
                hovertemplate="month %{x}<br>$%{y:,.0f}<extra>" + f"{name}: {build.machine_id}" + "</extra>",
            )
        api = study.primary(study.first_id).columns
        spec.scatter(
            x=array(api["month"]),
            y=array(api["api_usd"]),
            mode="lines",
            legendgroup=name,
            name=f"{name}: API {study.primary_price.price_id}",
            line={"color": "#000", "dash": dash, "width": 1.5},
        )
    by_month(spec)
    lines = [
        f"{name}: {s.model.name} {s.quant.quant}, {format_tokens(s.usage.tokens_per_month)} tokens a month "
        f"(line style {SCENARIO_DASHES[i % len(SCENARIO_DASHES)]})"
        for i, (name, s) in enumerate(studies.items())
    ]
    return finish(spec, "Saved scenarios side by side: cumulative cost [USD]", lines, height=700)
