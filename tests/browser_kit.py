"""What the browser tests share: selectors, waiting for a drawn page, reading charts, screenshots."""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import numpy as np
from live_server import CHART_DRAWN, ROOT
from playwright.sync_api import Locator, Page, expect

import costmodel as cm

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


def chart_titled(page: Page, start: str) -> list[dict]:
    """The traces of the chart whose title holds ``start``, once it is drawn (charts are found by
    what they are, not by their place on the page, which a rerun may change while it draws)."""
    find = f"""start => Array.from(document.querySelectorAll('{PLOTS}'))
        .filter(gd => gd.layout && gd.layout.title && (gd.layout.title.text || '').includes(start)
                      && gd.data && gd.data.length > 0)
        .map(gd => gd.data)[0] || null"""
    page.wait_for_function(find, arg=start)
    return page.evaluate(find, start)


def last_month(page: Page) -> dict[str, float]:
    """The cumulative-cost chart's lines (builds, rentals and APIs, by legend name) at the last month."""
    lines = {}
    for trace in chart_titled(page, "Cumulative cost [USD]"):
        if trace.get("mode") == "lines":
            x, y = numbers(trace["x"]), numbers(trace["y"])
            assert x[-1] == HORIZON_MONTHS, trace["name"]
            lines[trace["name"]] = float(y[-1])
    return lines


def split(lines: dict[str, float]) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """(builds bought, rentals, API offerings)."""
    api = {name: usd for name, usd in lines.items() if name.startswith("API: ")}
    rent = {name: usd for name, usd in lines.items() if name.startswith("Rent: ")}
    return {name: usd for name, usd in lines.items() if name not in api and name not in rent}, rent, api


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
    """What the default API offering charges over the horizon at a flat volume, in present value at
    the default 4% a year cost of capital: month m's bill x 1.04^(-m/12)."""
    price = cm.load_catalog().prices[DEFAULT_PRICE]
    usage = cm.Usage(tokens_per_month=tokens_per_month, input_share=input_share)
    weights = sum(1.04 ** (-m / 12) for m in range(1, HORIZON_MONTHS + 1))
    return weights * tokens_per_month / 1e6 * cm.blended_usd_per_mtok(price, usage)
