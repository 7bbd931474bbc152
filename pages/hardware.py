"""Hardware: every build against the chosen model and quant; add, edit, download and upload builds."""

from __future__ import annotations

import ui.warmed  # noqa: F401  first: waits for the server's warm-up imports (ui/serve.py)

import datetime as dt

import pandas as pd
import streamlit as st

import costmodel as cm
from costmodel import plots
from costmodel.explain import short_names, stale_prices, value
from costmodel.io.rows import BUILDS
from costmodel.tables import hardware_table
from ui import charts, export, forms, inputs, params, state, tables, text, uploads
from ui.guard import run_page


@st.cache_data(show_spinner=False, max_entries=32)
def table(
    builds: tuple[cm.Build, ...],
    model: cm.Model,
    quant: cm.Quant,
    price: cm.ApiPrice,
    usage: cm.Usage,
    assumptions: cm.Assumptions,
    today: dt.date,
) -> pd.DataFrame:
    return hardware_table(builds, model, quant, price, usage, assumptions, today)


def price_cell(kind: str | None, seen, old: bool) -> str:
    """``'⚠ used 06/2026'``: a build's price kind and month in one narrow cell, ⚠ first past six months."""
    text = f"{kind or 'unstated'} {seen:%m/%Y}" if seen else f"{kind or 'unstated'}, undated"
    return ("⚠ " if old else "") + text


def picks(cat: cm.Catalog) -> tuple[cm.Model, cm.Quant, cm.ApiPrice, cm.Usage, cm.Assumptions]:
    """Model, quant and assumptions: the break-even page's, changeable here."""
    chosen = inputs.current()
    a, b, c, d = st.columns(4)
    model = inputs.pick_model(cat, "hw_model_id", a)
    quants = list(model.quants)
    q_start = chosen.quant if chosen.quant in quants else params.default_quant_of(model)
    quant = model.quants[b.selectbox("Quantisation", quants, index=quants.index(q_start), key="hw_quant")]
    context = params.widget_range("context_tokens")
    context_tokens = c.number_input(
        "Context [tokens]",
        min_value=min(context["min_value"], model.max_context_tokens),
        max_value=min(context["max_value"], model.max_context_tokens),
        value=min(chosen.context_tokens, model.max_context_tokens),
        step=context["step"],
        key="hw_context_tokens",
    )
    electricity = d.number_input(
        "Electricity [USD/kWh]",
        **params.widget_range("electricity_usd_per_kwh"),
        value=float(chosen.electricity_usd_per_kwh),
        key="hw_electricity_usd_per_kwh",
    )
    price_id = next((p for p in chosen.price_id if p in cat.prices), next(iter(cat.prices)))
    assumptions = cm.Assumptions(
        **{**chosen.assumptions, "context_tokens": int(context_tokens), "electricity_usd_per_kwh": float(electricity)}
    )
    return model, quant, cat.prices[price_id], chosen.usage, assumptions


def body() -> None:
    cat = state.catalog()
    st.title("Hardware")
    st.caption("Every build against one model and quant. Click a column to sort.")
    model, quant, price, usage, a = picks(cat)
    today = dt.date.today()
    frame = table(tuple(cat.builds.values()), model, quant, price, usage, a, today)
    api = frame["api_usd_per_mtok"].iloc[0]
    # what fits a 1,440 px window: the API's price is one number, said below; each speed's ceiling
    # and what bounds it are in the chart under the table. The builds that hold the model come
    # first, cheapest at full use first.
    shown = frame.assign(holds=frame["decode_tok_s"].notna()).sort_values(
        ["holds", "local_usd_per_mtok", "required_gb"], ascending=[False, True, True], kind="stable"
    )
    columns = ["name", "fits", "capex_usd", "price_kind", "decode_tok_s", "prefill_tok_s", "capacity_tok_per_month"]
    if a.min_stream_tok_s is not None:  # the team's question: how many streams at the floor
        columns.append("streams_at_floor")
    columns.append("local_usd_per_mtok")
    tables.show(
        shown[columns].assign(
            name=short_names(shown["name"]),
            price_kind=[
                price_cell(k, d, old) for k, d, old in shown[["price_kind", "price_as_of", "price_stale"]].values
            ],
        ),
        "hardware_table",
        widths={"name": 195, "fits": 118, "price_kind": 122},
        rename={
            "name": "Build",
            "decode_tok_s": "Decode [tok/s]" if a.concurrency == 1 else f"Decode, {a.concurrency} streams [tok/s]",
            "streams_at_floor": f"Streams at {a.min_stream_tok_s:g} tok/s each" if a.min_stream_tok_s else "",
            "prefill_tok_s": "Prefill [tok/s]",
            "capacity_tok_per_month": "Most tokens a month",
            "local_usd_per_mtok": "Local [USD/Mtok]",
        },
    )
    stale = stale_prices(cat.builds.values(), today)
    if stale:
        text.warning(stale)
    text.caption(
        "Price is: what the capex is (list: the maker's price new; street: a retailer's; used; clearance; "
        "estimate), the month it was seen, ⚠ when that is over six months ago. A machine no longer sold new "
        "carries a used, clearance or estimated price; the Add or edit form below takes yours."
    )
    text.caption(
        f"Local: the cost at full use, the build serving its most tokens a month for its whole life, net of resale, "
        f"at {value('electricity_usd_per_kwh', a.electricity_usd_per_kwh)} and a {value('input_share', usage.input_share)} input mix, "
        f"against {price.price_id} at {value('api_usd_per_mtok', api)} for that mix; "
        f"{tables.MISSING} where the model does not fit. The model needs "
        f"{value('required_gb', frame['required_gb'].min())} on one device at this context (more where it is "
        "split over several GPUs)."
    )
    lines = [
        f"{model.name} {quant.quant} ({quant.file_size_gb:,.0f} GB), {a.context_tokens:,}-token context, batch 1; "
        f"bars: estimate, grey: bandwidth ceiling"
    ]
    colours = plots.build_colours(state.build_order(cat))
    charts.show(
        plots.hardware_speeds(frame, colours, lines),
        f"hardware-{model.model_id}-{quant.quant}".lower(),
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
    export.catalogue_download("all builds", cat.builds.values(), BUILDS)
    uploads.catalogue_section("builds", "builds", cat, state.CUSTOM_BUILDS, "upload_builds")


run_page(body)
