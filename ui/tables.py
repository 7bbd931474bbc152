"""Tables as people read them: the glossary's names and units for columns, one number format.

The library's tables keep their field names (they are the CSV headers and the API); a page shows one
through ``show``, which names each column with ``costmodel.glossary.label`` and writes each number
with ``costmodel.explain.value`` (the format of every sentence and chart label too), so no page
shows ``build_id``, ``None``, ``pays_back`` or ``1.283e+8``. The cells keep their numbers, so a
column still sorts as numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from costmodel.explain import value, verdict_words
from costmodel.glossary import GLOSSARY, label, unit

#: what an empty cell shows: a value that does not exist (no speed for a build the model does not fit)
MISSING = "—"
#: columns of words that have a human form
WORDS = {"verdict": verdict_words}


def _cell(column: str):
    def write(v: object) -> str:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return MISSING
        if column in WORDS:
            return WORDS[column](v)
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, int | float) and column in GLOSSARY and unit(column) not in ("", "date"):
            return value(column, float(v), with_unit=False)
        return str(v)

    return write


def shown(
    frame: pd.DataFrame, rename: Mapping[str, str] | None = None, widths: Mapping[str, int] | None = None
) -> tuple[Styler, dict]:
    """``frame`` with its columns named for people and its cells written by ``value``; the column
    config to show it with (``widths``: px for some columns, by field name)."""
    rename, widths = dict(rename or {}), dict(widths or {})
    names = {c: rename.get(c) or (label(c) if c in GLOSSARY else c) for c in frame.columns}
    out = frame.rename(columns=names)
    formats = {names[c]: _cell(c) for c in frame.columns}
    config = {names[c]: st.column_config.Column(names[c], width=widths.get(c)) for c in frame.columns}
    return out.style.format(formats), config


def show(
    frame: pd.DataFrame,
    key: str,
    rename: Mapping[str, str] | None = None,
    widths: Mapping[str, int] | None = None,
    **options: object,
) -> None:
    """``st.dataframe`` of ``frame`` as people read it (see ``shown``)."""
    table, config = shown(frame, rename, widths)
    # the grid draws a missing value itself (as "None" unless told), whatever the Styler says
    st.dataframe(table, hide_index=True, width="stretch", key=key, column_config=config, placeholder=MISSING, **options)
