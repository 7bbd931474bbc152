"""What every chart shares: one colour per build, fonts, the title and notes inside the image.

Figure builders here take finished results and return a plotly figure *spec* (plain dicts and
lists): no arithmetic, no plotly objects. ``ui.charts.show`` draws a spec; a test builds each
one as a validated ``plotly.graph_objects.Figure``, so a wrong property name still fails there.
Charts people screenshot carry their question as a title, the assumptions and the prices' as-of
date inside the image, units on both axes, and one colour per build everywhere (``build_colours``).
"""

from __future__ import annotations

import functools
import html
import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..explain import machine_name, short_names
from ..glossary import axis_title

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
#: one dash style per saved scenario on the overlay chart
SCENARIO_DASHES = ("solid", "dash", "dot", "dashdot")
FONT = {"family": "DejaVu Sans, Liberation Sans, Arial, sans-serif"}


#: rentals' colours, apart from the builds': dark tones, drawn dash-dot
RENT_PALETTE = ("#6a3d9a", "#b15928", "#1b9e77", "#e7298a", "#666666", "#a6761d", "#1f78b4", "#33a02c")


def build_colours(build_ids: Iterable[str], rental_ids: Iterable[str] = ()) -> dict[str, str]:
    """A stable colour for each build id, by its position in ``build_ids`` (the catalogue's order),
    and one for each rental by its position in ``rental_ids`` (a study's rentals: at most eight)."""
    colours = {build_id: PALETTE[i % len(PALETTE)] for i, build_id in enumerate(build_ids)}
    colours.update({rental_id: RENT_PALETTE[i % len(RENT_PALETTE)] for i, rental_id in enumerate(rental_ids)})
    return colours


def png_config(filename: str, scale: int = 2) -> dict:
    """plotly.js config whose toolbar button saves a PNG at ``scale`` x named ``filename``."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": scale},
    }


class Spec:
    """A figure assembled as plain plotly data: traces and a layout (``go.Figure`` would validate
    every property as it is added, tens of milliseconds a chart)."""

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.layout: dict = {"template": template(), "font": FONT, "annotations": []}
        self.notes: list[str] = []
        self.above_plot_px = 0  # room for labels between the subtitle and the plot (``title`` keeps it)

    def scatter(self, **trace: object) -> None:
        self.data.append({"type": "scatter", **trace})

    def bar(self, **trace: object) -> None:
        self.data.append({"type": "bar", **trace})

    def spec(self) -> dict:
        return {"data": self.data, "layout": self.layout}


@functools.cache
def template() -> dict:
    """plotly_white as a plain dict, so that a figure built without validation still carries it."""
    import plotly.io as pio  # plotly's own template; the only use of plotly here

    return pio.templates["plotly_white"].to_plotly_json()


def array(values: pd.Series | np.ndarray) -> list:
    """A column or array as a plain list for the spec."""
    return np.asarray(values).tolist()


def esc(text: str) -> str:
    """Text for plotly, which reads ``<b>``, ``<a href=...>`` and entities in titles and notes:
    a source or note typed by a user shows as typed."""
    return html.escape(text, quote=False)


#: the width a legend is laid out for [px]: the plot area of a chart on a 1,280-1,440 px screen
#: (about 850-980 px wide, less the margins); a wider PNG only gains white space under the legend
LAYOUT_WIDTH_PX = 800
#: characters of an 11 px subtitle or note line before it wraps (DejaVu Sans averages ~6.6 px)
WRAP_CHARS = 140
#: below the plot area: tick labels and the axis title [px]
AXIS_PX = 62
#: a legend row, and the legend box's padding above and below its rows [px] (measured in chromium:
#: three rows take 87 px)
LEGEND_ROW_PX = 25
LEGEND_PAD_PX = 12
TEXT_LINE_PX = 15


def wrap(lines: Iterable[str], width: int = WRAP_CHARS) -> list[str]:
    """Each line broken at spaces so that none runs past the image's right edge."""
    out: list[str] = []
    for line in lines:
        out.extend(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""])
    return out


def legend_rows(names: Iterable[str], width: int = LAYOUT_WIDTH_PX) -> int:
    """How many rows a horizontal legend of ``names`` takes at ``width`` px (plotly lays entries out
    left to right: a symbol ~50 px, then the name at ~6.5 px a character)."""
    rows, used = 0, width
    for name in names:
        entry = 50 + 6.5 * len(name)
        if used + entry > width:
            rows, used = rows + 1, 0
        used += entry
    return rows


def _legend_names(spec: Spec) -> list[str]:
    return [t["name"] for t in spec.data if t.get("showlegend", True) and t.get("name")]


def caption(spec: Spec, notes: list[str]) -> None:
    """What is not drawn: notes under the legend, inside the image (laid out by ``finish``)."""
    spec.notes.extend(notes)


