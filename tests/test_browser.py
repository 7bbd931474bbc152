"""The dashboard in a real browser: pages draw their charts, inputs redraw them, a link reproduces a view.

AppTest cannot see whether plotly.js drew anything, nor the URL a browser shows after a widget
changes: these tests drive Debian's chromium through pytest-playwright against one live server for
the whole session. A missing browser fails them (``chromium_path`` raises); it never skips them.
Screenshots of every page land in ``artifacts/screenshots/`` for a human to look at.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from live_server import CHART_DRAWN, ROOT, chromium_path, launch_args, running_app
from playwright.sync_api import BrowserContext, Locator, Page, expect

import costmodel as cm

pytestmark = pytest.mark.browser

#: the machine is slow and shared: a first script run with a cold cache can take many seconds
TIMEOUT_MS = 60_000
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PLOTS = '[data-testid="stPlotlyChart"] .js-plotly-plot'
EXCEPTION = '[data-testid="stException"]'
#: ``ui.guard.run_page`` turns any failure of a page into ``st.error``: no traceback, so look for both
ERROR = '[data-testid="stAlertContentError"]'
WARNING = '[data-testid="stAlertContentWarning"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
expect.set_options(timeout=TIMEOUT_MS)

ELECTRICITY = "Electricity [USD/kWh]"
TOKENS = "Tokens per month (input + output)"
INPUT_SHARE = "Input share of tokens"
DEFAULT_PRICE = "zai/glm-5.2"
HORIZON_MONTHS = 60


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium, headless, with the flags it needs here (``playwright install`` is never run)."""
    return {**browser_type_launch_args, **launch_args()}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A desktop-sized window, so the sidebar is open and screenshots show the whole layout."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """One Streamlit server for every browser test, as pytest-playwright's base URL (pages open by path).

    The browser is checked first, so its absence fails fast. Defining ``base_url`` here also replaces
    pytest-playwright's fallback fixture, which pytest 9 warns about.
    """
    chromium_path()
    with running_app() as base:
        yield base


def open_view(page: Page, url: str) -> Page:
    """Go to ``url`` and wait until the script has finished and every chart on the page is drawn."""
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.wait_for_selector(CHART_DRAWN)
    page.wait_for_selector(IDLE)
    page.wait_for_function(
        """() => {
            const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
            return charts.length > 0 && Array.from(charts).every(c => c.querySelector('.main-svg g.trace'));
        }"""
    )
    return page


def chart_specs(page: Page) -> list[list[dict]]:
    """Every chart's traces as plotly.js holds them (``gd.data``), in page order."""
    return page.evaluate(f"() => Array.from(document.querySelectorAll('{PLOTS}')).map(gd => gd.data)")


def numbers(value: list | dict) -> np.ndarray:
    """A trace's x or y as floats; plotly 7 sends numeric arrays as ``{"dtype": "f8", "bdata": <base64>}``."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).astype(float)
    return np.asarray(value, dtype=float)


def last_month(page: Page) -> dict[str, float]:
    """The cumulative-cost chart's lines (builds and APIs, by legend name) at the last month."""
    lines = {}
    for trace in chart_specs(page)[0]:
        if trace.get("mode") == "lines":
            x, y = numbers(trace["x"]), numbers(trace["y"])
            assert x[-1] == HORIZON_MONTHS, trace["name"]
            lines[trace["name"]] = float(y[-1])
    return lines


