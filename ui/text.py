"""User-supplied text inside Streamlit markdown, shown as typed.

Streamlit renders markdown in alerts, captions, labels and ``st.markdown``: links, images,
LaTeX (``$``), colour directives (``:red[...]``), icons (``:material/...:``), and it turns bare
URLs and e-mail addresses into links *after* parsing, so a backslash escape does not stop those.
``md`` escapes every markdown character and puts an invisible word joiner (U+2060) after each
``:`` and ``@`` and after a ``www`` before a dot, which no link, directive or icon pattern
matches across. The text reads the same.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&^=\"'])")
_BREAK_AFTER = re.compile(r"([:@])")
_WWW = re.compile(r"(?i)(www)(?=\\\.)")
_LINES = re.compile(r"[\r\n\t\v\f]+")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """``text`` with every markdown, LaTeX, directive and auto-link pattern made inert.

    >>> md("Box [x](javascript:alert(1)) *bold* $5")
    'Box \\\\[x\\\\]\\\\(javascript:\\u2060alert\\\\(1\\\\)\\\\) \\\\*bold\\\\* \\\\$5'
    """
    escaped = _SPECIAL.sub(r"\\\1", _LINES.sub(" ", str(text)))
    return _WWW.sub(r"\1" + WORD_JOINER, _BREAK_AFTER.sub(r"\1" + WORD_JOINER, escaped))


def plain(markdown: str) -> str:
    """What ``md`` text reads as: the escapes and word joiners taken out (for tests and logs)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def rich(template: str, /, **parts: object) -> str:
    """A markdown ``template`` of the page's own (bold, colour) filled with escaped ``parts``.

    >>> rich("**{name}** pays back", name="[x](http://e.example)")
    '**\\\\[x\\\\]\\\\(http:\\u2060//e\\\\.example\\\\)** pays back'
    """
    return template.format(**{key: md(value) for key, value in parts.items()})


def _say(kind: str, message: object, where: object = None, **options: object) -> None:
    import streamlit as st

    getattr(where if where is not None else st, kind)(md(message), **options)


def error(message: object, where: object = None) -> None:
    """``st.error`` of plain text: nothing in ``message`` renders as markdown."""
    _say("error", message, where)


def warning(message: object, where: object = None) -> None:
    """``st.warning`` of plain text."""
    _say("warning", message, where)


def info(message: object, where: object = None) -> None:
    """``st.info`` of plain text."""
    _say("info", message, where)


def success(message: object, where: object = None) -> None:
    """``st.success`` of plain text."""
    _say("success", message, where)


def caption(message: object, where: object = None) -> None:
    """``st.caption`` of plain text."""
    _say("caption", message, where)
