"""The store: scenarios and additions survive restarts, kills, concurrent saves and bad files, on both
backends (an SQLite file, a PostgreSQL database: the same tests run against each)."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import time

import pytest

import costmodel as cm
from ui.store import SCHEMA_VERSION, Store, StoreError
from costmodel.study import StudyInputs


@pytest.fixture
def store(store_target) -> Store:
    return Store(store_target)


def test_save_list_load_rename_duplicate_delete(store):
    store.save_scenario("article", StudyInputs())
    store.save_scenario("big", StudyInputs(tokens_per_month=1e9, build_id=("rtx3090-x12",)))
    assert [s.name for s in store.scenarios()] == ["big", "article"]
    assert store.load_scenario("big").tokens_per_month == 1e9
    store.rename_scenario("big", "one billion")
    store.duplicate_scenario("one billion", "copy")
    assert store.load_scenario("copy") == store.load_scenario("one billion")
    store.delete_scenario("article")
    assert sorted(s.name for s in store.scenarios()) == ["copy", "one billion"]
    with pytest.raises(cm.CostModelError, match="no scenario named 'article'"):
        store.load_scenario("article")
    with pytest.raises(cm.CostModelError, match="a scenario named 'copy' exists already"):
        store.rename_scenario("one billion", "copy")


def test_saving_again_keeps_the_creation_time(store):
    first = store.save_scenario("a", StudyInputs())
    time.sleep(0.01)
    second = store.save_scenario("a", StudyInputs(input_share=0.5), replace=True)
    assert second.created_at == first.created_at and second.updated_at > first.updated_at
    assert store.load_scenario("a").input_share == 0.5


@pytest.mark.parametrize("name", ["", "   ", "<script>x</script>", "a" * 81, "tab\there"])
def test_bad_scenario_names_are_refused(store, name):
    with pytest.raises(cm.CostModelError, match="scenario name"):
        store.save_scenario(name, StudyInputs())


def test_builds_prices_and_models_round_trip(store, catalog):
    build = catalog.builds["rtx3090-single"].model_copy(update={"build_id": "my-3090", "capex_usd": 999.0})
    price = catalog.prices["zai/glm-5.2"].model_copy(update={"input_usd_per_mtok": 1.0})
    model = catalog.models["qwen3-32b"]
    store.save(build, price, model)
    assert store.load(cm.Build) == {"my-3090": build}
    assert store.load(cm.ApiPrice) == {"zai/glm-5.2": price}
    assert store.load(cm.Model)["qwen3-32b"].quants == model.quants


def test_reopening_keeps_everything_and_the_schema_version(store_target):
    Store(store_target).save_scenario("kept", StudyInputs())
    again = Store(store_target)
    assert again.load_scenario("kept") == StudyInputs()
    with again._engine.connect() as db:
        if again.server:
            assert db.exec_driver_sql("SELECT version FROM breakeven_schema").scalar() == SCHEMA_VERSION
        else:
            assert db.exec_driver_sql("PRAGMA user_version").scalar() == SCHEMA_VERSION
            assert db.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_export_and_import_document(store):
    store.save_scenario("a", StudyInputs())
    doc = store.export()
    assert doc["format"] == "breakeven-scenarios" and doc["version"] == 1
    assert doc["scenarios"][0]["name"] == "a"
    assert StudyInputs(**doc["scenarios"][0]["inputs"]) == StudyInputs()
    json.dumps(doc)  # JSON-ready
    with pytest.raises(cm.CostModelError, match="no scenario named 'zzz'"):
        store.export(["zzz"])


def test_a_batch_save_is_all_or_nothing(store):
    store.save_scenario("taken", StudyInputs())
    with pytest.raises(cm.CostModelError, match="exists already"):
        store.save_scenarios([("new one", StudyInputs()), ("taken", StudyInputs())])
    assert [s.name for s in store.scenarios()] == ["taken"]


# --- files that are not ours -------------------------------------------------------------------


def untouched(path, before: bytes, mtime: float) -> bool:
    return path.read_bytes() == before and path.stat().st_mtime == mtime


def test_a_corrupt_file_is_named_and_left_untouched(tmp_path):
    path = tmp_path / "breakeven.sqlite3"
    path.write_bytes(b"this is not a database\x00" * 100)
    before, mtime = path.read_bytes(), path.stat().st_mtime
    with pytest.raises(StoreError, match=rf"{path}: not an SQLite database .*left untouched"):
        Store(path)
    assert untouched(path, before, mtime)
    assert not (tmp_path / "breakeven.sqlite3-wal").exists()


def test_a_truncated_database_is_named_and_left_untouched(tmp_path):
    path = tmp_path / "breakeven.sqlite3"
    Store(path).save_scenario("a", StudyInputs())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + b"\xff" * 50)
    before, mtime = path.read_bytes(), path.stat().st_mtime
    with pytest.raises(StoreError, match=str(path)):
        Store(path)
    assert untouched(path, before, mtime)


def test_another_programs_database_is_left_untouched(tmp_path):
    path = tmp_path / "breakeven.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    before, mtime = path.read_bytes(), path.stat().st_mtime
    with pytest.raises(StoreError, match=r"an SQLite database of another program \(tables invoices\)"):
        Store(path)
    assert untouched(path, before, mtime)


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "breakeven.sqlite3"
    Store(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="made by a newer breakeven"):
        Store(path)


def test_default_path_follows_the_environment(monkeypatch, tmp_path):
    from ui.store import default_path

    monkeypatch.setenv("BREAKEVEN_HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / "breakeven.sqlite3"


# --- nothing lost ----------------------------------------------------------------------------


def _save_many(path: str, prefix: str, count: int) -> None:
    store = Store(path)
    for i in range(count):
        store.save_scenario(f"{prefix}-{i}", StudyInputs(tokens_per_month=float(i + 1) * 1e6))


def test_two_processes_saving_at_once_lose_nothing(store_target):
    path = store_target
    Store(path)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_save_many, args=(path, p, 60)) for p in ("a", "b")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    names = {s.name for s in Store(path).scenarios()}
    assert names == {f"{p}-{i}" for p in ("a", "b") for i in range(60)}


def test_saves_that_returned_survive_sigkill_at_random_moments(store_target):
    """A child saves scenarios in a loop and reports each save that returned; it is killed with
    SIGKILL at a random moment, 100 times. Every reported save must load, and the store must pass
    its integrity check (SQLite's ``PRAGMA integrity_check``)."""
    path = store_target
    Store(path)
    rng = random.Random(20261128)
    returned: list[str] = []
    for round_ in range(100):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: save until killed
            os.close(read)
            try:
                store = Store(path)
                i = 0
                while True:
                    name = f"r{round_}-{i}"
                    store.save_scenario(name, StudyInputs(tokens_per_month=float(i) * 1e6))
                    os.write(write, (name + "\n").encode())
                    i += 1
            finally:
                os._exit(0)
        os.close(write)
        first = os.read(read, 65536)  # wait for the child to be saving, however loaded the machine is
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read, "rb") as pipe:
            returned.extend(line for line in (first + pipe.read()).decode().splitlines() if line)
    store = Store(path)
    assert store.integrity() == "ok"
    saved = {s.name for s in store.scenarios()}
    missing = [name for name in returned if name not in saved]
    assert missing == []
    assert len(returned) >= 100  # every child saved before it was killed
