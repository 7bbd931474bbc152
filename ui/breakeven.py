"""The break-even page: buy the box, rent it, or pay the API? Inputs in the sidebar and the URL, the
answer, a card per machine, two charts.

The page's script (``pages/breakeven.py``) only calls ``body``: this module is imported once per
server, so a rerun runs the page without compiling it again, and its cached ``view`` can be filled
before the first visitor comes (``ui.warm``).
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any

import streamlit as st

import costmodel as cm
from costmodel import plots
from costmodel.explain import explain, growth_warning, price_words, rate, rental_price_words, short_names
from costmodel.explain import value as figure
from costmodel.explain import recommendation as recommendation_words
from costmodel.explain import tokens as format_tokens
from costmodel.io.llama_bench import Bench, bench_command, read_bench
from costmodel.recommend import recommend
from costmodel.schema import DISCOUNT_RATE_PRESETS, ENGINES, USAGE_PRESETS, RentalMode
from costmodel.speed import SPECULATIVE_RANGES
from costmodel.study import RENTAL_MODE_WORDS, StudyInputs
from costmodel.tables import offerings_for
from ui import charts, export, inputs, params, state, tables, text, usage
from ui.text import md, rich


@st.cache_data(show_spinner=False, max_entries=64)
def view(
    _cat: cm.Catalog, catalog_key: str, study_inputs: StudyInputs, today: dt.date
) -> tuple[cm.Study, cm.Recommendation, dict, dict]:
    """The study, its answer and both charts for the inputs (one cached call, keyed as ``inputs.study``)."""
    result = inputs.study(_cat, catalog_key, study_inputs, today)
    answer_ = recommend(result)
    colours = state.colours(_cat, [r.rental_id for r in result.rentals])
    names = plots.legend_names(result.machines)
    return (
        result,
        answer_,
        plots.cumulative_cost(result, colours, names),
        plots.cost_per_mtok(result, colours, names, answer_.by_volume),
    )


def seed_inputs(cat: cm.Catalog) -> None:
    """Put the inputs in the widget state: from the URL on a session's first visit, then from the
    store (Streamlit drops a widget's state when its page is left)."""
    if not inputs.seeded():
        query = dict(st.query_params)
        link = query.pop("scenario", None)
        loaded = params.from_url(query, cat)
        opened = open_link(link) if link is not None else None
        chosen = opened if isinstance(opened, params.Loaded) else loaded
        inputs.remember(chosen.values)
        st.session_state["_breakeven_notices"] = chosen.notices + ([opened] if isinstance(opened, str) else [])
    stored = inputs.values()
    hidden = hidden_keys()  # a group not drawn keeps its values in ``stored``, not in widgets
    for key, value in stored.items():
        if key in hidden:
            continue
        if key in params.PER_BUILD:
            for build_id, number in value.items():
                st.session_state.setdefault(f"{key}:{build_id}", number)
        else:
            st.session_state.setdefault(key, value)
    model = cat.models.get(st.session_state["model_id"]) or cat.models[params.DEFAULTS["model_id"]]
    if st.session_state.get("quant") not in model.quants:
        st.session_state["quant"] = params.default_quant_of(model)
    for key, known in (("build_id", cat.builds), ("price_id", cat.prices), ("rental_id", cat.rentals)):
        kept = [i for i in st.session_state[key] if i in known]
        if kept != st.session_state[key]:  # an id that left the catalogue
            st.session_state[key] = kept or ([i for i in params.DEFAULTS[key] if i in known] if key != "rental_id" else [])
    follow_the_model(cat)
    current = {
        key: st.session_state.get(key, stored[key])
        for key in ("model_id", "build_id", "price_id", "rental_id", "context_tokens")
    }
    current.update({field: {} for field in params.PER_BUILD})
    notices = params.clamp(current, cat)  # e.g. a model with a shorter context than the one set
    for key in ("build_id", "price_id", "rental_id", "context_tokens"):
        if key in hidden and current[key] != stored[key]:
            inputs.remember({**stored, key: current[key]})
        elif key not in hidden and current[key] != st.session_state[key]:
            st.session_state[key] = current[key]
    st.session_state.setdefault("_breakeven_notices", []).extend(notices)


def open_link(scenario_id: str) -> params.Loaded | str:
    """The inputs of the scenario a link names (``?scenario=<id>``), when it is the user's or shared;
    else why not, in a notice (another user's private one is "not found", as a deleted one)."""
    store = state.store()
    if store is None:
        return f"The link's scenario cannot be opened: saving is off ({state.store_problem()})."
    try:
        found = store.scenario(scenario_id)
    except cm.CostModelError as exc:
        return f"The link's scenario: {exc}."
    values = params.widget_values(found.inputs)
    whose = "yours" if found.owner == store.owner else f"shared by {found.owner}: read-only, save a copy to keep changes"
    return params.Loaded(values, [f"Opened the scenario {found.name!r} ({whose})."])


def follow_the_model(cat: cm.Catalog) -> None:
    """When the model changes, the API offerings follow: the cheapest two that serve the new one's
    open weights, so a local Qwen3-32B is never priced against the GLM 5.2 API without a word."""
    model_id, last = st.session_state["model_id"], st.session_state.get("_last_model_id")
    st.session_state["_last_model_id"] = model_id
    if last is None or last == model_id:
        return
    serving = [p for p in st.session_state["price_id"] if cat.prices[p].open_weights_model_id == model_id]
    if serving:
        return
    usage = cm.Usage(
        tokens_per_month=1,
        input_share=st.session_state["input_share"],
        cached_input_share=st.session_state["cached_input_share"],
    )
    offered = offerings_for(cat.prices.values(), model_id, usage)
    name = cat.models[model_id].name
    if offered:
        st.session_state["price_id"] = [p.price_id for p in offered[:2]]
        st.session_state.setdefault("_breakeven_notices", []).append(
            f"API offerings switched to {name}'s cheapest: {', '.join(st.session_state['price_id'])}."
        )
    else:
        st.session_state.setdefault("_breakeven_notices", []).append(
            f"No API offering in the catalogue serves {name}; the comparison is against the offerings chosen."
        )


@st.cache_data(show_spinner=False, max_entries=32)
def rental_options(_cat: cm.Catalog, catalog_key: str, model_id: str, quant: str) -> dict[str, str]:
    """Every rental, labelled with its hourly price: those whose GPUs hold the model's quant first,
    cheapest first; then the rest by price (computed once per catalogue, model and quant)."""
    model = _cat.models[model_id]
    q = model.quants.get(quant) or next(iter(model.quants.values()))
    holds = {r: cm.check_fit(_cat.rentals[r], model, q).placement == "gpu" for r in _cat.rentals}
    order = sorted(_cat.rentals, key=lambda r: (not holds[r], _cat.rentals[r].usd_per_hour, r))
    return {r: f"{_cat.rentals[r].name}  {figure('usd_per_hour', _cat.rentals[r].usd_per_hour)}" for r in order}


@st.cache_data(show_spinner=False, max_entries=32)
def price_options(
    _cat: cm.Catalog, catalog_key: str, model_id: str, input_share: float, cached_input_share: float
) -> dict[str, str]:
    """Every offering, labelled with its price for the mix: the model's first, cheapest first, then the
    rest by id (computed once per catalogue, model and mix: two thousand labels are not made each rerun)."""
    usage = cm.Usage(tokens_per_month=1, input_share=input_share, cached_input_share=cached_input_share)
    serving = [p.price_id for p in offerings_for(_cat.prices.values(), model_id, usage)]
    order = serving + sorted(set(_cat.prices) - set(serving))
    return {p: f"{p}  ${cm.blended_usd_per_mtok(_cat.prices[p], usage):,.2f}/M" for p in order}


OWN_SHARES = "(your own shares)"
RENTAL_MODES = typing.get_args(RentalMode)


def apply_preset() -> None:
    """Set the input and cached shares of the usage pattern picked."""
    for label, input_share, cached, _ in USAGE_PRESETS:
        if st.session_state["usage_preset"] == label:
            st.session_state["input_share"], st.session_state["cached_input_share"] = input_share, cached


def preset_of_shares() -> str:
    """The usage pattern the shares match, else ``OWN_SHARES``: moving a slider never leaves a
    pattern's name beside shares that are not its own."""
    shares = (st.session_state["input_share"], st.session_state["cached_input_share"])
    return next((label for label, i, c, _ in USAGE_PRESETS if (i, c) == shares), OWN_SHARES)


def team_inputs(cat: cm.Catalog, model: cm.Model) -> None:
    """Streams at once, office hours, peaks, boxes, the prefix cache and speculative decoding."""
    bounds = params.widget_range
    a, b = st.columns(2)
    a.number_input(
        "Streams at once",
        **bounds("concurrency"),
        key="concurrency",
        help="Users or agents served at the same time; each keeps its own KV cache of the context.",
    )
    b.number_input(
        "Each at least [tok/s]",
        **bounds("min_stream_tok_s"),
        value=None,
        key="min_stream_tok_s",
        placeholder="no floor",
        help="A box slower than this for each stream is too slow for the team.",
    )
    st.slider("Hours a day the work comes", **bounds("busy_hours_per_day"), key="busy_hours_per_day")
    a, b = st.columns(2)
    a.number_input(
        "Peak over average",
        **bounds("peak_to_average"),
        key="peak_to_average",
        format="%.1f",
        help="The busiest hour's demand over the busy hours' average: a box sized for the average "
        "falls behind at the peak.",
    )
    b.number_input("Boxes", **bounds("boxes"), key="boxes", help="Identical boxes bought.")
    a, b = st.columns(2)
    a.number_input(
        "Prefix-cache hit",
        **bounds("prefix_cache_hit"),
        value=None,
        key="prefix_cache_hit",
        placeholder="= cached share",
        format="%.2f",
        help="Share of input the local engine has cached and does not prefill again; "
        "empty: the usage's cached share of input.",
    )
    b.number_input(
        "Speculative decoding [x]",
        **bounds("speculative_speedup"),
        key="speculative_speedup",
        format="%.2f",
        help="1 is off. Published: "
        + "; ".join(f"{what}: {low:g}-{high:g}x" for what, low, high in SPECULATIVE_RANGES),
    )


def renting_inputs(cat: cm.Catalog, model: cm.Model) -> None:
    """How a rental's hours are billed."""
    bounds = params.widget_range
    st.selectbox(
        "Billed",
        RENTAL_MODES,
        key="rental_mode",
        format_func=lambda m: RENTAL_MODE_WORDS[m],
        help="Always on: every hour of the month. On for the busy hours: the hours a day the work comes "
        "(Team and load), started before them each day. Scale to zero: started when work comes, stopped "
        "after it. A reserved offer bills every hour whatever this says.",
    )
    a, b = st.columns(2)
    a.number_input(
        "Starts a day",
        **bounds("rental_starts_per_day"),
        key="rental_starts_per_day",
        format="%.1f",
        help="Scale to zero: each start loads the weights again (its time is billed).",
    )
    b.number_input(
        "Up after the last request [min]",
        **bounds("rental_idle_minutes"),
        key="rental_idle_minutes",
        format="%.0f",
    )


def money_inputs(cat: cm.Catalog, model: cm.Model) -> None:
    """The cost of capital, setup, upkeep, cooling and operator time."""
    bounds = params.widget_range
    st.number_input(
        "Cost of capital [per year]",
        **bounds("discount_rate_per_year"),
        key="discount_rate_per_year",
        format="%.3f",
        help="What money spent on the box up front could have earned. "
        + "; ".join(f"{rate:.3g}: {label}" for label, rate in DISCOUNT_RATE_PRESETS),
    )
    st.checkbox("Count both sides in today's money (discounted)", key="discounted")
    st.number_input(
        "Setup, no resale [USD]",
        **bounds("setup_usd"),
        key="setup_usd",
        format="%.0f",
        help="Installation, shipping, a new circuit: paid once, worth nothing on resale.",
    )
    st.number_input(
        "Maintenance [share of capex a year]",
        **bounds("maintenance_share_per_year"),
        key="maintenance_share_per_year",
        format="%.2f",
    )
    st.number_input(
        "Upkeep [USD/month]",
        **bounds("maintenance_usd_per_month"),
        key="maintenance_usd_per_month",
        format="%.0f",
    )
    st.number_input(
        "PUE: cooling and power delivery [x electricity]",
        **bounds("pue"),
        key="pue",
        format="%.2f",
        help="1.0 at home; about 1.2-1.6 in a server room.",
    )
    a, b = st.columns(2)
    a.number_input("Operator [h/month]", **bounds("operator_hours_per_month"), key="operator_hours_per_month")
    b.number_input("Operator [USD/h]", **bounds("operator_usd_per_hour"), key="operator_usd_per_hour")


def memory_inputs(cat: cm.Catalog, model: cm.Model) -> dict[str, dict[str, float]]:
    """Context, the memory cap, the engine, how full the context is, and measured speeds per machine."""
    bounds = params.widget_range
    context = bounds("context_tokens")
    st.number_input(
        "Context length [tokens]",
        min_value=min(context["min_value"], model.max_context_tokens),
        max_value=min(context["max_value"], model.max_context_tokens),
        step=context["step"],
        key="context_tokens",
    )
    st.checkbox("Raise the GPU memory cap of unified-memory Macs", key="raise_gpu_memory_cap")
    st.selectbox(
        "Engine",
        ENGINES,
        key="engine",
        help="Where the measured points show engines apart: MLX on Apple silicon, vLLM, ik_llama.cpp, "
        "KTransformers; Ollama runs llama.cpp.",
    )
    st.slider(
        "Context filled on average while decoding",
        **bounds("filled_context_share"),
        key="filled_context_share",
        format="%.2f",
        help="Decode slows as the context fills; a conversation grows from empty to the limit (0.5).",
    )
    bench_input(cat)
    st.caption("Measured speeds per build [tok/s]: decode, then prefill; empty uses the estimate.")
    measured, prefill = {}, {}
    for build_id in [*st.session_state["build_id"], *st.session_state["rental_id"]]:
        left, right = st.columns(2)
        value = left.number_input(
            md(cat.machine(build_id).name),
            **params.measured_speed_range(),
            value=None,
            key=f"decode_tok_s:{build_id}",
            placeholder="estimated",
        )
        if value:
            measured[build_id] = float(value)
        value = right.number_input(
            "Prefill",
            **params.measured_speed_range("prefill_tok_s"),
            value=None,
            key=f"prefill_tok_s:{build_id}",
            placeholder="estimated",
        )
        if value:
            prefill[build_id] = float(value)
    return {"decode_tok_s": measured, "prefill_tok_s": prefill}


def owned_inputs(cat: cm.Catalog, model: cm.Model) -> dict[str, dict[str, float]]:
    """What a box owned already would sell for today, per build."""
    st.caption(
        "What it would sell for today [USD]: the comparison then counts that sale given up, not a purchase."
    )
    owned = {}
    for build_id in st.session_state["build_id"]:
        value = st.number_input(
            md(cat.builds[build_id].name),
            **params.widget_range("owned_value_usd", cm.Scenario),
            value=None,
            key=f"owned_value_usd:{build_id}",
            placeholder="buy it new",
        )
        if value is not None:
            owned[build_id] = float(value)
    return {"owned_value_usd": owned}


#: the sidebar's groups of inputs beyond the first ones, each drawn only while it is picked (a rerun
#: of the page draws a few widgets, not fifty): what draws it, and the inputs it holds
GROUPS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "Team and load": (
        team_inputs,
        ("concurrency", "min_stream_tok_s", "busy_hours_per_day", "peak_to_average", "boxes", "prefix_cache_hit",
         "speculative_speedup"),
    ),
    "Renting": (renting_inputs, ("rental_mode", "rental_starts_per_day", "rental_idle_minutes")),
    "Money": (
        money_inputs,
        ("discount_rate_per_year", "discounted", "setup_usd", "maintenance_share_per_year",
         "maintenance_usd_per_month", "pue", "operator_hours_per_month", "operator_usd_per_hour"),
    ),
    "Memory and speeds": (
        memory_inputs,
        ("context_tokens", "raise_gpu_memory_cap", "engine", "filled_context_share", "decode_tok_s", "prefill_tok_s"),
    ),
    "A box you own": (owned_inputs, ("owned_value_usd",)),
}  # fmt: skip
#: the widget key of the group picked
MORE = "more_inputs"


