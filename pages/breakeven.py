"""Break-even: the chosen model on each build against the API, month by month."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import costmodel as cm
from costmodel import figures

ARTICLE_BUILDS = ["mac-studio-m3-ultra-256gb", "rtx3090-256gb-offload", "rtx3090-x12", "mac-studio-192gb"]


@st.cache_data(show_spinner=False)
def catalog() -> cm.Catalog:
    return cm.load_catalog()


@st.cache_data(show_spinner=False)
def compare(scenario: cm.Scenario) -> cm.Comparison:
    return cm.compare(scenario)


cat = catalog()
st.title("Buy the box or pay the API?")

with st.sidebar:
    model_id = st.selectbox("Model", sorted(cat.models), index=sorted(cat.models).index("glm-5.2"))
    model = cat.models[model_id]
    quants = list(model.quants)
    quant = model.quants[
        st.selectbox("Quant", quants, index=quants.index("UD-IQ2_XXS") if "UD-IQ2_XXS" in quants else 0)
    ]
    price_ids = sorted(cat.prices)
    price = cat.prices[st.selectbox("API", price_ids, index=price_ids.index("zai/glm-5.2"))]
    tokens = st.number_input("Tokens per month [M]", min_value=0.0, max_value=10_000.0, value=50.0, step=10.0)
    input_share = st.slider("Input share", 0.0, 1.0, 0.75, 0.05)
    electricity = st.number_input("Electricity [USD/kWh]", min_value=0.0, max_value=2.0, value=0.15, step=0.01)

usage = cm.Usage(tokens_per_month=tokens * 1e6, input_share=input_share)
results = {
    cat.builds[build_id].name: compare(
        cm.Scenario(
            build=cat.builds[build_id],
            model=model,
            quant=quant,
            price=price,
            usage=usage,
            electricity_usd_per_kwh=electricity,
        )
    )
    for build_id in ARTICLE_BUILDS
}
rows = [{"build": name, "verdict": result.headline} for name, result in results.items()]

st.caption(
    f"{model.name} {quant.quant} · {tokens:,.0f} M tokens a month, {input_share:.0%} input · "
    f"{price.price_id} at {cm.blended_usd_per_mtok(price, usage):.2f} USD per million tokens (as of {price.as_of})"
)
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
title = f"{model.name} {quant.quant}: buy the box or pay {price.price_id}?"
st.plotly_chart(figures.cumulative_cost(results, title), width="stretch")
