"""breakeven: buy the box or pay the API? The entrypoint only wires the pages."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="breakeven: local vs API LLM cost", page_icon=":material/balance:", layout="wide")

pages = [
    st.Page("pages/breakeven.py", title="Break-even", icon=":material/balance:", default=True, url_path="breakeven"),
    st.Page("pages/hardware.py", title="Hardware", icon=":material/memory:", url_path="hardware"),
    st.Page("pages/models.py", title="Models", icon=":material/stacks:", url_path="models"),
    st.Page("pages/prices.py", title="Prices", icon=":material/sell:", url_path="prices"),
]
st.navigation(pages).run()
