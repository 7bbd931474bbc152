"""Figure builders: finished results in, ``plotly.graph_objects.Figure`` out. No arithmetic.

Imported on its own (``import costmodel.figures``) so that ``import costmodel`` stays light.
Charts people screenshot carry their question as a title, the assumptions and the prices'
as-of date inside the image, units on both axes, and one colour per build everywhere
(``build_colours``).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .breakeven import Verdict
from .glossary import axis_title
from .study import Study, format_tokens

#: one colour per build, assigned in catalogue order (plotly's D3 and Dark24 palettes)
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#2E91E5",
    "#E15F99",
    "#1CA71C",
    "#FB0D0D",
    "#DA16FF",
    "#222A2A",
    "#B68100",
    "#750D86",
    "#EB663B",
    "#511CFB",
    "#00A08B",
    "#FB00D1",
    "#FC0080",
    "#B2828D",
)
API_COLOURS = ("#000000", "#555555", "#999999", "#333333", "#777777")
API_DASHES = ("dash", "dot", "dashdot", "longdash", "longdashdot")
FONT = {"family": "DejaVu Sans, Liberation Sans, Arial, sans-serif"}


def build_colours(build_ids: Iterable[str]) -> dict[str, str]:
    """A stable colour for each build id, by its position in ``build_ids`` (the catalogue's order)."""
    return {build_id: PALETTE[i % len(PALETTE)] for i, build_id in enumerate(build_ids)}


def png_config(filename: str, scale: int = 2) -> dict:
    """plotly.js config whose toolbar button saves a PNG at ``scale`` x named ``filename``."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": scale},
    }


class _Spec:
    """A figure assembled as plain plotly data (fast), turned into a ``go.Figure`` at the end.

    ``go.Figure`` validates every property as it is added, which costs tens of milliseconds a
    chart; here the spec is built as dicts and wrapped once without validation. The tests build
    every figure again with validation, so a wrong property name still fails there.
    """

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.layout: dict = {"template": _template(), "font": FONT, "annotations": []}

    def scatter(self, **trace: object) -> None:
        self.data.append({"type": "scatter", **trace})

    def bar(self, **trace: object) -> None:
        self.data.append({"type": "bar", **trace})

    def figure(self) -> go.Figure:
        return go.Figure(self.spec(), _validate=False)

    def spec(self) -> dict:
        return {"data": self.data, "layout": self.layout}


@functools.cache
def _template() -> dict:
    """plotly_white as a plain dict, so that a figure built without validation still carries it."""
    import plotly.io as pio

    return pio.templates["plotly_white"].to_plotly_json()


def _array(series: pd.Series) -> list:
    return series.to_numpy().tolist()


def _esc(text: str) -> str:
    """Text for plotly, which reads ``<b>``, ``<a href=...>`` and entities in titles and notes:
    a source or note typed by a user shows as typed."""
    return html.escape(text, quote=False)


def _caption(spec: _Spec, notes: list[str]) -> None:
    """What is not drawn, under the legend, inside the image."""
    if notes:
        spec.layout["annotations"].append(
            {
                "text": "<br>".join(_esc(n) for n in notes),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.3,
                "xanchor": "left",
                "yanchor": "top",
                "showarrow": False,
                "align": "left",
                "font": {"size": 11, "color": "#444"},
            }
        )
    spec.layout["margin"] = {"l": 70, "r": 30, "b": 150 + 16 * len(notes)}


def _not_drawn(study: Study, names: Mapping[str, str]) -> list[str]:
    notes = []
    for build in study.builds:
        r = study.primary(build.build_id)
        if r.verdict == Verdict.DOES_NOT_FIT:
            notes.append(f"Not drawn: {names.get(build.build_id, build.build_id)}: {r.headline}")
    return notes


def _title(spec: _Spec, question: str, lines: list[str], size: int = 19) -> None:
    """The question as the title; the model, volume and every assumption under it, in the image."""
    small = "".join(f"<br><span style='font-size:11px;color:#444'>{_esc(line)}</span>" for line in lines)
    spec.layout["title"] = {
        "text": f"{_esc(question)}{small}",
        "x": 0.01,
        "xanchor": "left",
        "y": 0.97,
        "yanchor": "top",
        "yref": "container",
        "font": {"size": size},
    }
    spec.layout.setdefault("margin", {})["t"] = 85 + 15 * len(lines)


def _by_month(spec: _Spec, **layout: object) -> None:
    """Axes of a cumulative-cost chart: months since purchase against cumulative USD, legend below."""
    spec.layout.update(
        xaxis={"title": {"text": axis_title("month", "Months since purchase")}},
        yaxis={
            "title": {"text": axis_title("local_usd", "Cumulative cost")},
            "tickprefix": "$",
            "tickformat": ",.0f",
            "rangemode": "tozero",
        },
        legend={"orientation": "h", "y": -0.14, "x": 0, "yanchor": "top"},
        **layout,
    )


def _api_style(i: int) -> dict:
    return {"color": API_COLOURS[i % len(API_COLOURS)], "dash": API_DASHES[i % len(API_DASHES)], "width": 2}


def cumulative_cost(study: Study, colours: Mapping[str, str], names: Mapping[str, str] | None = None) -> go.Figure:
    """Cumulative cost by month (see ``cumulative_cost_spec``) as a figure."""
    return go.Figure(cumulative_cost_spec(study, colours, names), _validate=False)


def cost_per_mtok(study: Study, colours: Mapping[str, str], names: Mapping[str, str] | None = None) -> go.Figure:
    """Cost per million tokens against volume (see ``cost_per_mtok_spec``) as a figure."""
    return go.Figure(cost_per_mtok_spec(study, colours, names), _validate=False)


def cumulative_cost_spec(study: Study, colours: Mapping[str, str], names: Mapping[str, str] | None = None) -> dict:
    """Cumulative cost by month: a line per build and per API offering, break-even points marked.

    A build above capacity is drawn as its hybrid (overflow sent to the API); a build that does
    not fit is named under the chart instead of drawn.
    """
    names = dict(names or {})
    spec = _Spec()
    for build in study.builds:
        r = study.primary(build.build_id)
        if r.verdict == Verdict.DOES_NOT_FIT:
            continue
        label = names.get(build.build_id, build.build_id)
        if r.verdict == Verdict.CANNOT_SERVE:
            label += " (hybrid: overflow to API)"
        spec.scatter(
            x=_array(r.curve["month"]),
            y=_array(r.curve["local_usd"]),
            name=label,
            mode="lines",
            legendgroup=build.build_id,
            line={"color": colours.get(build.build_id, PALETTE[0]), "width": 2.5},
            hovertemplate="month %{x}<br>$%{y:,.0f}<extra>" + label + "</extra>",
        )
    for i, price in enumerate(study.prices):
        curve = study.results[(study.builds[0].build_id, price.price_id)].curve
        spec.scatter(
            x=_array(curve["month"]),
            y=_array(curve["api_usd"]),
            name=f"API: {price.price_id}",
            mode="lines",
            line=_api_style(i),
            hovertemplate="month %{x}<br>$%{y:,.0f}<extra>API: " + price.price_id + "</extra>",
        )
    for build in study.builds:
        for price in study.prices:
            r = study.results[(build.build_id, price.price_id)]
            month = r.break_even_month if r.break_even_month is not None else r.hybrid_break_even_month
            if month is None or r.verdict == Verdict.DOES_NOT_FIT:
                continue
            spec.scatter(
                x=[month],
                y=[r.break_even_usd],
                mode="markers",
                showlegend=False,
                legendgroup=build.build_id,
                marker={
                    "symbol": "star",
                    "size": 14,
                    "color": colours.get(build.build_id, PALETTE[0]),
                    "line": {"width": 1, "color": "black"},
                },
                name=f"break-even {build.build_id} vs {price.price_id}",
                hovertemplate=f"{names.get(build.build_id, build.build_id)} pays back against {price.price_id}"
                f"<br>month {month:.1f}<extra></extra>",
            )
    _by_month(spec, height=700)
    _caption(spec, _not_drawn(study, names))
    _title(spec, "Buy the box or pay the API? Cumulative cost [USD]", study.assumptions())
    return spec.spec()


def cost_per_mtok_spec(study: Study, colours: Mapping[str, str], names: Mapping[str, str] | None = None) -> dict:
    """Cost per million tokens against flat monthly volume (log-log), capacity and crossovers marked.

    Solid: what the build serves; dotted beyond its capacity (the hybrid that sends the overflow
    to the API); a vertical tick at each capacity; a circle where the build meets the API price.
    """
    names = dict(names or {})
    spec = _Spec()
    span = [1e6, 1e10]
    for build in study.builds:
        if study.primary(build.build_id).verdict == Verdict.DOES_NOT_FIT:
            continue
        line = study.volume_curve(build.build_id)
        colour = colours.get(build.build_id, PALETTE[0])
        label = names.get(build.build_id, build.build_id)
        inside, beyond = line[line["within_capacity"]], line[~line["within_capacity"]]
        if not beyond.empty and not inside.empty:
            beyond = pd.concat([inside.tail(1), beyond])
        for part, dash, show in ((inside, "solid", True), (beyond, "dot", inside.empty)):
            if part.empty:
                continue
            spec.scatter(
                x=_array(part["volume_tok_per_month"]),
                y=_array(part["local_usd_per_mtok"]),
                mode="lines",
                name=label,
                legendgroup=build.build_id,
                showlegend=show,
                line={"color": colour, "dash": dash, "width": 2.5},
                hovertemplate="%{x:.3s} tokens/month<br>$%{y:,.2f} per M<extra>" + label + "</extra>",
            )
        r = study.primary(build.build_id)
        capacity = r.capacity_tok_per_month
        if capacity < span[1] and not inside.empty:
            spec.scatter(
                x=[capacity],
                y=[float(inside["local_usd_per_mtok"].iloc[-1])],
                mode="markers+text",
                showlegend=False,
                legendgroup=build.build_id,
                marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": colour}},
                text=["capacity"],
                textposition="top center",
                textfont={"size": 10, "color": colour},
                name=f"capacity {build.build_id}",
                hovertemplate=f"{label}: capacity {format_tokens(capacity)} tokens/month<extra></extra>",
            )
        volume = r.break_even_volume_tok_per_month
        if volume is not None and r.break_even_volume_within_capacity and span[0] <= volume <= span[1]:
            spec.scatter(
                x=[volume],
                y=[r.api_usd_per_mtok],
                mode="markers",
                showlegend=False,
                legendgroup=build.build_id,
                marker={"symbol": "circle-open", "size": 14, "color": colour, "line": {"width": 3, "color": colour}},
                name=f"crossover {build.build_id}",
                hovertemplate=f"{label} matches {study.primary_price.price_id} at "
                f"{format_tokens(volume)} tokens/month<extra></extra>",
            )
    levels = []
    for i, price in enumerate(study.prices):
        r = study.results[(study.builds[0].build_id, price.price_id)]
        levels.append(r.api_usd_per_mtok)
        spec.scatter(
            x=span,
            y=[r.api_usd_per_mtok] * 2,
            mode="lines",
            line=_api_style(i),
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
        xaxis={"type": "log", "title": {"text": axis_title("volume_tok_per_month", "Tokens a month (flat)")}},
        yaxis={
            "type": "log",
            "title": {"text": axis_title("api_usd_per_mtok", "Cost per million tokens")},
            "tickprefix": "$",
        },
        legend={"orientation": "h", "y": -0.14, "x": 0, "yanchor": "top"},
        height=700,
    )
    notes = [
        "Solid: what each build serves; dotted: beyond its capacity, the overflow sent to the API. "
        "Circles: where a build matches the API price."
    ]
    _caption(spec, notes + _not_drawn(study, names))
    _title(spec, "At what volume does the box beat the API? Cost per million tokens [USD]", study.assumptions())
    return spec.spec()


def legend_names(builds: Iterable, width: int = 40) -> dict[str, str]:
    """Short display names for builds: their name, cut at ``width`` characters."""
    out = {}
    for build in builds:
        name = build.name if len(build.name) <= width else build.name[: width - 1] + "…"
        out[build.build_id] = name
    return out


def _plain(spec: _Spec, title: str, lines: list[str], height: int = 520) -> go.Figure:
    _title(spec, title, lines, size=17)
    spec.layout.update(height=height)
    spec.layout["margin"].update({"l": 70, "r": 30, "b": 60})
    return spec.figure()


def hardware_speeds(table: pd.DataFrame, colours: Mapping[str, str], lines: list[str]) -> go.Figure:
    """Estimated decode speed and its ceiling for each build that holds the model (log x)."""
    fits = table[table["decode_tok_s"].notna()].sort_values("decode_tok_s")
    spec = _Spec()
    spec.bar(
        y=_array(fits["name"]),
        x=_array(fits["ceiling_decode_tok_s"]),
        orientation="h",
        name="physical ceiling",
        marker={"color": "rgba(0,0,0,0.12)"},
        hovertemplate="%{y}<br>ceiling %{x:,.1f} tok/s<extra></extra>",
    )
    spec.bar(
        y=_array(fits["name"]),
        x=_array(fits["decode_tok_s"]),
        orientation="h",
        name="estimated decode (colour per build)",
        marker={"color": [colours.get(b, PALETTE[0]) for b in fits["build_id"]]},
        hovertemplate="%{y}<br>estimate %{x:,.1f} tok/s<extra></extra>",
    )
    spec.layout.update(
        barmode="overlay",
        legend={"orientation": "h", "y": -0.25, "yanchor": "top"},
        xaxis={"type": "log", "title": {"text": axis_title("decode_tok_s", "Decode speed")}},
    )
    missing = list(table.loc[table["decode_tok_s"].isna(), "name"])
    notes = [f"Does not fit: {', '.join(missing[i : i + 3])}" for i in range(0, len(missing), 3)]
    fig = _plain(
        spec,
        "How fast can each build run it? Decode speed [tokens/s]",
        lines + notes,
        height=max(460, 140 + 34 * len(fits) + 15 * len(lines + notes)),
    )
    fig.layout.margin.b = 110
    return fig


def kv_cache(curve: pd.DataFrame, model_name: str, weights_gb: float) -> go.Figure:
    """KV-cache size against context length for each cache type, beside the weights' size."""
    spec = _Spec()
    for dtype, dash in (("f16", "solid"), ("q8_0", "dash"), ("q4_0", "dot")):
        part = curve[curve["kv_cache_dtype"] == dtype]
        spec.scatter(
            x=_array(part["context_tokens"]),
            y=_array(part["kv_cache_gb"]),
            name=f"KV cache {dtype}",
            mode="lines",
            line={"dash": dash, "width": 2.5, "color": PALETTE[0]},
        )
    span = [int(curve["context_tokens"].min()), int(curve["context_tokens"].max())]
    spec.scatter(
        x=span,
        y=[weights_gb, weights_gb],
        name=f"weights of the smallest quant: {weights_gb:,.0f} GB",
        mode="lines",
        line={"color": PALETTE[3], "dash": "dash"},
    )
    spec.layout.update(
        xaxis={"type": "log", "title": {"text": axis_title("context_tokens", "Context length")}},
        yaxis={"type": "log", "title": {"text": axis_title("kv_cache_gb", "KV-cache memory")}},
        legend={"orientation": "h", "y": -0.18},
    )
    return _plain(spec, f"{model_name}: KV-cache memory against context length [GB]", [])


def quant_memory(memory: pd.DataFrame, model_name: str, context_tokens: int) -> go.Figure:
    """Each quant's file size and the memory it needs at the context, with quality retained."""
    quants = memory.drop_duplicates("quant")
    spec = _Spec()
    spec.bar(
        x=_array(quants["quant"]),
        y=_array(quants["file_size_gb"]),
        name="file",
        marker={"color": PALETTE[0]},
        hovertemplate="%{x}: file %{y:,.0f} GB<extra></extra>",
    )
    labels = ["" if pd.isna(q) else f"{q:.0%}" for q in quants["quality_retained"]]
    spec.bar(
        x=_array(quants["quant"]),
        y=_array(quants["required_gb"]),
        name=f"needed at {context_tokens:,} tokens",
        marker={"color": PALETTE[1]},
        hovertemplate="%{x}: needs %{y:,.0f} GB<extra></extra>",
        text=labels,
        textposition="outside",
    )
    spec.layout.update(
        barmode="group",
        legend={"orientation": "h", "y": -0.18},
        yaxis={"title": {"text": axis_title("required_gb", "Memory")}, "type": "log"},
        xaxis={"title": {"text": "Quantisation"}},
    )
    return _plain(spec, f"{model_name}: memory per quant [GB] (labels: quality retained)", [])


def price_blend(table: pd.DataFrame, lines: list[str]) -> go.Figure:
    """Each offering's price for the chosen mix beside the articles' 'input + output' sum."""
    spec = _Spec()
    spec.bar(
        y=_array(table["price_id"]),
        x=_array(table["sum_of_prices_usd"]),
        orientation="h",
        name="input + output (articles' 'blended')",
        marker={"color": "rgba(0,0,0,0.15)"},
        hovertemplate="%{y}: sum $%{x:,.2f}<extra></extra>",
    )
    spec.bar(
        y=_array(table["price_id"]),
        x=_array(table["blended_usd_per_mtok"]),
        orientation="h",
        name="true blend for this mix",
        marker={"color": PALETTE[2]},
        hovertemplate="%{y}: $%{x:,.2f} per million tokens<extra></extra>",
    )
    spec.layout.update(
        barmode="overlay",
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.12},
        xaxis={"type": "log", "title": {"text": axis_title("blended_usd_per_mtok", "Price")}, "tickprefix": "$"},
    )
    return _plain(spec, "What a million tokens cost [USD/Mtok]", lines, height=max(460, 80 + 28 * len(table)))


