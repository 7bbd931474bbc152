"""Tables out as CSV that a spreadsheet opens safely.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as a
formula in a spreadsheet (``=HYPERLINK(...)``); it is written with a leading apostrophe instead,
as OWASP recommends. Numbers are written as numbers.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell made inert for spreadsheets; anything else unchanged.

    >>> neutralise('=HYPERLINK("http://x", "click")')
    '\\'=HYPERLINK("http://x", "click")'
    >>> neutralise(-3.5), neutralise("Mac Studio")
    (-3.5, 'Mac Studio')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV bytes, every text cell neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode("utf-8")
