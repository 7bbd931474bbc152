"""Sensitivity: which guesses matter, how likely the verdict holds, and what API price trends do."""

from __future__ import annotations

import ui.warmed  # noqa: F401  first: waits for the server's warm-up imports (ui/serve.py)

import datetime as dt

import pandas as pd
import streamlit as st

import costmodel as cm
from costmodel import plots
from costmodel.explain import explain, machine_label, price_words, rental_price_words, stale_prices, usd, value, verdict_words
from costmodel.explain import tokens as format_tokens
from costmodel.inputs import INPUTS
from costmodel.sensitivity import base_values, default_ranges
from costmodel.study import rental_mode_words
from ui import charts, inputs, state, tables, text
from ui.guard import run_page


@st.cache_data(show_spinner=False, max_entries=32)
def tornado(scenario: cm.Scenario, ranges: tuple[tuple[str, float, float], ...]) -> pd.DataFrame:
    return cm.tornado(scenario, {name: (low, high) for name, low, high in ranges})


@st.cache_data(show_spinner=False, max_entries=16)
def monte_carlo(scenario: cm.Scenario, uncertain: tuple[tuple[str, float, float, float], ...], seed: int):
    mc = cm.monte_carlo(scenario, n=10_000, seed=seed, uncertain={n: (lo, li, hi) for n, lo, li, hi in uncertain})
    return mc.summary, mc.savings_at_horizon_usd, mc.fan


@st.cache_data(show_spinner=False, max_entries=16)
def trends(scenario: cm.Scenario) -> pd.DataFrame:
    return cm.price_trend_scenarios(scenario)


def ranges_editor(scenario: cm.Scenario, spread: float) -> tuple[tuple[str, float, float], ...]:
    """Each input's low and high, starting at the base value -+ ``spread``, editable in a table."""
    ranges = sorted(default_ranges(scenario, spread).items(), key=lambda item: INPUTS[item[0]].label)
    default = pd.DataFrame(
        [{"Input": INPUTS[name].label, "Low": lo, "Base": base, "High": hi} for name, (lo, base, hi) in ranges]
    )
    edited = st.data_editor(
        default,
        hide_index=True,
        width="stretch",
        disabled=["Input", "Base"],
        key=f"tornado_ranges:{spread}",
        column_config={c: st.column_config.NumberColumn(c, format="%.4g") for c in ("Low", "Base", "High")},
    )
    # rows keep their order (no rows added or deleted): the i-th row is the i-th input
    return tuple((name, float(r.Low), float(r.High)) for (name, _), r in zip(ranges, edited.itertuples(), strict=True))


def uncertain_editor(scenario: cm.Scenario) -> tuple[tuple[str, float, float, float], ...]:
    """Each uncertain input's low / likely / high (triangular), editable in a table."""
    ranges = list(cm.default_uncertain(scenario).items())
    default = pd.DataFrame(
        [{"Input": INPUTS[name].label, "Low": lo, "Likely": li, "High": hi} for name, (lo, li, hi) in ranges]
    )
    edited = st.data_editor(
        default,
        hide_index=True,
        width="stretch",
        disabled=["Input"],
        key="mc_uncertain",
        column_config={c: st.column_config.NumberColumn(c, format="%.4g") for c in ("Low", "Likely", "High")},
    )
    return tuple(
        (name, float(r.Low), float(r.Likely), float(r.High))
        for (name, _), r in zip(ranges, edited.itertuples(), strict=True)
    )


