"""Regression tests of the hardening pass: server files, injected content, crashes, wrong numbers, lost saves.

One test (or a parametrised family) per finding; the browser-side findings (links and labels as
people see them, store faults under a live server) are in ``test_browser_hardening.py``.
"""

from __future__ import annotations

import ast
import datetime as dt
import http.server
import json
import multiprocessing
import os
import re
import sqlite3
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from apptest_kit import app, figure, open_inputs, texts
from faults import KINDS, damage, tmpfs
from conftest import chart_text, click, hand_build, hand_price, hand_scenario
from hostile import HOSTILE, NAMES, raw_markers
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import costmodel as cm
from costmodel.io.rows import BUILDS, parse_rows
from ui.store import Store
from costmodel.study import StudyInputs
from ui import params
from ui.text import md, plain

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")




def assert_inert(at: AppTest) -> None:
    assert not at.exception, at.exception
    found = {t: raw_markers(t) for t in texts(at) if raw_markers(t)}
    assert not found, found


# --- 1. no server file is read through a page ------------------------------------------------


def test_the_prices_page_has_no_box_for_a_server_path(home):
    at = app(page="pages/prices.py")
    assert not at.exception
    labels = [t.label for t in at.text_input]
    assert not [label for label in labels if "machine" in label.lower() or "path" in label.lower()], labels
    assert "prices_litellm_path" not in [t.key for t in at.text_input]


def test_no_page_or_app_module_opens_a_file_by_name():
    """Pages read what the browser uploads, never a path typed into them."""
    reads = {"open", "read_bytes", "read_text", "expanduser"}
    found = []
    # ui/store.py opens the store's own configured file, never a path typed into a page
    for path in [*ROOT.glob("pages/*.py"), *(p for p in ROOT.glob("ui/*.py") if p.name != "store.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in reads:
                    found.append(f"{path.name}:{node.lineno} {name}")
    assert found == []


# --- 2 and 3. nothing a user or a link types renders as markdown ------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
def test_md_shows_the_text_and_no_markdown(hostile):
    shown = md(hostile)
    assert plain(shown) == hostile
    assert raw_markers(shown) == []
    for ch in "[]()!*_`#$<>|~":
        assert all(shown[i - 1] == "\\" for i, c in enumerate(shown) if c == ch), (ch, shown)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("[]()!:*_`#$<>|~@.w/ htpsx\\&-=+\n")), max_size=60))
def test_md_fuzz_every_markdown_character_is_escaped_and_no_link_survives(raw):
    shown = md(raw)
    assert "://" not in shown and "www." not in shown.lower() and "@" + "e" not in shown
    i = 0
    while i < len(shown):
        if shown[i] == "\\":
            i += 2
            continue
        assert shown[i] not in "[]()!*_`#$<>|~\\", (raw, shown, i)
        i += 1
    assert plain(shown) == re.sub(r"[\r\n\t\v\f]+", " ", raw)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_url_value_and_parameter_name_give_an_inert_notice(home, hostile):
    at = app({"electricity_usd_per_kwh": hostile, hostile[:40]: "1", "quant": hostile})
    assert_inert(at)
    notices = [w.value for w in at.warning]
    assert any("electricity_usd_per_kwh" in plain(n) for n in notices), notices
    assert any("not an input of this page" in plain(n) for n in notices), notices


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(["electricity_usd_per_kwh", "build_id", "price_id", "model_id", "decode_tok_s", "x"]),
    value=st.text(alphabet=st.sampled_from(list("[]()!:*_`#$<>|~@.w/ htpsx\\&e-")), min_size=1, max_size=40),
)
def test_url_notice_fuzz(key, value):
    loaded = params.from_url({key: value + "://evil.example", "other" + value: "1"}, cm.load_catalog())
    for notice in loaded.notices:
        assert raw_markers(md(notice)) == []
        assert len(notice) < 400


def _store_with(home: Path, *objects) -> Store:
    store = Store(home / "breakeven.sqlite3")
    store.save(*objects)
    return store


