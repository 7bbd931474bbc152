"""The server's warm-up: the default first view is ready before a session asks for it, and the
command lines that start the app all go through it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import streamlit as st

import ui.breakeven
from apptest_kit import app, ok, plain
from ui import serve, warm

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.usefixtures("home")  # a store of its own: another test's additions change the cache key


def fails(*args, **kwargs):
    raise RuntimeError("computed in the session")


@pytest.fixture
def empty_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def errors(at) -> list[str]:
    return [plain(e.value) for e in at.error]


def test_a_first_session_computes_its_view_when_nothing_warmed(empty_caches, monkeypatch):
    monkeypatch.setattr(ui.breakeven, "recommend", fails)
    at = app()
    assert any("computed in the session" in e for e in errors(at)), errors(at)


def test_a_first_session_with_the_default_inputs_reads_the_warmed_view(empty_caches, monkeypatch):
    warm.warm()
    monkeypatch.setattr(ui.breakeven, "recommend", fails)
    at = app()
    ok(at)
    assert len(at.get("plotly_chart")) == 2


def test_the_app_is_served_through_the_warm_up_and_other_pages_plainly():
    assert serve.command("py", ROOT / "app.py", "--server.port", "1") == ["py", "-m", "ui.serve", "--server.port", "1"]
    assert serve.command("py", ROOT / "bench" / "bare_page.py")[:4] == ["py", "-m", "streamlit", "run"]


def test_every_page_script_waits_for_the_warm_up_imports_first():
    for script in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        imports = [
            line
            for line in script.read_text().splitlines()
            if line.startswith(("import ", "from ")) and not line.startswith("from __future__")
        ]
        assert imports[0].startswith("import ui.warmed"), script.name


def test_tasks_run_and_the_team_replicas_start_the_app_through_the_warm_up():
    sys.path.insert(0, str(ROOT))
    from deploy import team

    assert "ui.serve" in (ROOT / "tasks.py").read_text()
    assert team.serve_command is serve.command
