"""Prices: every API offering with its age, a blend calculator, and a validated add-or-edit form."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

import costmodel as cm
from costmodel import figures
from costmodel.catalog import PRICES
from costmodel.exports import to_csv_bytes
from costmodel.tables import STALE_AFTER_DAYS, prices_table
from costmodel.uploads import parse_csv
from ui import forms, params, state, uploads
from ui.guard import run_page


def body() -> None:
    cat = state.catalog()
    st.title("API prices")
    chosen = st.session_state.get("_breakeven_inputs", params.DEFAULTS)
    a, b = st.columns(2)
    input_share = a.slider(
        "Input share of tokens", 0.0, 1.0, float(chosen["input_share"]), 0.05, key="prices_input_share"
    )
    cached = b.slider(
        "Cached share of input", 0.0, 1.0, float(chosen["cached_input_share"]), 0.05, key="prices_cached_input_share"
    )
    usage = cm.Usage(tokens_per_month=1e6, input_share=input_share, cached_input_share=cached)
    today = dt.date.today()
    table = prices_table(cat.prices.values(), usage, today)

    st.subheader("Blend calculator")
    ids = list(table["price_id"])
    default = next((p for p in chosen["price_id"] if p in ids), ids[0])
    pick = cat.prices[st.selectbox("Offering", ids, index=ids.index(default), key="prices_pick")]
    blend = cm.blended_usd_per_mtok(pick, usage)
    total = cm.sum_of_prices_usd(pick)
    c, d = st.columns(2)
    c.metric(
        "Articles' 'blended' (input + output)",
        f"${total:,.2f}",
        help="The price of 1 M input plus 1 M output tokens: 2 M tokens.",
    )
    d.metric(
        f"True price of 1 M tokens at {input_share:.0%} input, {cached:.0%} cached",
        f"${blend:,.2f}",
        delta=f"{blend / total - 1:+.0%} against the sum",
        delta_color="off",
    )

    st.subheader("Every offering")
    stale = int(table["stale"].sum())
    if stale:
        st.warning(f"{stale} price(s) checked more than {STALE_AFTER_DAYS} days ago: flagged stale.")
    st.dataframe(
        table.drop(columns=["source"]),
        hide_index=True,
        width="stretch",
        key="prices_table",
        column_config={
            "input_usd_per_mtok": st.column_config.NumberColumn("input [USD/Mtok]", format="$%.3f"),
            "output_usd_per_mtok": st.column_config.NumberColumn("output [USD/Mtok]", format="$%.3f"),
            "cached_input_usd_per_mtok": st.column_config.NumberColumn("cached input [USD/Mtok]", format="$%.4f"),
            "blended_usd_per_mtok": st.column_config.NumberColumn("blend for this mix [USD/Mtok]", format="$%.3f"),
            "sum_of_prices_usd": st.column_config.NumberColumn("input + output [USD]", format="$%.2f"),
            "age_days": st.column_config.NumberColumn("age [days]"),
            "stale": st.column_config.CheckboxColumn(f"stale (> {STALE_AFTER_DAYS} days)"),
        },
    )
    st.caption("'None' in cached input: no discount for cached input (billed as input).")
    lines = [
        f"{input_share:.0%} input, {cached:.0%} of input cached; prices as of "
        f"{table['as_of'].min()} to {table['as_of'].max()}; made {today}"
    ]
    st.plotly_chart(
        figures.price_blend(table, lines),
        width="stretch",
        key="prices_chart",
        config=figures.png_config(f"api-prices-{int(input_share * 100)}in"),
    )

    st.subheader("Add or edit an offering")
    options = ["(new offering)", *cat.prices]
    picked = st.selectbox("Start from", options, key="prices_edit_pick")
    current = None if picked == options[0] else cat.prices[picked]
    price = forms.object_form(cm.ApiPrice, f"price_form:{picked}", current)
    if price is not None:
        st.success(
            state.saved_message(state.save(state.CUSTOM_PRICES, price), f"Saved {price.price_id}, used by every page")
        )

    st.subheader("Download or upload offerings")
    st.download_button(
        "Download all offerings (CSV)",
        lambda: to_csv_bytes(prices_frame(cat)),
        "prices.csv",
        "text/csv",
        key="download_prices",
    )
    uploads.upload_section(
        "Upload offerings (CSV with the columns of prices.csv)",
        "upload_prices",
        ["csv"],
        lambda data, name: parse_csv(data, "prices", name, cat),
        lambda items: state.saved_message(state.save(state.CUSTOM_PRICES, *items), f"Added {len(items)} offering(s)"),
        lambda p: p.price_id,
    )


def prices_frame(cat: cm.Catalog) -> pd.DataFrame:
    columns = PRICES.columns
    return pd.DataFrame([p.model_dump(include=set(columns)) for p in cat.prices.values()], columns=list(columns))


run_page(body)