def test_hostile_build_names_and_prices_are_shown_as_typed_on_every_page(home, catalog):
    builds = [
        catalog.builds["rtx3090-single"].model_copy(update={"build_id": f"evil-{i}", "name": name, "source": name})
        for i, name in enumerate(NAMES[:8])
    ]
    price = catalog.prices["zai/glm-5.2"].model_copy(
        update={"source": HOSTILE[0], "note": HOSTILE[1], "origin": "user", "price_id": "zai/glm-5.2"}
    )
    _store_with(home, *builds, price)
    ids = ",".join(b.build_id for b in builds)
    at = app({"build_id": ids, "model_id": "qwen3-8b", "quant": "Q4_K_M"})
    assert_inert(at)
    assert [b.name for b in builds if not any(md(b.name) in t for t in texts(at))] == []
    for page in (
        "pages/hardware.py",
        "pages/models.py",
        "pages/prices.py",
        "pages/sensitivity.py",
        "pages/scenarios.py",
    ):
        at.switch_page(page).run()
        assert_inert(at)


def test_the_upload_valid_list_shows_ids_as_text(home):
    rows = "\n".join(
        f"{pid},{pid.split('/')[0]},{pid.split('/', 1)[1]},1,2,,,,sourced,,src,2026-11-01"
        for pid in ("evil/[x](http:", "p/![i](http:", "q/www.evil.example")
    )
    header = "price_id,provider,model,input_usd_per_mtok,output_usd_per_mtok,cached_input_usd_per_mtok,open_weights_model_id,region,confidence,note,source,as_of"
    at = app(page="pages/prices.py")
    uploader = next(u for u in at.file_uploader if "offerings" in u.label)
    uploader.set_value(("prices.csv", f"{header}\n{rows}\n".encode(), "text/csv")).run()
    assert_inert(at)
    assert any(plain(c.value).startswith("Valid: ") for c in at.caption)


# --- 4. an empty BREAKEVEN_ADDRESS is loopback ---------------------------------------------------


def _tasks():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("env", "address", "warns"),
    [
        ({}, "127.0.0.1", False),
        ({"BREAKEVEN_ADDRESS": ""}, "127.0.0.1", False),
        ({"BREAKEVEN_ADDRESS": "   "}, "127.0.0.1", False),
        ({"BREAKEVEN_ADDRESS": "localhost"}, "localhost", False),
        ({"BREAKEVEN_ADDRESS": "0.0.0.0"}, "0.0.0.0", True),
        ({"BREAKEVEN_ADDRESS": "192.168.1.5"}, "192.168.1.5", True),
    ],
)
def test_the_served_address(env, address, warns):
    got, warning = _tasks().server_address(env)
    assert got == address
    assert (warning is not None) == warns
    if warns:
        assert "other machines" in warning


def test_no_file_watcher_when_served():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"


# --- 5. a store that cannot be opened --------------------------------------------------------------


def test_a_home_that_is_a_file_gives_a_warning_not_a_traceback(tmp_path, monkeypatch):
    home = tmp_path / "home-file"
    home.write_text("not a directory")
    monkeypatch.setenv("BREAKEVEN_HOME", str(home))
    at = app()
    assert not at.exception
    assert any("Saving is off" in plain(w.value) for w in at.warning), [w.value for w in at.warning]
    assert len(at.get("plotly_chart")) == 2
    at.switch_page("pages/scenarios.py").run()
    assert not at.exception
    assert any("cannot be saved" in plain(e.value) for e in at.error)


def test_a_store_file_the_process_may_not_read_is_a_store_error(tmp_path, monkeypatch):
    path = tmp_path / "breakeven.sqlite3"
    Store(path)

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refused)
    with pytest.raises(cm.CostModelError, match="Permission denied"):
        Store(path)


# --- 6. the store damaged while the app runs -------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_store_operation_on_a_damaged_file_is_a_store_error_and_nothing_is_created(tmp_path, kind):
    store = Store(tmp_path / "breakeven.sqlite3")
    store.save_scenario("kept", StudyInputs())
    damage(kind, store.path)
    operations = {
        "scenarios": store.scenarios,
        "load": lambda: store.load_scenario("kept"),
        "save": lambda: store.save_scenario("new", StudyInputs()),
        "save objects": lambda: store.save(hand_build()),
        "load objects": lambda: store.load(cm.Build),
        "check": store.check,
    }
    for name, operation in operations.items():
        with pytest.raises(cm.CostModelError) as info:
            operation()
        assert str(store.path) in str(info.value), name
    if kind == "delete":
        assert not store.path.exists()  # no new, empty file quietly in its place


