#!/usr/bin/env python3
"""How well does the speed model predict measured decode speeds, on points it was fitted to and not?

    .venv/bin/python bench/speed_accuracy.py           # every point, then the summary
    .venv/bin/python bench/speed_accuracy.py --summary # the summary only

For each point of ``data/throughput-calibration.csv`` (measured decode from public benchmarks,
with sources) prints the measured speed, the model's estimate with the shipped parameters, and the
naive rule ``0.65 x bandwidth / (active params x bits / 8)``. Then the median and 90th-percentile
absolute error [%] (numpy's default percentile) of: the shipped parameters (in sample); a fit that
leaves one point out; one that leaves one whole source out; one that leaves one hardware family out
(each point predicted by a fit to the others); and the naive rule on the same points. Beside them,
llmfit's published audit of its own estimator for reference (not on these points).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fit_speed  # noqa: E402

import costmodel as cm  # noqa: E402
from costmodel.io.calibration import CalibrationPoint, load_calibration  # noqa: E402

#: llmfit's audit of its own estimator (estimate / measured on 214 rows): median 0.78, p10 0.24, p90 1.47
LLMFIT_AUDIT = "llmfit's own audit: estimate/measured median 0.78, p10 0.24, p90 1.47 on 214 rows"


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
    everything = load_calibration(cm.load_catalog())
    points = fit_speed.single(everything)
    batched = [p for p in everything if p.batch > 1]
    if "--summary" not in sys.argv:
        print(f"{'point':50} {'measured':>9} {'model':>8} {'err%':>6} {'naive':>8} {'err%':>6}  {'ceiling':>8}  bound")
        for p in points:
            est, naive = estimate(p), naive_tok_s(p)
            print(
                f"{p.point_id:50} {p.decode_tok_s:9.2f} {est.decode_tok_s:8.2f} "
                f"{(est.decode_tok_s / p.decode_tok_s - 1) * 100:+6.1f} {naive:8.2f} "
                f"{(naive / p.decode_tok_s - 1) * 100:+6.1f}  {est.ceiling_decode_tok_s:8.2f}  {est.bound}"
            )
    model, naive = errors(points)
    x = fit_speed.start_of()
    rows = [("model, shipped parameters (in sample)", model)]
    rows.append(("model, leave one point out", fit_speed.held_out(points, lambda p: p.point_id, x, 0.05)))
    rows.append(("model, leave one source out", fit_speed.held_out(points, lambda p: p.source_key)))
    rows.append(("model, leave one hardware family out", fit_speed.held_out(points, lambda p: p.family)))
    rows.append(("naive rule (0.65 x bandwidth / bytes)", naive))
    batch_model, _ = errors(batched)
    base = cm.speed.DEFAULT_SPEED_PARAMS
    rows.append((f"aggregate at batch > 1 ({len(batched)} points), in sample", batch_model))
    rows.append(("aggregate at batch > 1, leave one source out", fit_speed.batch_held_out(everything, base)))
    sources, families = len({p.source_key for p in points}), len({p.family for p in points})
    print(f"\n{len(points)} single-stream points, {sources} sources, {families} hardware families")
    print(f"{'':42} {'median':>8} {'90th pct':>9}")
    for label, values in rows:
        m50, m90 = summary(values)
        print(f"{label:42} {m50:7.1f}% {m90:8.1f}%")
    print(LLMFIT_AUDIT)


if __name__ == "__main__":
    main()
