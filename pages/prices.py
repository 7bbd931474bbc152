"""Prices: every API offering, its age and history, a blend calculator, search, and the way to a box;
every rental's hourly price and age, and a quote of your own."""

from __future__ import annotations

import ui.warmed  # noqa: F401  first: waits for the server's warm-up imports (ui/serve.py)

import datetime as dt

import pandas as pd
import streamlit as st

import costmodel as cm
from costmodel import plots
from costmodel.explain import value
from costmodel.io.price_sources import fetch_newer, litellm_prices
from costmodel.io.rows import PRICES, RENTALS, rental_maker
from costmodel.io.uploads import Upload
from costmodel.schema import API_PRICE_STALE_AFTER_DAYS as STALE_AFTER_DAYS
from costmodel.schema import RENTAL_PRICE_STALE_AFTER_DAYS
from costmodel.study import MAX_BUILDS, StudyInputs
from costmodel.tables import memory_map, prices_table, rentals_table
from ui import charts, export, forms, inputs, params, state, tables, text, uploads
from ui.guard import run_page
from ui.text import md, rich

SHOWN = 300


@st.cache_data(show_spinner=False, max_entries=16)
def table(_cat: cm.Catalog, catalog_key: str, input_share: float, cached: float, today: dt.date) -> pd.DataFrame:
    usage = cm.Usage(tokens_per_month=1e6, input_share=input_share, cached_input_share=cached)
    frame = prices_table(_cat.prices.values(), usage, today)
    return frame.assign(origin=[_cat.prices[p].origin or "" for p in frame["price_id"]])


def search(frame: pd.DataFrame) -> pd.DataFrame:
    a, b, c = st.columns([3, 2, 2])
    query = a.text_input("Search provider or model", key="prices_query", placeholder="e.g. glm-5.2, llama, fireworks")
    providers = b.multiselect("Providers", sorted(frame["provider"].unique()), key="prices_providers")
    runnable = c.checkbox("Only open-weight models this catalogue can run", key="prices_runnable")
    found = frame
    if query:
        words = query.lower().split()
        text = (found["price_id"] + " " + found["open_weights_model_id"].fillna("")).str.lower()
        found = found[[all(w in t for w in words) for t in text]]
    if providers:
        found = found[found["provider"].isin(providers)]
    if runnable:
        found = found[found["open_weights_model_id"].notna()]
    return found


def to_a_box(price: cm.ApiPrice, cat: cm.Catalog) -> None:
    """Which builds run the model an open-weight offering serves, and a way to compare them."""
    model = cat.models[price.open_weights_model_id]
    quant = params.default_quant_of(model)
    memory = memory_map(model, tuple(cat.builds.values()), cm.MemoryOptions())
    holds = memory[(memory["quant"] == quant) & memory["holds"]]
    names = [f"{cat.builds[b].name} ({fits})" for b, fits in zip(holds["build_id"], holds["fits"], strict=True)]
    st.markdown(
        rich(
            "**{price}** serves the open-weight **{model}**. At {quant} and {context} tokens of context, "
            "{count} of {total} builds hold it: {names}",
            price=price.price_id,
            model=model.name,
            quant=quant,
            context=f"{cm.MemoryOptions().context_tokens:,}",
            count=len(names),
            total=len(cat.builds),
            names="; ".join(names) if names else "none",
        )
    )
    if names and st.button("Compare these builds with this API on the break-even page", key="prices_to_breakeven"):
        inputs.open_breakeven(
            {
                **inputs.values(),
                "model_id": model.model_id,
                "quant": quant,
                "price_id": [price.price_id],
                "build_id": list(holds["build_id"])[:MAX_BUILDS],
                "decode_tok_s": {},
            }
        )


