"""Charts of how sure the verdict is: the tornado, the Monte Carlo histogram and fan, API price trends."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..explain import usd, value
from ..glossary import axis_title
from ..inputs import INPUTS
from .style import PALETTE, Spec, api_style, array, by_month, finish, wrap


def tornado(table: pd.DataFrame, lines: list[str]) -> dict:
    """Savings at the horizon as each input moves low to high: bars sorted by impact, flips called out."""
    still = table[table["low_value"] == table["high_value"]]  # e.g. a share of 0 moved by -+25%
    rows = table[table["low_value"] != table["high_value"]].iloc[::-1]  # plotly draws the first at the bottom
    base = float(table["savings_base_usd"].iloc[0])
    labels = [
        f"{INPUTS[r.input].label}: {value(r.input, r.low_value)} to {value(r.input, r.high_value)}"
        + (" (flips the verdict)" if r.flips_verdict else "")
        for r in rows.itertuples()
    ]
    spec = Spec()
    # green where the input's move leaves you better off than the base, red where worse: the colour
    # says the outcome, and the hover says which end of the input's range it is
    low, high = rows["savings_low_usd"].to_numpy(), rows["savings_high_usd"].to_numpy()
    better_is_high = high >= low
    for name, colour, pick in (("better outcome", "#2ca02c", True), ("worse outcome", "#d62728", False)):
        ends = np.where(better_is_high == pick, high, low)
        which = np.where(better_is_high == pick, "high", "low")
        spec.bar(
            y=labels,
            x=[float(v) - base for v in ends],
            base=base,
            orientation="h",
            name=name,
            marker={"color": colour},
            customdata=[[usd(float(v)), w] for v, w in zip(ends, which, strict=True)],
            hovertemplate="%{y}<br>input at its %{customdata[1]}: savings at the horizon %{customdata[0]}<extra>"
            + name
            + "</extra>",
        )
    span = [labels[0], labels[-1]] if labels else []
    spec.scatter(
        x=[base, base][: len(span)], y=span, mode="lines", name=f"base: {usd(base)}", line={"color": "#000", "width": 1}
    )
    spec.scatter(
        x=[0, 0][: len(span)],
        y=span,
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
    )
    flips = [INPUTS[i].label for i in table.loc[table["flips_verdict"], "input"]]
    notes = [
        f"Flips the verdict within its range: {', '.join(flips)}"
        if flips
        else "No input flips the verdict within its range"
    ]
    if not still.empty:
        notes.append(
            "Not drawn, its range is a single value: "
            + ", ".join(f"{INPUTS[r.input].label} {value(r.input, r.low_value)}" for r in still.itertuples())
        )
    return finish(
        spec,
        "Which guesses matter? Savings at the horizon [USD]",
        lines + notes,
        height=230 + 38 * len(rows) + 15 * len(wrap(lines + notes)),
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
