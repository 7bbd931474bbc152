"""The scenarios page, the store behind the pages, and pages under random inputs (AppTest)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import click, save_form
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import costmodel as cm
from ui.store import Store
from costmodel.study import StudyInputs
from ui import params
from ui.text import plain

APP = str(Path(__file__).resolve().parent.parent / "app.py")




def scenarios_page(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/scenarios.py").run()
    return at


def test_save_the_current_view_and_find_it_in_the_store(home):
    at = scenarios_page({"tokens_per_month": "1e9"})
    assert not at.exception
    at.text_input(key="scenario_name").input("one billion")
    click(at, "Save")
    assert "Saved 'one billion'" in plain(at.success[0].value)
    assert Store(home / "breakeven.sqlite3").load_scenario("one billion").tokens_per_month == 1e9
    assert list(at.dataframe[0].value["name"]) == ["one billion"]


def test_rename_duplicate_delete(home):
    store = Store(home / "breakeven.sqlite3")
    store.save_scenario("a", StudyInputs())
    at = scenarios_page()
    at.text_input(key="scenario_new_name").input("b")
    click(at, "Rename")
    assert [s.name for s in store.scenarios()] == ["b"]
    at.text_input(key="scenario_new_name").input("c")
    click(at, "Duplicate")
    assert sorted(s.name for s in store.scenarios()) == ["b", "c"]
    at.selectbox(key="scenario_pick").set_value("b")
    click(at, "Delete")
    assert [s.name for s in store.scenarios()] == ["c"]
    assert not at.exception and not at.error


def test_compare_two_scenarios_side_by_side(home):
    store = Store(home / "breakeven.sqlite3")
    store.save_scenario("small", StudyInputs(tokens_per_month=5e6))
    store.save_scenario("large", StudyInputs(tokens_per_month=5e8))
    at = scenarios_page()
    assert not at.exception and not at.error
    verdicts = at.dataframe[1].value
    assert set(verdicts["scenario"]) == {"small", "large"}
    assert len(verdicts) == 2 * (4 + 2)  # each scenario's four builds and two rentals
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t["name"] for t in spec["data"]]
    # each scenario's API line is its cheapest offering
    assert "small: API avian/z-ai/glm-5.2" in names and "large: API avian/z-ai/glm-5.2" in names


def test_open_a_saved_scenario_in_the_break_even_page(home):
    Store(home / "breakeven.sqlite3").save_scenario("x", StudyInputs(input_share=0.5, build_id=("rtx3090-x12",)))
    at = scenarios_page()
    click(at, "Open in the break-even page")
    assert not at.exception
    assert at.slider(key="input_share").value == 0.5
    assert at.multiselect(key="build_id").value == ["rtx3090-x12"]


def test_import_accepts_valid_scenarios_and_lists_the_rejected(home):
    at = scenarios_page()
    good = StudyInputs().model_dump(mode="json")
    data = json.dumps(
        {
            "format": "breakeven-scenarios",
            "version": 1,
            "scenarios": [{"name": "good", "inputs": good}, {"name": "bad", "inputs": {**good, "horizon_months": 999}}],
        }
    ).encode()
    from costmodel.io.uploads import parse_scenarios

    upload = parse_scenarios(data, "s.json", cm.load_catalog())
    assert [n for n, _ in upload.accepted] == ["good"]
    assert "horizon_months: must be <= 240, got 999" in str(upload.rejected[0])
    assert not at.exception


def test_a_corrupt_store_file_leaves_the_app_usable_and_the_file_untouched(home):
    path = home / "breakeven.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    before = path.read_bytes()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("Saving is off for this session" in plain(w.value) and str(path) in plain(w.value) for w in at.warning)
    assert len(at.get("plotly_chart")) == 2  # the break-even page works from data/
    at.switch_page("pages/scenarios.py").run()
    assert "Scenarios cannot be saved" in plain(at.error[0].value)
    assert path.read_bytes() == before


def test_a_build_saved_in_one_session_is_there_in_the_next(home):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/hardware.py").run()
    form = "build_form:(new build)"
    save_form(
        at,
        form,
        {
            "build_id": "kept-box",
            "name": "Kept box",
            "capex_usd": "4000",
            "gpu_count": "0",
            "system_ram_gb": "256",
            "ram_bandwidth_gbs": "90",
            "cpu_tflops": "2",
            "power_load_w": "300",
            "power_idle_w": "60",
        },
    )
    assert "saved for later sessions" in plain(at.success[0].value)
    later = AppTest.from_file(APP, default_timeout=60).run()
    assert "Kept box" in later.multiselect(key="build_id").options


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    tokens=st.sampled_from(params.TOKEN_STEPS),
    shares=st.tuples(*(st.floats(0, 1).map(lambda v: round(v * 20) / 20) for _ in range(3))),
    growth=st.floats(-0.2, 0.5).map(lambda v: round(v, 2)),
    electricity=st.floats(0, 2).map(lambda v: round(v, 3)),
    hours=st.integers(1, 24),
    horizon=st.integers(6, 120),
    builds=st.lists(st.sampled_from(sorted(cm.load_catalog().builds)), min_size=1, max_size=5, unique=True),
)
def test_random_widget_values_never_raise(tokens, shares, growth, electricity, hours, horizon, builds):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.select_slider(key="tokens_per_month").set_value(tokens)
    at.slider(key="input_share").set_value(shares[0])
    at.slider(key="cached_input_share").set_value(shares[1])
    at.slider(key="dual_use_share").set_value(shares[2])
    at.slider(key="monthly_growth").set_value(growth)
    at.number_input(key="electricity_usd_per_kwh").set_value(electricity)
    at.slider(key="hours_per_day").set_value(float(hours))
    at.slider(key="horizon_months").set_value(horizon)
    at.multiselect(key="build_id").set_value(builds)
    at.run()
    assert not at.exception
    assert not at.error, [plain(e.value) for e in at.error]
