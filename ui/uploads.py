"""Upload widgets: read a file with ``costmodel.io.uploads``, list what is rejected, accept the rest."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

import costmodel as cm
from costmodel.io.rows import Problem
from costmodel.io.uploads import MAX_UPLOAD_BYTES, Upload
from ui import text


def rejected_table(problems: Iterable[Problem]) -> None:
    """The rejected rows: row, column and reason, one line each."""
    frame = pd.DataFrame(
        [{"row": p.row, "column": p.column or "(row)", "reason": p.reason, "where": p.label} for p in problems],
        columns=["row", "column", "reason", "where"],
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def upload_section(
    label: str,
    key: str,
    types: list[str],
    read: Callable[[bytes, str], Upload],
    accept: Callable[[list[Any]], str],
    describe: Callable[[Any], str],
) -> None:
    """A file uploader whose file is read by ``read``; valid items are accepted by ``accept`` on a click."""
    file = st.file_uploader(label, type=types, key=key, help=f"At most {MAX_UPLOAD_BYTES / 1e6:.0f} MB.")
    if file is None:
        return
    if file.size > MAX_UPLOAD_BYTES:  # refused before reading it
        text.error(
            f"{file.name}: {file.size / 1e6:,.1f} MB is over the {MAX_UPLOAD_BYTES / 1e6:,.0f} MB limit for an upload"
        )
        return
    try:
        upload = read(file.getvalue(), file.name)
    except cm.CostModelError as exc:
        text.error(exc)
        return
    for notice in upload.notices:
        text.info(notice)
    if upload.rejected:
        text.warning(f"{len(upload.rejected)} problem(s); the rows below are not added:")
        rejected_table(upload.rejected)
    if not upload.accepted:
        text.error(f"{file.name}: no valid rows to add")
        return
    text.caption(
        "Valid: "
        + ", ".join(describe(item) for item in upload.accepted[:20])
        + (" ..." if len(upload.accepted) > 20 else "")
    )
    if st.button(f"Add the {len(upload.accepted)} valid item(s)", key=f"{key}:accept"):
        try:
            text.success(accept(upload.accepted))
        except cm.CostModelError as exc:  # e.g. more than a user may add: nothing was added
            text.error(f"Nothing added: {exc}")


def catalogue_section(kind: str, plural: str, cat: cm.Catalog, state_kind: str, key: str) -> None:
    """An upload of catalogue rows of ``kind`` (builds, prices) in the columns of its file, added for
    every page and kept in the user's store."""
    from costmodel.io.uploads import SPECS, parse_csv
    from ui import state

    spec = SPECS[kind]
    upload_section(
        f"Upload {plural} (CSV with the columns of {spec.name})",
        key,
        ["csv"],
        lambda data, name: parse_csv(data, kind, name, cat),
        lambda items: state.saved_message(state.save(state_kind, *items), f"Added {len(items)} {plural}"),
        lambda obj: "/".join(str(getattr(obj, k)) for k in spec.key),
    )
