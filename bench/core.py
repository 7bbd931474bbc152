#!/usr/bin/env python3
"""How fast is the library? Import time and one ``compare``, each beside a baseline from the same run.

    .venv/bin/python bench/core.py

* import: ``import costmodel`` in a fresh interpreter, against importing only its dependencies
  (numpy, pandas, pydantic) in a fresh interpreter; median of 7 runs each.
* compare: one ``cm.compare`` of the article's GLM 5.2 scenario (60 months, speed estimated),
  against building the same Scenario object alone; median of 200 calls after a warm-up.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_import_s(code: str, runs: int = 7) -> float:
    timer = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
    times = [
        float(
            subprocess.run([sys.executable, "-c", timer], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(times)


def median_call_s(fn, calls: int = 200) -> float:
    fn()
    times = []
    for _ in range(calls):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    deps = fresh_import_s("import numpy, pandas, pydantic")
    lib = fresh_import_s("import costmodel")
    print(f"import numpy+pandas+pydantic (baseline): {deps * 1000:7.1f} ms")
    print(f"import costmodel:                        {lib * 1000:7.1f} ms  (+{(lib - deps) * 1000:.1f} ms of its own)")

    import costmodel as cm

    cat = cm.load_catalog()
    model = cat.models["glm-5.2"]
    fields = dict(
        build=cat.builds["mac-studio-m3-ultra-256gb"],
        model=model,
        quant=model.quants["UD-IQ2_XXS"],
        price=cat.prices["zai/glm-5.2"],
        usage=cm.Usage(tokens_per_month=50e6, input_share=0.75, cached_input_share=0.3),
        electricity_usd_per_kwh=0.15,
        horizon_months=60,
    )
    scenario = cm.Scenario(**fields)
    build_s = median_call_s(lambda: cm.Scenario(**fields))
    compare_s = median_call_s(lambda: cm.compare(scenario))
    load_s = median_call_s(cm.load_catalog, calls=20)
    print(f"build a Scenario (baseline):             {build_s * 1e6:7.1f} us")
    print(
        f"cm.compare (60 months, speed estimated): {compare_s * 1e6:7.1f} us  ({compare_s / build_s:.0f}x the baseline)"
    )
    print(f"cm.load_catalog (4 CSV files):           {load_s * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
