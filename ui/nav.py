"""The app's pages and their navigation, run by ``app.py``."""

from __future__ import annotations

import streamlit as st

PAGES = (
    ("pages/breakeven.py", "Break-even", ":material/balance:", "breakeven"),
    ("pages/hardware.py", "Hardware", ":material/memory:", "hardware"),
    ("pages/models.py", "Models", ":material/stacks:", "models"),
    ("pages/prices.py", "Prices", ":material/sell:", "prices"),
    ("pages/sensitivity.py", "Sensitivity", ":material/tune:", "sensitivity"),
    ("pages/scenarios.py", "Scenarios", ":material/bookmarks:", "scenarios"),
)


def run() -> None:
    """Set the page layout and run the page the URL asks for (the break-even page by default)."""
    st.set_page_config(page_title="breakeven: local vs API LLM cost", page_icon=":material/balance:", layout="wide")
    pages = [
        st.Page(path, title=title, icon=icon, url_path=url, default=(i == 0))
        for i, (path, title, icon, url) in enumerate(PAGES)
    ]
    page = st.navigation(pages)
    from ui import state

    state.storage_banner()
    page.run()
