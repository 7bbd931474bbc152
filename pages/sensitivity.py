"""Sensitivity: which guesses matter, how likely the verdict holds, and what API price trends do."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

import costmodel as cm
from costmodel import plots
from costmodel.explain import explain
from costmodel.explain import tokens as format_tokens
from costmodel.inputs import INPUTS
from costmodel.sensitivity import base_values, default_ranges
from ui import charts, inputs, state, text
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


def usd(value: float) -> str:
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


def ranges_editor(scenario: cm.Scenario, spread: float) -> tuple[tuple[str, float, float], ...]:
    """Each input's low and high, starting at the base value -+ ``spread``, editable in a table."""
    default = pd.DataFrame(
        [
            {"input": name, "low_value": lo, "base_value": base, "high_value": hi}
            for name, (lo, base, hi) in sorted(default_ranges(scenario, spread).items())
        ]
    )
    edited = st.data_editor(
        default,
        hide_index=True,
        width="stretch",
        disabled=["input", "base_value"],
        key=f"tornado_ranges:{spread}",
        column_config={
            "low_value": st.column_config.NumberColumn("low", format="%.4g"),
            "base_value": st.column_config.NumberColumn("base", format="%.4g"),
            "high_value": st.column_config.NumberColumn("high", format="%.4g"),
        },
    )
    return tuple((r.input, float(r.low_value), float(r.high_value)) for r in edited.itertuples())


def uncertain_editor(scenario: cm.Scenario) -> tuple[tuple[str, float, float, float], ...]:
    """Each uncertain input's low / likely / high (triangular), editable in a table."""
    default = pd.DataFrame(
        [
            {"input": name, "low": lo, "likely": li, "high": hi}
            for name, (lo, li, hi) in cm.default_uncertain(scenario).items()
        ]
    )
    edited = st.data_editor(default, hide_index=True, width="stretch", disabled=["input"], key="mc_uncertain")
    return tuple((r.input, float(r.low), float(r.likely), float(r.high)) for r in edited.itertuples())


def body() -> None:
    cat = state.catalog()
    st.title("How sure is the verdict?")
    today = dt.date.today()
    result = inputs.study(cat, state.fingerprint(), inputs.current(), today)
    fitting = [b for b in result.builds if result.primary(b.build_id).verdict != cm.Verdict.DOES_NOT_FIT]
    if not fitting:
        st.info("None of the break-even page's builds holds this model: pick others there.")
        return
    build = st.selectbox("Build", fitting, format_func=lambda b: b.name, key="sensitivity_build")
    r = result.primary(build.build_id)
    scenario = r.scenario
    colour = plots.build_colours(state.build_order(cat))[build.build_id]
    lines = [
        f"{build.name} against {scenario.price.price_id}: {explain(r).headline}",
        f"{result.model.name} {result.quant.quant}; {format_tokens(scenario.usage.tokens_per_month)} tokens a month, "
        f"{scenario.usage.input_share:.0%} input; ${scenario.electricity_usd_per_kwh:.2f}/kWh; "
        f"{scenario.horizon_months}-month horizon; made {result.as_of}",
    ]
    text.caption("The scenario is the break-even page's; change it there. " + lines[0])

    st.subheader("Which guesses matter")
    spread = st.slider("Default range around each input [+-]", 0.05, 0.75, 0.25, 0.05, key="tornado_spread")
    with st.expander("Ranges of the inputs (edit any low or high)"):
        ranges = ranges_editor(scenario, spread)
    table = tornado(scenario, ranges)
    flips = table[table["flips_verdict"]]
    if not flips.empty:
        first = flips.iloc[0]
        text.warning(
            f"The verdict flips with {INPUTS[first['input']].label}: "
            f"{first['verdict_low']} at {first['low_value']:,.4g}, {first['verdict_high']} at {first['high_value']:,.4g}."
        )
    charts.show(plots.tornado(table, lines), f"tornado-{build.build_id}", key="tornado_chart")

    st.subheader("How likely is local cheaper")
    with st.expander("Uncertain inputs: low / likely / high, triangular"):
        uncertain = uncertain_editor(scenario)
        seed = int(st.number_input("Seed", 0, 2**31 - 1, 0, key="mc_seed"))
    try:
        summary, savings, bands = monte_carlo(scenario, uncertain, seed)
    except cm.CostModelError as exc:
        text.error(exc)
        return
    a, b, c = st.columns(3)
    a.metric("Local cheaper in", f"{summary.probability_local_cheaper:.0%} of draws")
    b.metric("Savings at the horizon, median", usd(summary.savings_p50_usd))
    c.metric(
        "Break-even month, median",
        "none" if summary.break_even_month_p50 is None else f"{summary.break_even_month_p50:.1f}",
    )
    text.caption(
        f"Savings at the horizon: 10% of draws below {usd(summary.savings_p10_usd)}, 10% above "
        f"{usd(summary.savings_p90_usd)}; {summary.share_paying_back:.0%} of draws pay back within the horizon, "
        f"{summary.share_over_capacity:.0%} ask more than the build serves in some month."
    )
    mc_lines = lines + [
        f"{summary.draws:,} draws, seed {summary.seed}; uncertain: " + ", ".join(INPUTS[n].label for n, *_ in uncertain)
    ]
    charts.show(
        plots.savings_distribution(savings, summary.probability_local_cheaper, mc_lines),
        f"savings-{build.build_id}",
        key="mc_histogram",
    )
    charts.show(plots.fan(bands, mc_lines), f"fan-{build.build_id}", key="mc_fan")

    st.subheader("If API prices change")
    by_trend = trends(scenario)
    charts.show(plots.price_trends(by_trend, colour, lines), f"trends-{build.build_id}", key="trend_chart")
    rows = by_trend.drop_duplicates("trend")
    st.dataframe(
        pd.DataFrame(
            {
                "trend": rows["trend"],
                "change a year": [f"{v:+.0%}" for v in rows["api_price_change_per_year"]],
                "break-even month": ["none" if m is None else f"{m:.1f}" for m in rows["break_even_month"]],
                "savings at the horizon": [usd(v) for v in rows["savings_at_horizon_usd"]],
                "verdict": rows["verdict"],
                "source": rows["source"],
            }
        ),
        hide_index=True,
        width="stretch",
        key="trend_table",
    )
    text.caption(f"Base values: {', '.join(f'{k} {v:,.4g}' for k, v in base_values(scenario).items())}")


run_page(body)
