"""The dashboard starts and shows real figures from costmodel (AppTest, no browser)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_break_even_page_shows_the_article_builds_verdicts():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    table = at.dataframe[0].value
    verdicts = dict(zip(table["build"], table["verdict"]))
    assert any(v.startswith("does not fit: short by") for v in verdicts.values())
    assert len(verdicts) == 4
