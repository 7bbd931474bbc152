"""A team's store: owners and sharing, links that never show another's private scenario, migration
from a store made before owners, saves racing across replicas, a database down or restarted.
Every test runs on both backends (an SQLite file, a PostgreSQL database) unless it says why not."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, text

import costmodel as cm
from costmodel.study import StudyInputs
from ui.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, ScenarioExists, Store, StoreError

ALICE, BOB = "alice@example.com", "bob@example.com"


@pytest.fixture
def team(store_target) -> tuple[Store, Store, Store]:
    """The store seen by nobody signed in, by alice and by bob."""
    store = Store(store_target)
    return store, store.as_owner(ALICE), store.as_owner(BOB)


def test_each_sees_their_own_and_what_is_shared_and_writes_only_their_own(team):
    single, alice, bob = team
    alice.save_scenario("mine", StudyInputs())
    alice.save_scenario("ours", StudyInputs(tokens_per_month=1e8), shared=True)
    bob.save_scenario("bob's", StudyInputs(tokens_per_month=2e8))
    assert {(s.name, s.owner, s.shared) for s in alice.scenarios()} == {("mine", ALICE, False), ("ours", ALICE, True)}
    assert {(s.name, s.owner) for s in bob.scenarios()} == {("bob's", BOB), ("ours", ALICE)}
    assert [s.name for s in single.scenarios()] == ["ours"]  # the single user of a shared store sees the shared
    # the same name is each owner's own
    bob.save_scenario("mine", StudyInputs(tokens_per_month=3e8))
    assert alice.load_scenario("mine") == StudyInputs() and bob.load_scenario("mine").tokens_per_month == 3e8
    # nobody renames, deletes or replaces another's
    with pytest.raises(cm.CostModelError, match="no scenario named 'ours'"):
        bob.delete_scenario("ours")
    with pytest.raises(cm.CostModelError, match="no scenario named 'ours'"):
        bob.rename_scenario("ours", "taken over")
    with pytest.raises(cm.CostModelError, match="no scenario named 'ours' of yours"):
        bob.share_scenario("ours", False)
    assert [s.name for s in bob.scenarios() if s.owner == ALICE] == ["ours"]
    # sharing and unsharing
    alice.share_scenario("mine")
    assert {s.name for s in bob.scenarios() if s.owner == ALICE} == {"mine", "ours"}
    alice.share_scenario("mine", False)
    assert {s.name for s in bob.scenarios() if s.owner == ALICE} == {"ours"}


def test_a_link_opens_a_shared_scenario_and_never_another_users_private_one(team):
    _, alice, bob = team
    private = alice.save_scenario("alice's secret plan", StudyInputs(tokens_per_month=7e7))
    shared = alice.save_scenario("shared", StudyInputs(tokens_per_month=9e7), shared=True)
    assert alice.scenario(private.id).inputs.tokens_per_month == 7e7
    assert bob.scenario(shared.id).inputs.tokens_per_month == 9e7
    with pytest.raises(cm.CostModelError) as caught:
        bob.scenario(private.id)
    assert "not found" in str(caught.value) and "secret" not in str(caught.value)  # neither contents nor name
    for made_up in ("0" * 32, "'; DROP TABLE scenarios; --", "x" * 10_000):
        with pytest.raises(cm.CostModelError, match="not found"):
            bob.scenario(made_up)
    # a copy of a shared scenario is the copier's own
    bob.save_scenario("shared (copy)", bob.scenario(shared.id).inputs)
    assert {s.name for s in bob.scenarios() if s.owner == BOB} == {"shared (copy)"}


def test_additions_are_each_owners_with_the_teams_shared_ones(team, catalog):
    _, alice, bob = team
    box = catalog.builds["rtx3090-single"].model_copy(update={"build_id": "my-box", "capex_usd": 1000.0})
    alice.save(box)
    assert alice.load(cm.Build) == {"my-box": box} and bob.load(cm.Build) == {}
    shared_box = box.model_copy(update={"capex_usd": 1500.0})
    alice.save(shared_box, shared=True)
    assert bob.load(cm.Build) == {"my-box": shared_box}
    bobs = box.model_copy(update={"capex_usd": 900.0})
    bob.save(bobs)  # the same id: bob's own wins for bob
    assert bob.load(cm.Build) == {"my-box": bobs} and alice.load(cm.Build) == {"my-box": shared_box}
    bob.delete(cm.Build, "my-box")
    assert bob.load(cm.Build) == {"my-box": shared_box}


def test_a_store_made_before_owners_is_migrated_and_keeps_every_row(store_target, catalog):
    """Schema 2 (no owners) written by hand, then opened: every row is the single user's, with an id."""
    url = store_target if "://" in store_target else f"sqlite:///{store_target}"
    engine = create_engine(url)
    with engine.begin() as db:
        for step in MIGRATIONS[:2]:
            for statement in filter(str.strip, step.split(";")):
                db.execute(text(statement))
        db.execute(
            text("INSERT INTO scenarios (name, inputs, created_at, updated_at) VALUES ('old', :i, 't0', 't1')"),
            {"i": StudyInputs(tokens_per_month=4e7).model_dump_json()},
        )
        db.execute(
            text("INSERT INTO builds (build_id, payload, updated_at) VALUES ('b', :p, 't1')"),
            {"p": catalog.builds["rtx3090-single"].model_dump_json()},
        )
        if "://" in store_target:
            db.execute(text("CREATE TABLE breakeven_schema (version INTEGER NOT NULL)"))
            db.execute(text("INSERT INTO breakeven_schema (version) VALUES (2)"))
    engine.dispose()
    if "://" not in store_target:  # the header of a schema-2 file of ours
        with sqlite3.connect(store_target) as raw:
            raw.execute("PRAGMA user_version = 2")
            raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    store = Store(store_target)
    [old] = store.scenarios()
    assert (old.name, old.owner, old.shared, old.created_at, old.updated_at) == ("old", "", False, "t0", "t1")
    assert len(old.id) == 32 and old.inputs.tokens_per_month == 4e7
    assert list(store.load(cm.Build)) == ["b"]
    assert store.as_owner(ALICE).scenarios() == []  # the single user's rows are not a team member's
    with store._engine.connect() as db:
        version = (
            db.exec_driver_sql("SELECT version FROM breakeven_schema").scalar()
            if store.server
            else db.exec_driver_sql("PRAGMA user_version").scalar()
        )
    assert version == SCHEMA_VERSION == 3


