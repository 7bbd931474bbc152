"""Your usage: a usage export read into volume, mix and trend, what it cost and would have cost elsewhere."""

from __future__ import annotations

import ui.warmed  # noqa: F401  first: waits for the server's warm-up imports (ui/serve.py)

import datetime as dt

import streamlit as st

from costmodel import plots
from costmodel.explain import growth_warning, machine_name, usage_words, value
from costmodel.explain import tokens as format_tokens
from costmodel.history import UsageHistory, costs_elsewhere
from ui import charts, inputs, state, tables, text, uploads, usage
from ui.guard import run_page
from ui.text import rich


def use_in_breakeven(history: UsageHistory) -> None:
    """Open the break-even page with the history's volume and mix in place of its own."""
    inputs.open_breakeven({**inputs.values(), **usage.breakeven_values(history)})


def body() -> None:
    cat = state.catalog()
    st.title("Your usage: from an export, not a guess")
    st.caption(
        "Volume and mix move the verdict more than anything else (see Sensitivity). Read them from the "
        "usage export you have: the file stays in this session's memory and is never stored."
    )
    found = usage.read_section("usage_page")
    if found is None:
        return
    export, history = found
    for notice in export.notices:
        text.info(notice)
    if export.problems:
        text.warning(
            f"{len(export.problems)} row(s) of {export.label} could not be read and are left out; "
            f"the {len(export.records)} that could are used:"
        )
        uploads.rejected_table(export.problems)
    today = dt.date.today()
    study = inputs.study(cat, state.fingerprint(), inputs.current(), today)
    comparisons = {m.machine_id: study.primary(m.machine_id) for m in study.machines}
    costs = costs_elsewhere(history, cat.prices, export.provider, comparisons, study.model.model_id)
    names = {m.machine_id: machine_name(m) for m in study.machines}
    words = usage_words(history, costs, names, study.model.name)

    st.markdown(rich("#### {h}", h=words.headline))
    a, b, c, d = st.columns(4)
    a.metric("Tokens a month", value("tokens_per_month", history.tokens_per_month))
    b.metric("Input share", value("input_share", history.input_share))
    c.metric("Cached share of input", value("cached_input_share", history.cached_input_share))
    d.metric("Growth a month", f"{history.monthly_growth:+.1%}")
    steep = growth_warning(history, inputs.current().horizon_months)
    if steep:
        text.warning(steep)
    if st.button("Use these in the break-even scenario", type="primary", key="usage_use"):
        use_in_breakeven(history)
    lines = [
        f"{export.format} from {export.label}: {history.first_day} to {history.last_day}; "
        f"{len(export.records):,} rows; {len(history.models)} model(s) in the window",
        f"the last {history.window_days} days: {format_tokens(history.window_tokens)} tokens, "
        f"{value('input_share', history.input_share)} input, "
        f"{value('cached_input_share', history.cached_input_share)} of it read from the cache; made {today}",
    ]
    charts.show(plots.usage_by_day(history, lines), "usage-by-day", key="usage_chart")

    st.subheader("What these tokens cost, and would have cost elsewhere")
    for line in words.details:
        st.markdown(rich("- {line}", line=line[:1].upper() + line[1:]))
    st.caption(
        "Machines and the model are the break-even page's; hours at each machine's speed for this mix. "
        "Cache writes are priced as input: no offering here lists a cache-write price."
    )
    st.markdown(rich("**The window's tokens by model**"))
    tables.show(history.by_model, "usage_by_model", rename={"tokens": "Tokens [tokens]"})
    st.markdown(rich("**The cheapest open-weight offerings for these tokens** (models this catalogue runs)"))
    tables.show(costs.open_weights, "usage_open_weights")


run_page(body)