def detail(price: cm.ApiPrice, cat: cm.Catalog, usage: cm.Usage, today: dt.date) -> None:
    st.subheader(md(price.price_id))
    blend = cm.blended_usd_per_mtok(price, usage)
    total = cm.sum_of_prices_usd(price)
    a, b = st.columns(2)
    a.metric(
        "Articles' 'blended' (input + output)",
        f"${total:,.2f}",
        help="The price of 1 M input plus 1 M output tokens: 2 M tokens.",
    )
    b.metric(
        f"True price of 1 M tokens at {value('input_share', usage.input_share)} input, "
        f"{value('cached_input_share', usage.cached_input_share)} cached",
        f"${blend:,.2f}",
        delta=f"{blend / total - 1:+.0%} against the sum",
        delta_color="off",
    )
    text.caption(f"From {price.origin or 'user'}: {price.source}. As of {price.as_of}. {price.note}")
    history = cat.price_history_frame(price.price_id)
    if len(history) > 1:
        lines = [f"{len(history)} dated prices; source {history['source'].iloc[-1]}"]
        charts.show(
            plots.price_history(history, str(today), lines),
            f"price-history-{price.price_id.replace('/', '-')}",
            key="prices_history_chart",
        )
    else:
        st.caption("No dated price change is known for this offering.")
    if price.open_weights_model_id in cat.models:
        to_a_box(price, cat)