def body() -> None:
    cat = state.catalog()
    st.title("How sure is the verdict?")
    today = dt.date.today()
    result = inputs.study(cat, state.fingerprint(), inputs.current(), today)
    fitting = [b for b in result.machines if result.primary(b.machine_id).verdict != cm.Verdict.DOES_NOT_FIT]
    if not fitting:
        st.info("None of the break-even page's builds or rentals holds this model: pick others there.")
        return
    build = st.selectbox(
        "Build or rental",
        fitting,
        format_func=machine_label,
        key="sensitivity_build",
    )
    r = result.primary(build.machine_id)
    scenario = r.scenario
    colour = state.colours(cat, [m.rental_id for m in result.rentals])[build.machine_id]
    if build.rented:
        terms = f"rented: {rental_price_words(build, result.as_of)}; {rental_mode_words(scenario)}"
    else:
        terms = f"${scenario.electricity_usd_per_kwh:.2f}/kWh; capex {price_words(build, result.as_of)}"
    lines = [
        f"{build.name} against {scenario.price.price_id}: {explain(r).headline}",
        f"{result.model.name} {result.quant.quant}; {format_tokens(scenario.usage.tokens_per_month)} tokens a month, "
        f"{value('input_share', scenario.usage.input_share)} input; {scenario.horizon_months}-month horizon; made {result.as_of}",
        terms,
    ]
    text.caption("The scenario is the break-even page's; change it there. " + lines[0])
    stale = (
        (rental_price_words(build, result.as_of) if build.price_is_stale(result.as_of) else None)
        if build.rented
        else stale_prices([build], result.as_of)
    )
    if stale:
        text.warning(stale)

    st.subheader("Which guesses matter")
    spread = st.slider("Default range around each input [+-]", 0.05, 0.75, 0.25, 0.05, key="tornado_spread")
    with st.expander("Ranges of the inputs (edit any low or high)"):
        ranges = ranges_editor(scenario, spread)
    table = tornado(scenario, ranges)
    flips = table[table["flips_verdict"]]
    if not flips.empty:
        first = flips.iloc[0]
        name = first["input"]
        text.warning(
            f"The verdict flips with {INPUTS[name].label}: it {verdict_words(first['verdict_low'])} at "
            f"{value(name, first['low_value'])} and {verdict_words(first['verdict_high'])} at "
            f"{value(name, first['high_value'])}."
        )
    charts.show(plots.tornado(table, lines), f"tornado-{build.machine_id}", key="tornado_chart")

    st.subheader("How likely is renting cheaper" if build.rented else "How likely is local cheaper")
    with st.expander("Uncertain inputs: low / likely / high, triangular"):
        uncertain = uncertain_editor(scenario)
        seed = int(st.number_input("Seed", 0, 2**31 - 1, 0, key="mc_seed"))
    try:
        summary, savings, bands = monte_carlo(scenario, uncertain, seed)
    except cm.CostModelError as exc:
        text.error(exc)
        return
    a, b, c = st.columns(3)
    a.metric(
        "Cheaper than the API at the horizon" if build.rented else "Pays back (ahead at the horizon)",
        f"{summary.probability_local_cheaper:.0%} of draws",
    )
    b.metric("Savings at the horizon, median", usd(summary.savings_p50_usd))
    c.metric(
        "Month it turns ahead, in those draws",
        "no draw pays back" if summary.break_even_month_p50 is None else f"month {summary.break_even_month_p50:.1f}",
        help="The median month the local side turns ahead, over the draws that are ahead at the horizon only.",
    )
    text.caption(
        f"Savings at the horizon: 10% of draws below {usd(summary.savings_p10_usd)}, 10% above "
        f"{usd(summary.savings_p90_usd)}. "
        + (
            f"Of the {summary.share_paying_back:.0%} of draws that pay back, half turn ahead by month "
            f"{summary.break_even_month_p50:.1f} (10-90%: {summary.break_even_month_p10:.1f} to "
            f"{summary.break_even_month_p90:.1f}). "
            if summary.break_even_month_p50 is not None
            else ""
        )
        + f"{summary.share_over_capacity:.0%} of draws ask more than the build serves in some month."
    )
    mc_lines = lines + [
        f"{summary.draws:,} draws, seed {summary.seed}; uncertain: " + ", ".join(INPUTS[n].label for n, *_ in uncertain)
    ]
    charts.show(
        plots.savings_distribution(savings, summary.probability_local_cheaper, mc_lines),
        f"savings-{build.machine_id}",
        key="mc_histogram",
    )
    charts.show(plots.fan(bands, mc_lines), f"fan-{build.machine_id}", key="mc_fan")

    st.subheader("If API prices change")
    by_trend = trends(scenario)
    charts.show(plots.price_trends(by_trend, colour, lines), f"trends-{build.machine_id}", key="trend_chart")
    rows = by_trend.drop_duplicates("trend")
    tables.show(
        rows[["trend", "api_price_change_per_year", "break_even_month", "savings_at_horizon_usd", "verdict", "source"]],
        "trend_table",
    )
    base = base_values(scenario)
    text.caption(
        "Base values: "
        + "; ".join(
            f"{INPUTS[k].label} {value(k, v)}" for k, v in sorted(base.items(), key=lambda kv: INPUTS[kv[0]].label)
        )
    )


run_page(body)