SCENARIO_DASHES = ("solid", "dash", "dot", "dashdot")


def scenario_overlay(studies: Mapping[str, Study], colours: Mapping[str, str]) -> go.Figure:
    """Cumulative cost of two to four saved scenarios on one chart: colour per build, dash per scenario."""
    spec = _Spec()
    for i, (name, study) in enumerate(studies.items()):
        dash = SCENARIO_DASHES[i % len(SCENARIO_DASHES)]
        for build in study.builds:
            r = study.primary(build.build_id)
            if r.verdict == Verdict.DOES_NOT_FIT:
                continue
            spec.scatter(
                x=_array(r.curve["month"]),
                y=_array(r.curve["local_usd"]),
                mode="lines",
                name=f"{name}: {build.build_id}",
                legendgroup=name,
                line={"color": colours.get(build.build_id, PALETTE[0]), "dash": dash, "width": 2.5},
                hovertemplate="month %{x}<br>$%{y:,.0f}<extra>" + f"{name}: {build.build_id}" + "</extra>",
            )
        api = study.primary(study.builds[0].build_id).curve
        spec.scatter(
            x=_array(api["month"]),
            y=_array(api["api_usd"]),
            mode="lines",
            legendgroup=name,
            name=f"{name}: API {study.primary_price.price_id}",
            line={"color": "#000", "dash": dash, "width": 1.5},
        )
    _by_month(spec)
    lines = [
        f"{name}: {s.model.name} {s.quant.quant}, {format_tokens(s.usage.tokens_per_month)} tokens a month "
        f"(line style {SCENARIO_DASHES[i % len(SCENARIO_DASHES)]})"
        for i, (name, s) in enumerate(studies.items())
    ]
    return _plain(spec, "Saved scenarios side by side: cumulative cost [USD]", lines, height=700)