def split(lines: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """(local builds, API offerings)."""
    api = {name: usd for name, usd in lines.items() if name.startswith("API: ")}
    return {name: usd for name, usd in lines.items() if name not in api}, api


def redraw(page: Page, action: Callable[[], None]) -> None:
    """Do ``action`` and wait until the break-even charts' data differ from before it."""
    before = page.evaluate(f"() => JSON.stringify(Array.from(document.querySelectorAll('{PLOTS}')).map(gd => gd.data))")
    action()
    page.wait_for_function(
        f"""before => {{
            const now = JSON.stringify(Array.from(document.querySelectorAll('{PLOTS}')).map(gd => gd.data));
            return now !== before && document.querySelector('{CHART_DRAWN}') !== null;
        }}""",
        arg=before,
    )
    page.wait_for_selector(IDLE)


def screenshot(page: Page, name: str) -> None:
    """The whole page as ``artifacts/screenshots/<name>``.

    Streamlit scrolls its main area and sidebar inside the window, so ``full_page`` alone would
    stop at the window's height: the window is made as tall as the taller of the two first.
    """
    height = page.evaluate(
        """() => Math.max(...Array.from(document.querySelectorAll(
            '[data-testid="stMain"], [data-testid="stSidebarContent"]')).map(e => e.scrollHeight))"""
    )
    width = page.viewport_size["width"] if page.viewport_size else 1400
    page.set_viewport_size({"width": width, "height": min(max(height, 600), 8000)})
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def set_electricity(page: Page, usd_per_kwh: str) -> None:
    field = page.get_by_label(ELECTRICITY)
    field.fill(usd_per_kwh)
    field.press("Enter")


def slider(page: Page, label: str) -> Locator:
    return page.get_by_role("slider", name=label)


def query(page: Page) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(page.url).query).items()}


def api_total_usd(tokens_per_month: float, input_share: float) -> float:
    """What the default API offering charges over the horizon at a flat volume, from the library."""
    price = cm.load_catalog().prices[DEFAULT_PRICE]
    usage = cm.Usage(tokens_per_month=tokens_per_month, input_share=input_share)
    return HORIZON_MONTHS * tokens_per_month / 1e6 * cm.blended_usd_per_mtok(price, usage)


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


def test_higher_electricity_raises_every_local_line_and_leaves_the_api_alone(page: Page) -> None:
    open_view(page, "/")
    local_before, api_before = split(last_month(page))
    assert local_before and api_before

    redraw(page, lambda: set_electricity(page, "0.300"))

    local_after, api_after = split(last_month(page))
    assert local_after.keys() == local_before.keys()
    for name, usd in local_before.items():
        assert local_after[name] > usd + 1, f"{name}: ${usd:,.0f} at 0.15 $/kWh, ${local_after[name]:,.0f} at 0.30"
    assert api_after == pytest.approx(api_before, rel=1e-9)
    expect(page.locator(EXCEPTION)).to_have_count(0)


@pytest.mark.parametrize(
    ("label", "key", "shown", "tokens_per_month", "input_share"),
    [
        (TOKENS, "ArrowRight", "70 M", 70e6, 0.75),
        (INPUT_SHARE, "ArrowLeft", "0.70", 50e6, 0.70),
    ],
    ids=["tokens_per_month", "input_share"],
)
def test_a_slider_moved_by_keyboard_redraws_the_api_line_at_the_new_mix(
    page: Page, label: str, key: str, shown: str, tokens_per_month: float, input_share: float
) -> None:
    """50 M -> 70 M tokens, or 75% -> 70% input (more of the dearer output): the API spends more."""
    open_view(page, "/")
    _, api_before = split(last_month(page))
    assert api_before[f"API: {DEFAULT_PRICE}"] == pytest.approx(api_total_usd(50e6, 0.75), rel=1e-9)

    redraw(page, lambda: slider(page, label).press(key))

    expect(slider(page, label)).to_have_attribute("aria-valuetext", shown)
    _, api_after = split(last_month(page))
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
    assert float(params["input_share"]) == pytest.approx(0.7)
    link, charts = page.url, chart_specs(page)

    other = open_view(new_context().new_page(), link)
    expect(other.get_by_label(ELECTRICITY)).to_have_value("0.300")
    expect(slider(other, TOKENS)).to_have_attribute("aria-valuetext", "70 M")
    expect(slider(other, INPUT_SHARE)).to_have_attribute("aria-valuetext", "0.70")
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
    expect(slider(page, INPUT_SHARE)).to_have_attribute("aria-valuetext", "0.75")
    assert "banana" not in page.url

    defaults = open_view(page.context.new_page(), "/")
    assert chart_specs(page) == chart_specs(defaults)