def test_a_save_into_a_file_damaged_behind_sqlite_fails_instead_of_reporting_success(tmp_path):
    store = Store(tmp_path / "breakeven.sqlite3")
    for i in range(40):
        store.save_scenario(f"s{i}", StudyInputs(tokens_per_month=float(i) * 1e6))
    with sqlite3.connect(store.path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with store.path.open("r+b") as f:  # a page in the middle, away from the header and the scenarios' root
        size = store.path.stat().st_size
        f.seek(size // 2)
        f.write(os.urandom(4096))
    with pytest.raises(cm.CostModelError):
        store.save_scenario("after damage", StudyInputs())


@pytest.fixture
def small_tmpfs(tmp_path) -> Iterator[Path]:
    with tmpfs(tmp_path / "tiny", "512k") as mount:
        yield mount


def test_a_full_disk_fails_the_save_with_a_message_and_keeps_what_was_saved(small_tmpfs):
    store = Store(small_tmpfs / "breakeven.sqlite3")
    store.save_scenario("kept", StudyInputs())
    filler = small_tmpfs / "filler"
    with filler.open("wb", buffering=0) as f, pytest.raises(OSError):
        while True:
            f.write(b"\0" * 65536)
            f.flush()
    big = StudyInputs(decode_tok_s={b: 1.0 for b in StudyInputs().build_id})
    with pytest.raises(cm.CostModelError, match="saving failed") as info:
        for i in range(200):
            store.save_scenario(f"new-{i}-" + "x" * 60, big)
    assert "full" in str(info.value)
    filler.unlink()
    assert store.load_scenario("kept") == StudyInputs()
    assert store.integrity() == "ok"


def test_the_app_turns_saving_off_when_the_store_is_damaged_after_start(home):
    Store(home / "breakeven.sqlite3").save_scenario("kept", StudyInputs())
    first = app(page="pages/scenarios.py")
    assert not first.exception and not first.error
    damage("garbage", home / "breakeven.sqlite3")
    later = app()
    assert not later.exception
    assert any("Saving is off" in plain(w.value) for w in later.warning)
    assert len(later.get("plotly_chart")) == 2
    later.switch_page("pages/scenarios.py").run()
    assert not later.exception
    assert any("cannot be saved" in plain(e.value) for e in later.error)


# --- 7. a header of many columns ---------------------------------------------------------------


@pytest.mark.parametrize("columns", [101, 5_000, 50_000])
def test_a_header_with_too_many_columns_is_refused_with_a_count(columns):
    header = ",".join(f"c{i}" for i in range(columns))
    parsed = parse_rows(header + "\n" + "," * (columns - 1) + "\n", BUILDS, "wide.csv")
    [problem] = parsed.problems
    assert f"{columns:,} columns" in str(problem) and "at most 100" in str(problem)


def test_duplicate_columns_are_still_named():
    header = ",".join(BUILDS.columns) + ",name,name"
    [problem] = parse_rows(header + "\n", BUILDS, "dup.csv").problems
    assert "named twice: name" in str(problem)


# --- 8. JSON that Python's parser cannot take --------------------------------------------------


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a": ' + b"9" * 5000 + b"}", "too large"),
        (b'{"x": {"input_cost_per_token": 1' + b"0" * 400 + b', "output_cost_per_token": 1, "mode": "chat"}}', None),
    ],
    ids=["deep", "digits", "overflow"],
)
def test_hostile_json_is_a_clear_error(data, why, catalog):
    from costmodel.io.price_sources import litellm_prices
    from costmodel.io.uploads import parse_scenarios

    if why is None:  # parses, but the number overflows a float: the row is refused, not the page
        accepted, rejected = litellm_prices(data, "prices.json", dt.date(2026, 12, 1))
        assert accepted == [] and rejected and "number" in str(rejected[0])
        return
    for read in (
        lambda: litellm_prices(data, "prices.json", dt.date(2026, 12, 1)),
        lambda: parse_scenarios(data, "s.json", catalog),
    ):
        with pytest.raises(cm.CostModelError, match=why):
            read()


# --- 9. a cap on what a user may add -----------------------------------------------------------------


def test_the_store_refuses_more_additions_than_its_cap(tmp_path, monkeypatch):
    from ui import store as store_module

    monkeypatch.setitem(store_module.MAX_ADDED, "builds", 3)
    store = Store(tmp_path / "breakeven.sqlite3")
    store.save(*(hand_build(build_id=f"b{i}") for i in range(3)))
    store.save(hand_build(build_id="b0", capex_usd=5.0))  # an edit of a saved one is fine
    with pytest.raises(cm.CostModelError, match="at most 3 builds may be added; 3 are saved and this adds 1"):
        store.save(hand_build(build_id="b3"))
    assert len(store.load(cm.Build)) == 3


