"""User-supplied text inside Streamlit markdown, shown as typed."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def md(text: str) -> str:
    """``text`` with every markdown, LaTeX (``$``) and directive (``:red[...]``) character escaped.

    >>> md("Box [x](javascript:alert(1)) *bold* $5")
    'Box \\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\) \\\\*bold\\\\* \\\\$5'
    """
    return _SPECIAL.sub(r"\\\1", text)
