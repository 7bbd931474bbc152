#!/usr/bin/env python3
"""Screenshot pages of the dashboard in a real browser (Debian's chromium through Playwright).

    .venv/bin/python scripts/screenshot.py [--out docs/screenshots] [page-path ...]

Starts the app on a free loopback port, opens each page (default: the break-even page), waits
until a chart has been drawn, and saves a PNG per page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from live_server import CHART_DRAWN, launch_args, running_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("pages", nargs="*", default=[""], help="URL paths, e.g. '' or 'hardware?model_id=glm-5.2'")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with running_app() as base, sync_playwright() as p:
        browser = p.chromium.launch(**launch_args())
        page = browser.new_page(viewport={"width": args.width, "height": args.height}, device_scale_factor=1)
        for path in args.pages:
            page.goto(f"{base}/{path}")
            page.wait_for_selector(CHART_DRAWN, timeout=60_000)
            page.wait_for_timeout(1500)  # let plotly finish its transitions
            name = (path.split("?")[0] or "breakeven").replace("/", "_")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
