"""A usage export read in this session: uploaded or pasted, parsed in memory, kept only in the session.

The break-even page's sidebar and the Usage page share it: what one reads, the other shows. Nothing
is written to disk or to the store; the figures reach a saved scenario only when the user saves it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

import costmodel as cm
from costmodel.explain import value
from costmodel.history import UsageHistory, summarize
from costmodel.io.usage_exports import MAX_USAGE_BYTES, UsageExport, read_usage
from costmodel.schema import Usage, step
from ui import text

_HELD = "_usage_import"
#: what the upload widgets take
TYPES = ["json", "csv", "txt"]


def held() -> tuple[UsageExport, UsageHistory] | None:
    """The export read last in this session, and its summary."""
    found = st.session_state.get(_HELD)
    return None if found is None else found[1:]


def read_section(key: str, paste: bool = True) -> tuple[UsageExport, UsageHistory] | None:
    """An uploader (and a box to paste into); a new file is read and kept for the session.
    Returns what is held, or None; a file that cannot be read is said so and nothing is kept."""
    pasted = (
        st.text_area("Paste `ccusage daily --json` output or a usage CSV", key=f"{key}_text", height=80)
        if paste
        else ""
    )
    upload = st.file_uploader(
        "Upload a usage export",
        type=TYPES,
        key=f"{key}_file",
        help="ccusage daily or monthly --json; an OpenAI usage or cost export; the Anthropic console's token "
        "usage; OpenRouter's activity export; LiteLLM spend logs; or a CSV of "
        f"date,model,input_tokens,cached_input_tokens,output_tokens. At most {MAX_USAGE_BYTES / 1e6:.0f} MB; "
        "read in memory, never stored.",
    )
    if upload is not None:
        data, name = upload.getvalue(), upload.name
    elif pasted.strip():
        data, name = pasted.encode("utf-8"), "pasted text"
    else:
        return held()
    signature = (name, hashlib.sha256(data).hexdigest())
    found = st.session_state.get(_HELD)
    if found is not None and found[0] == signature:
        return found[1:]
    try:
        export = read_usage(data, name)
        history = summarize(export.records, export.monthly)
    except cm.CostModelError as exc:
        text.error(exc)
        return None
    st.session_state[_HELD] = (signature, export, history)
    return export, history


def breakeven_values(history: UsageHistory) -> dict[str, Any]:
    """The history as the break-even page's volume and mix, each to its widget's step."""
    usage = history.usage
    out: dict[str, Any] = {"tokens_per_month": float(round(usage.tokens_per_month))}
    for field in ("input_share", "cached_input_share", "monthly_growth"):
        increment = step(Usage, field)
        digits = max(0, -int(f"{increment:e}".split("e")[1]))
        out[field] = round(getattr(usage, field), digits)
    return out


def use_here(history: UsageHistory, name: str) -> None:
    """Put the history's volume and mix in the break-even page's inputs (a button's callback, so the
    widgets take them before they are drawn), with a notice saying what came from where."""
    values = breakeven_values(history)
    st.session_state.update(values)
    st.session_state.setdefault("_breakeven_notices", []).append(
        f"Volume and mix from {name}: {value('tokens_per_month', values['tokens_per_month'])} tokens a month, "
        f"{value('input_share', values['input_share'])} input, {value('cached_input_share', values['cached_input_share'])} "
        f"of it cached, growth {values['monthly_growth']:+.0%} a month."
    )
