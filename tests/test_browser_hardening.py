"""Hardening as people see it: no link, image or icon from user text; clamps; a store damaged under a live server.

AppTest sees the markdown a page sends, not what the browser makes of it: Streamlit turns bare URLs
and e-mail addresses into links after parsing, so only a real browser shows whether an escape held.
Each test here starts its own server (its own store), so that what it adds or breaks stays its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_kit import CHART_DRAWN, ERROR, EXCEPTION, IDLE, TIMEOUT_MS, WARNING, open_view, screenshot
from faults import damage, tmpfs
from hostile import EVIL, HOSTILE, NAMES, fuzz_strings
from live_server import ROOT, chromium_path, running_app
from playwright.sync_api import Page, expect

import costmodel as cm
from ui.store import Store
from costmodel.study import StudyInputs

pytestmark = pytest.mark.browser

#: elements a hostile string must never become
INJECTED = (
    f'a[href*="{EVIL}"]',
    f'img[src*="{EVIL}"]',
    'a[href^="mailto:"]',
    ".katex",
    '[data-testid="stMarkdownContainer"] [data-testid="stIconMaterial"]',
    '[data-testid="stMarkdownContainer"] blockquote',
)
#: and on the test page, which has no heading of its own, no heading either
INJECTED_ON_TEST_PAGE = (*INJECTED, '[data-testid="stMarkdownContainer"] h1', '[data-testid="stMarkdownContainer"] h2')


def assert_nothing_injected(page: Page, outside: list[str], selectors: tuple[str, ...] = INJECTED) -> None:
    for selector in selectors:
        expect(page.locator(selector)).to_have_count(0)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert outside == [], outside


def page_text(page: Page) -> str:
    """What the page reads, with ``ui.text``'s invisible word joiners taken out."""
    return page.evaluate("() => document.body.innerText.replaceAll('\\u2060', '')")


def watch_requests(page: Page) -> list[str]:
    """URLs the page asks for outside the server (an image beacon would show here)."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if EVIL in (urlsplit(r.url).hostname or "") else None)
    return seen


def settled(page: Page, url: str, ready: str = '[data-testid="stMain"] h1') -> Page:
    """Go to ``url`` and wait for the script to have drawn ``ready`` (every page has a title) and stopped."""
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.wait_for_selector(ready)
    page.wait_for_selector(IDLE)
    return page


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator[str]:
    """A server whose store holds builds named with hostile strings, a price with a hostile source
    and note, and a scenario with a hostile name."""
    chromium_path()
    home = tmp_path_factory.mktemp("hostile-home")
    cat = cm.load_catalog()
    store = Store(home / "breakeven.sqlite3")
    builds = [
        cat.builds["rtx3090-single"].model_copy(update={"build_id": f"evil-{i}", "name": name})
        for i, name in enumerate(NAMES[:8])
    ]
    price = cat.prices["zai/glm-5.2"].model_copy(update={"source": HOSTILE[0], "note": HOSTILE[1], "origin": "user"})
    store.save(*builds, price)
    store.save_scenario(NAMES[0], StudyInputs())
    with running_app(env={"BREAKEVEN_HOME": str(home)}) as base:
        yield base


def test_hostile_names_and_links_show_as_text_on_every_page(page: Page, hostile_server: str) -> None:
    outside = watch_requests(page)
    ids = ",".join(f"evil-{i}" for i in range(8))
    link = (
        f"{hostile_server}/?build_id={ids}&model_id=qwen3-8b&quant=Q4_K_M"
        f"&electricity_usd_per_kwh=%5Bclick%5D(http://{EVIL}/verify)&%21%5Bx%5D(http://{EVIL}/p.png)=1"
    )
    open_view(page, link)
    expect(page.locator(WARNING).first).to_be_visible()
    page.get_by_role("radio", name="Memory and speeds").click()  # the measured-speed inputs are labelled by build name
    page.wait_for_selector(IDLE)
    assert_nothing_injected(page, outside)
    shown = page_text(page)
    assert [name for name in NAMES[:8] if name not in shown] == []
    screenshot(page, "hostile-breakeven.png")
    for path in ("hardware", "prices", "scenarios", "sensitivity"):
        settled(page, f"{hostile_server}/{path}")
        assert_nothing_injected(page, outside)
        if path == "prices":  # the price's source and note, as typed
            assert HOSTILE[0] in page_text(page) and HOSTILE[1] in page_text(page)


@pytest.fixture(scope="module")
def escaped_text_server() -> Iterator[str]:
    chromium_path()
    with running_app(script=ROOT / "tests" / "pages_under_test" / "escaped_text.py") as base:
        yield base


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_hostile_strings_render_as_themselves(page: Page, escaped_text_server: str, seed: int) -> None:
    """60 strings from hostile fragments per seed, each in bold markdown, an alert, a caption and
    two labels: no link, image, icon or formula, and each reads exactly as typed."""
    outside = watch_requests(page)
    settled(page, f"{escaped_text_server}/?seed={seed}", ready='.st-key-case-59 [data-testid="stCheckbox"]')
    assert_nothing_injected(page, outside, INJECTED_ON_TEST_PAGE)
    for i, raw in enumerate(fuzz_strings(seed, 60)):
        case = page.locator(f".st-key-case-{i}")
        shown = [t.replace("\u2060", "") for t in case.locator('[data-testid="stMarkdownContainer"]').all_inner_texts()]
        wanted = " ".join(raw.split())
        # the bold line, the alert, the caption and the labels: each reads as typed
        assert len(shown) >= 4 and {" ".join(t.split()) for t in shown} == {wanted}, (raw, shown)


def test_a_model_with_a_short_context_and_oversized_links_clamp_with_a_notice(page: Page, hostile_server: str) -> None:
    cat = cm.load_catalog()
    prices = ",".join([p for p in cat.prices if p.startswith("openrouter/")][:9])
    builds = ",".join([*cat.builds, *(f"evil-{i}" for i in range(8))])  # 25 builds
    for link, notice in (
        ("/?model_id=llama-2-7b&quant=Q4_K_M", "at most 4,096 tokens"),
        (f"/?price_id={prices}", "at most 8 API offerings"),
        (f"/?build_id={builds}", "at most 24 builds"),
    ):
        open_view(page, hostile_server + link)
        expect(page.locator(WARNING).filter(has_text=notice)).to_be_visible()
        expect(page.locator(ERROR)).to_have_count(0)
        expect(page.locator(EXCEPTION)).to_have_count(0)
        assert page.locator(CHART_DRAWN).count() > 0


# --- the store damaged while the server runs ---------------------------------------------------


@pytest.fixture
def tiny_home(tmp_path) -> Iterator[Path]:
    """A 1 MB tmpfs as the store's home: a disk that can fill."""
    with tmpfs(tmp_path / "tiny") as home:
        yield home


