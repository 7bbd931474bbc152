"""The usage an export records: tokens by day and by kind."""

from __future__ import annotations

from ..history import KINDS, UsageHistory
from ..units import TOKENS_PER_MTOK
from .style import Spec, array, finish

#: a colour per kind of token: fresh input dark, the cache's two shades lighter, output apart
KIND_COLOURS = {"fresh input": "#1f77b4", "cache write": "#9ecae1", "cache read": "#c6dbef", "output": "#ff7f0e"}


def usage_by_day(history: UsageHistory, lines: list[str]) -> dict:
    """Tokens a day (a month for a monthly report) stacked by kind, the window the page takes shaded."""
    spec = Spec()
    for kind in KINDS:
        part = history.by_day[history.by_day["kind"] == kind]
        spec.bar(
            x=[str(d) for d in part["date"]],
            y=array(part["tokens"] / TOKENS_PER_MTOK),
            name=kind,
            marker={"color": KIND_COLOURS[kind]},
            hovertemplate="%{x}<br>%{y:,.2f} M tokens<extra>" + kind + "</extra>",
        )
    spec.layout.update(
        barmode="stack",
        xaxis={"title": {"text": "Month" if history.monthly else "Day"}, "type": "date"},
        yaxis={"title": {"text": "Tokens [millions]"}, "tickformat": ",.0f"},
    )
    if not history.monthly and history.window_first_day > history.first_day:
        spec.layout.setdefault("shapes", []).append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": str(history.window_first_day),
                "x1": str(history.last_day),
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(44, 160, 44, 0.08)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
    period = "month" if history.monthly else "day"
    notes = [f"Shaded: the last {history.window_days} days, which the break-even page takes."] if (
        not history.monthly and history.window_first_day > history.first_day
    ) else []
    return finish(spec, f"Your usage: tokens a {period} by kind", lines, height=520, notes=notes)