def test_an_upload_beyond_the_cap_says_so_and_adds_nothing(home):
    rows = [",".join(str(v) for v in _build_row(i)) for i in range(101)]
    data = ("\n".join([",".join(BUILDS.columns), *rows]) + "\n").encode()
    at = app(page="pages/hardware.py")
    uploader = next(u for u in at.file_uploader if "builds" in u.label.lower())
    uploader.set_value(("builds.csv", data, "text/csv")).run()
    click(at, "Add the 101 valid item(s)")
    assert not at.exception
    assert any("at most 100 builds may be added" in plain(e.value) for e in at.error), [e.value for e in at.error]
    assert Store(home / "breakeven.sqlite3").load(cm.Build) == {}


def _build_row(i: int) -> list:
    b = hand_build(build_id=f"up-{i}", source="test", as_of=dt.date(2026, 11, 1))
    dumped = b.model_dump()
    return [
        "" if dumped[c] is None else str(dumped[c]).lower() if isinstance(dumped[c], bool) else dumped[c]
        for c in BUILDS.columns
    ]


# --- 10. inputs beyond what a view computes are clamped with a notice ------------------------------


def test_a_model_with_a_shorter_context_clamps_it_with_a_notice(home):
    at = app({"model_id": "llama-2-7b", "quant": "Q4_K_M"})
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("at most 4,096 tokens" in plain(w.value) for w in at.warning)
    assert len(at.get("plotly_chart")) == 2
    assert "4,096-token context" in chart_text(figure(at, 0)["layout"]["title"]["text"])
    assert open_inputs(at, "Memory and speeds").number_input(key="context_tokens").value == 4096


def test_changing_to_a_shorter_context_model_in_the_sidebar_clamps_too(home):
    at = open_inputs(app(), "Memory and speeds")
    at.selectbox(key="model_id").set_value("llama-2-7b").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.number_input(key="context_tokens").value == 4096


def test_too_many_builds_or_apis_in_a_link_keep_the_first_with_a_notice(home, catalog):
    builds = list(catalog.builds)
    extra = [hand_build(build_id=f"x{i}") for i in range(25 - len(builds))]
    _store_with(home, *extra)
    prices = [p for p in catalog.prices if p.startswith("openrouter/")][:9]
    at = app({"build_id": ",".join(builds + [b.build_id for b in extra]), "price_id": ",".join(prices)})
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(at.session_state["build_id"]) == 24 and len(at.session_state["price_id"]) == 8
    notices = " ".join(plain(w.value) for w in at.warning)
    assert "at most 24 builds" in notices and "at most 8 API offerings" in notices


# --- 11. caches keyed on what the user added -------------------------------------------------------


def test_a_session_never_sees_another_sessions_result_for_a_replaced_build(home):
    store = Store(home / "breakeven.sqlite3")
    store.save(hand_build(build_id="mine", name="Mine", capex_usd=1000.0))
    query = {"build_id": "mine", "model_id": "qwen3-8b", "quant": "Q4_K_M"}
    first = app(query)
    before = " ".join(m.value for m in first.markdown)
    store.save(hand_build(build_id="mine", name="Mine", capex_usd=90_000.0))
    second = app(query)
    after = " ".join(m.value for m in second.markdown)
    assert before != after
    assert "behind the API by month 60" in plain(after)


def test_a_price_saved_in_an_earlier_session_is_found_by_the_search(home):
    app(page="pages/prices.py")  # fills the table cache without it
    _store_with(home, hand_price(price_id="mine/model-x", provider="mine", model="model-x"))
    at = app(page="pages/prices.py")
    at.text_input(key="prices_query").input("model-x").run()
    assert list(at.dataframe[0].value["API offering"]) == ["mine/model-x"]


# --- 12. token counts off the slider's steps -------------------------------------------------------


def test_a_saved_scenario_off_the_slider_steps_opens_at_its_own_volume(home):
    Store(home / "breakeven.sqlite3").save_scenario("odd", StudyInputs(tokens_per_month=12_345_678))
    at = app(page="pages/scenarios.py")
    click(at, "Open in the break-even page")
    assert not at.exception
    assert at.select_slider(key="tokens_per_month").value == 12_345_678


def test_a_link_off_the_slider_steps_keeps_its_volume(home):
    at = app({"tokens_per_month": "12345678"})
    assert at.select_slider(key="tokens_per_month").value == 12_345_678
    assert not [w.value for w in at.warning if "tokens" in plain(w.value)]