def shown_group() -> str | None:
    """The group of inputs the sidebar draws in this run, if any."""
    picked = st.session_state.get(MORE)
    return picked if picked in GROUPS else None


def hidden_keys() -> set[str]:
    """The inputs of the groups not drawn in this run: their values are the ones remembered."""
    shown = shown_group()
    return {key for name, (_, keys) in GROUPS.items() if name != shown for key in keys}


def sidebar(cat: cm.Catalog) -> dict[str, Any]:
    """The inputs, each under its glossary name."""

    bounds = params.widget_range

    with st.sidebar:
        st.header("Scenario")
        model_ids = sorted(cat.models, key=lambda m: cat.models[m].name.lower())
        model_id = st.selectbox("Model", model_ids, key="model_id", format_func=lambda m: cat.models[m].name)
        model = cat.models[model_id]
        if st.session_state.get("quant") not in model.quants:
            st.session_state["quant"] = params.default_quant_of(model)
        st.selectbox(
            "Quantisation",
            list(model.quants),
            key="quant",
            format_func=lambda q: f"{q} ({model.quants[q].file_size_gb:,.0f} GB)",
        )
        order = state.build_order(cat)
        # no "select all matches" on Enter, and matching by what is typed, not by scattered letters
        st.multiselect(
            "Builds to compare",
            order,
            key="build_id",
            format_func=lambda b: cat.builds[b].name,
            max_selections=params.MAX_BUILDS,
            select_all=False,
            filter_mode="contains",
            help=f"At most {params.MAX_BUILDS}.",
        )
        rentals = rental_options(cat, state.fingerprint(), model_id, st.session_state["quant"])
        st.multiselect(
            "Rentals to compare",
            list(rentals),
            key="rental_id",
            format_func=rentals.__getitem__,
            max_selections=params.MAX_RENTALS,
            select_all=False,
            filter_mode="contains",
            help=f"GPUs rented by the hour; those that hold {model.name} first, cheapest first. "
            f"At most {params.MAX_RENTALS}. Add your own quote on the Prices page.",
        )
        offerings = price_options(
            cat, state.fingerprint(), model_id, st.session_state["input_share"], st.session_state["cached_input_share"]
        )
        st.multiselect(
            "API offerings",
            list(offerings),
            key="price_id",
            max_selections=params.MAX_PRICES,
            select_all=False,
            filter_mode="contains",
            format_func=offerings.__getitem__,
            help=f"{model.name}'s offerings first, cheapest first for your mix; at most {params.MAX_PRICES}.",
        )
        with st.expander("Your usage from a file: volume and mix"):
            usage_import()
        st.select_slider(
            "Tokens per month (input + output)",
            params.token_steps(st.session_state["tokens_per_month"]),
            key="tokens_per_month",
            format_func=params.token_label,
        )
        st.session_state["usage_preset"] = preset_of_shares()
        st.selectbox(
            "Usage pattern",
            [OWN_SHARES, *(label for label, *_ in USAGE_PRESETS)],
            key="usage_preset",
            on_change=apply_preset,
            help="; ".join(f"{label}: {source}" for label, _, _, source in USAGE_PRESETS),
        )
        st.slider("Input share of tokens", **bounds("input_share"), key="input_share", format="%.3f")
        st.slider("Cached share of input", **bounds("cached_input_share"), key="cached_input_share", format="%.3f")
        st.slider("Monthly growth of usage", **bounds("monthly_growth"), key="monthly_growth", format="%.2f")
        st.number_input(
            "Electricity [USD/kWh]", **bounds("electricity_usd_per_kwh"), key="electricity_usd_per_kwh", format="%.3f"
        )
        st.slider("Hours powered per day", **bounds("hours_per_day"), key="hours_per_day", format="%.0f h")
        st.slider(
            "Share of capex charged to LLM work (dual use)",
            **bounds("dual_use_share"),
            key="dual_use_share",
            format="%.2f",
        )
        st.slider("Horizon [months]", **bounds("horizon_months"), key="horizon_months")
        st.slider(
            "API price change per year",
            **bounds("api_price_change_per_year"),
            key="api_price_change_per_year",
            format="%.2f",
            help="-0.20: prices fall 20% a year (the past year's median change); 0: flat",
        )
        st.checkbox(
            "Charge the local side for the quant's quality gap",
            key="quality_adjusted",
            help="A quant keeping 82% of the quality produces 1/0.82 = 1.22 tokens per API token (retries).",
        )
        st.pills(
            "More inputs",
            list(GROUPS),
            key=MORE,
            help="Team and load, renting, money, memory and measured speeds, a box you own already: "
            "one group at a time. Their values hold while they are hidden.",
        )
        extra: dict[str, dict[str, float]] = {}
        group = shown_group()
        if group is not None:
            with st.container(border=True):
                extra = GROUPS[group][0](cat, model) or {}
    stored = inputs.values()
    machines = {*st.session_state["build_id"], *st.session_state["rental_id"]}
    values = {key: st.session_state.get(key, stored[key]) for key in params.DEFAULTS if key not in params.PER_BUILD}
    for field in params.PER_BUILD:  # drawn in this run, or as remembered for the machines still compared
        values[field] = extra.get(field, {b: v for b, v in stored.get(field, {}).items() if b in machines})
    return values