def save_in_browser(page: Page, name: str) -> None:
    """Save the view under ``name`` from the Scenarios page already open in ``page`` (same session)."""
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector(IDLE)


def test_faults_of_the_store_under_a_live_server_turn_saving_off_and_every_page_still_works(
    page: Page, tiny_home: Path
) -> None:
    path = tiny_home / "breakeven.sqlite3"
    Store(path).save_scenario("before", StudyInputs())
    good = tiny_home.parent / "good.sqlite3"
    shutil.copyfile(path, good)
    with running_app(env={"BREAKEVEN_HOME": str(tiny_home)}) as base:
        settled(page, f"{base}/scenarios")
        save_in_browser(page, "first")
        expect(page.get_by_text("Saved 'first'.")).to_be_visible()
        shutil.copyfile(path, good)  # checkpointed by the server's own save
        for kind in ("truncate", "garbage", "delete", "directory"):
            damage(kind, path)
            fresh = page.context.new_page()
            open_view(fresh, base + "/")  # a session that starts after the damage
            expect(fresh.locator(WARNING).filter(has_text="Saving is off")).to_be_visible()
            expect(fresh.locator(EXCEPTION)).to_have_count(0)
            settled(fresh, f"{base}/scenarios")
            expect(fresh.locator(ERROR).filter(has_text="cannot be saved")).to_be_visible()
            expect(fresh.locator(EXCEPTION)).to_have_count(0)
            fresh.close()
            # the session that was open before the damage: its save fails and says so
            save_in_browser(page, f"during {kind}")
            expect(page.locator(ERROR).filter(has_text="Not saved")).to_be_visible()
            expect(page.get_by_text(f"Saved 'during {kind}'.")).to_have_count(0)
            if path.is_dir():
                path.rmdir()
            shutil.copyfile(good, path)
        # a full disk: the save fails with the reason, what was saved stays
        filler = tiny_home / "filler"
        with filler.open("wb", buffering=0) as f, pytest.raises(OSError):
            while True:
                f.write(b"\0" * 65536)
        big = "x" * 70
        for i in range(30):
            save_in_browser(page, f"{big}{i}")
            if page.locator(ERROR).filter(has_text="Not saved").filter(has_text="disk is full").count():
                break
        expect(page.locator(ERROR).filter(has_text="Not saved").filter(has_text="disk is full")).to_be_visible()
        expect(page.locator(EXCEPTION)).to_have_count(0)
        filler.unlink()
        save_in_browser(page, "after")  # room again: the same session saves again
        expect(page.get_by_text("Saved 'after'.")).to_be_visible()
    assert {"before", "first", "after"} <= {s.name for s in Store(path).scenarios()}
    assert Store(path).integrity() == "ok"
