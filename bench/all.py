#!/usr/bin/env python3
"""The four speed figures of the break-even page, each against the bare page, in one run.

    .venv/bin/python bench/all.py [--quick]

1. first chart after the server starts (``first_view.py``): first and second session;
2. input change to redrawn chart in the browser (``redraw.py``): median and 90th percentile;
3. AppTest rerun after a widget change, caches missed and hit (``rerun.py``);
4. 20 browser sessions changing the page at once against one server (``load.py``): the server's
   CPU per redraw beside the browsers', so the server's own capacity is read apart from the load
   generator's.

Each ratio is against ``bench/bare_page.py`` (one number input, one plotly chart) measured by the
same script in the same run. ``--quick`` takes fewer runs (a look, not a figure for the README).
Takes about 6 minutes (2 with ``--quick``) on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import first_view  # noqa: E402
import load  # noqa: E402
import redraw  # noqa: E402
import rerun  # noqa: E402

#: the issue's goals, as the most the page may take against the bare page
GOALS = {"first view": 1.3, "redraw": 1.5, "rerun": 3.0}


def row(what: str, app: float, bare: float, unit: str, goal: float | None) -> str:
    ratio = app / bare
    verdict = "" if goal is None else (f"within {goal:g}x" if ratio <= goal else f"goal {goal:g}x missed")
    return f"{what:46s} {app:9.{1 if unit == 's' else 0}f} {unit:2s} {bare:9.{1 if unit == 's' else 0}f} {unit:2s} {ratio:6.2f}x  {verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and a shorter load")
    args = parser.parse_args()
    quick = args.quick

    lines = [f"{'':46s} {'page':>12s} {'bare':>12s} {'ratio':>7s}"]
    print("1/4 first view ...", flush=True)
    for what, app, bare, _ in first_view.report(first_view.measure(1 if quick else 3)):
        lines.append(row(what, app, bare, "s", GOALS["first view"]))
    print("2/4 redraw in the browser ...", flush=True)
    times = redraw.measure(5 if quick else 15)
    for stat, f in (("median", np.median), ("90th pct", lambda x: np.percentile(x, 90))):
        lines.append(row(f"redraw, a new price, {stat}", f(times["new"]), f(times["bare"]), "ms", GOALS["redraw"]))
        lines.append(row(f"redraw, a price seen before, {stat}", f(times["seen"]), f(times["bare"]), "ms", None))
    print("3/4 AppTest rerun ...", flush=True)
    reruns = {k: 1000 * statistics.median(v) for k, v in rerun.measure(10 if quick else 30).items()}
    bare = reruns["bare page, one plotly chart"]
    lines.append(row("AppTest rerun, caches missed, median", reruns["break-even page, cache misses"], bare, "ms", GOALS["rerun"]))
    lines.append(row("AppTest rerun, caches hit, median", reruns["break-even page, cache hits"], bare, "ms", None))
    print("4/4 20 sessions at once ...", flush=True)
    sessions, duration = (8, 20.0) if quick else (20, 60.0)
    figures = load.report(sessions, duration, *asyncio.run(load.main_async(sessions, duration)))

    print("\n=== the break-even page against the bare page, this run ===")
    print("\n".join(lines))
    print(
        f"{sessions} sessions at once: {figures['redraws']} redraws, {figures['errors']} errors, p95 {figures['p95']:.0f} ms; "
        f"CPU a redraw: server {figures['server']:.0f} ms, browsers {figures['browser']:.0f} ms, "
        f"Playwright {figures['Playwright driver']:.0f} ms"
    )


if __name__ == "__main__":
    main()
