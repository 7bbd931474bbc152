"""Figure builders: finished results in, ``plotly.graph_objects.Figure`` out. No arithmetic.

Imported on its own (``import costmodel.figures``) so that ``import costmodel`` stays light.
"""

from __future__ import annotations

import plotly.graph_objects as go

from .breakeven import Comparison, Verdict
from .glossary import axis_title


def cumulative_cost(results: dict[str, Comparison], title: str) -> go.Figure:
    """Cumulative cost by month: a line per build that holds the model, and the API's line."""
    fig = go.Figure()
    api = None
    for label, result in results.items():
        api = result
        if result.verdict == Verdict.DOES_NOT_FIT:
            continue
        fig.add_scatter(x=result.curve["month"], y=result.curve["local_usd"], name=label, mode="lines")
    if api is not None:
        fig.add_scatter(
            x=api.curve["month"],
            y=api.curve["api_usd"],
            name=f"API: {api.scenario.price.price_id}",
            mode="lines",
            line={"dash": "dash", "color": "black"},
        )
    fig.update_layout(
        title=title,
        xaxis_title=axis_title("month", "Months since purchase"),
        yaxis_title=axis_title("local_usd", "Cumulative cost"),
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
