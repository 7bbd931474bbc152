"""The app's pages and their navigation, run by ``app.py``."""

from __future__ import annotations

import streamlit as st

PAGES = (
    (
        "pages/breakeven.py",
        "Break-even",
        ":material/balance:",
        "breakeven",
        "Buy the box, rent it or pay the API: verdicts and charts",
    ),
    (
        "pages/usage.py",
        "Your usage",
        ":material/monitoring:",
        "usage",
        "Your volume and mix from a usage export, and what it would have cost elsewhere",
    ),
    (
        "pages/hardware.py",
        "Hardware",
        ":material/memory:",
        "hardware",
        "Every build against one model: fit, speed, cost",
    ),
    ("pages/models.py", "Models", ":material/stacks:", "models", "Memory per quant, KV cache, which builds hold it"),
    ("pages/prices.py", "Prices", ":material/sell:", "prices", "Every API offering and rental: age, history, blend"),
    (
        "pages/sensitivity.py",
        "Sensitivity",
        ":material/tune:",
        "sensitivity",
        "Which guesses matter; how sure the verdict is",
    ),
    (
        "pages/scenarios.py",
        "Scenarios",
        ":material/bookmarks:",
        "scenarios",
        "Saved views: compare, open, export, import",
    ),
)


def run() -> None:
    """Set the page layout and run the page the URL asks for (the break-even page by default)."""
    st.set_page_config(page_title="breakeven: local vs API LLM cost", page_icon=":material/balance:", layout="wide")
    pages = [
        st.Page(path, title=title, icon=icon, url_path=url, default=(i == 0), help=help_text)
        for i, (path, title, icon, url, help_text) in enumerate(PAGES)
    ]
    from ui import auth, state

    auth.require()  # with sign-in on, no page runs before the user has signed in
    page = st.navigation(pages)
    auth.user_box()
    state.storage_banner()
    page.run()
