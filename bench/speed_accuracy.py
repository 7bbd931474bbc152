#!/usr/bin/env python3
"""How well does the speed model predict measured decode speeds?

    .venv/bin/python bench/speed_accuracy.py

For each point of ``data/throughput-calibration.csv`` (measured single-stream decode from public
benchmarks, with sources), prints the measured decode speed, the model's estimate, and the naive
rule ``0.65 x bandwidth / (active params x bits / 8)``; then the median and 90th-percentile
absolute percentage error of each (numpy's default percentile).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import costmodel as cm  # noqa: E402
from costmodel.io.calibration import CalibrationPoint, load_calibration  # noqa: E402


def naive_tok_s(point: CalibrationPoint) -> float:
    """0.65 x bandwidth / (active params x bits / 8): the rule of thumb, one device's bandwidth."""
    b = point.hardware
    bandwidth = b.vram_bandwidth_gbs if (b.gpu_count > 0 and not b.unified_memory) else b.ram_bandwidth_gbs
    return 0.65 * bandwidth / (point.model.active_params_b * point.quant.bits_per_weight / 8)


def estimate(point: CalibrationPoint, params: cm.SpeedParams = cm.speed.DEFAULT_SPEED_PARAMS) -> cm.Speed:
    return point.estimate(params)


def errors(points: list[CalibrationPoint], params: cm.SpeedParams = cm.speed.DEFAULT_SPEED_PARAMS):
    """Absolute percentage errors of the model and of the naive rule, per point [%]."""
    model = np.array([abs(estimate(p, params).decode_tok_s / p.decode_tok_s - 1) * 100 for p in points])
    naive = np.array([abs(naive_tok_s(p) / p.decode_tok_s - 1) * 100 for p in points])
    return model, naive


def summary(values: np.ndarray) -> tuple[float, float]:
    return float(np.median(values)), float(np.percentile(values, 90))


def main() -> None:
    points = load_calibration(cm.load_catalog())
    print(f"{'point':38} {'measured':>9} {'model':>8} {'err%':>6} {'naive':>8} {'err%':>6}  {'ceiling':>8}  bound")
    for p in points:
        est = estimate(p)
        naive = naive_tok_s(p)
        print(
            f"{p.point_id:38} {p.decode_tok_s:9.2f} {est.decode_tok_s:8.2f} "
            f"{(est.decode_tok_s / p.decode_tok_s - 1) * 100:+6.1f} {naive:8.2f} "
            f"{(naive / p.decode_tok_s - 1) * 100:+6.1f}  {est.ceiling_decode_tok_s:8.2f}  {est.bound}"
        )
    model, naive = errors(points)
    (m50, m90), (n50, n90) = summary(model), summary(naive)
    print(f"\n{len(points)} points   median abs error   90th percentile")
    print(f"model            {m50:12.1f}%   {m90:12.1f}%")
    print(f"naive rule       {n50:12.1f}%   {n90:12.1f}%")


if __name__ == "__main__":
    main()
