#!/usr/bin/env python3
"""Fit the speed model's few parameters to the measured points, and check how it generalises.

    .venv/bin/python bench/fit_speed.py

Least squares of log(estimated / measured decode speed) over the points of
``data/throughput-calibration.csv``, by coordinate descent within physical bounds, for the six
parameters that set decode time: the bandwidth efficiency of each kind of memory (discrete GPU,
unified, system RAM read by the CPU), the fixed time per token, the GPU <-> CPU hand-off per layer
computed from system RAM, and Metal's extra time per token. All-reduce latencies and prefill
efficiencies stay at their physical defaults. Then leave-one-out: each point predicted by a fit
to the other points, a fair guess of the error on points the fit has not seen.
The values in ``costmodel.speed.DEFAULT_SPEED_PARAMS`` are this fit, rounded.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import costmodel as cm  # noqa: E402
from costmodel.io.calibration import CalibrationPoint, load_calibration  # noqa: E402
from costmodel.speed import DEFAULT_SPEED_PARAMS, SpeedParams  # noqa: E402

BOUNDS = {
    "eff_vram": (0.4, 1.0),
    "eff_unified": (0.4, 1.0),
    "eff_ram": (0.3, 1.0),
    "t_token_s": (0.0, 0.02),
    "t_handoff_s": (0.0, 0.002),
    "t_metal_s": (0.0, 0.03),
    "eff_expert": (0.3, 1.0),
}


def params_of(x: dict[str, float]) -> SpeedParams:
    fields = {k: v for k, v in x.items() if k != "t_metal_s"}
    return dataclasses.replace(DEFAULT_SPEED_PARAMS, **fields, t_backend_s=(("metal", x["t_metal_s"]),))


def speeds(points: list[CalibrationPoint], params: SpeedParams, which: str = "decode_tok_s") -> np.ndarray:
    """The model's decode (or prefill) speed at each point."""
    return np.array([getattr(p.estimate(params), which) for p in points])


def log_ratios(points: list[CalibrationPoint], params: SpeedParams) -> np.ndarray:
    return np.log(speeds(points, params) / np.array([p.decode_tok_s for p in points]))


def prefill_log_ratios(points: list[CalibrationPoint], params: SpeedParams) -> np.ndarray:
    return np.log(speeds(points, params, "prefill_tok_s") / np.array([p.prefill_tok_s for p in points]))


def descend(
    loss_of: Callable[[dict[str, float]], float],
    start: dict[str, float],
    bounds: dict[str, tuple[float, float]],
    fixed: tuple[str, ...] = (),
) -> dict[str, float]:
    """Coordinate descent within ``bounds``, halving every step until it is a 1e-5 share of its range."""
    x = dict(start)
    best = loss_of(x)
    step = {k: (hi - lo) / 4 for k, (lo, hi) in bounds.items()}
    while max(step[k] / (bounds[k][1] - bounds[k][0]) for k in step) > 1e-5:
        improved = False
        for k, (lo, hi) in bounds.items():
            if k in fixed:
                continue
            for sign in (-1, 1):
                y = {**x, k: min(max(x[k] + sign * step[k], lo), hi)}
                loss = loss_of(y)
                if loss < best - 1e-12:
                    best, x, improved = loss, y, True
        if not improved:
            step = {k: v / 2 for k, v in step.items()}
    return x


def fit(points: list[CalibrationPoint], start: dict[str, float], fixed: tuple[str, ...] = ()) -> dict[str, float]:
    """The decode parameters minimising the sum of squared log ratios."""
    return descend(lambda x: float(np.sum(log_ratios(points, params_of(x)) ** 2)), start, BOUNDS, fixed)


PREFILL_BOUNDS = {"eff_prefill_gpu": (0.1, 1.0), "eff_prefill_cpu": (0.05, 1.0), "eff_prefill_expert": (0.1, 1.0)}


def fit_prefill(points: list[CalibrationPoint], base: SpeedParams) -> dict[str, float]:
    """The same descent for the three prefill efficiencies, on the points with a prefill figure."""
    return descend(
        lambda y: float(np.sum(prefill_log_ratios(points, dataclasses.replace(base, **y)) ** 2)),
        {k: getattr(base, k) for k in PREFILL_BOUNDS},
        PREFILL_BOUNDS,
    )


def report(label: str, errors_pct: np.ndarray) -> None:
    print(f"{label:28} median {np.median(errors_pct):5.1f}%   90th percentile {np.percentile(errors_pct, 90):5.1f}%")


def main() -> None:
    points = load_calibration(cm.load_catalog())
    d = DEFAULT_SPEED_PARAMS
    start = {
        "eff_vram": d.eff_vram,
        "eff_unified": d.eff_unified,
        "eff_ram": d.eff_ram,
        "t_token_s": d.t_token_s,
        "t_handoff_s": d.t_handoff_s,
        "t_metal_s": d.backend("metal"),
        "eff_expert": d.eff_expert,
    }
    x = fit(points, start)
    print("fitted:", ", ".join(f"{k}={v:.4g}" for k, v in x.items()))
    report("in-sample (fitted)", np.abs(np.expm1(log_ratios(points, params_of(x)))) * 100)
    report("in-sample (defaults)", np.abs(np.expm1(log_ratios(points, d))) * 100)
    loo = []
    for i, held in enumerate(points):
        xi = fit(points[:i] + points[i + 1 :], x)
        loo.append(abs(np.expm1(log_ratios([held], params_of(xi))[0])) * 100)
        print(f"  leave out {held.point_id:38} error {loo[-1]:5.1f}%")
    report("leave-one-out", np.array(loo))

    with_prefill = [p for p in points if p.prefill_tok_s]
    px = fit_prefill(with_prefill, d)
    print("\nprefill fitted:", ", ".join(f"{k}={v:.4g}" for k, v in px.items()))
    report(
        "prefill in-sample (fitted)",
        np.abs(np.expm1(prefill_log_ratios(with_prefill, dataclasses.replace(d, **px)))) * 100,
    )
    report("prefill in-sample (defaults)", np.abs(np.expm1(prefill_log_ratios(with_prefill, d))) * 100)


if __name__ == "__main__":
    main()
