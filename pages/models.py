"""Models: the memory map of a model's quants, KV cache against context, and who holds each quant."""

from __future__ import annotations

import ui.warmed  # noqa: F401  first: waits for the server's warm-up imports (ui/serve.py)

import pandas as pd
import streamlit as st

import costmodel as cm
from costmodel import plots
from costmodel.explain import kv_layers_words, short_names
from costmodel.io.uploads import parse_csv, parse_quants, with_quants, with_saved_quants
from costmodel.tables import kv_curve, memory_map
from ui import charts, inputs, params, state, tables, text, uploads
from ui.guard import run_page


@st.cache_data(show_spinner=False, max_entries=32)
def memory_tables(model: cm.Model, builds: tuple[cm.Build, ...], memory: cm.MemoryOptions):
    return memory_map(model, builds, memory), kv_curve(model)


def body() -> None:
    cat = state.catalog()
    st.title("Models")
    a, b, c = st.columns(3)
    model = inputs.pick_model(cat, "models_model_id", a)
    bounds = params.widget_range("context_tokens")
    context = int(
        b.number_input(
            "Context [tokens]",
            min_value=min(bounds["min_value"], model.max_context_tokens),
            max_value=min(bounds["max_value"], model.max_context_tokens),
            value=min(cm.MemoryOptions().context_tokens, model.max_context_tokens),
            step=bounds["step"],
            key="models_context_tokens",
        )
    )
    dtype = c.selectbox(
        "KV-cache type", cm.schema.kind(cm.MemoryOptions, "kv_cache_dtype")[1], key="models_kv_cache_dtype"
    )
    text.caption(
        f"{model.name}: {model.total_params_b:,.1f} B parameters, {model.active_params_b:,.1f} B active per token; "
        f"{model.n_layers} layers, {model.attention.upper()} cache; up to {model.max_context_tokens:,} tokens; "
        f"licence {model.license or 'not given'}. Source: {model.source}"
    )
    if model.kv_layers:
        text.caption("KV cache by layer kind: " + kv_layers_words(model) + ".")
    memory, kv = memory_tables(
        model, tuple(cat.builds.values()), cm.MemoryOptions(context_tokens=context, kv_cache_dtype=dtype)
    )

    quants = memory.drop_duplicates("quant")[
        [
            "quant",
            "file_size_gb",
            "size_kind",
            "claimed_file_size_gb",
            "kv_cache_gb",
            "required_gb",
            "min_memory_gb",
            "quality_retained",
        ]
    ]
    quants = quants.assign(quality_metric=[model.quants[q].quality_words for q in quants["quant"]])
    st.subheader(f"The memory map at {context:,} tokens of context")
    tables.show(
        quants,
        "models_quants",
        widths={"quality_metric": 260},
        rename={
            "quant": "Quantisation",
            "kv_cache_gb": "KV cache [GB]",
            "required_gb": "Needs [GB]",
            "min_memory_gb": "Published min. [GB]",
        },
    )
    text.caption(
        "Size from: listing, the sum of the published file's parts; rounded, a published size in whole or tenth GB; "
        "derived, computed from another file or a tool's report. Claimed size: a published figure that differs "
        "from the file (an article's). Quality measure: what the quality figure is, and whether it was measured "
        "on this model or borrowed from another."
    )
    charts.show(plots.quant_memory(memory, model.name, context), f"memory-{model.model_id}", key="models_memory_chart")

    st.subheader("Which builds hold each quant")
    matrix = memory.pivot(index="build_id", columns="quant", values="fits").reindex(columns=list(model.quants))
    matrix.index = pd.Index(short_names(cat.builds[b].name for b in matrix.index), name="Build")
    tables.show(matrix.reset_index(), "models_matrix")
    st.caption(
        "With the GPU memory cap of unified-memory Macs raised; 'with offload' splits the model "
        "between GPU memory and system RAM."
    )

    st.subheader("KV cache against context length")
    weights = min(q.file_size_gb for q in model.quants.values()) if model.quants else 0.0
    charts.show(plots.kv_cache(kv, model.name, weights), f"kv-cache-{model.model_id}", key="models_kv_chart")

    st.subheader("Upload models and quantisations")
    st.caption("Models with the columns of models.csv; then their quantisations with the columns of quants.csv.")
    uploads.upload_section(
        "Upload models (CSV)",
        "upload_models",
        ["csv"],
        lambda data, name: parse_csv(data, "models", name, cat),
        lambda items: state.saved_message(
            state.save(state.CUSTOM_MODELS, *with_saved_quants(items, cat)), f"Added {len(items)} model(s)"
        ),
        lambda m: m.model_id,
    )
    uploads.upload_section(
        "Upload quantisations (CSV)",
        "upload_quants",
        ["csv"],
        lambda data, name: parse_quants(data, name, cat),
        lambda items: state.saved_message(
            state.save(state.CUSTOM_MODELS, *with_quants(items, cat)), f"Added {len(items)} quantisation(s)"
        ),
        lambda q: f"{q.model_id} {q.quant}",
    )


run_page(body)
