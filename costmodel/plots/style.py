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
from collections.abc import Iterable

import numpy as np
import pandas as pd

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


def build_colours(build_ids: Iterable[str]) -> dict[str, str]:
    """A stable colour for each build id, by its position in ``build_ids`` (the catalogue's order)."""
    return {build_id: PALETTE[i % len(PALETTE)] for i, build_id in enumerate(build_ids)}


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


def caption(spec: Spec, notes: list[str]) -> None:
    """What is not drawn, under the legend, inside the image."""
    if notes:
        spec.layout["annotations"].append(
            {
                "text": "<br>".join(esc(n) for n in notes),
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


def title(spec: Spec, question: str, lines: list[str], size: int = 19) -> None:
    """The question as the title; the model, volume and every assumption under it, in the image."""
    small = "".join(f"<br><span style='font-size:11px;color:#444'>{esc(line)}</span>" for line in lines)
    spec.layout["title"] = {
        "text": f"{esc(question)}{small}",
        "x": 0.01,
        "xanchor": "left",
        "y": 0.97,
        "yanchor": "top",
        "yref": "container",
        "font": {"size": size},
    }
    spec.layout.setdefault("margin", {})["t"] = 85 + 15 * len(lines)


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
        legend={"orientation": "h", "y": -0.14, "x": 0, "yanchor": "top"},
        **layout,
    )


def api_style(i: int) -> dict:
    return {"color": API_COLOURS[i % len(API_COLOURS)], "dash": API_DASHES[i % len(API_DASHES)], "width": 2}


def legend_names(builds: Iterable, width: int = 40) -> dict[str, str]:
    """Short display names for builds: their name, cut at ``width`` characters."""
    out = {}
    for build in builds:
        name = build.name if len(build.name) <= width else build.name[: width - 1] + "…"
        out[build.build_id] = name
    return out


def finish(spec: Spec, question: str, lines: list[str], height: int = 520) -> dict:
    """A plain chart's title, height and margins; its finished spec."""
    title(spec, question, lines, size=17)
    spec.layout.update(height=height)
    spec.layout["margin"].update({"l": 70, "r": 30, "b": 60})
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
) -> None:
    """Horizontal bars of ``value`` drawn over grey bars of a ``reference`` (a ceiling, a sum) per label;
    ``hover`` gives the two bars' hover lines (``%{x}`` is the bar's value)."""
    spec.bar(
        y=array(labels),
        x=array(reference),
        orientation="h",
        name=reference_name,
        marker={"color": "rgba(0,0,0,0.13)"},
        hovertemplate=f"%{{y}}: {hover[0]}<extra></extra>",
    )
    spec.bar(
        y=array(labels),
        x=array(value),
        orientation="h",
        name=value_name,
        marker={"color": colour},
        hovertemplate=f"%{{y}}: {hover[1]}<extra></extra>",
    )
    spec.layout["barmode"] = "overlay"
