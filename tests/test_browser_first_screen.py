"""The first screen in a real browser: pickers that cannot explode, charts whose parts never print
over each other, and screenshots at 1,440 px of the pages a first-time user sees.

What only a browser shows: what Enter does in a multiselect, and where plotly.js puts the legend,
the notes and the title once the fonts are measured.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_kit import ERROR, EXCEPTION, IDLE, open_view, screenshot
from live_server import chromium_path, running_app
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 1000}


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    chromium_path()
    with running_app() as base:
        yield base


def picker(page: Page, label: str):
    return page.locator('[data-testid="stMultiSelect"]').filter(has_text=label)


def chosen(page: Page, label: str) -> int:
    return picker(page, label).locator(".react-aria-ComboBox [data-tag]").count()


@pytest.mark.parametrize(
    ("label", "typed"),
    [("API offerings", "glm"), ("Builds to compare", "4090")],
    ids=["offerings", "builds"],
)
def test_typing_and_enter_adds_at_most_one_and_never_breaks_the_page(page: Page, label: str, typed: str) -> None:
    open_view(page, "/")
    field = picker(page, label).locator("input")
    field.click()  # the picker's interactive part mounts on first use
    before = chosen(page, label)
    field.press_sequentially(typed, delay=60)  # as a person types: the list filters as each key lands
    page.wait_for_timeout(500)
    options = page.locator('[role="option"]').all_inner_texts()
    assert options and not [o for o in options if o.startswith("Select ")], options[:3]
    field.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(500)
    page.wait_for_selector(IDLE)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(ERROR)).to_have_count(0)
    after = chosen(page, label)
    assert before >= 1 and before <= after <= before + 1, (before, after)


def boxes(page: Page) -> list[dict]:
    """Each chart's svg size, its title, legend and note boxes [px], as plotly.js laid them out."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')).map(gd => {
            const svg = gd.querySelector('.main-svg').getBoundingClientRect();
            const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
                return {left: r.left - svg.left, right: r.right - svg.left, top: r.top - svg.top, bottom: r.bottom - svg.top}; };
            return {
                width: svg.width, height: svg.height,
                title: box(gd.querySelector('.g-gtitle')),
                legend: box(gd.querySelector('g.legend')),
                notes: Array.from(gd.querySelectorAll('g.annotation')).map(box),
            };
        })"""
    )


def test_legend_notes_and_title_stay_apart_and_inside_the_image(page: Page) -> None:
    page.set_viewport_size(WIDE)
    three = "zai/glm-5.2,avian/z-ai/glm-5.2,quicksilverpro/glm-5.2"
    builds = "mac-studio-m3-ultra-256gb,rtx3090-256gb-offload,rtx3090-x12,mac-studio-m3-ultra-512gb,mac-studio-192gb"
    open_view(page, f"/?price_id={three}&build_id={builds}")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg g.trace').length > 0"
        " && document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length === 2"
    )
    screenshot(page, "first-screen-three-offerings.png")
    charts = boxes(page)
    assert len(charts) == 2
    for chart in charts:
        title, legend = chart["title"], chart["legend"]
        assert title["right"] <= chart["width"] + 1, chart
        assert legend["bottom"] <= chart["height"] + 1, chart
        below = [n for n in chart["notes"] if n["top"] > legend["top"]]
        assert below, chart  # the notes sit under the legend...
        for note in below:
            assert note["top"] >= legend["bottom"] - 1, (note, legend)  # ...not over it
            assert note["bottom"] <= chart["height"] + 1 and note["right"] <= chart["width"] + 1, note


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("", "first-screen-breakeven.png"),
        ("hardware", "first-screen-hardware.png"),
        ("sensitivity", "first-screen-sensitivity.png"),
    ],
    ids=["breakeven", "hardware", "sensitivity"],
)
def test_pages_at_1440_px_fit_their_tables_and_are_saved_for_a_look(page: Page, path: str, name: str) -> None:
    page.set_viewport_size(WIDE)
    open_view(page, f"/{path}")
    expect(page.locator(EXCEPTION)).to_have_count(0)
    screenshot(page, name)
    widths = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid="stDataFrame"]')).map(d => {
            const scroller = d.querySelector('.dvn-scroller') || d;
            return [scroller.scrollWidth, scroller.clientWidth];
        })"""
    )
    if path == "hardware":
        scroll, visible = widths[0]
        assert scroll <= visible + 2, f"the Hardware table needs {scroll} px, the window shows {visible}"
