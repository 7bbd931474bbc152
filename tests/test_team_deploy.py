"""The team deployment in a real browser: two Streamlit replicas behind HAProxy, one store.

Each test starts its own team (``team_kit.running_team``: a throwaway PostgreSQL cluster, two
replicas of app.py with its URL in ``BREAKEVEN_DATABASE_URL``, one ``BREAKEVEN_HOME`` and one
cookie secret, and HAProxy pinning each browser to a replica with the SERVERID cookie), and drives
Debian's chromium through pytest-playwright. What was saved is read back through the app (a new
session's Scenarios page, its "Download every scenario (JSON)"), so the tests do not depend on the
store's internals; the PostgreSQL test also finds its saves in the database's own dump. PostgreSQL,
HAProxy or chromium missing fails them; nothing is skipped.

The saving sessions go on as soon as the page confirms a save (``Saved 'name'.``), without
waiting for the rest of the page to draw, and two of them run at once: each save costs the browser
a few tenths of a second of script on this page, far more than the server's run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_kit import CHART_DRAWN, EXCEPTION, IDLE, TIMEOUT_MS, open_view
from live_server import chromium_path
from playwright.sync_api import BrowserContext, Page, expect
from team_kit import replica_of, running_team

pytestmark = pytest.mark.browser

#: the confirmations and failures a save can show
STATUS = """() => ({
    saved: Array.from(document.querySelectorAll('[data-testid="stAlertContentSuccess"]'))
        .map(e => e.innerText.replaceAll('\\u2060', '')),
    failed: Array.from(document.querySelectorAll('[data-testid="stAlertContentError"], [data-testid="stException"]'))
        .map(e => e.innerText.replaceAll('\\u2060', '')),
})"""


@pytest.fixture(autouse=True)
def _browser_first() -> None:
    """No browser, no team: fail before starting anything."""
    chromium_path()


def goto_scenarios(context: BrowserContext, url: str) -> Page:
    """Open the Scenarios page through ``url`` without waiting for its script (see ``settled``)."""
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{url}/scenarios")
    return page


def settled(page: Page) -> Page:
    page.wait_for_selector('[data-testid="stMain"] h1')
    page.wait_for_selector(IDLE)
    return page


def submit(page: Page, name: str, timeout_ms: float = TIMEOUT_MS) -> None:
    """Type ``name`` into the "Save the break-even view" form and press Enter (its Save).

    Streamlit disables its inputs while the page is disconnected: the fill waits for it to be back.
    """
    field = page.get_by_label("Name", exact=True)
    field.fill(name, timeout=timeout_ms)
    field.press("Enter", timeout=timeout_ms)


def status(page: Page, name: str) -> str | None:
    """``"saved"`` when the page confirms ``name``, the failure's text when it shows one, else None."""
    shown = page.evaluate(STATUS)
    if any(f"Saved '{name}'." in text for text in shown["saved"]):
        return "saved"
    return "; ".join(shown["failed"]) or None


def save_streams(streams: dict[Page, list[str]], timeout_s: float = 60) -> list[str]:
    """Save each page's names in order, every page going on as soon as its last save is confirmed,
    all pages at once. Returns the names in the order they were confirmed; a failure shown by a
    page, or a save not confirmed within ``timeout_s``, fails the test."""
    todo = {page: list(names) for page, names in streams.items()}
    current: dict[Page, tuple[str, float]] = {}

    def next_save(page: Page) -> None:
        if todo[page]:
            name = todo[page].pop(0)
            submit(page, name)
            current[page] = (name, time.monotonic())
        else:
            current.pop(page, None)

    confirmed = []
    for page in todo:
        next_save(page)
    while current:
        for page, (name, since) in list(current.items()):
            seen = status(page, name)
            if seen == "saved":
                confirmed.append(name)
                next_save(page)
            elif seen:
                pytest.fail(f"saving {name!r} failed: {seen}")
            elif time.monotonic() - since > timeout_s:
                pytest.fail(f"{name!r} not confirmed within {timeout_s:.0f} s")
        time.sleep(0.05)
    return confirmed


def saved_names(page: Page) -> set[str]:
    """Every scenario the app lists, from a settled Scenarios page: its "Download every scenario (JSON)"."""
    with page.expect_download() as download:
        page.get_by_role("button", name="Download every scenario (JSON)").click()
    return {s["name"] for s in json.loads(Path(download.value.path()).read_text())["scenarios"]}


