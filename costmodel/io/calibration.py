"""The measured speeds the speed model is fitted to and judged on, as hardware, models and quants.

``data/throughput-calibration.csv``: one measured decode (and prefill) speed per row, with the
hardware described in the catalogue's terms. ``mem_bandwidth_gbs`` is per device: the GPU's for
GPU rows, the pool's for unified-memory and CPU-only rows. A point is hardware only: no costs.
``context_tokens`` is the filled context the speed was measured at (512 for llama-bench's default
``pp512`` / ``tg128``, the depth of a sweep's row); ``engine_kind`` is the engine as the speed model
knows it, ``source_key`` the independent source (for leaving a whole source out), ``build_id`` the
catalogue build the hardware is, where it is one.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from pathlib import Path

from ..catalog import Catalog, lookup
from ..errors import CostModelError
from ..schema import Hardware, Model, Quant
from ..speed import DEFAULT_SPEED_PARAMS, Speed, SpeedParams, estimate_speed
from .files import default_data_dir, read_text

CALIBRATION_FILE = "throughput-calibration.csv"


@dataclasses.dataclass(frozen=True)
class CalibrationPoint:
    """One measured decode (and prefill) speed, with the hardware, model and quant it ran."""

    point_id: str
    hardware: Hardware
    model: Model
    quant: Quant
    context_tokens: int
    kv_cache_dtype: str
    decode_tok_s: float
    prefill_tok_s: float | None
    engine: str
    source: str
    engine_kind: str = "llama.cpp"
    source_key: str = ""
    build_id: str = ""
    batch: int = 1

    @property
    def family(self) -> str:
        """The hardware family, for leaving a whole family out: apple, nvidia, amd-apu, amd-gpu, cpu."""
        h = self.hardware
        if h.gpu_count == 0:
            return "cpu"
        if h.gpu_backend == "metal":
            return "apple"
        if h.gpu_backend in ("vulkan", "rocm"):
            return "amd-apu" if h.unified_memory else "amd-gpu"
        return "nvidia"

    def estimate(self, params: SpeedParams = DEFAULT_SPEED_PARAMS) -> Speed:
        """The speed model's estimate at this point (the cap of a Mac raised, as the benchmarks ran)."""
        return estimate_speed(
            self.hardware,
            self.model,
            self.quant,
            max(self.context_tokens, 1),
            self.batch,
            kv_cache_dtype=self.kv_cache_dtype,
            raise_gpu_memory_cap=True,
            engine=self.engine_kind,
            filled_context_share=1.0,
            params=params,
        )


def _leading_number(text: str) -> float:
    """``'~404 (GGUF)'`` -> 404.0."""
    match = re.search(r"\d+(\.\d+)?", text)
    if match is None:
        raise CostModelError(f"{CALIBRATION_FILE}: no number in {text!r}")
    return float(match.group())


def load_calibration(catalog: Catalog, path: str | Path | None = None) -> list[CalibrationPoint]:
    """Measured speeds of ``data/throughput-calibration.csv`` as hardware, models and quants."""
    path = Path(path) if path is not None else default_data_dir() / CALIBRATION_FILE
    rows = list(csv.DictReader(io.StringIO(read_text(path), newline="")))
    points = []
    for line, row in enumerate(rows, start=2):
        try:
            unified = row["unified_memory"] == "true"
            gpus = int(row["gpu_count"])
            bandwidth = float(row["mem_bandwidth_gbs"])
            on_gpu = gpus > 0 and not unified
            hardware = Hardware(
                name=row["hardware"][:120],
                gpu_name=row["hardware"][:200] if gpus else None,
                gpu_count=gpus,
                vram_gb_per_gpu=float(row["vram_gb_per_gpu"]) if on_gpu else None,
                vram_bandwidth_gbs=bandwidth if on_gpu else None,
                gpu_fp16_tflops=float(row["gpu_fp16_tflops"]) if gpus else None,
                gpu_backend=row["gpu_backend"],
                multi_gpu_mode=row["multi_gpu_mode"],
                interconnect=row["interconnect"],
                peer_to_peer={"true": True, "false": False}.get(row.get("p2p", "")),
                unified_memory=unified,
                system_ram_gb=float(row["system_ram_gb"]),
                ram_bandwidth_gbs=bandwidth if not on_gpu else float(row["ram_bandwidth_gbs"]),
                cpu_tflops=float(row["cpu_tflops"]),
                source=row["source"],
            )
            model = lookup(catalog.models, row["model_id"], "model").model_copy(
                update={
                    "total_params_b": float(row["total_params_b"]),
                    "active_params_b": float(row["active_params_b"]),
                    "quants": {},
                }
            )
            quant = Quant(
                quant=row["quant"][:60],
                file_size_gb=_leading_number(row["model_size_gb"]),
                bits_per_weight=float(row["bits_per_weight"]),
                source=row["source"],
            )
            points.append(
                CalibrationPoint(
                    point_id=row["point_id"],
                    hardware=hardware,
                    model=model,
                    quant=quant,
                    context_tokens=int(row["context_tokens"]),
                    kv_cache_dtype="q8_0" if "q8_0 KV" in row["engine"] + row["annotation_note"] else "f16",
                    decode_tok_s=float(row["decode_tok_s"]),
                    prefill_tok_s=float(row["prefill_tok_s"]) if row["prefill_tok_s"] else None,
                    engine=row["engine"],
                    source=row["source"],
                    engine_kind=row.get("engine_kind") or "llama.cpp",
                    source_key=row.get("source_key") or row["source"],
                    build_id=row.get("build_id") or "",
                    batch=int(row.get("batch") or 1),
                )
            )
        except (CostModelError, KeyError, ValueError) as exc:
            raise CostModelError(f"{path.name} row {line}: {exc}") from None
    return points
