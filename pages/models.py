"""Models: the memory map of a model's quants, KV cache against context, and who holds each quant."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import costmodel as cm
from costmodel import figures
from costmodel.catalog import Problem
from costmodel.tables import kv_curve, memory_map
from costmodel.uploads import Upload, parse_csv
from ui import state, text, uploads, widgets
from ui.guard import run_page


@st.cache_data(show_spinner=False, max_entries=32)
def tables(model: cm.Model, builds: tuple[cm.Build, ...], context: int, dtype: str, raise_cap: bool):
    return (
        memory_map(model, builds, context, kv_cache_dtype=dtype, raise_gpu_memory_cap=raise_cap),
        kv_curve(model),
    )


def body() -> None:
    cat = state.catalog()
    st.title("Models")
    a, b, c = st.columns(3)
    model = widgets.pick_model(cat, "models_model_id", a)
    context = int(
        b.number_input(
            "Context [tokens]",
            512,
            model.max_context_tokens,
            min(8192, model.max_context_tokens),
            512,
            key="models_context_tokens",
        )
    )
    dtype = c.selectbox("KV-cache type", ["f16", "q8_0", "q4_0"], key="models_kv_cache_dtype")
    text.caption(
        f"{model.name}: {model.total_params_b:,.1f} B parameters, {model.active_params_b:,.1f} B active per token; "
        f"{model.n_layers} layers, {model.attention.upper()} cache; up to {model.max_context_tokens:,} tokens; "
        f"licence {model.license or 'not given'}. Source: {model.source}"
    )
    memory, kv = tables(model, tuple(cat.builds.values()), context, dtype, True)

    quants = memory.drop_duplicates("quant")[
        [
            "quant",
            "file_size_gb",
            "bits_per_weight",
            "kv_cache_gb",
            "required_gb",
            "min_memory_gb",
            "quality_retained",
            "quality_confidence",
        ]
    ].rename(
        columns={
            "file_size_gb": "File [GB]",
            "bits_per_weight": "Bits/weight",
            "kv_cache_gb": f"KV cache at {context:,} [GB]",
            "required_gb": f"Needs at {context:,} [GB]",
            "min_memory_gb": "Published minimum [GB]",
            "quality_retained": "Quality retained",
            "quality_confidence": "Quality is",
        }
    )
    st.subheader("The memory map")
    st.dataframe(
        quants,
        hide_index=True,
        width="stretch",
        key="models_quants",
        column_config={
            "Quality retained": st.column_config.NumberColumn(format="percent"),
            f"KV cache at {context:,} [GB]": st.column_config.NumberColumn(format="%.2f"),
            f"Needs at {context:,} [GB]": st.column_config.NumberColumn(format="%.1f"),
        },
    )
    st.plotly_chart(
        figures.quant_memory(memory, model.name, context),
        width="stretch",
        key="models_memory_chart",
        config=figures.png_config(f"memory-{model.model_id}"),
    )

    st.subheader("Which builds hold each quant")
    matrix = memory.pivot(index="build_id", columns="quant", values="fits").reindex(columns=list(model.quants))
    matrix.index = pd.Index([cat.builds[b].name for b in matrix.index], name="Build")
    st.dataframe(matrix, width="stretch", key="models_matrix")
    st.caption(
        "With the GPU memory cap of unified-memory Macs raised; 'with offload' splits the model "
        "between GPU memory and system RAM."
    )

    st.subheader("KV cache against context length")
    weights = min(q.file_size_gb for q in model.quants.values()) if model.quants else 0.0
    st.plotly_chart(
        figures.kv_cache(kv, model.name, weights),
        width="stretch",
        key="models_kv_chart",
        config=figures.png_config(f"kv-cache-{model.model_id}"),
    )

    st.subheader("Upload models and quantisations")
    st.caption("Models with the columns of models.csv; then their quantisations with the columns of quants.csv.")
    uploads.upload_section(
        "Upload models (CSV)",
        "upload_models",
        ["csv"],
        lambda data, name: parse_csv(data, "models", name, cat),
        lambda items: state.saved_message(
            state.save(state.CUSTOM_MODELS, *(keep_quants(m, cat) for m in items)), f"Added {len(items)} model(s)"
        ),
        lambda m: m.model_id,
    )
    uploads.upload_section(
        "Upload quantisations (CSV)",
        "upload_quants",
        ["csv"],
        lambda data, name: known_models(parse_csv(data, "quants", name, cat), cat, name),
        lambda items: state.saved_message(
            state.save(state.CUSTOM_MODELS, *with_quants(items, cat)), f"Added {len(items)} quantisation(s)"
        ),
        lambda q: f"{q.model_id} {q.quant}",
    )


def keep_quants(model: cm.Model, cat: cm.Catalog) -> cm.Model:
    """An uploaded model keeps the quants the catalogue already has for it."""
    known = cat.models.get(model.model_id)
    return model.model_copy(update={"quants": dict(known.quants)}) if known else model


def known_models(upload: Upload, cat: cm.Catalog, label: str) -> Upload:
    """Quants of models the catalogue does not hold are rejected."""
    keep = [q for q in upload.accepted if q.model_id in cat.models]
    rejected = upload.rejected + [
        Problem(label, None, "model_id", f"unknown model {q.model_id!r} ({q.quant}): upload the model first")
        for q in upload.accepted
        if q.model_id not in cat.models
    ]
    return Upload(keep, rejected, upload.notices)


def with_quants(quants: list[cm.Quant], cat: cm.Catalog) -> list[cm.Model]:
    """The models the uploaded quants belong to, with the quants added."""
    models: dict[str, cm.Model] = {}
    for q in quants:
        model = models.get(q.model_id, cat.models[q.model_id])
        models[q.model_id] = model.model_copy(update={"quants": {**model.quants, q.quant: q}})
    return list(models.values())


run_page(body)
