"""Errors on a page become a message, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

import costmodel as cm
from ui import text

log = logging.getLogger("breakeven")


def ensure_navigation() -> None:
    """Run the page through the app's ``st.navigation``, even on a server's very first request.

    Until some session has run ``st.navigation``, Streamlit treats a ``pages/`` folder the old
    way: a link straight to ``/hardware`` would run that file alone, without the app's layout and
    menu. Then this runs the app's navigation in its place (same page, same URL parameters,
    same widget events) and stops the stray run.
    """
    from streamlit.runtime.pages_manager import PagesManager

    from ui import nav

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        nav.run()
        st.stop()


def run_page(body: Callable[[], None]) -> None:
    """Run a page's body; a ``CostModelError`` or any other failure is shown as a short message."""
    ensure_navigation()
    try:
        body()
    except cm.CostModelError as exc:
        text.error(f"Cannot compute this view: {exc}")
    except Exception as exc:  # a page must never show a traceback; the log keeps it
        log.exception("page failed")
        text.error(f"Something went wrong ({type(exc).__name__}): {exc}. Change an input or reload the page.")
