"""Figure builders: finished results in, ``plotly.graph_objects.Figure`` out. No arithmetic.

Imported on its own (``import costmodel.figures``) so that ``import costmodel`` stays light.
Charts people screenshot carry their question as a title, the assumptions and the prices'
as-of date inside the image, units on both axes, and one colour per build everywhere
(``build_colours``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from .breakeven import Verdict
from .glossary import axis_title
from .study import Study, format_tokens

#: one colour per build, assigned in catalogue order (plotly's D3 and Dark24 palettes)
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf", "#2E91E5", "#E15F99", "#1CA71C", "#FB0D0D", "#DA16FF", "#222A2A", "#B68100", "#750D86",
    "#EB663B", "#511CFB", "#00A08B", "#FB00D1", "#FC0080", "#B2828D",
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


def _caption(fig: go.Figure, notes: list[str]) -> None:
    """What is not drawn, under the legend, inside the image."""
    if notes:
        fig.add_annotation(
            text="<br>".join(notes), xref="paper", yref="paper", x=0, y=-0.3, xanchor="left", yanchor="top",
            showarrow=False, align="left", font={"size": 11, "color": "#444"},
        )
    fig.update_layout(margin={"l": 70, "r": 30, "b": 150 + 16 * len(notes)})


def _not_drawn(study: Study, names: Mapping[str, str]) -> list[str]:
    notes = []
    for build in study.builds:
        r = study.primary(build.build_id)
        if r.verdict == Verdict.DOES_NOT_FIT:
            notes.append(f"Not drawn: {names.get(build.build_id, build.build_id)}: {r.reason.split(' (')[0]}")
    return notes


def _title(fig: go.Figure, study: Study, question: str) -> None:
    """The question as the title; the model, volume and every assumption under it, in the image."""
    lines = study.assumptions()
    small = "".join(f"<br><span style='font-size:11px;color:#444'>{line}</span>" for line in lines)
    fig.update_layout(
        title={"text": f"{question}{small}", "x": 0.01, "xanchor": "left", "y": 0.985, "yanchor": "top",
               "yref": "container", "font": {"size": 19}},
        margin={"t": 70 + 15 * len(lines)},
    )


def cumulative_cost(
    study: Study, colours: Mapping[str, str], names: Mapping[str, str] | None = None
) -> go.Figure:
    """Cumulative cost by month: a line per build and per API offering, break-even points marked.

    A build above capacity is drawn as its hybrid (overflow sent to the API); a build that does
    not fit is named under the chart instead of drawn.
    """
    names = dict(names or {})
    fig = go.Figure()
    curves = study.curves
    for build in study.builds:
        line = curves[curves["series"] == build.build_id]
        if line.empty:
            continue
        r = study.primary(build.build_id)
        label = names.get(build.build_id, build.build_id)
        if r.verdict == Verdict.CANNOT_SERVE:
            label += " (hybrid: overflow to API)"
        fig.add_scatter(
            x=line["month"], y=line["usd"], name=label, mode="lines", legendgroup=build.build_id,
            line={"color": colours.get(build.build_id, "#1f77b4"), "width": 2.5},
            hovertemplate="month %{x}<br>$%{y:,.0f}<extra>" + label + "</extra>",
        )
    for i, price in enumerate(study.prices):
        line = curves[curves["series"] == f"API: {price.price_id}"]
        fig.add_scatter(
            x=line["month"], y=line["usd"], name=f"API: {price.price_id}", mode="lines",
            line={"color": API_COLOURS[i % len(API_COLOURS)], "dash": API_DASHES[i % len(API_DASHES)], "width": 2},
            hovertemplate="month %{x}<br>$%{y:,.0f}<extra>API: " + price.price_id + "</extra>",
        )
    for build in study.builds:
        for price in study.prices:
            r = study.results[(build.build_id, price.price_id)]
            month = r.break_even_month if r.break_even_month is not None else r.hybrid_break_even_month
            if month is None or r.verdict == Verdict.DOES_NOT_FIT:
                continue
            fig.add_scatter(
                x=[month], y=[r.break_even_usd], mode="markers", showlegend=False, legendgroup=build.build_id,
                marker={"symbol": "star", "size": 14, "color": colours.get(build.build_id, "#1f77b4"),
                        "line": {"width": 1, "color": "black"}},
                name=f"break-even {build.build_id} vs {price.price_id}",
                hovertemplate=f"{names.get(build.build_id, build.build_id)} pays back against {price.price_id}"
                f"<br>month {month:.1f}<extra></extra>",
            )
    fig.update_layout(
        xaxis_title=axis_title("month", "Months since purchase"),
        yaxis_title=axis_title("local_usd", "Cumulative cost"),
        yaxis={"tickprefix": "$", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.14, "x": 0, "yanchor": "top"},
        template="plotly_white",
        font=FONT,
        height=700,
    )
    fig.update_yaxes(tickformat=",.0f")
    _caption(fig, _not_drawn(study, names))
    _title(fig, study, "Buy the box or pay the API? Cumulative cost [USD]")
    return fig


def cost_per_mtok(
    study: Study, colours: Mapping[str, str], names: Mapping[str, str] | None = None
) -> go.Figure:
    """Cost per million tokens against flat monthly volume (log-log), capacity and crossovers marked.

    Solid: what the build serves; dotted beyond its capacity (the hybrid that sends the overflow
    to the API); a vertical tick at each capacity; a circle where the build meets the API price.
    """
    names = dict(names or {})
    fig = go.Figure()
    curves = study.volume_curves()
    for build in study.builds:
        line = curves[curves["build_id"] == build.build_id]
        if line.empty:
            continue
        colour = colours.get(build.build_id, "#1f77b4")
        label = names.get(build.build_id, build.build_id)
        inside, beyond = line[line["within_capacity"]], line[~line["within_capacity"]]
        if not beyond.empty and not inside.empty:
            beyond = pd.concat([inside.tail(1), beyond])
        for part, dash, show in ((inside, "solid", True), (beyond, "dot", inside.empty)):
            if part.empty:
                continue
            fig.add_scatter(
                x=part["volume_tok_per_month"], y=part["local_usd_per_mtok"], mode="lines", name=label,
                legendgroup=build.build_id, showlegend=show, line={"color": colour, "dash": dash, "width": 2.5},
                hovertemplate="%{x:.3s} tokens/month<br>$%{y:,.2f} per M<extra>" + label + "</extra>",
            )
        r = study.primary(build.build_id)
        capacity = r.capacity_tok_per_month
        if capacity < line["volume_tok_per_month"].max():
            y_cap = float(line.loc[line["volume_tok_per_month"] <= capacity, "local_usd_per_mtok"].iloc[-1]) if (
                line["volume_tok_per_month"] <= capacity).any() else float(line["local_usd_per_mtok"].iloc[0])
            fig.add_scatter(
                x=[capacity], y=[y_cap], mode="markers+text", showlegend=False, legendgroup=build.build_id,
                marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": colour}},
                text=["capacity"], textposition="top center", textfont={"size": 10, "color": colour},
                name=f"capacity {build.build_id}",
                hovertemplate=f"{label}: capacity {format_tokens(capacity)} tokens/month<extra></extra>",
            )
        volume = r.break_even_volume_tok_per_month
        if (
            volume is not None
            and r.break_even_volume_within_capacity
            and line["volume_tok_per_month"].min() <= volume <= line["volume_tok_per_month"].max()
        ):
            fig.add_scatter(
                x=[volume], y=[r.api_usd_per_mtok], mode="markers", showlegend=False, legendgroup=build.build_id,
                marker={"symbol": "circle-open", "size": 14, "color": colour, "line": {"width": 3, "color": colour}},
                name=f"crossover {build.build_id}",
                hovertemplate=f"{label} matches {study.primary_price.price_id} at "
                f"{format_tokens(volume)} tokens/month<extra></extra>",
            )
    for i, price in enumerate(study.prices):
        r = study.results[(study.builds[0].build_id, price.price_id)]
        fig.add_hline(
            y=r.api_usd_per_mtok, line={"color": API_COLOURS[i % len(API_COLOURS)], "dash": API_DASHES[i % len(API_DASHES)]},
        )
        fig.add_scatter(
            x=[None], y=[None], mode="lines", name=f"API: {price.price_id} ${r.api_usd_per_mtok:.2f}/M",
            line={"color": API_COLOURS[i % len(API_COLOURS)], "dash": API_DASHES[i % len(API_DASHES)]},
        )
    fig.add_vline(x=max(study.usage.tokens_per_month, 1e6), line={"color": "#bbb", "width": 1})
    fig.add_annotation(  # annotations on a log axis take log10 coordinates
        x=math.log10(max(study.usage.tokens_per_month, 1e6)), y=1, yref="paper", xref="x", text="your volume",
        showarrow=False, xanchor="left", yanchor="top", font={"size": 10, "color": "#777"},
    )
    fig.update_layout(
        xaxis={"type": "log", "title": axis_title("volume_tok_per_month", "Tokens a month (flat)")},
        yaxis={"type": "log", "title": axis_title("api_usd_per_mtok", "Cost per million tokens"), "tickprefix": "$"},
        legend={"orientation": "h", "y": -0.14, "x": 0, "yanchor": "top"},
        template="plotly_white",
        font=FONT,
        height=700,
    )
    notes = ["Solid: what each build serves; dotted: beyond its capacity, the overflow sent to the API. "
             "Circles: where a build matches the API price."]
    _caption(fig, notes + _not_drawn(study, names))
    _title(fig, study, "At what volume does the box beat the API? Cost per million tokens [USD]")
    return fig


def legend_names(builds: Iterable, width: int = 40) -> dict[str, str]:
    """Short display names for builds: their name, cut at ``width`` characters."""
    out = {}
    for build in builds:
        name = build.name if len(build.name) <= width else build.name[: width - 1] + "…"
        out[build.build_id] = name
    return out


def _plain(fig: go.Figure, title: str, lines: list[str], height: int = 520) -> go.Figure:
    small = "".join(f"<br><span style='font-size:11px;color:#444'>{line}</span>" for line in lines)
    fig.update_layout(
        title={"text": f"{title}{small}", "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top",
               "yref": "container", "font": {"size": 17}},
        margin={"t": 70 + 15 * len(lines), "l": 70, "r": 30, "b": 60},
        template="plotly_white", font=FONT, height=height,
    )
    return fig


def hardware_speeds(table: pd.DataFrame, colours: Mapping[str, str], lines: list[str]) -> go.Figure:
    """Estimated decode speed and its ceiling for each build that holds the model (log x)."""
    fits = table[table["decode_tok_s"].notna()].sort_values("decode_tok_s")
    fig = go.Figure()
    fig.add_bar(
        y=fits["name"], x=fits["ceiling_decode_tok_s"], orientation="h", name="physical ceiling",
        marker={"color": "rgba(0,0,0,0.12)"}, hovertemplate="%{y}<br>ceiling %{x:,.1f} tok/s<extra></extra>",
    )
    fig.add_bar(
        y=fits["name"], x=fits["decode_tok_s"], orientation="h", name="estimated decode",
        marker={"color": [colours.get(b, "#1f77b4") for b in fits["build_id"]]},
        hovertemplate="%{y}<br>estimate %{x:,.1f} tok/s<extra></extra>",
    )
    fig.update_layout(barmode="overlay", xaxis={"type": "log", "title": axis_title("decode_tok_s", "Decode speed")},
                      legend={"orientation": "h", "y": -0.12})
    missing = table[table["decode_tok_s"].isna()]
    notes = [f"Does not fit: {', '.join(missing['name'])}"] if not missing.empty else []
    return _plain(fig, "How fast can each build run it? Decode speed [tokens/s]", lines + notes,
                  height=max(420, 60 + 34 * len(fits) + 15 * len(lines)))


def kv_cache(curve: pd.DataFrame, model_name: str, weights_gb: float) -> go.Figure:
    """KV-cache size against context length for each cache type, beside the weights' size."""
    fig = go.Figure()
    for dtype, dash in (("f16", "solid"), ("q8_0", "dash"), ("q4_0", "dot")):
        part = curve[curve["kv_cache_dtype"] == dtype]
        fig.add_scatter(x=part["context_tokens"], y=part["kv_cache_gb"], name=f"KV cache {dtype}", mode="lines",
                        line={"dash": dash, "width": 2.5, "color": "#1f77b4"})
    span = [curve["context_tokens"].min(), curve["context_tokens"].max()]
    fig.add_scatter(x=span, y=[weights_gb, weights_gb], name=f"weights of the smallest quant: {weights_gb:,.0f} GB",
                    mode="lines", line={"color": "#d62728", "dash": "dash"})
    fig.update_layout(
        xaxis={"type": "log", "title": axis_title("context_tokens", "Context length")},
        yaxis={"type": "log", "title": axis_title("kv_cache_gb", "KV-cache memory")},
        legend={"orientation": "h", "y": -0.18},
    )
    return _plain(fig, f"{model_name}: KV-cache memory against context length [GB]", [])