def _race(fn, n: int = 2):
    """Run ``fn(i)`` in ``n`` threads released at once; return what each returned or raised."""
    gate = threading.Barrier(n)
    out: list[object] = [None] * n

    def run(i: int) -> None:
        gate.wait()
        try:
            out[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 (the outcome is the point)
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def test_two_replicas_saving_one_new_name_at_once_one_wins_the_other_is_told(store_target):
    replicas = [Store(store_target).as_owner(ALICE) for _ in range(2)]
    for round_ in range(10):
        name = f"budget {round_}"
        out = _race(lambda i, name=name: replicas[i].save_scenario(name, StudyInputs(tokens_per_month=(i + 1) * 1e7)))
        won = [o for o in out if not isinstance(o, Exception)]
        told = [o for o in out if isinstance(o, ScenarioExists)]
        assert len(won) == 1 and len(told) == 1, out
        assert replicas[0].load_scenario(name) == won[0].inputs


def test_two_replicas_replacing_the_version_they_saw_at_once_only_one_replaces(store_target):
    replicas = [Store(store_target).as_owner(ALICE) for _ in range(2)]
    seen = replicas[0].save_scenario("plan", StudyInputs()).updated_at
    out = _race(
        lambda i: replicas[i].save_scenario(
            "plan", StudyInputs(tokens_per_month=(i + 2) * 1e7), replace=True, expected_updated_at=seen
        )
    )
    assert sum(isinstance(o, ScenarioExists) for o in out) == 1, out
    [won] = [o for o in out if not isinstance(o, Exception)]
    assert replicas[1].load_scenario("plan") == won.inputs


def test_a_database_down_at_start_is_said_and_nothing_is_half_made():
    # PostgreSQL only: a server that is not there (a free port with nothing listening)
    from live_server import free_port

    url = f"postgresql+psycopg://breakeven@127.0.0.1:{free_port()}/breakeven"
    with pytest.raises(StoreError, match=r"opening the store failed \(connection failed: .*Connection refused"):
        Store(url, timeout_s=2)


def test_a_restarted_database_is_reached_again_and_a_save_while_down_fails_with_a_message(postgres, pg_url):
    # PostgreSQL only: the session's cluster is stopped, then started again
    _, pg = postgres
    store = Store(pg_url, timeout_s=3).as_owner(ALICE)
    store.save_scenario("before", StudyInputs())
    pg.stop()
    try:
        with pytest.raises(StoreError, match="saving failed"):
            store.save_scenario("while down", StudyInputs())
    finally:
        pg.start()
    store.save_scenario("after", StudyInputs())  # the pool's dead connections are replaced
    assert {s.name for s in store.scenarios()} == {"before", "after"}


def test_another_programs_postgresql_database_is_left_untouched(postgres, pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as db:
        db.execute(text("CREATE TABLE invoices (id INTEGER)"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"a database of another program \(tables invoices\)"):
        Store(pg_url)
    engine = create_engine(pg_url)
    with engine.connect() as db:
        tables = db.execute(
            text("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        ).scalars().all()
    engine.dispose()
    assert sorted(tables) == ["invoices"]  # nothing of ours was made in it


def _save_my_build() -> None:
    """A page that adds one build for this session (``ui.state.save``) and says what it then holds."""
    import streamlit as st
    from conftest import hand_build

    from ui import state

    try:
        state.save(state.CUSTOM_BUILDS, hand_build(build_id="mine"))
    except Exception as exc:  # the refusal, as the page would show it
        st.error(str(exc))
    st.write(",".join(sorted(state.custom(state.CUSTOM_BUILDS))))


def test_the_teams_shared_additions_do_not_count_toward_my_cap(home, monkeypatch):
    from streamlit.testing.v1 import AppTest
    from conftest import hand_build

    from ui import store as store_module

    monkeypatch.setitem(store_module.MAX_ADDED, "builds", 2)
    Store(home / "breakeven.sqlite3").as_owner(BOB).save(
        hand_build(build_id="b1"), hand_build(build_id="b2"), shared=True
    )
    at = AppTest.from_function(_save_my_build, default_timeout=60).run()
    assert not at.error, [e.value for e in at.error]
    assert at.markdown[-1].value == "b1,b2,mine"  # bob's two shared, and mine: the cap counts mine alone
    assert set(Store(home / "breakeven.sqlite3").load(cm.Build)) == {"b1", "b2", "mine"}


def test_a_store_that_cannot_be_opened_is_tried_once_a_session(home, monkeypatch):
    from apptest_kit import app

    import ui.state

    tries = []

    def unreachable(target):
        tries.append(target)
        raise StoreError(f"{target}: could not connect (the server is down)")

    monkeypatch.setattr(ui.state, "_open", unreachable)
    at = app()
    assert any("Saving is off for this session" in w.value for w in at.warning)
    at.number_input(key="electricity_usd_per_kwh").set_value(0.3).run()
    assert len(tries) == 1, tries
