"""What the AppTest suites share: running a page, reading its charts, tables and text."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from ui.text import plain

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def app(query: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    """The app run once with ``query`` in its URL, then switched to ``page`` if given."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def switch(page: str, query: dict[str, str] | None = None) -> AppTest:
    return app(query, page)


def open_inputs(at: AppTest, group: str) -> AppTest:
    """Pick one of the break-even sidebar's groups of inputs (``ui.breakeven.GROUPS``), so its widgets are drawn."""
    at.pills(key="more_inputs").set_value(group).run()
    return at


def summary_table(at: AppTest):
    """The break-even page's table of every machine against every API, drawn when its toggle is on."""
    at.toggle(key="show_summary").set_value(True).run()
    return at.dataframe[0]


def ok(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert not at.error, [plain(e.value) for e in at.error]


def decode(value):
    """plotly 7 stores numeric arrays as {'dtype', 'bdata'}; give plain lists either way."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return value


def figure(at: AppTest, index: int) -> dict:
    spec = json.loads(at.get("plotly_chart")[index].proto.spec)
    for trace in spec["data"]:
        for axis in ("x", "y"):
            if axis in trace:
                trace[axis] = decode(trace[axis])
    return spec


def traces(spec: dict, prefix: str) -> list[dict]:
    return [t for t in spec["data"] if str(t.get("name", "")).startswith(prefix)]


def shown_table(element) -> pd.DataFrame:
    """A table as the browser shows it: the styled display values where the page formats its cells,
    else the values themselves (which the browser writes as they are: ``1.283e+08``); a missing value
    as the grid draws it, the element's placeholder or ``None`` (it ignores the Styler there)."""
    data = element.proto.arrow_data
    values = element.value.reset_index(drop=True)
    if data.HasField("styler") and data.styler.display_values:
        shown = pa.ipc.open_stream(data.styler.display_values).read_all().to_pandas().astype(str)
        shown.columns = values.columns
    else:
        shown = values.astype(str)
    return shown.mask(values.isna().to_numpy(), element.proto.placeholder or "None")


def texts(at: AppTest) -> list[str]:
    """Every piece of text the page sends as markdown: bodies, alerts, headings, labels, help."""
    out = []
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader"):
        out += [e.value for e in getattr(at, kind)]
    for kind in (
        "number_input",
        "selectbox",
        "multiselect",
        "slider",
        "select_slider",
        "checkbox",
        "text_input",
        "button",
        "metric",
        "file_uploader",
        "expander",
    ):
        for element in getattr(at, kind):
            out += [str(getattr(element, attr, "") or "") for attr in ("label", "help")]
    return out


def readable(markdown: str) -> str:
    """Markdown as a person reads it: no bold marks, no colour or size directives."""
    return re.sub(r":\w+\[", "", plain(markdown)).replace("]", "").replace("**", "")


def card(at, name: str) -> str:
    """The card of the build named ``name`` on the break-even page, as read."""
    return next(readable(m.value) for m in at.markdown if plain(m.value).startswith(f"**{name}"))


def answer_text(at) -> str:
    """The break-even page's answer, its headline and the sentence under it, as read."""
    found = [plain(m.value) for m in at.markdown if "tokens a month, " in plain(m.value) and "####" in m.value]
    assert len(found) == 1, [plain(m.value) for m in at.markdown][:5]
    i = [plain(m.value) for m in at.markdown].index(found[0])
    return found[0].lstrip("# ") + " " + plain(at.markdown[i + 1].value)
