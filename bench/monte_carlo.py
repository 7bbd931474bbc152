#!/usr/bin/env python3
"""How fast is ``cm.monte_carlo``? 10,000 draws over 60 months, beside a loop of ``compare`` calls.

    .venv/bin/python bench/monte_carlo.py

The article's scenario: GLM 5.2 UD-IQ2_XXS on the 256 GB M3 Ultra Mac Studio against
``zai/glm-5.2``, 50 M tokens a month (3:1 input:output, 30% of input cached), 60 months, the
default uncertain inputs (seven of them, triangular).

* ``cm.monte_carlo(scenario, n=10_000, seed=0)``: median and 90th percentile of 21 runs after a
  warm-up; the goal is under 100 ms.
* baseline, measured in the same run: the median time of one ``cm.compare`` (the speed estimate
  included) over 200 calls, times 10,000: what costing each draw with a Python loop would take.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DRAWS = 10_000
GOAL_S = 0.100


def times_s(fn, runs: int) -> list[float]:
    fn()  # warm-up: imports, caches, first allocation of the arrays
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    import costmodel as cm

    cat = cm.load_catalog()
    model = cat.models["glm-5.2"]
    scenario = cm.Scenario(
        build=cat.builds["mac-studio-m3-ultra-256gb"],
        model=model,
        quant=model.quants["UD-IQ2_XXS"],
        price=cat.prices["zai/glm-5.2"],
        usage=cm.Usage(tokens_per_month=50e6, input_share=0.75, cached_input_share=0.3),
        electricity_usd_per_kwh=0.15,
        horizon_months=60,
    )
    mc_times = times_s(lambda: cm.monte_carlo(scenario, n=DRAWS, seed=0), runs=21)
    compare_times = times_s(lambda: cm.compare(scenario), runs=200)
    mc = statistics.median(mc_times)
    mc_p90 = statistics.quantiles(mc_times, n=10)[-1]
    loop = statistics.median(compare_times) * DRAWS
    result = cm.monte_carlo(scenario, n=DRAWS, seed=0)
    print(
        f"cm.monte_carlo, {DRAWS:,} draws x 61 months: median {mc * 1000:6.1f} ms, 90th percentile {mc_p90 * 1000:6.1f} ms"
    )
    print(
        f"baseline: one cm.compare x {DRAWS:,}:         {loop * 1000:8.1f} ms "
        f"({statistics.median(compare_times) * 1e6:.0f} us a call), {loop / mc:.0f}x the vectorised run"
    )
    print(f"goal under {GOAL_S * 1000:.0f} ms: {'met' if mc < GOAL_S else 'NOT met'}")
    s = result.summary
    usd = [f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}" for x in (s.savings_p10_usd, s.savings_p50_usd, s.savings_p90_usd)]
    print(f"(P(local cheaper) {s.probability_local_cheaper:.1%}; savings at month 60 p10/p50/p90 {' / '.join(usd)})")


if __name__ == "__main__":
    main()