def title(spec: Spec, question: str, lines: list[str], size: int = 19) -> None:
    """The question as the title; the model, volume and every assumption under it, in the image,
    each line wrapped to the image's width."""
    lines = wrap(lines)
    small = "".join(f"<br><span style='font-size:11px;color:#444'>{esc(line)}</span>" for line in lines)
    spec.layout["title"] = {
        "text": f"{esc(question)}{small}",
        "x": 0.01,
        "xanchor": "left",
        "y": 1,
        "yanchor": "top",
        "yref": "container",
        "pad": {"t": 14},
        "font": {"size": size},
    }
    spec.layout.setdefault("margin", {})["t"] = 80 + TEXT_LINE_PX * len(lines) + spec.above_plot_px


def below_the_plot(spec: Spec, height: int) -> None:
    """The legend under the axis and the notes under the legend, placed in pixels from the figure's
    height and margins, so neither prints over the other however many entries or notes there are."""
    notes = wrap(spec.notes)
    rows = legend_rows(_legend_names(spec)) if spec.layout.get("showlegend", True) else 0
    legend_px = LEGEND_ROW_PX * rows + LEGEND_PAD_PX if rows else 0
    bottom = AXIS_PX + legend_px + (TEXT_LINE_PX * len(notes) + 12 if notes else 0) + 8
    margin = spec.layout.setdefault("margin", {})
    margin.update({"l": margin.get("l", 70), "r": 30, "b": bottom})
    plot_px = max(height - margin.get("t", 80) - bottom, 100)
    legend = spec.layout.setdefault("legend", {})
    legend.update({"orientation": "h", "x": 0, "xanchor": "left", "y": -AXIS_PX / plot_px, "yanchor": "top"})
    if notes:
        spec.layout["annotations"].append(
            {
                "text": "<br>".join(esc(n) for n in notes),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -(AXIS_PX + legend_px + 6) / plot_px,
                "xanchor": "left",
                "yanchor": "top",
                "showarrow": False,
                "align": "left",
                "font": {"size": 11, "color": "#444"},
            }
        )


def by_month(spec: Spec, **layout: object) -> None:
    """Axes of a cumulative-cost chart: months since purchase against cumulative USD, legend below."""
    spec.layout.update(
        xaxis={"title": {"text": axis_title("month", "Months since purchase")}},
        yaxis={
            "title": {"text": axis_title("local_net_usd", "Cumulative cost")},
            "tickprefix": "$",
            "tickformat": ",.0f",
            "rangemode": "tozero",
        },
        **layout,
    )


def api_style(i: int) -> dict:
    return {"color": API_COLOURS[i % len(API_COLOURS)], "dash": API_DASHES[i % len(API_DASHES)], "width": 2}


def legend_names(machines: Iterable, width: int = 40) -> dict[str, str]:
    """Short display names by machine id: a build's name without its parenthesis, cut at a word
    (``short_names``); a rental's whole, as its parenthesis names the provider (``machine_name``)."""
    machines = list(machines)
    builds = [m for m in machines if not m.rented]
    names = dict(zip((b.build_id for b in builds), short_names((b.name for b in builds), width), strict=True))
    return {m.machine_id: names[m.machine_id] if not m.rented else machine_name(m) for m in machines}


def finish(spec: Spec, question: str, lines: list[str], height: int = 520, notes: Iterable[str] = ()) -> dict:
    """A chart's title and assumptions above, legend and ``notes`` below, at ``height`` px; its spec."""
    caption(spec, list(notes))
    title(spec, question, lines, size=17)
    spec.layout.update(height=height)
    below_the_plot(spec, height)
    return spec.spec()


def bar_before_reference(
    spec: Spec,
    labels: pd.Series,
    reference: pd.Series,
    reference_name: str,
    value: pd.Series,
    value_name: str,
    colour: str | list[str],
    hover: tuple[str, str],
    value_notes: pd.Series | None = None,
) -> None:
    """Horizontal bars of ``value`` drawn over grey bars of a ``reference`` (a ceiling, a sum) per label;
    ``hover`` gives the two bars' hover lines (``%{x}`` is the bar's value), ``value_notes`` a line
    more for each value bar."""
    spec.bar(
        y=array(labels),
        x=array(reference),
        orientation="h",
        name=reference_name,
        marker={"color": "rgba(0,0,0,0.13)"},
        hovertemplate=f"%{{y}}: {hover[0]}<extra></extra>",
    )
    notes = {} if value_notes is None else {"hovertext": array(value_notes)}
    spec.bar(
        y=array(labels),
        x=array(value),
        orientation="h",
        name=value_name,
        marker={"color": colour},
        hovertemplate=f"%{{y}}: {hover[1]}" + ("<br>%{hovertext}" if notes else "") + "<extra></extra>",
        **notes,
    )
    spec.layout["barmode"] = "overlay"
