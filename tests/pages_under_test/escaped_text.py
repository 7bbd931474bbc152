"""A page that shows generated hostile strings through ``ui.text`` everywhere Streamlit reads markdown.

Run by ``test_browser_hardening.py`` under a real server; the strings come from ``hostile.fuzz_strings``
with the seed in the URL, so the test knows what each element must read.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent.parent)]

import streamlit as st  # noqa: E402
from hostile import fuzz_strings  # noqa: E402

from ui import text  # noqa: E402
from ui.text import md, rich  # noqa: E402

seed = int(st.query_params.get("seed", "0"))
for i, raw in enumerate(fuzz_strings(seed, 60)):
    with st.container(key=f"case-{i}"):
        st.markdown(rich("**{raw}**", raw=raw))
        text.warning(raw)
        text.caption(raw)
        st.number_input(md(raw), key=f"n{i}")
        st.checkbox(md(raw), key=f"c{i}")
