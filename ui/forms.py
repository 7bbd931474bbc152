"""Validated add-or-edit forms for builds, API prices and rentals, errors shown under each field.

A form's fields come from the pydantic model and the glossary: the same names as the CSV
headers. On save the object is built through ``costmodel``; a ``CostModelError`` puts each
field's reason under that field and keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st
from pydantic import BaseModel

import costmodel as cm
from costmodel.glossary import GLOSSARY, label
from costmodel.schema import kind as field_kind
from ui import text

SKIP = {"quants", "confidence"}


def _label(name: str) -> str:
    """A field's label: the glossary's name for it and its unit (the field name stays in the CSV)."""
    return label(name)


def object_form(
    cls: type[BaseModel],
    form_key: str,
    current: BaseModel | None,
    columns: int = 3,
    *,
    fields: Sequence[str] | None = None,
    choices: Mapping[str, Sequence[str]] | None = None,
    make: Callable[..., BaseModel] | None = None,
) -> BaseModel | None:
    """Render a form for ``cls`` prefilled from ``current``; return the valid object on save.

    ``fields`` are the fields shown (all of ``cls``'s by default, provenance last); ``choices`` turns a
    text field into a pick among ids (a rental's ``gpu_id``); ``make`` builds the object from what was
    typed (``cls`` by default; a rental joins its GPU's row)."""
    errors: dict[str, str] = st.session_state.get(f"{form_key}:errors", {})
    general: list[str] = st.session_state.get(f"{form_key}:general", [])
    provenance = ("note", "source", "as_of")
    chosen = fields or [n for n in cls.model_fields if n not in SKIP]
    names = [n for n in chosen if n not in SKIP and n not in provenance] + list(provenance)
    picks = dict(choices or {})
    values: dict[str, Any] = {}
    with st.form(form_key, clear_on_submit=False):
        grid = st.columns(columns)
        for i, name in enumerate(names):
            kind, options_of = ("choice", tuple(picks[name])) if name in picks else field_kind(cls, name)
            default = getattr(current, name, None) if current is not None else cls.model_fields[name].default
            if default is not None and not isinstance(default, bool | int | float | str | dt.date):
                default = None
            key = f"{form_key}:{name}"
            help_text = GLOSSARY.get(name, ("", ""))[1]
            with grid[i % columns]:
                if kind == "bool":
                    values[name] = st.checkbox(_label(name), value=bool(default), key=key, help=help_text)
                elif kind == "choice":
                    options = list(options_of) if cls.model_fields[name].is_required() else ["", *options_of]
                    index = options.index(default) if default in options else 0
                    values[name] = st.selectbox(_label(name), options, index=index, key=key, help=help_text)
                elif kind == "date":
                    values[name] = st.date_input(_label(name), value=default, key=key, help=help_text)
                elif kind in ("int", "float"):
                    typed = "" if default is None or default is dt.date else f"{default:g}"
                    values[name] = st.text_input(_label(name), value=typed, key=key, help=help_text)
                else:
                    values[name] = st.text_input(_label(name), value=default or "", key=key, help=help_text)
                if name in errors:
                    st.markdown(text.rich(":red[{why}]", why=errors[name]))
        for message in general:
            text.error(message)
        saved = st.form_submit_button("Save")
    if not saved:
        return None
    typed = {k: v for k, v in values.items() if v not in ("", None)}
    try:
        obj = (make or cls)(**typed)
    except cm.CostModelError as exc:
        st.session_state[f"{form_key}:errors"] = {where.split(".")[0]: why for where, why in exc.details if where}
        st.session_state[f"{form_key}:general"] = [why for where, why in exc.details if not where] or (
            [] if exc.details else [str(exc)]
        )
        st.rerun()
    st.session_state.pop(f"{form_key}:errors", None)
    st.session_state.pop(f"{form_key}:general", None)
    return obj
