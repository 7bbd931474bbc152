#!/usr/bin/env python3
"""Fit the speed model's few parameters to the measured points, and check how it generalises.

    .venv/bin/python bench/fit_speed.py            # fit, print the parameters and the errors
    .venv/bin/python bench/fit_speed.py --quick    # the fit only, no cross-validation

Least squares of log(estimated / measured decode speed) over the points of
``data/throughput-calibration.csv``, by coordinate descent within physical bounds, for the
parameters in ``FITTED``: the bandwidth efficiency of each kind of memory (discrete GPU, unified,
system RAM read by the CPU), of routed-expert and KV-cache reads, the fixed time per token and
Metal's extra, the GPU <-> CPU hand-off per layer computed from RAM, the PCIe all-reduce hop
without peer-to-peer, and, for the engines the data has enough points of, a bandwidth factor or
an extra time per step. Then the errors on points the fit has not seen: leaving one point out,
one whole source out, one hardware family out. The values in
``costmodel.speed.DEFAULT_SPEED_PARAMS`` are this fit, rounded.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import costmodel as cm  # noqa: E402
from costmodel.io.calibration import CalibrationPoint, load_calibration  # noqa: E402
from costmodel.speed import DEFAULT_SPEED_PARAMS, SpeedParams  # noqa: E402

#: fitted parameter -> (low, high) bounds; engine parameters are "<engine>:bw" and "<engine>:step"
FITTED: dict[str, tuple[float, float]] = {
    "eff_vram": (0.4, 1.0),
    "eff_unified": (0.3, 1.0),
    "eff_ram": (0.2, 1.0),
    "eff_expert": (0.3, 1.0),
    "eff_kv": (0.2, 1.0),
    "t_token_s": (0.0, 0.02),
    "t_handoff_s": (0.0, 0.002),
    "t_layer_s": (0.0, 0.0005),
    "t_moe_layer_s": (0.0, 0.001),
    "t_metal_s": (0.0, 0.03),
    "hop_pcie_s": (1e-6, 1e-3),
    "mlx:bw": (0.6, 1.6),
    "mlx:step": (-0.01, 0.02),
    "vllm:bw": (0.6, 1.6),
    "ik_llama.cpp:bw": (0.6, 1.6),
    "ktransformers:bw": (0.4, 1.6),
}


#: where a fit starts when it must not see the shipped fit: the parameters fitted to the first 18
#: points (before the wider data), engines at llama.cpp's, no per-layer time
NEUTRAL: dict[str, float] = {
    "eff_vram": 0.80,
    "eff_unified": 0.88,
    "eff_ram": 0.78,
    "eff_expert": 0.70,
    "eff_kv": 1.0,
    "t_token_s": 0.0026,
    "t_handoff_s": 0.00028,
    "t_layer_s": 0.0,
    "t_moe_layer_s": 0.0,
    "t_metal_s": 0.0113,
    "hop_pcie_s": 30e-6,
    "mlx:bw": 1.0,
    "mlx:step": 0.0,
    "vllm:bw": 1.0,
    "ik_llama.cpp:bw": 1.0,
    "ktransformers:bw": 1.0,
}


def start_of(p: SpeedParams = DEFAULT_SPEED_PARAMS) -> dict[str, float]:
    """The fitted parameters' values in ``p`` (engines absent from ``p`` start at llama.cpp's)."""
    x = {k: getattr(p, k) for k in FITTED if hasattr(p, k)}
    x["t_metal_s"] = p.backend("metal")
    x["hop_pcie_s"] = dict(p.allreduce_s)["pcie"]
    for k in FITTED:
        if ":" in k:
            engine, what = k.split(":")
            bw, step = p.engine(engine)
            x[k] = bw if what == "bw" else step
    return x


def params_of(x: dict[str, float], base: SpeedParams = DEFAULT_SPEED_PARAMS) -> SpeedParams:
    plain = {k: v for k, v in x.items() if hasattr(base, k)}
    engines: dict[str, list[float]] = {}
    for k, v in x.items():
        if ":" in k:
            engine, what = k.split(":")
            engines.setdefault(engine, [1.0, 0.0])[0 if what == "bw" else 1] = v
    links = dict(base.allreduce_s) | {"pcie": x["hop_pcie_s"]}
    return dataclasses.replace(
        base,
        **plain,
        t_backend_s=(("metal", x["t_metal_s"]),),
        allreduce_s=tuple(links.items()),
        engine_s=tuple((e, bw, step) for e, (bw, step) in sorted(engines.items())),
    )


def speeds(points: Sequence[CalibrationPoint], params: SpeedParams, which: str = "decode_tok_s") -> np.ndarray:
    """The model's decode (or prefill) speed at each point."""
    return np.array([getattr(p.estimate(params), which) for p in points])


