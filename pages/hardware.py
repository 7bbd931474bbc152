"""Hardware: every build against the chosen model and quant; add, edit, download and upload builds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import costmodel as cm
from costmodel import figures
from costmodel.catalog import BUILDS, catalogue_frame
from costmodel.uploads import parse_csv
from costmodel.exports import to_csv_bytes
from costmodel.tables import Assumptions, hardware_table
from ui import forms, params, state, text, uploads, widgets
from ui.guard import run_page


@st.cache_data(show_spinner=False, max_entries=32)
def table(
    builds: tuple[cm.Build, ...], model: cm.Model, quant: cm.Quant, price: cm.ApiPrice, a: Assumptions
) -> pd.DataFrame:
    return hardware_table(builds, model, quant, price, a)


def picks(cat: cm.Catalog) -> tuple[cm.Model, cm.Quant, cm.ApiPrice, Assumptions]:
    """Model, quant and assumptions: the break-even page's, changeable here."""
    chosen = widgets.chosen()
    a, b, c, d = st.columns(4)
    model = widgets.pick_model(cat, "hw_model_id", a)
    quants = list(model.quants)
    q_start = chosen["quant"] if chosen["quant"] in quants else params.default_quant_of(model)
    quant = model.quants[b.selectbox("Quantisation", quants, index=quants.index(q_start), key="hw_quant")]
    context = c.number_input(
        "Context [tokens]",
        512,
        model.max_context_tokens,
        min(chosen["context_tokens"], model.max_context_tokens),
        512,
        key="hw_context_tokens",
    )
    electricity = d.number_input(
        "Electricity [USD/kWh]",
        0.0,
        2.0,
        float(chosen["electricity_usd_per_kwh"]),
        0.01,
        key="hw_electricity_usd_per_kwh",
    )
    price_id = next((p for p in chosen["price_id"] if p in cat.prices), next(iter(cat.prices)))
    assumptions = Assumptions(
        context_tokens=int(context),
        input_share=float(chosen["input_share"]),
        electricity_usd_per_kwh=float(electricity),
        hours_per_day=float(chosen["hours_per_day"]),
        raise_gpu_memory_cap=bool(chosen["raise_gpu_memory_cap"]),
    )
    return model, quant, cat.prices[price_id], assumptions


def body() -> None:
    cat = state.catalog()
    st.title("Hardware")
    st.caption("Every build against one model and quant. Click a column to sort.")
    model, quant, price, a = picks(cat)
    frame = table(tuple(cat.builds.values()), model, quant, price, a)
    shown = frame.drop(columns=["build_id"]).rename(
        columns={
            "name": "Build",
            "fits": "Fits",
            "required_gb": "Needs [GB]",
            "available_gb": "Usable [GB]",
            "capex_usd": "Capex [USD]",
            "decode_tok_s": "Decode [tok/s]",
            "ceiling_decode_tok_s": "Ceiling [tok/s]",
            "prefill_tok_s": "Prefill [tok/s]",
            "bound": "Bound by",
            "capacity_tok_per_month": "Most tokens/month",
            "local_usd_per_mtok": "Local at full use [USD/Mtok]",
            "api_usd_per_mtok": f"{price.price_id} [USD/Mtok]",
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            "Needs [GB]": st.column_config.NumberColumn(format="%.0f"),
            "Usable [GB]": st.column_config.NumberColumn(format="%.0f"),
            "Capex [USD]": st.column_config.NumberColumn(format="$%,.0f"),
            "Decode [tok/s]": st.column_config.NumberColumn(format="%.1f"),
            "Ceiling [tok/s]": st.column_config.NumberColumn(format="%.1f"),
            "Prefill [tok/s]": st.column_config.NumberColumn(format="%.0f"),
            "Most tokens/month": st.column_config.NumberColumn(format="%.3e"),
            "Local at full use [USD/Mtok]": st.column_config.NumberColumn(format="$%.2f"),
            f"{price.price_id} [USD/Mtok]": st.column_config.NumberColumn(format="$%.2f"),
        },
        key="hardware_table",
    )
    st.caption(
        f"Cost at full use: the build serving its most tokens a month for its whole life, net of resale, "
        f"at ${a.electricity_usd_per_kwh:.2f}/kWh and a {a.input_share:.0%} input mix. 'None': the model does not fit."
    )
    lines = [
        f"{model.name} {quant.quant} ({quant.file_size_gb:,.0f} GB), {a.context_tokens:,}-token context, batch 1; "
        f"bars: estimate, grey: bandwidth ceiling"
    ]
    colours = figures.build_colours(state.build_order(cat))
    st.plotly_chart(
        figures.hardware_speeds(frame, colours, lines),
        width="stretch",
        config=figures.png_config(f"hardware-{model.model_id}-{quant.quant}".lower()),
        key="hardware_chart",
    )

    st.subheader("Add or edit a build")
    ids = ["(new build)", *cat.builds]
    picked = st.selectbox(
        "Start from", ids, key="hw_edit_pick", format_func=lambda b: b if b == ids[0] else cat.builds[b].name
    )
    current = None if picked == ids[0] else cat.builds[picked]
    build = forms.object_form(cm.Build, f"build_form:{picked}", current)
    if build is not None:
        text.success(
            state.saved_message(state.save(state.CUSTOM_BUILDS, build), f"Saved {build.build_id}, used by every page")
        )

    st.subheader("Download or upload builds")
    st.download_button(
        "Download all builds (CSV)",
        to_csv_bytes(catalogue_frame(cat.builds.values(), BUILDS)),
        "builds.csv",
        "text/csv",
        key="download_builds",
    )
    uploads.upload_section(
        "Upload builds (CSV with the columns of builds.csv)",
        "upload_builds",
        ["csv"],
        lambda data, name: parse_csv(data, "builds", name, cat),
        lambda items: state.saved_message(state.save(state.CUSTOM_BUILDS, *items), f"Added {len(items)} build(s)"),
        lambda b: b.build_id,
    )


run_page(body)
