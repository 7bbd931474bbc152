#!/usr/bin/env python3
"""How long does the break-even page take to rerun after a widget change? (AppTest, no browser)

    .venv/bin/python bench/rerun.py [--runs 30]

Each run sets the electricity price to a value not seen before (so the page's caches miss, as
when a user drags to a new value) and times ``AppTest.run()``; a second pass returns to those
values (cache hits: what is left is Streamlit drawing the page's widgets, cards and charts). The
baseline, measured the same way in the same run, is ``bench/bare_page.py``: one number input and
one plotly chart.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_PAGE = ROOT / "bench" / "bare_page.py"


def time_reruns(at: AppTest, runs: int, warm: bool = False) -> list[float]:
    at.run()
    times = []
    for i in range(runs) if not warm else list(range(runs)) * 2:
        at.number_input(key="electricity_usd_per_kwh").set_value(round(0.05 + 0.013 * i, 3))
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return times[runs:] if warm else times


def measure(runs: int) -> dict[str, list[float]]:
    """Seconds of each rerun: the bare page, the break-even page with its caches missed, then hit."""
    return {
        "bare page, one plotly chart": time_reruns(AppTest.from_file(str(BARE_PAGE), default_timeout=60), runs),
        "break-even page, cache misses": time_reruns(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), runs),
        "break-even page, cache hits": time_reruns(
            AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), runs, warm=True
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    rows = measure(args.runs)
    bare = statistics.median(rows["bare page, one plotly chart"])
    print(f"{'rerun after a widget change':32} {'median':>9} {'90th pct':>9} {'x bare':>7}")
    for label, times in rows.items():
        p50, p90 = statistics.median(times), statistics.quantiles(times, n=10)[-1]
        print(f"{label:32} {p50 * 1000:7.1f}ms {p90 * 1000:7.1f}ms {p50 / bare:6.1f}x")
    print("goal: a median within 3x the bare page with its caches missed")


if __name__ == "__main__":
    main()
