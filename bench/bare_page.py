"""The redraw benchmark's baseline: one number input and one plotly chart whose data depends on it.

    .venv/bin/python -m streamlit run bench/bare_page.py

Nothing but Streamlit and plotly: what a rerun and a redraw cost before the dashboard does any work
of its own. ``bench/redraw.py`` starts it beside the dashboard and measures both in the same run.
The input carries the dashboard's label and key, so the benchmark drives both pages the same way.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

MONTHS = list(range(61))
#: a 300 W box powered all month (730.5 hours)
KWH_PER_MONTH = 0.3 * 730.5

usd_per_kwh = st.number_input(
    "Electricity [USD/kWh]",
    min_value=0.0,
    max_value=2.0,
    value=0.15,
    step=0.01,
    format="%.3f",
    key="electricity_usd_per_kwh",
)
figure = go.Figure(
    go.Scatter(x=MONTHS, y=[m * KWH_PER_MONTH * usd_per_kwh for m in MONTHS], mode="lines", name="electricity")
)
figure.update_layout(xaxis_title="Months since purchase [month]", yaxis_title="Cumulative electricity [USD]")
st.plotly_chart(figure, width="stretch", key="chart")