#: plain words for the inputs of the sensitivity charts
INPUT_LABELS = {
    "electricity_usd_per_kwh": "electricity price",
    "capex_usd": "capex",
    "resale_fraction": "resale share",
    "decode_tok_s": "decode speed",
    "api_price": "API price (x)",
    "tokens_per_month": "tokens a month",
    "input_share": "input share",
    "cached_input_share": "cached share of input",
    "hours_per_day": "hours powered a day",
    "dual_use_share": "share of capex charged",
    "api_price_change_per_year": "API price change a year",
}


def _value(name: str, value: float) -> str:
    if name in ("capex_usd",):
        return f"${value:,.0f}"
    if name == "tokens_per_month":
        return format_tokens(value)
    if name == "electricity_usd_per_kwh":
        return f"${value:.3f}"
    return f"{value:,.3g}"


def tornado(table: pd.DataFrame, lines: list[str]) -> go.Figure:
    """Savings at the horizon as each input moves low to high: bars sorted by impact, flips called out."""
    rows = table.iloc[::-1]  # plotly draws the first category at the bottom
    base = float(table["savings_base_usd"].iloc[0])
    labels = [
        f"{INPUT_LABELS.get(r.input, r.input)}: {_value(r.input, r.low_value)} to {_value(r.input, r.high_value)}"
        + (" (flips the verdict)" if r.flips_verdict else "")
        for r in rows.itertuples()
    ]
    spec = _Spec()
    for column, name, colour in (
        ("savings_low_usd", "input at its low", "#d62728"),
        ("savings_high_usd", "input at its high", "#2ca02c"),
    ):
        spec.bar(
            y=labels,
            x=[float(v) - base for v in rows[column]],
            base=base,
            orientation="h",
            name=name,
            marker={"color": colour},
            customdata=_array(rows[column]),
            hovertemplate="%{y}<br>savings $%{customdata:,.0f}<extra>" + name + "</extra>",
        )
    spec.scatter(
        x=[base, base],
        y=[labels[0], labels[-1]],
        mode="lines",
        name=f"base: ${base:,.0f}",
        line={"color": "#000", "width": 1},
    )
    spec.scatter(
        x=[0, 0],
        y=[labels[0], labels[-1]],
        mode="lines",
        name="break-even (savings 0)",
        line={"color": "#888", "width": 1, "dash": "dot"},
    )
    spec.layout.update(
        barmode="overlay",
        xaxis={
            "title": {"text": axis_title("savings_at_horizon_usd", "Savings at the horizon")},
            "tickprefix": "$",
            "tickformat": ",.0f",
        },
        yaxis={"automargin": True},
        legend={"orientation": "h", "y": -0.15},
    )
    flips = [INPUT_LABELS.get(i, i) for i in table.loc[table["flips_verdict"], "input"]]
    notes = [
        f"Flips the verdict within its range: {', '.join(flips)}"
        if flips
        else "No input flips the verdict within its range"
    ]
    return _plain(
        spec,
        "Which guesses matter? Savings at the horizon [USD]",
        lines + notes,
        height=160 + 38 * len(table) + 15 * len(lines),
    )


