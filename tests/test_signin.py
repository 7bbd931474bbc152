"""Sign-in end to end: the app with ``[auth]`` in its secrets against the local OpenID Connect provider
(``oidc_provider``) and one PostgreSQL; a browser that has not signed in is sent to the provider, and
each user sees their own scenarios and those shared, never another's private one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from live_server import free_port, running_app
from oidc_provider import running_provider
from playwright.sync_api import Browser, Page, expect

from costmodel.study import StudyInputs
from ui import auth
from ui.store import Store

pytestmark = pytest.mark.browser

CLIENT_ID, CLIENT_SECRET = "breakeven-team", "a test secret"
ALICE, BOB = "alice@example.com", "bob@example.com"


@pytest.fixture
def team_app(pg_url: str, tmp_path) -> Iterator[tuple[str, Any, Store]]:
    """The app with sign-in on and the team's store in PostgreSQL: its URL, the provider, the store."""
    port = free_port()
    redirect_uri = f"http://127.0.0.1:{port}/oauth2callback"  # the host the browser uses: cookies are per host
    with running_provider(CLIENT_ID, CLIENT_SECRET, [redirect_uri]) as provider:
        secrets_toml = tmp_path / "secrets.toml"
        secrets_toml.write_text(provider.auth_secrets(redirect_uri) + f'\n[connections.breakeven]\nurl = "{pg_url}"\n')
        env = {"BREAKEVEN_HOME": str(tmp_path / "home"), "BREAKEVEN_DATABASE_URL": ""}
        with running_app(env=env, port=port, extra_args=["--secrets.files", str(secrets_toml)]) as base:
            yield base, provider, Store(pg_url)


def shown(words: str) -> re.Pattern:
    """``words`` as the page shows them: the escaper puts a word joiner after ':' and '@' (no autolinks)."""
    return re.compile(re.escape(words).replace(":", ":\u2060?").replace("@", "@\u2060?"))


def sign_in(browser: Browser, args: dict, base: str, provider: Any, username: str) -> Page:
    """A new browser that opens the app, is sent to the provider, and signs in as ``username``."""
    page = browser.new_context(**args).new_page()
    page.set_default_timeout(60_000)
    page.goto(base)
    page.wait_for_url(f"{provider.url}/authorize?**")  # not signed in: sent to the provider at once
    page.get_by_label("User name").fill(username)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(shown(f"Signed in as {username}@example.com"))).to_be_visible(timeout=60_000)
    return page


def scenario_options(page: Page, base: str) -> list[str]:
    """The scenarios the Scenarios page offers this user, as its picker lists them."""
    page.goto(f"{base}/scenarios")
    picker = page.get_by_label("Scenario", exact=True)
    expect(picker).to_be_visible(timeout=60_000)
    picker.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    names = [options.nth(i).inner_text().strip() for i in range(options.count())]
    page.keyboard.press("Escape")
    return names


def test_users_see_their_own_and_shared_scenarios_and_a_private_link_is_not_found(
    browser: Browser, browser_context_args: dict, team_app
) -> None:
    base, provider, store = team_app
    alice, bob = store.as_owner(ALICE), store.as_owner(BOB)
    private = alice.save_scenario("alice private plan", StudyInputs(tokens_per_month=7e7))
    alice.save_scenario("alice shared plan", StudyInputs(tokens_per_month=9e7), shared=True)
    bob.save_scenario("bob plan", StudyInputs())

    page = sign_in(browser, browser_context_args, base, provider, "bob")
    assert sorted(scenario_options(page, base)) == ["alice shared plan (by alice@example.com)", "bob plan"]
    # alice's private scenario by its id: not found, and nothing of it shown
    page.goto(f"{base}/?scenario={private.id}")
    expect(page.get_by_text(shown("The link's scenario: scenario: not found"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text("alice private plan")).to_have_count(0)
    expect(page.get_by_text("For 70 M tokens a month")).to_have_count(0)
    page.context.close()

    page = sign_in(browser, browser_context_args, base, provider, "alice")
    assert sorted(scenario_options(page, base)) == ["alice private plan", "alice shared plan"]
    page.goto(f"{base}/?scenario={private.id}")  # her own link opens it
    expect(page.get_by_text(shown("Opened the scenario 'alice private plan' (yours)"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text("For 70 M tokens a month")).to_be_visible(timeout=60_000)
    page.context.close()
    assert [g.username for g in provider.issued] == ["bob", "alice"]


def test_without_an_auth_section_there_is_no_sign_in(monkeypatch):
    monkeypatch.setattr(auth, "_section", lambda name: {})
    assert not auth.enabled() and auth.owner() == ""
    monkeypatch.setattr(auth, "_section", lambda name: {k: "x" for k in auth.AUTH_KEYS} if name == "auth" else {})
    assert auth.enabled()