def quant_memory(memory: pd.DataFrame, model_name: str, context_tokens: int) -> go.Figure:
    """Each quant's file size and the memory it needs at the context, with quality retained."""
    quants = memory.drop_duplicates("quant")
    fig = go.Figure()
    fig.add_bar(x=quants["quant"], y=quants["file_size_gb"], name="file", marker={"color": "#1f77b4"},
                hovertemplate="%{x}: file %{y:,.0f} GB<extra></extra>")
    fig.add_bar(x=quants["quant"], y=quants["required_gb"], name=f"needed at {context_tokens:,} tokens",
                marker={"color": "#ff7f0e"}, hovertemplate="%{x}: needs %{y:,.0f} GB<extra></extra>",
                text=[f"{q:.0%}" if q == q and q is not None else "" for q in quants["quality_retained"]],
                textposition="outside")
    fig.update_layout(barmode="group", yaxis={"title": axis_title("required_gb", "Memory"), "type": "log"},
                      xaxis={"title": "Quantisation"}, legend={"orientation": "h", "y": -0.18})
    return _plain(fig, f"{model_name}: memory per quant [GB] (labels: quality retained)", [])


def price_blend(table: pd.DataFrame, lines: list[str]) -> go.Figure:
    """Each offering's price for the chosen mix beside the articles' 'input + output' sum."""
    fig = go.Figure()
    fig.add_bar(y=table["price_id"], x=table["sum_of_prices_usd"], orientation="h", name="input + output (articles' 'blended')",
                marker={"color": "rgba(0,0,0,0.15)"}, hovertemplate="%{y}: sum $%{x:,.2f}<extra></extra>")
    fig.add_bar(y=table["price_id"], x=table["blended_usd_per_mtok"], orientation="h", name="true blend for this mix",
                marker={"color": "#2ca02c"}, hovertemplate="%{y}: $%{x:,.2f} per million tokens<extra></extra>")
    fig.update_layout(barmode="overlay", xaxis={"type": "log", "title": axis_title("blended_usd_per_mtok", "Price"),
                                                "tickprefix": "$"},
                      yaxis={"autorange": "reversed"}, legend={"orientation": "h", "y": -0.12})
    return _plain(fig, "What a million tokens cost [USD/Mtok]", lines, height=max(460, 80 + 28 * len(table)))