def savings_distribution(savings_usd: np.ndarray, probability: float, lines: list[str]) -> go.Figure:
    """Histogram of the savings at the horizon over the Monte Carlo draws, with the chance local wins."""
    spec = _Spec()
    spec.data.append(
        {
            "type": "histogram",
            "x": savings_usd.tolist(),
            "nbinsx": 60,
            "name": "draws",
            "marker": {"color": PALETTE[0]},
            "hovertemplate": "savings %{x}<br>%{y} draws<extra></extra>",
        }
    )
    spec.scatter(x=[0, 0], y=[0, 1], yaxis="y2", mode="lines", name="break-even", line={"color": "#000", "dash": "dot"})
    spec.layout.update(
        xaxis={
            "title": {"text": axis_title("savings_at_horizon_usd", "Savings at the horizon")},
            "tickprefix": "$",
            "tickformat": ",.0f",
        },
        yaxis={"title": {"text": "Draws"}},
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False},
        showlegend=False,
        bargap=0.02,
    )
    title = f"How likely is local cheaper? {probability:.0%} of {len(savings_usd):,} draws save money [USD]"
    return _plain(spec, title, lines)


def fan(bands: pd.DataFrame, lines: list[str]) -> go.Figure:
    """Median and 10-90% band of cumulative cost by month, for the local side and the API."""
    spec = _Spec()
    for side, colour, fill in (("local", PALETTE[0], "rgba(31,119,180,0.2)"), ("api", "#000000", "rgba(0,0,0,0.12)")):
        part = bands[bands["side"] == side]
        label = "local" if side == "local" else "API"
        spec.scatter(
            x=_array(part["month"]),
            y=_array(part["p90_usd"]),
            mode="lines",
            line={"width": 0},
            showlegend=False,
            hoverinfo="skip",
            legendgroup=side,
        )
        spec.scatter(
            x=_array(part["month"]),
            y=_array(part["p10_usd"]),
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=fill,
            name=f"{label}: 10-90% of draws",
            legendgroup=side,
            hoverinfo="skip",
        )
        spec.scatter(
            x=_array(part["month"]),
            y=_array(part["p50_usd"]),
            mode="lines",
            name=f"{label}: median",
            line={"color": colour, "width": 2.5, "dash": "solid" if side == "local" else "dash"},
            legendgroup=side,
            hovertemplate="month %{x}<br>$%{y:,.0f}<extra>" + label + " median</extra>",
        )
    _by_month(spec)
    return _plain(spec, "Cumulative cost under uncertainty: median and 10-90% band [USD]", lines, height=600)


