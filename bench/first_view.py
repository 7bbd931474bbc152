#!/usr/bin/env python3
"""How long from starting the server to the first chart drawn? The break-even page against a bare page.

    .venv/bin/python bench/first_view.py [--runs 3]

Each run starts a new server process (``tests/live_server.running_app``: the app, or
``bench/bare_page.py`` with one number input and one plotly chart; the same command line as
``python3 tasks.py run``) and times, from the moment the process is started:

* **first session**: until a browser that opens the page as soon as the server answers its health
  check sees its first plotly chart drawn (the server imports the page's modules and fills its
  caches for this session);
* **second session**: another visitor after that (a new browser context: none of the page's files
  cached), until its first chart is drawn (what every later visitor waits for).

The app and the bare page alternate run by run, so both see the same load on the machine. Prints
the median of each in seconds and the app's ratio to the bare page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from live_server import CHART_DRAWN, launch_args, running_app  # noqa: E402

BARE_PAGE = ROOT / "bench" / "bare_page.py"
TIMEOUT_MS = 180_000


def first_views(browser, script: Path) -> tuple[float, float]:
    """Seconds from starting ``script``'s server to the first chart of the first and of a second session."""
    start = time.perf_counter()
    with running_app(script=script, timeout_s=120) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        page.wait_for_selector(CHART_DRAWN)
        first = time.perf_counter() - start
        context.close()
        other = browser.new_context(viewport={"width": 1400, "height": 1000})  # another visitor: nothing cached
        second_page = other.new_page()
        second_page.set_default_timeout(TIMEOUT_MS)
        opened = time.perf_counter()
        second_page.goto(url)
        second_page.wait_for_selector(CHART_DRAWN)
        second = time.perf_counter() - opened
        other.close()
    return first, second


def measure(runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {"app first": [], "app second": [], "bare first": [], "bare second": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(**launch_args())
        for _ in range(runs):
            for name, script in (("app", ROOT / "app.py"), ("bare", BARE_PAGE)):
                first, second = first_views(browser, script)
                out[f"{name} first"].append(first)
                out[f"{name} second"].append(second)
        browser.close()
    return out


def report(times: dict[str, list[float]]) -> list[tuple[str, float, float, float]]:
    """(what, app median s, bare median s, ratio) for the first and the second session."""
    rows = []
    for which in ("first", "second"):
        app, bare = statistics.median(times[f"app {which}"]), statistics.median(times[f"bare {which}"])
        rows.append((f"first chart, {which} session", app, bare, app / bare))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = report(measure(args.runs))
    print(f"server start to first chart drawn, headless chromium, median of {args.runs} runs each")
    print(f"{'':34s} {'app':>8s} {'bare':>8s} {'ratio':>7s}")
    for name, app, bare, ratio in rows:
        print(f"{name:34s} {app:7.2f}s {bare:7.2f}s {ratio:6.2f}x")


if __name__ == "__main__":
    main()
