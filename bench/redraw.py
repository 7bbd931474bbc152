#!/usr/bin/env python3
"""How long from an input change to the redrawn chart? The break-even page against a bare page.

    .venv/bin/python bench/redraw.py [--runs 15]

Starts the dashboard (``tests/live_server.running_app``) and ``bench/bare_page.py`` (one number
input, one plotly chart; the same Streamlit command line) on free loopback ports, and opens each
in headless chromium through Playwright. Each run types a new electricity price and presses Enter
(the commit: a number input reruns the script on Enter), then polls the page once a frame until the
plotly chart's data differ from before and its traces are drawn. The time is taken inside the
page, from the Enter keydown to that frame, so Playwright's own round trips are not counted.

Three series, interleaved run by run so that all see the same load on the machine:

* break-even page, a price not seen before: the model is computed and both figures are built;
* break-even page, a price seen before: ``st.cache_data`` answers, what is left is Streamlit,
  the page's other elements and plotly.js;
* the bare page (baseline): Streamlit and plotly.js alone.

Prints the median and the 90th percentile (numpy's default) of each, in ms, after two warm-up runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from live_server import CHART_DRAWN, launch_args, running_app  # noqa: E402

BARE_PAGE = ROOT / "bench" / "bare_page.py"
LABEL = "Electricity [USD/kWh]"
TIMEOUT_MS = 60_000
PLOTS = '[data-testid="stPlotlyChart"] .js-plotly-plot'
#: every chart's data, as one string to compare
SNAPSHOT = f"JSON.stringify(Array.from(document.querySelectorAll('{PLOTS}')).map(gd => gd.data))"
#: ms from the last Enter keydown to the first frame with new chart data drawn; false until then
REDRAWN = f"""before => {{
    const now = {SNAPSHOT};
    if (now === before || document.querySelector('{CHART_DRAWN}') === null) return false;
    return performance.now() - window.__enterAt;
}}"""
MARK_ENTER = """() => window.addEventListener('keydown', e => {
    if (e.key === 'Enter') window.__enterAt = performance.now();
}, true)"""


def open_page(browser, url: str):
    """A page at ``url`` with its chart drawn and Enter keydowns timestamped."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.wait_for_selector(CHART_DRAWN)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    page.evaluate(MARK_ENTER)
    return page


def redraw_ms(page, usd_per_kwh: float) -> float:
    """Type a price, press Enter, and return the ms from the keydown to the redrawn chart."""
    page.bring_to_front()
    before = page.evaluate(f"() => {SNAPSHOT}")
    field = page.get_by_label(LABEL)
    field.fill(f"{usd_per_kwh:.3f}")
    field.press("Enter")
    elapsed = page.wait_for_function(REDRAWN, arg=before, polling="raf").json_value()
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    return float(elapsed)


def measure(runs: int) -> dict[str, list[float]]:
    """ms from Enter to the redrawn chart: ``new`` and ``seen`` prices on the break-even page, and the bare page."""
    from playwright.sync_api import sync_playwright

    seen = (0.40, 0.45)  # computed during the warm-up, then alternated: cache hits
    new = [0.16 + 0.01 * i for i in range(runs)]  # each computed once
    times: dict[str, list[float]] = {"new": [], "seen": [], "bare": []}
    with running_app() as app, running_app(script=BARE_PAGE) as bare, sync_playwright() as p:
        browser = p.chromium.launch(**launch_args())
        app_page, bare_page = open_page(browser, app), open_page(browser, bare)
        for value in seen:
            redraw_ms(app_page, value)
        for value in (0.40, 0.45):
            redraw_ms(bare_page, value)
        for i, value in enumerate(new):
            times["new"].append(redraw_ms(app_page, value))
            times["seen"].append(redraw_ms(app_page, seen[i % 2]))
            times["bare"].append(redraw_ms(bare_page, value))
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    times = measure(args.runs)
    rows = [
        ("break-even page, a price not seen before", times["new"]),
        ("break-even page, a price seen before (cached)", times["seen"]),
        ("bare page: 1 input + 1 chart (baseline)", times["bare"]),
    ]
    print(f"Enter key to redrawn chart, headless chromium, {args.runs} runs each, after 2 warm-up runs")
    print(f"{'':48s} {'median':>9s} {'p90':>9s}")
    for name, ms in rows:
        print(f"{name:48s} {np.median(ms):6.0f} ms {np.percentile(ms, 90):6.0f} ms")


if __name__ == "__main__":
    main()