def price_trends(trends: pd.DataFrame, colour: str, lines: list[str]) -> go.Figure:
    """The API's cumulative cost under each price trend against the build's, break-even marked."""
    spec = _Spec()
    first = trends[trends["trend"] == trends["trend"].iloc[0]]
    spec.scatter(
        x=_array(first["month"]),
        y=_array(first["local_usd"]),
        mode="lines",
        name="local",
        line={"color": colour, "width": 3},
    )
    for i, (label, part) in enumerate(trends.groupby("trend", sort=False)):
        if not np.allclose(part["local_usd"].to_numpy(), first["local_usd"].to_numpy()):  # overflow follows the trend
            spec.scatter(
                x=_array(part["month"]),
                y=_array(part["local_usd"]),
                mode="lines",
                name=f"local with overflow, {label}",
                line={"color": colour, "width": 2, "dash": "dot"},
            )
        spec.scatter(
            x=_array(part["month"]), y=_array(part["api_usd"]), mode="lines", name=f"API, {label}", line=_api_style(i)
        )
        month = part["break_even_month"].iloc[0]
        if month is not None:
            spec.scatter(
                x=[month],
                y=[part["break_even_usd"].iloc[0]],
                mode="markers",
                showlegend=False,
                marker={"symbol": "star", "size": 14, "color": colour, "line": {"width": 1, "color": "black"}},
                hovertemplate=f"{label}: break-even in month {month:.1f}<extra></extra>",
            )
    _by_month(spec)
    return _plain(spec, "If API prices change: cumulative cost under each trend [USD]", lines, height=600)


