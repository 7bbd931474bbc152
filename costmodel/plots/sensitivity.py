"""Charts of how sure the verdict is: the tornado, the Monte Carlo histogram and fan, API price trends."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..explain import tokens as format_tokens
from ..glossary import axis_title
from ..inputs import INPUTS
from .style import PALETTE, Spec, api_style, array, by_month, finish


def _value(name: str, value: float) -> str:
    if name in ("capex_usd",):
        return f"${value:,.0f}"
    if name == "tokens_per_month":
        return format_tokens(value)
    if name == "electricity_usd_per_kwh":
        return f"${value:.3f}"
    return f"{value:,.3g}"


def tornado(table: pd.DataFrame, lines: list[str]) -> dict:
    """Savings at the horizon as each input moves low to high: bars sorted by impact, flips called out."""
    rows = table.iloc[::-1]  # plotly draws the first category at the bottom
    base = float(table["savings_base_usd"].iloc[0])
    labels = [
        f"{INPUTS[r.input].label}: {_value(r.input, r.low_value)} to {_value(r.input, r.high_value)}"
        + (" (flips the verdict)" if r.flips_verdict else "")
        for r in rows.itertuples()
    ]
    spec = Spec()
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
            customdata=array(rows[column]),
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
    flips = [INPUTS[i].label for i in table.loc[table["flips_verdict"], "input"]]
    notes = [
        f"Flips the verdict within its range: {', '.join(flips)}"
        if flips
        else "No input flips the verdict within its range"
    ]
    return finish(
        spec,
        "Which guesses matter? Savings at the horizon [USD]",
        lines + notes,
        height=160 + 38 * len(table) + 15 * len(lines),
    )


def savings_distribution(savings_usd: np.ndarray, probability: float, lines: list[str]) -> dict:
    """Histogram of the savings at the horizon over the Monte Carlo draws, with the chance local wins."""
    spec = Spec()
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
    return finish(spec, title, lines)


def fan(bands: pd.DataFrame, lines: list[str]) -> dict:
    """Median and 10-90% band of cumulative cost by month, for the local side and the API."""
    spec = Spec()
    for side, colour, fill in (("local", PALETTE[0], "rgba(31,119,180,0.2)"), ("api", "#000000", "rgba(0,0,0,0.12)")):
        part = bands[bands["side"] == side]
        label = "local" if side == "local" else "API"
        spec.scatter(
            x=array(part["month"]),
            y=array(part["p90_usd"]),
            mode="lines",
            line={"width": 0},
            showlegend=False,
            hoverinfo="skip",
            legendgroup=side,
        )
        spec.scatter(
            x=array(part["month"]),
            y=array(part["p10_usd"]),
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=fill,
            name=f"{label}: 10-90% of draws",
            legendgroup=side,
            hoverinfo="skip",
        )
        spec.scatter(
            x=array(part["month"]),
            y=array(part["p50_usd"]),
            mode="lines",
            name=f"{label}: median",
            line={"color": colour, "width": 2.5, "dash": "solid" if side == "local" else "dash"},
            legendgroup=side,
            hovertemplate="month %{x}<br>$%{y:,.0f}<extra>" + label + " median</extra>",
        )
    by_month(spec)
    return finish(spec, "Cumulative cost under uncertainty: median and 10-90% band [USD]", lines, height=600)


def price_trends(trends: pd.DataFrame, colour: str, lines: list[str]) -> dict:
    """The API's cumulative cost under each price trend against the build's, break-even marked."""
    spec = Spec()
    first = trends[trends["trend"] == trends["trend"].iloc[0]]
    spec.scatter(
        x=array(first["month"]),
        y=array(first["local_net_usd"]),
        mode="lines",
        name="local",
        line={"color": colour, "width": 3},
    )
    for i, (label, part) in enumerate(trends.groupby("trend", sort=False)):
        if not np.allclose(
            part["local_net_usd"].to_numpy(), first["local_net_usd"].to_numpy()
        ):  # overflow follows the trend
            spec.scatter(
                x=array(part["month"]),
                y=array(part["local_net_usd"]),
                mode="lines",
                name=f"local with overflow, {label}",
                line={"color": colour, "width": 2, "dash": "dot"},
            )
        spec.scatter(
            x=array(part["month"]), y=array(part["api_usd"]), mode="lines", name=f"API, {label}", line=api_style(i)
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
    by_month(spec)
    return finish(spec, "If API prices change: cumulative cost under each trend [USD]", lines, height=600)