# --- 13. LiteLLM per-1,000-token prices below $1 per million -----------------------------------------


def test_per_thousand_prices_of_cheap_models_are_caught_against_the_catalogue(catalog):
    from costmodel.io.price_sources import litellm_prices

    cheap = {
        # gpt-4o-mini is $0.15/$0.60 per million; these are its per-1,000-token figures in per-token fields
        "gpt-4o-mini": {"input_cost_per_token": 0.00015, "output_cost_per_token": 0.0006, "litellm_provider": "openai"},
        # only the output slipped: output 1,000 x what it should be against the input
        "mixed": {"input_cost_per_token": 1e-07, "output_cost_per_token": 0.0004, "litellm_provider": "x"},
        # cached input dearer than input
        "cache": {
            "input_cost_per_token": 1e-06,
            "output_cost_per_token": 2e-06,
            "cache_read_input_token_cost": 1e-04,
            "litellm_provider": "y",
        },
        "fine": {"input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07, "litellm_provider": "z"},
    }
    accepted, rejected = litellm_prices(json.dumps(cheap), "p.json", dt.date(2026, 12, 1), catalog.prices)
    assert [p.price_id for p in accepted] == ["z/fine"]
    by_name = {p.column: str(p) for p in rejected}
    assert set(by_name) == {"gpt-4o-mini", "mixed", "cache"}
    assert "1,000 x the $0.15 that" in by_name["gpt-4o-mini"] and "catalogue offering" in by_name["gpt-4o-mini"]
    assert "output $400 is 4,000 x input $0.1" in by_name["mixed"]
    assert "dearer than input" in by_name["cache"]


# --- 14. physical bounds on speeds --------------------------------------------------------------------


@pytest.mark.parametrize("speed", [5e-324, 1e-300, 1e-4])
def test_speeds_below_physics_are_refused(speed):
    with pytest.raises(cm.CostModelError, match="decode_tok_s"):
        hand_scenario(decode_tok_s=speed)
    with pytest.raises(cm.CostModelError, match="vram_bandwidth_gbs"):
        hand_build(vram_bandwidth_gbs=speed)


def test_the_slowest_allowed_speed_gives_finite_figures():
    s = hand_scenario(decode_tok_s=cm.schema.MIN_TOK_S, prefill_tok_s=cm.schema.MIN_TOK_S)
    r = cm.compare(s)
    assert all(v == v for v in (r.savings_at_horizon_usd, r.capacity_tok_per_month))  # not NaN
    mc = cm.monte_carlo(s, n=200)
    summary = mc.summary
    assert summary.savings_p50_usd == summary.savings_p50_usd


# --- 15. a save never replaces another without asking ---------------------------------------------


def test_saving_over_a_name_asks_and_replaces_only_the_version_seen(tmp_path):
    from ui.store import ScenarioExists

    store = Store(tmp_path / "breakeven.sqlite3")
    first = store.save_scenario("a", StudyInputs())
    with pytest.raises(ScenarioExists) as info:
        store.save_scenario("a", StudyInputs(input_share=0.5))
    assert info.value.updated_at == first.updated_at
    assert store.load_scenario("a") == StudyInputs()
    time.sleep(0.002)
    other = store.save_scenario("a", StudyInputs(input_share=0.6), replace=True, expected_updated_at=first.updated_at)
    with pytest.raises(ScenarioExists, match="saved again"):  # a stale version: the other session's save stays
        store.save_scenario("a", StudyInputs(input_share=0.5), replace=True, expected_updated_at=first.updated_at)
    assert store.load_scenario("a").input_share == 0.6 and other.updated_at > first.updated_at


def _save_one(path: str, share: float, results) -> None:
    from ui.store import ScenarioExists

    try:
        Store(path).save_scenario("same", StudyInputs(input_share=share))
        results.put(("saved", share))
    except ScenarioExists:
        results.put(("exists", share))


def test_two_processes_saving_one_name_at_once_one_wins_the_other_is_told(tmp_path):
    path = str(tmp_path / "breakeven.sqlite3")
    Store(path)
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_save_one, args=(path, s, results)) for s in (0.25, 0.5)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    outcomes = sorted(results.get(timeout=10) for _ in workers)
    assert [o for o, _ in outcomes] == ["exists", "saved"]
    winner = next(s for o, s in outcomes if o == "saved")
    assert Store(path).load_scenario("same").input_share == winner


