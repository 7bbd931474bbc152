"""Your usage on the pages: a pasted export round-trips into the break-even page's fields, and bad
input is said without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_kit import answer_text, app, figure, ok, plain, switch
from conftest import chart_text

from costmodel.history import summarize
from costmodel.io.usage_exports import read_usage

FIXTURES = Path(__file__).resolve().parent / "data" / "usage"


def test_a_pasted_ccusage_export_becomes_the_break_even_scenario():
    text = (FIXTURES / "ccusage_daily.json").read_text()
    history = summarize(read_usage(text, "x").records)
    at = switch("pages/usage.py")
    at.text_area(key="usage_page_text").input(text).run()
    ok(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tokens a month"] == "644 M" and metrics["Input share"] == "99.8%"
    words = " ".join(plain(m.value) for m in at.markdown)
    assert "on the API you used (anthropic/claude-sonnet-4-5, anthropic/claude-haiku-4-5)" in words
    assert "the export says $38" in words and "on the cheapest GLM 5.2 offering" in words
    assert "hours of the Mac Studio M3 Ultra 256 GB running GLM 5.2" in words
    chart = figure(at, 0)
    assert "Your usage: tokens a day by kind" in chart_text(chart["layout"]["title"]["text"])
    assert {t["name"] for t in chart["data"]} == {"fresh input", "cache write", "cache read", "output"}
    at.button(key="usage_use").click().run()
    ok(at)
    assert at.session_state["tokens_per_month"] == round(history.tokens_per_month)
    assert at.session_state["input_share"] == pytest.approx(round(history.input_share, 3))
    assert at.session_state["cached_input_share"] == pytest.approx(round(history.cached_input_share, 3))
    # the break-even page now answers for that volume
    assert answer_text(at).startswith("For 644 M tokens a month")


def test_a_bad_paste_says_why_and_keeps_the_page():
    at = switch("pages/usage.py")
    at.text_area(key="usage_page_text").input("name,price\nbox,3\n").run()
    assert not at.exception
    assert "not a usage export breakeven reads" in plain(at.error[0].value)


def test_rows_that_do_not_read_are_listed_beside_the_rest():
    at = switch("pages/usage.py")
    at.text_area(key="usage_page_text").input(
        "date,model,input_tokens,cached_input_tokens,output_tokens\n2026-11-01,m,100,0,10\n2026-11-02,m,-1,0,1\n"
    ).run()
    ok(at)
    assert "1 row(s) of pasted text could not be read" in plain(at.warning[0].value)
    table = at.dataframe[0].value
    assert list(table["row"]) == [3] and list(table["column"]) == ["input_tokens"]


def test_the_usage_page_without_a_file_asks_for_one():
    at = app(page="pages/usage.py")
    ok(at)
    assert not at.get("plotly_chart") and at.text_area(key="usage_page_text").value == ""