def usage_import() -> None:
    """Upload a usage export; one click puts its volume and mix in the inputs below."""
    found = usage.read_section("breakeven_usage", paste=False)
    if found is None:
        return
    exported, history = found
    st.caption(
        f"{exported.format}, {history.first_day} to {history.last_day}: "
        f"{figure('tokens_per_month', history.tokens_per_month)} tokens a month, "
        f"{figure('input_share', history.input_share)} input, "
        f"{figure('cached_input_share', history.cached_input_share)} of it cached, "
        f"growth {history.monthly_growth:+.1%} a month"
        + (f"; {len(exported.problems)} row(s) left out" if exported.problems else "")
    )
    steep = growth_warning(history, st.session_state["horizon_months"])
    if steep:
        text.warning(steep)
    st.button(
        "Use these",
        on_click=usage.use_here,
        args=(history, exported.label),
        key="usage_use_here",
        help="Sets tokens per month, the input and cached shares and the growth below.",
    )
    st.page_link("pages/usage.py", label="What it cost, and would have cost elsewhere", icon=":material/monitoring:")


def use_bench(bench: Bench, build_id: str, depth: int) -> None:
    """Put a run's decode and prefill speeds in the build's measured-speed inputs (a button's callback,
    so the inputs take the values before they are drawn)."""
    decode, prefill, used = bench.speeds(depth)
    notice = []
    for field, speed in (("decode_tok_s", decode), ("prefill_tok_s", prefill)):
        if speed is not None:
            low, high = params.measured_speed_range(field).values()
            st.session_state[f"{field}:{build_id}"] = min(max(speed, low), high)
            notice.append(f"{'decode' if field == 'decode_tok_s' else 'prefill'} {speed:,.1f} tok/s")
    st.session_state.setdefault("_breakeven_notices", []).append(
        f"Measured speeds from the {bench.format} ({used:,}-token filled context) set for "
        f"{short_names([st.session_state['_bench_build_name']])[0]}: {', '.join(notice)}."
    )