def test_two_sessions_pinned_to_two_replicas_save_100_scenarios_at_once_and_every_one_is_listed(
    new_context: Callable[..., BrowserContext],
) -> None:
    with running_team(replicas=2) as team:
        a_context, b_context = new_context(), new_context()
        a, b = goto_scenarios(a_context, team.url), goto_scenarios(b_context, team.url)
        settled(a), settled(b)  # both first runs at once, one on each replica
        on_a, on_b = replica_of(a_context, team.url), replica_of(b_context, team.url)
        assert {on_a, on_b} == set(team.replica_urls), f"HAProxy pinned the sessions to {on_a} and {on_b}"

        a_names, b_names = [f"a-{i:02d}" for i in range(50)], [f"b-{i:02d}" for i in range(50)]
        confirmed = save_streams({a: a_names, b: b_names})
        assert sorted(confirmed) == sorted(a_names + b_names)
        # still on their replicas: affinity held for the whole stream
        assert (replica_of(a_context, team.url), replica_of(b_context, team.url)) == (on_a, on_b)

        reader_context = new_context()
        reader = settled(goto_scenarios(reader_context, team.url))
        listed = saved_names(reader)
        assert sorted(listed) == sorted(a_names + b_names), f"missing {sorted(set(a_names + b_names) - listed)}"
        expect(reader.locator(EXCEPTION)).to_have_count(0)
        for context in (a_context, b_context, reader_context):
            context.close()


def test_a_replica_killed_mid_stream_loses_no_confirmed_save_and_the_other_keeps_serving(
    new_context: Callable[..., BrowserContext],
) -> None:
    kill_at, total = 5, 11  # the sixth save is in flight when its replica is killed
    with running_team(replicas=2) as team:
        context = new_context()
        page = settled(goto_scenarios(context, team.url))
        victim = replica_of(context, team.url)
        [survivor] = set(team.replica_urls) - {victim}
        confirmed, after_kill = [], []
        for i in range(total):
            name = f"k-{i:02d}"
            submit(page, name)
            if i == kill_at:
                team.kill_replica(victim)  # SIGKILL, the save just sent
            deadline = time.monotonic() + TIMEOUT_MS / 1000
            while time.monotonic() < deadline:
                seen = status(page, name)
                if seen == "saved":
                    confirmed.append(name)
                    after_kill += [name] if i > kill_at else []
                    break
                assert i >= kill_at or not seen, f"saving {name!r} failed: {seen}"
                # the save in flight when its replica died: its answer is lost with the replica;
                # the page reconnects through HAProxy to the survivor, which starts a new session
                if i == kill_at and replica_of(context, team.url) == survivor and page.locator(IDLE).count():
                    break
                time.sleep(0.05)
            else:
                pytest.fail(f"{name!r}: neither confirmed nor failed over within {TIMEOUT_MS / 1000:.0f} s")
        assert confirmed[:kill_at] == [f"k-{i:02d}" for i in range(kill_at)]
        assert after_kill, "the session did not carry on on the other replica after the kill"
        assert replica_of(context, team.url) == survivor

        fresh_context = new_context()
        fresh = open_view(fresh_context.new_page(), f"{team.url}/")  # the break-even page, its charts drawn
        assert replica_of(fresh_context, team.url) == survivor
        assert fresh.locator(CHART_DRAWN).count() > 0
        listed = saved_names(settled(goto_scenarios(fresh_context, team.url)))
        assert set(confirmed) <= listed, f"confirmed but lost: {sorted(set(confirmed) - listed)}"
        for c in (context, fresh_context):
            c.close()


def test_postgresql_restarted_mid_session_the_next_save_succeeds(new_context: Callable[..., BrowserContext]) -> None:
    with running_team(replicas=2) as team:
        context = new_context()
        page = settled(goto_scenarios(context, team.url))
        assert save_streams({page: ["before-restart"]}) == ["before-restart"]
        # found in the database's rows whatever the store's schema (pg_dump), so the replicas use it
        assert "before-restart" in team.postgres.dump(), "the save did not reach PostgreSQL (BREAKEVEN_DATABASE_URL)"

        team.restart_postgres(down_s=1.0)  # every connection the replicas held is cut

        page.wait_for_selector(IDLE)
        assert save_streams({page: ["after-restart"]}, timeout_s=30) == ["after-restart"]
        assert "after-restart" in team.postgres.dump()
        reader_context = new_context()
        listed = saved_names(settled(goto_scenarios(reader_context, team.url)))
        assert {"before-restart", "after-restart"} <= listed
        for c in (context, reader_context):
            c.close()