def price_history(history: pd.DataFrame, until: str, lines: list[str]) -> go.Figure:
    """An offering's prices over time as steps: input, output and cached input [USD/Mtok]."""
    spec = _Spec()
    dated = history.assign(valid_from=[str(d) if d is not None else None for d in history["valid_from"]])
    first = next((d for d in dated["valid_from"] if d is not None), until)
    starts = [d if d is not None else first for d in dated["valid_from"]]
    for column, name, colour in (
        ("input_usd_per_mtok", "input", PALETTE[0]),
        ("output_usd_per_mtok", "output", PALETTE[3]),
        ("cached_input_usd_per_mtok", "cached input", PALETTE[2]),
    ):
        values = [None if pd.isna(v) else float(v) for v in dated[column]]
        if all(v is None for v in values):
            continue
        spec.scatter(
            x=starts + [until],
            y=values + [values[-1]],
            mode="lines+markers",
            name=name,
            line={"shape": "hv", "color": colour, "width": 2.5},
            hovertemplate="from %{x}<br>$%{y:,.3f} per M<extra>" + name + "</extra>",
        )
    spec.layout.update(
        xaxis={"title": {"text": axis_title("valid_from", "Price in force from")}, "type": "date"},
        yaxis={"title": {"text": axis_title("input_usd_per_mtok", "Price")}, "tickprefix": "$", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2},
    )
    return _plain(spec, f"{history['price_id'].iloc[0]}: price history [USD/Mtok]", lines, height=460)