def test_the_scenarios_page_asks_before_replacing(home):
    store = Store(home / "breakeven.sqlite3")
    store.save_scenario("mine", StudyInputs(input_share=0.5))
    at = app({"input_share": "0.9"}, page="pages/scenarios.py")
    at.text_input(key="scenario_name").input("mine")
    click(at, "Save")
    assert any("exists already" in plain(w.value) for w in at.warning)
    assert not at.success
    assert store.load_scenario("mine").input_share == 0.5
    click(at, "Replace it with this view")
    assert store.load_scenario("mine").input_share == 0.9
    assert any("Replaced 'mine'" in plain(s.value) for s in at.success)


def test_an_import_keeps_saved_scenarios_of_the_same_name_unless_told(home, catalog):
    store = Store(home / "breakeven.sqlite3")
    store.save_scenario("taken", StudyInputs(input_share=0.5))
    doc = {
        "format": "breakeven-scenarios",
        "version": 1,
        "scenarios": [{"name": "taken", "inputs": {"input_share": 0.9}}, {"name": "new", "inputs": {}}],
    }
    at = app(page="pages/scenarios.py")
    uploader = next(u for u in at.file_uploader if "Import" in u.label)
    uploader.set_value(("s.json", json.dumps(doc).encode(), "application/json")).run()
    click(at, "Add the 2 valid item(s)")
    message = " ".join(plain(s.value) for s in at.success)
    assert "Imported 1 scenario(s): new." in message and "Kept the saved 'taken'" in message
    assert store.load_scenario("taken").input_share == 0.5


# --- 16. an import validates names as the store does -----------------------------------------------


def test_an_import_with_one_bad_name_imports_the_others(catalog):
    from costmodel.io.uploads import parse_scenarios

    doc = {
        "format": "breakeven-scenarios",
        "version": 1,
        "scenarios": [
            {"name": "tab\there", "inputs": {}},
            {"name": "bell\x07", "inputs": {}},
            {"name": "good", "inputs": {}},
        ],
    }
    upload = parse_scenarios(json.dumps(doc).encode(), "s.json", catalog)
    assert [name for name, _ in upload.accepted] == ["good"]
    assert len(upload.rejected) == 2 and all(p.column == "name" for p in upload.rejected)


# --- smaller findings -------------------------------------------------------------------------------


def test_an_upload_whose_rows_are_all_rejected_adds_nothing_and_says_so(home):
    at = app(page="pages/prices.py")
    uploader = next(u for u in at.file_uploader if "LiteLLM" in u.label)
    slips = {"m": {"input_cost_per_token": 0.5, "output_cost_per_token": 0.9, "litellm_provider": "x"}}
    uploader.set_value(("p.json", json.dumps(slips).encode(), "application/json")).run()
    assert not at.exception
    assert any("no valid rows to add" in plain(e.value) for e in at.error)
    assert not [b for b in at.button if b.label.startswith("Add the")]


class _Dribble(http.server.BaseHTTPRequestHandler):
    """Answers a byte every 0.3 s for ten minutes: each read is quick, the whole takes forever."""

    def do_GET(self):  # noqa: N802 (the http.server API)
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(2000):  # a byte every 0.3 s: no read waits long enough to time out
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.3)
        except OSError:
            pass

    def log_message(self, *args):
        pass


def test_checking_for_newer_prices_has_a_total_deadline():
    from costmodel.io.price_sources import fetch_newer

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Dribble)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    outcome = {}

    def fetch():
        try:
            fetch_newer(dt.date(2026, 12, 1), deadline_s=1.0, url=f"http://127.0.0.1:{server.server_port}/p.json")
        except cm.CostModelError as exc:
            outcome["error"] = str(exc)

    caller = threading.Thread(target=fetch, daemon=True)
    caller.start()
    caller.join(30)  # without a total deadline the fetch would still be reading ten minutes on
    server.shutdown()
    assert not caller.is_alive()
    assert "within 1 s" in outcome["error"] and "bundled with genai-prices stay in use" in outcome["error"]


def test_user_text_in_a_chart_title_shows_as_typed():
    from costmodel import plots

    spec = plots.price_history(
        cm.load_catalog().price_history_frame("quicksilverpro/glm-5.2"),
        "2026-12-01",
        ['<a href="http://evil.example/x">click</a> & <b>bold</b>'],
    )
    title = spec["layout"]["title"]["text"]
    assert "<a href" not in title and "&lt;a href" in title and "&amp;" in title