def log_ratios(points: Sequence[CalibrationPoint], params: SpeedParams) -> np.ndarray:
    return np.log(speeds(points, params) / np.array([p.decode_tok_s for p in points]))


def prefill_log_ratios(points: Sequence[CalibrationPoint], params: SpeedParams) -> np.ndarray:
    return np.log(speeds(points, params, "prefill_tok_s") / np.array([p.prefill_tok_s for p in points]))


def descend(
    loss_of: Callable[[dict[str, float]], float],
    start: dict[str, float],
    bounds: dict[str, tuple[float, float]],
    first_step: float = 0.25,
) -> dict[str, float]:
    """Coordinate descent within ``bounds``, halving every step until it is a 1e-4 share of its range."""
    x = dict(start)
    best = loss_of(x)
    step = {k: (hi - lo) * first_step for k, (lo, hi) in bounds.items()}
    while max(step[k] / (bounds[k][1] - bounds[k][0]) for k in step) > 1e-4:
        improved = False
        for k, (lo, hi) in bounds.items():
            for sign in (-1, 1):
                y = {**x, k: min(max(x[k] + sign * step[k], lo), hi)}
                loss = loss_of(y)
                if loss < best - 1e-12:
                    best, x, improved = loss, y, True
        if not improved:
            step = {k: v / 2 for k, v in step.items()}
    return x


def used(points: Sequence[CalibrationPoint]) -> dict[str, tuple[float, float]]:
    """The fitted parameters the points can say something about: an engine's only with points of it,
    Metal's only with Metal points, the PCIe hop only with tensor-parallel points over PCIe."""
    engines = {p.engine_kind for p in points}
    metal = any(p.hardware.gpu_backend == "metal" for p in points)
    pcie_tp = any(p.hardware.multi_gpu_mode == "tensor" and p.hardware.interconnect == "pcie" for p in points)
    keep = {k: b for k, b in FITTED.items() if ":" not in k or k.split(":")[0] in engines}
    if not metal:
        keep.pop("t_metal_s")
    if not pcie_tp:
        keep.pop("hop_pcie_s")
    return keep


def single(points: Sequence[CalibrationPoint]) -> list[CalibrationPoint]:
    """The single-stream points: the decode fit's; the batch path is fitted apart (``fit_batch``)."""
    return [p for p in points if p.batch == 1]


BATCH_BOUNDS = {"batch_expert_exponent": (0.2, 1.0), "t_seq_layer_s": (0.0, 2e-4)}


def fit_batch(points: Sequence[CalibrationPoint], base: SpeedParams) -> dict[str, float]:
    """The batch path's two parameters, on the points of batch above 1, the decode fit's kept."""
    batched = [p for p in points if p.batch > 1]
    return descend(
        lambda y: float(np.sum(log_ratios(batched, dataclasses.replace(base, **y)) ** 2)),
        {k: getattr(base, k) for k in BATCH_BOUNDS},
        BATCH_BOUNDS,
    )


def batch_held_out(points: Sequence[CalibrationPoint], base: SpeedParams) -> np.ndarray:
    """Absolute errors [%] of each batch point predicted by a batch fit to the other sources' points."""
    batched = [p for p in points if p.batch > 1]
    errors = np.zeros(len(batched))
    for g in sorted({p.source_key for p in batched}):
        out = [i for i, p in enumerate(batched) if p.source_key == g]
        y = fit_batch([p for p in batched if p.source_key != g], base)
        errors[out] = np.abs(np.expm1(log_ratios([batched[i] for i in out], dataclasses.replace(base, **y)))) * 100
    return errors


