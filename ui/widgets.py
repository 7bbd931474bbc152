"""Inputs several pages share."""

from __future__ import annotations

from typing import Any

import streamlit as st

import costmodel as cm
from ui import params


def chosen() -> dict[str, Any]:
    """The break-even page's inputs (its defaults before a first visit): other pages start from them."""
    return st.session_state.get("_breakeven_inputs", params.DEFAULTS)


def pick_model(cat: cm.Catalog, key: str, where: Any = st) -> cm.Model:
    """A model picker, by name, starting at the break-even page's model."""
    model_ids = sorted(cat.models, key=lambda m: cat.models[m].name.lower())
    start = chosen()["model_id"] if chosen()["model_id"] in cat.models else params.DEFAULTS["model_id"]
    picked = where.selectbox(
        "Model", model_ids, index=model_ids.index(start), key=key, format_func=lambda m: cat.models[m].name
    )
    return cat.models[picked]
