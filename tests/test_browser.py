"""The dashboard in a real browser: pages draw their charts, inputs redraw them, a link reproduces a view.

AppTest cannot see whether plotly.js drew anything, nor the URL a browser shows after a widget
changes: these tests drive Debian's chromium through pytest-playwright against one live server for
the whole session. A missing browser fails them (``chromium_path`` raises); it never skips them.
Screenshots of every page land in ``artifacts/screenshots/`` for a human to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from browser_kit import (
    DEFAULT_PRICE,
    ELECTRICITY,
    ERROR,
    EXCEPTION,
    INPUT_SHARE,
    TOKENS,
    WARNING,
    api_total_usd,
    chart_specs,
    chart_titled,
    last_month,
    open_view,
    query,
    redraw,
    screenshot,
    set_electricity,
    slider,
    split,
)
from live_server import chromium_path, running_app
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """One Streamlit server for every browser test, as pytest-playwright's base URL (pages open by path).

    The browser is checked first, so its absence fails fast. Defining ``base_url`` here also replaces
    pytest-playwright's fallback fixture, which pytest 9 warns about.
    """
    chromium_path()
    with running_app() as base:
        yield base


@pytest.mark.parametrize(
    "path",
    ["", "hardware", "models", "prices", "sensitivity"],
    ids=["breakeven", "hardware", "models", "prices", "sensitivity"],
)
def test_page_loads_and_draws_its_charts(page: Page, path: str) -> None:
    open_view(page, f"/{path}")
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(ERROR)).to_have_count(0)
    for i, traces in enumerate(chart_specs(page)):
        assert traces, f"chart {i} of /{path} has no traces"
    screenshot(page, f"{path or 'breakeven'}.png")


def test_higher_electricity_raises_every_local_line_and_leaves_the_api_and_rentals_alone(page: Page) -> None:
    open_view(page, "/")
    local_before, rent_before, api_before = split(last_month(page))
    assert local_before and rent_before and api_before

    redraw(page, lambda: set_electricity(page, "0.300"))
    chart_titled(page, "electricity $0.30/kWh")  # the redrawn chart, not one drawn on the way

    local_after, rent_after, api_after = split(last_month(page))
    assert local_after.keys() == local_before.keys()
    for name, usd in local_before.items():
        assert local_after[name] > usd + 1, f"{name}: ${usd:,.0f} at 0.15 $/kWh, ${local_after[name]:,.0f} at 0.30"
    assert api_after == pytest.approx(api_before, rel=1e-9)
    assert rent_after == pytest.approx(rent_before, rel=1e-9)  # a rental's hourly price holds the power
    expect(page.locator(EXCEPTION)).to_have_count(0)


@pytest.mark.parametrize(
    ("label", "key", "shown", "tokens_per_month", "input_share"),
    [
        (TOKENS, "ArrowRight", "70 M", 70e6, 0.75),
        (INPUT_SHARE, "ArrowLeft", "0.749", 50e6, 0.749),  # the mix moves in steps of 0.001
    ],
    ids=["tokens_per_month", "input_share"],
)
def test_a_slider_moved_by_keyboard_redraws_the_api_line_at_the_new_mix(
    page: Page, label: str, key: str, shown: str, tokens_per_month: float, input_share: float
) -> None:
    """50 M -> 70 M tokens, or 75% -> 74.9% input (more of the dearer output): the API spends more."""
    open_view(page, "/")
    _, _, api_before = split(last_month(page))
    assert api_before[f"API: {DEFAULT_PRICE}"] == pytest.approx(api_total_usd(50e6, 0.75), rel=1e-9)

    redraw(page, lambda: slider(page, label).press(key))

    expect(slider(page, label)).to_have_attribute("aria-valuetext", shown)
    _, _, api_after = split(last_month(page))
    expected = api_total_usd(tokens_per_month, input_share)
    assert api_after[f"API: {DEFAULT_PRICE}"] == pytest.approx(expected, rel=1e-9)
    assert expected > api_before[f"API: {DEFAULT_PRICE}"]


def test_the_url_carries_the_inputs_and_reproduces_the_view_in_a_new_context(
    page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    open_view(page, "/")
    redraw(page, lambda: set_electricity(page, "0.300"))
    redraw(page, lambda: slider(page, TOKENS).press("ArrowRight"))
    redraw(page, lambda: slider(page, INPUT_SHARE).press("ArrowLeft"))

    page.wait_for_function("() => new URLSearchParams(location.search).get('input_share') !== null")
    params = query(page)
    assert float(params["electricity_usd_per_kwh"]) == pytest.approx(0.3)
    assert float(params["tokens_per_month"]) == pytest.approx(70e6)
    assert float(params["input_share"]) == pytest.approx(0.749)
    link, charts = page.url, chart_specs(page)

    other = open_view(new_context().new_page(), link)
    expect(other.get_by_label(ELECTRICITY)).to_have_value("0.300")
    expect(slider(other, TOKENS)).to_have_attribute("aria-valuetext", "70 M")
    expect(slider(other, INPUT_SHARE)).to_have_attribute("aria-valuetext", "0.749")
    assert query(other) == params
    assert chart_specs(other) == charts
    expect(other.locator(WARNING)).to_have_count(0)


def test_invalid_values_in_the_url_warn_and_fall_back_to_the_defaults(page: Page) -> None:
    open_view(page, "/?tokens_per_month=banana&input_share=7")

    warnings = page.locator(WARNING)
    expect(warnings).to_have_count(2)
    expect(warnings.filter(has_text="tokens_per_month")).to_be_visible()
    expect(warnings.filter(has_text="input_share")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(ERROR)).to_have_count(0)
    expect(slider(page, TOKENS)).to_have_attribute("aria-valuetext", "50 M")
    expect(slider(page, INPUT_SHARE)).to_have_attribute("aria-valuetext", "0.750")
    assert "banana" not in page.url

    defaults = open_view(page.context.new_page(), "/")
    assert chart_specs(page) == chart_specs(defaults)


def test_a_ccusage_export_uploaded_in_the_sidebar_sets_the_volume_in_two_clicks(page: Page) -> None:
    from pathlib import Path

    fixture = Path(__file__).resolve().parent / "data" / "usage" / "ccusage_daily.json"
    open_view(page, "/")
    chart_titled(page, "50 M tokens a month")
    page.get_by_text("Your usage from a file").click()  # the expander
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(fixture))
    use = page.get_by_role("button", name="Use these")
    expect(use).to_be_visible()
    redraw(page, lambda: use.click())
    title = " ".join(t.get("name", "") for t in chart_titled(page, "644 M tokens a month, 99.8% input"))
    assert "API: " in title
    assert query(page)["tokens_per_month"] == "644057500"
    expect(page.locator(EXCEPTION)).to_have_count(0)
    screenshot(page, "breakeven-from-usage.png")