def fit(points: Sequence[CalibrationPoint], start: dict[str, float], first_step: float = 0.25) -> dict[str, float]:
    """The decode parameters minimising the sum of squared log ratios; those the points say nothing
    about stay at ``NEUTRAL`` (never at a value another fit learnt from points left out)."""
    points = single(points)
    bounds = used(points)
    base = {**start, **{k: NEUTRAL[k] for k in FITTED if k not in bounds}}
    x = descend(
        lambda y: float(np.sum(log_ratios(points, params_of({**base, **y})) ** 2)),
        {k: base[k] for k in bounds},
        bounds,
        first_step,
    )
    return {**base, **x}


PREFILL_BOUNDS = {"eff_prefill_gpu": (0.05, 1.0), "eff_prefill_cpu": (0.05, 1.0), "eff_prefill_expert": (0.1, 1.0)}


def fit_prefill(points: Sequence[CalibrationPoint], base: SpeedParams) -> dict[str, float]:
    """The same descent for the three prefill efficiencies, on the points with a prefill figure."""
    return descend(
        lambda y: float(np.sum(prefill_log_ratios(points, dataclasses.replace(base, **y)) ** 2)),
        {k: getattr(base, k) for k in PREFILL_BOUNDS},
        PREFILL_BOUNDS,
    )


def held_out(
    points: Sequence[CalibrationPoint],
    group: Callable[[CalibrationPoint], str],
    start: dict[str, float] | None = None,
    first_step: float = 0.25,
):
    """Absolute errors [%] of each point predicted by a fit to the points outside its group, started
    from ``NEUTRAL`` (or ``start``, for leave-one-out's many small fits)."""
    points = single(points)
    errors = np.zeros(len(points))
    for g in sorted({group(p) for p in points}):
        out = [i for i, p in enumerate(points) if group(p) == g]
        rest = [p for p in points if group(p) != g]
        xi = fit(rest, start or NEUTRAL, first_step=first_step)
        errors[out] = np.abs(np.expm1(log_ratios([points[i] for i in out], params_of(xi)))) * 100
    return errors


def report(label: str, errors_pct: np.ndarray) -> None:
    print(f"{label:34} median {np.median(errors_pct):5.1f}%   90th percentile {np.percentile(errors_pct, 90):5.1f}%")


def main() -> None:
    everything = load_calibration(cm.load_catalog())
    points = single(everything)
    x = fit(points, NEUTRAL)
    print(f"{len(points)} points from {len({p.source_key for p in points})} sources")
    print("fitted:", ", ".join(f"{k}={v:.4g}" for k, v in x.items()))
    report("in-sample (fitted)", np.abs(np.expm1(log_ratios(points, params_of(x)))) * 100)
    report("in-sample (defaults)", np.abs(np.expm1(log_ratios(points, DEFAULT_SPEED_PARAMS))) * 100)
    if "--quick" not in sys.argv:
        report("leave one point out", held_out(points, lambda p: p.point_id, x, first_step=0.05))
        report("leave one source out", held_out(points, lambda p: p.source_key))
        report("leave one hardware family out", held_out(points, lambda p: p.family))
    base = params_of(x)
    bx = fit_batch(everything, base)
    batched = [p for p in everything if p.batch > 1]
    print(
        f"\nbatch path fitted on {len(batched)} points of batch > 1:", ", ".join(f"{k}={v:.4g}" for k, v in bx.items())
    )
    report("batch, in sample", np.abs(np.expm1(log_ratios(batched, dataclasses.replace(base, **bx)))) * 100)
    report("batch, leave one source out", batch_held_out(everything, base))
    with_prefill = [p for p in points if p.prefill_tok_s]
    px = fit_prefill(with_prefill, base)
    print(f"\nprefill fitted on {len(with_prefill)} points:", ", ".join(f"{k}={v:.4g}" for k, v in px.items()))
    report(
        "prefill in-sample (fitted)",
        np.abs(np.expm1(prefill_log_ratios(with_prefill, dataclasses.replace(base, **px)))) * 100,
    )


if __name__ == "__main__":
    main()