def sources(cat: cm.Catalog, today: dt.date) -> None:
    st.subheader("Price sources")
    with st.container():
        st.caption("The bundled genai-prices snapshot works offline. Newer prices come from the internet.")
        if st.button("Check for newer prices", key="prices_check_newer"):
            try:
                fetched = fetch_newer(today, deadline_s=3.0)
            except cm.CostModelError as exc:
                text.warning(exc)
            else:
                state.use_snapshot(fetched)
                text.success(f"Using {len(fetched.prices):,} offerings fetched from genai-prices for this session.")
    uploads.catalogue_section("prices", "offerings", cat, state.CUSTOM_PRICES, "upload_prices")
    uploads.upload_section(
        "Upload a LiteLLM model_prices_and_context_window.json",
        "upload_litellm",
        ["json"],
        lambda data, name: Upload(*litellm_prices(data, name, today, cat.prices), []),
        lambda items: state.saved_message(state.save(state.CUSTOM_PRICES, *items), f"Added {len(items)} offering(s)"),
        lambda p: p.price_id,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def rental_table(
    _cat: cm.Catalog, catalog_key: str, model_id: str, quant: str, memory: cm.MemoryOptions, today: dt.date
) -> pd.DataFrame:
    model = _cat.models[model_id]
    return rentals_table(_cat.rentals.values(), model, model.quants[quant], memory, today)


def rentals(cat: cm.Catalog, chosen: StudyInputs, today: dt.date) -> None:
    """Every rental with its hourly price and age, whether it holds the break-even page's model, and
    a form to add a quote of your own."""
    st.header("Rent the GPU by the hour")
    model = cat.models[chosen.model_id]
    frame = rental_table(cat, state.fingerprint(), chosen.model_id, chosen.quant, chosen.memory, today)
    st.caption(
        f"{len(frame)} offers, cheapest an hour first; 'Fits' is for {model.name} {chosen.quant} at "
        f"{chosen.context_tokens:,} tokens of context (the break-even page's). Each hourly price is the whole "
        "machine's, with its source and the day it was seen."
    )
    stale = int(frame["stale"].sum())
    if stale:
        text.warning(
            f"{stale} of these hourly prices were seen more than {RENTAL_PRICE_STALE_AFTER_DAYS} days ago: "
            "check them before you rent."
        )
    tables.show(frame.drop(columns=["rental_id", "source"]), "rentals_table", rename={"stale": f"Over {RENTAL_PRICE_STALE_AFTER_DAYS} days old"})
    st.subheader("Add your own rental quote")
    st.caption(
        "Pick the GPU it gives (its memory, bandwidth and compute come from data/gpus.csv) and how many; "
        "the break-even page can then compare it like any other rental."
    )
    options = ["(new rental)", *chosen.rental_id, *(r for r in cat.rentals if r not in chosen.rental_id)]
    picked = st.selectbox("Start from", options, key="rentals_edit_pick")
    current = None if picked == options[0] else cat.rentals[picked]
    rental = forms.object_form(
        cm.Rental,
        f"rental_form:{picked}",
        current,
        fields=RENTALS.columns,
        choices={"gpu_id": list(cat.gpus)},
        make=rental_maker(cat.gpus),
    )
    if rental is not None:
        if rental.rental_id in cat.builds:
            text.error(f"{rental.rental_id} is a build's id: give the rental its own.")
        else:
            text.success(
                state.saved_message(
                    state.save(state.CUSTOM_RENTALS, rental), f"Saved {rental.rental_id}, used by every page"
                )
            )
    uploads.catalogue_section("rentals", "rentals", cat, state.CUSTOM_RENTALS, "upload_rentals")
    export.catalogue_download("every rental", cat.rentals.values(), RENTALS)


def body() -> None:
    cat = state.catalog()
    st.title("Prices: APIs, and GPUs by the hour")
    chosen = inputs.current()
    a, b = st.columns(2)
    input_share = a.slider(
        "Input share of tokens",
        **params.widget_range("input_share"),
        value=float(chosen.input_share),
        key="prices_input_share",
    )
    cached = b.slider(
        "Cached share of input",
        **params.widget_range("cached_input_share"),
        value=float(chosen.cached_input_share),
        key="prices_cached_input_share",
    )
    usage = cm.Usage(tokens_per_month=1e6, input_share=input_share, cached_input_share=cached)
    today = dt.date.today()
    frame = table(cat, state.fingerprint(), input_share, cached, today)

    found = search(frame)
    st.caption(
        f"{len(found):,} of {len(frame):,} offerings, cheapest first for this mix"
        + (f"; the first {SHOWN} shown" if len(found) > SHOWN else "")
    )
    stale = int(found["stale"].sum())
    if stale:
        text.warning(f"{stale:,} of these prices were checked more than {STALE_AFTER_DAYS} days ago: flagged stale.")
    tables.show(
        found.head(SHOWN).drop(columns=["source"]),
        "prices_table",
        rename={"stale": f"Stale (over {STALE_AFTER_DAYS} days)"},
    )
    st.caption("An empty cached-input price: no discount for cached input (it is billed as input).")
    if not found.empty:
        top = found.head(25)
        lines = [
            f"{value('input_share', input_share)} input, {value('cached_input_share', cached)} of input cached; the {len(top)} cheapest of {len(found):,} "
            f"matching offerings; prices as of {top['as_of'].min()} to {top['as_of'].max()}; made {today}"
        ]
        charts.show(
            plots.price_blend(top, lines),
            f"api-prices-{int(input_share * 100)}in",
            key="prices_chart",
        )
        ids = list(found["price_id"])
        default = next((p for p in chosen.price_id if p in ids), ids[0])
        pick = st.selectbox("Offering", ids, index=ids.index(default), key="prices_pick")
        detail(cat.prices[pick], cat, usage, today)

    st.subheader("Add or edit an offering")
    options = ["(new offering)", *chosen.price_id, *(p for p in cat.prices if p not in chosen.price_id)]
    picked = st.selectbox("Start from", options, key="prices_edit_pick")
    current = None if picked == options[0] else cat.prices[picked]
    price = forms.object_form(cm.ApiPrice, f"price_form:{picked}", current)
    if price is not None:
        price = price.model_copy(update={"origin": "user"})
        text.success(
            state.saved_message(state.save(state.CUSTOM_PRICES, price), f"Saved {price.price_id}, used by every page")
        )

    sources(cat, today)
    export.catalogue_download("every offering", cat.prices.values(), PRICES)
    rentals(cat, chosen, today)


run_page(body)