def bench_input(cat: cm.Catalog) -> None:
    """Paste or upload llama-bench output; the picked build's speeds become measured ones."""
    st.markdown("**Your own llama-bench run**")
    pasted = st.text_area(
        "Paste llama-bench output (-o json, jsonl, csv or md) or a llama-sweep-bench table",
        key="bench_text",
        height=90,
    )
    upload = st.file_uploader("or upload it", type=["json", "jsonl", "csv", "md", "txt"], key="bench_file")
    if not pasted and upload is None:
        return
    try:
        bench = read_bench(
            upload.getvalue() if upload is not None else pasted, upload.name if upload else "pasted text"
        )
    except cm.CostModelError as exc:
        text.warning(str(exc))
        return
    builds = st.session_state["build_id"]
    build_id = st.selectbox(
        "It ran on", builds, format_func=lambda b: short_names([cat.builds[b].name])[0], key="bench_build"
    )
    st.session_state["_bench_build_name"] = cat.builds[build_id].name
    model = cat.models.get(st.session_state["model_id"])
    quant = model.quants.get(st.session_state["quant"]) if model else None
    sizes = [r.size_gb for r in bench.runs if r.size_gb]
    if quant is not None and sizes and abs(sizes[0] / quant.file_size_gb - 1) > 0.1:
        text.warning(
            f"This run is of a {sizes[0]:,.1f} GB file ({bench.model or 'model not named'}), not "
            f"{model.name} {quant.quant} ({quant.file_size_gb:,.1f} GB): its speeds are not this model's."
        )
    st.caption(
        f"{bench.format}: {len(bench.runs)} results"
        + (f" of {bench.model}" if bench.model else "")
        + f" at filled contexts {', '.join(f'{d:,}' for d in bench.depths)} tokens."
    )
    st.button(
        "Use as this build's measured speeds",
        on_click=use_bench,
        args=(bench, build_id, round(st.session_state["context_tokens"] * st.session_state["filled_context_share"])),
        key="bench_use",
    )


