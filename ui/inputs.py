"""The break-even inputs as every page sees them, and the study they describe (one cached call).

The break-even page writes its inputs here on every run; other pages start from them, and a page
that opens a scenario or an API's builds in the break-even page goes through ``open_breakeven``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

import costmodel as cm
from costmodel.study import StudyInputs, study_of
from ui import params

_KEY = "_breakeven_inputs"


def values() -> dict[str, Any]:
    """The break-even page's inputs as widget values (its defaults before a first visit)."""
    return st.session_state.get(_KEY, params.DEFAULTS)


def current() -> StudyInputs:
    """The break-even page's inputs, validated; a field it holds that is not valid (no build chosen,
    say) is the default's, so another page still starts from the rest."""
    held = values()
    try:
        return StudyInputs(**held)
    except cm.CostModelError as exc:
        wrong = {where.split(".")[0] for where, _ in exc.details} & set(held)
        return StudyInputs(**{k: v for k, v in held.items() if k not in wrong and k not in params.PER_BUILD})


def seeded() -> bool:
    """True once this session has inputs of its own (from the URL, a scenario, or the page)."""
    return _KEY in st.session_state


def remember(new: dict[str, Any]) -> None:
    """Keep ``new`` as the break-even page's inputs."""
    st.session_state[_KEY] = new


def open_breakeven(inputs: StudyInputs | dict[str, Any]) -> None:
    """Show ``inputs`` in the break-even page: its widgets start again from them."""
    remember(params.widget_values(inputs))
    for key in list(st.session_state):
        if key in params.DEFAULTS or str(key).split(":")[0] in params.PER_BUILD:
            del st.session_state[key]
    st.switch_page("pages/breakeven.py")


@st.cache_data(show_spinner=False, max_entries=64)
def study(_cat: cm.Catalog, catalog_key: str, inputs: StudyInputs, today: dt.date) -> cm.Study:
    """``study_of`` for the inputs: keyed on the inputs and ``catalog_key`` (``state.fingerprint``,
    which stands for the catalogue: hashing it would cost more than the rerun)."""
    return study_of(inputs, _cat, today)


def pick_model(cat: cm.Catalog, key: str, where: Any = st) -> cm.Model:
    """A model picker, by name, starting at the break-even page's model."""
    model_ids = sorted(cat.models, key=lambda m: cat.models[m].name.lower())
    start = values()["model_id"] if values()["model_id"] in cat.models else params.DEFAULTS["model_id"]
    picked = where.selectbox(
        "Model", model_ids, index=model_ids.index(start), key=key, format_func=lambda m: cat.models[m].name
    )
    return cat.models[picked]