def headline(result: cm.Comparison, build: cm.Build, cat: cm.Catalog, today: dt.date) -> None:
    """One build's verdict in plain words, its costs per million tokens, speeds and fit (one block)."""
    r = result
    colour = "green" if r.verdict == cm.Verdict.PAYS_BACK else "red"
    words = explain(r)
    lines = [
        rich("**{name}**", name=build.name) + (" · rented" if build.rented else ""),
        rich(f":{colour}[**{{h}}**]", h=words.headline[0].upper() + words.headline[1:]),
    ]
    if r.verdict != cm.Verdict.DOES_NOT_FIT:
        lines.append(
            rich(
                ("Rented" if build.rented else "Local") + " **{local}** vs API **{api}** per million tokens ({price})",
                local=rate(r.local_usd_per_mtok),
                api=rate(r.api_horizon_usd_per_mtok),
                price=r.scenario.price.price_id,
            )
        )
    if words.details:
        rest = "; ".join(words.details)
        lines.append(rich(":small[:gray[{rest}]]", rest=rest[:1].upper() + rest[1:]))
    t = r.throughput
    if t.decode_tok_s is not None:
        ceiling = t.estimate.ceiling_decode_tok_s if t.estimate else None
        speed = f"Decode {t.decode_tok_s:,.1f} tok/s"
        if t.streams > 1:
            speed += f" over {t.streams} streams, {t.stream_decode_tok_s:,.1f} each"
        spec = r.scenario.speculative_speedup
        if spec != 1:
            speed += f", x{spec:g} with speculative decoding"
        alone = {**r.scenario.memory.model_dump(), "concurrency": 1}
        if (
            t.estimate is not None
            and t.streams > 1
            and t.estimate.fit.placement == "gpu+ram"
            and cm.check_fit(build, r.scenario.model, r.scenario.quant, **alone).placement == "gpu"
        ):
            speed += "; the streams' KV caches push weights into system RAM: memory, not compute, limits it"
        speed += f" ({t.source}"
        speed += f", ceiling {ceiling:,.1f})" if ceiling else ")"
        if ceiling and t.source.startswith("measured") and t.decode_tok_s > ceiling:
            speed += ": above the physical ceiling, check the measurement"
        speed += f"; prefill {t.prefill_tok_s:,.0f} tok/s; " + (
            f"each instance serves {format_tokens(r.rental.instance_capacity_tok_per_month)} tokens a month"
            if r.rental is not None
            else f"capacity {format_tokens(r.capacity_tok_per_month)} tokens a month"
        )
        for claim in cat.claims_for(build.machine_id, r.scenario.model.model_id, r.scenario.quant.quant):
            speed += f". Published: {claim.label}"
            if ceiling and claim.decode_tok_s_low > ceiling:
                speed += " (above the physical ceiling)"
            elif t.source == "estimated":
                speed += " (the estimate is bandwidth physics checked on measured points; a measurement of your own settles it)"
        lines.append(rich(":small[:gray[{speed}]]", speed=speed))
        if t.source.startswith("estimated"):
            s = r.scenario
            command = bench_command(
                f"<{s.model.name} {s.quant.quant}.gguf>", round(s.context_tokens * s.filled_context_share)
            )
            lines.append(
                rich(":small[:gray[Check it with {c} and paste the output in the sidebar (speeds)]]", c=command)
            )
    if r.verdict != cm.Verdict.DOES_NOT_FIT:
        lines.append(rich(":small[:gray[{fit}]]", fit=r.fit.message[0].upper() + r.fit.message[1:]))
    price = ("Rent " + rental_price_words(build, today)) if build.rented else ("Price " + price_words(build, today))
    lines.append(rich(":small[:orange[{p}]]" if build.price_is_stale(today) else ":small[:gray[{p}]]", p=price))
    with st.container(border=True):
        st.markdown("\n\n".join(lines))


def answer(result: cm.Study, rec: cm.Recommendation) -> None:
    """The overall answer at the top: the cheapest of buy, rent and API, and what would change it."""
    if result.usage.tokens_per_month == 0:
        return
    horizon = result.primary(result.first_id).scenario.horizon_months
    words = recommendation_words(rec, horizon, result.usage.tokens_per_month)
    details = "; ".join(words.details)
    with st.container(border=True, key="answer"):
        st.markdown(rich("#### {h}", h=words.headline))
        if details:
            st.markdown(rich("{d}", d=details[:1].upper() + details[1:] + "."))


def body() -> None:
    cat = state.catalog()
    seed_inputs(cat)
    values = sidebar(cat)
    inputs.remember(values)
    st.query_params.from_dict(params.to_url(values))

    st.title("Buy the box, rent it, or pay the API?")
    for notice in st.session_state.pop("_breakeven_notices", []):  # shown once: the next change clears them
        text.warning(notice)
    if not (values["build_id"] or values["rental_id"]) or not values["price_id"]:
        st.info("Pick at least one build or rental, and one API offering, in the sidebar.")
        return

    result, rec, cumulative, per_mtok = view(cat, state.fingerprint(), StudyInputs(**values), dt.date.today())
    machines = result.machines
    if result.usage.tokens_per_month == 0:
        st.info("No tokens asked: nothing to pay back. Move the tokens-per-month slider.")

    answer(result, rec)
    columns = st.columns(min(len(machines), 4))
    for i, build in enumerate(machines):
        with columns[i % len(columns)]:
            headline(result.primary(build.machine_id), build, cat, result.as_of)

    slug = export.scenario_slug(values)
    charts.show(cumulative, f"{slug}-cumulative", key="chart_cumulative")
    charts.show(per_mtok, f"{slug}-per-mtok", key="chart_per_mtok")

    below_the_charts(result, slug, {"cumulative": cumulative, "per-mtok": per_mtok})


@st.fragment
def below_the_charts(result: cm.Study, slug: str, figures: dict[str, dict]) -> None:
    """The table of every machine against every API (when opened) and the downloads: opening the
    table or rendering the PNGs reruns this part alone, not the page's sums and charts."""
    if st.toggle("Every build and rental against every API: the table", key="show_summary"):
        summary = result.summary  # drawn when asked for: a table is the page's heaviest element to draw
        names = plots.legend_names(result.machines)
        tables.show(
            summary.assign(build_id=[names[b] for b in summary["build_id"]]),
            "summary_table",
            rename={"build_id": "Build or rental", "api_usd_per_mtok": "API today [USD/Mtok]"},
        )
    export.downloads(result, slug, figures)
