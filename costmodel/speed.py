"""Decode and prefill speed of a model on a build.

**Decode is memory-bandwidth bound.** Each token reads the active weights once
(``active_params_b x bits_per_weight / 8`` GB) plus the whole KV cache of the sequence. Bytes in
GPU memory are read at the GPU's bandwidth, bytes in system RAM at the RAM's. The physical
ceiling is bytes over bandwidth; the estimate adds what real engines lose:

    t_token = gpu_bytes / (bandwidth_gpu x eff_gpu) + ram_bytes / (bandwidth_ram x eff_ram)
              + tensor-parallel sync + t_fixed                                         [s]

* llama.cpp's layer split reads one GPU after another: at batch 1 bandwidth does not add up.
  Tensor parallel reads all GPUs at once and pays two all-reduces per layer per token, whose
  latency depends on the link (``SpeedParams.allreduce_s``).
* A MoE model spilling to system RAM keeps its always-active part (attention, shared experts,
  ``shared_params_b``) and the KV cache in GPU memory and the routed experts in RAM: the RAM
  read per token is the routed active bytes times the share of experts living in RAM.
* ``eff_*`` (the share of peak bandwidth an engine reaches on each kind of memory) and
  ``t_fixed`` (kernel launches, sampling, synchronisation per token) are few and physical; their
  values and the points they were calibrated on are in ``DEFAULT_SPEED_PARAMS`` and the README.

**Prefill is compute bound**: ``2 x active_params`` FLOPs per token over the FP16 TFLOPs of the
device doing the work (the GPU, or the CPU for parts in system RAM and CPU-only builds), times
an efficiency.

**Batch above 1** (aggregate throughput of ``batch`` concurrent sequences): a step reads the
weights once for the whole batch (a MoE reads the experts any of the sequences routes to:
``1 - (1 - k/E)^batch`` of them), each sequence's KV cache, and does ``2 x active x batch``
FLOPs; the step takes the longer of its memory time and its compute time. Throughput grows
with the batch until compute bound.
"""

from __future__ import annotations

import dataclasses

from .errors import CostModelError
from .fit import Fit, check_fit
from .schema import Build, Model, Quant
from .units import BITS_PER_BYTE, FLOPS_PER_TFLOP, PARAMS_PER_B

#: FP16 TFLOPs assumed for a CPU that a build does not describe (an estimate: a desktop CPU with
#: AVX2 or AVX-512 reaches about 1-2 TFLOPs on matrix products).
DEFAULT_CPU_TFLOPS = 1.0


@dataclasses.dataclass(frozen=True)
class SpeedParams:
    """Engine efficiencies: the few calibrated parameters of the speed model."""

    eff_gpu: float = 0.9  # share of a discrete GPU's memory bandwidth reached in decode
    eff_unified: float = 0.8  # share of a unified-memory pool's bandwidth reached
    eff_ram: float = 0.6  # share of system-RAM bandwidth reached by the CPU
    t_fixed_s: float = 0.003  # fixed time per decoded token [s]
    allreduce_s: dict[str, float] = dataclasses.field(
        default_factory=lambda: {"pcie": 30e-6, "nvlink": 8e-6, "none": 0.0}
    )  # latency of one all-reduce in tensor parallel [s]
    eff_prefill_gpu: float = 0.5  # share of FP16 TFLOPs reached in prompt processing
    eff_prefill_cpu: float = 0.5


DEFAULT_SPEED_PARAMS = SpeedParams()


@dataclasses.dataclass(frozen=True)
class Speed:
    """Estimated speeds of one model on one build [tokens/s]."""

    decode_tok_s: float
    prefill_tok_s: float
    ceiling_decode_tok_s: float
    bound: str
    gpu_read_gb_per_token: float
    ram_read_gb_per_token: float
    batch: int
    fit: Fit


def _moe_split(model: Model, quant: Quant) -> tuple[float, float, float]:
    """(shared GB, routed-expert GB in the file, routed-active share) for reading placement.

    Without ``shared_params_b`` every parameter counts as routed, so a spill reads the file's
    share in RAM of the active bytes (the layer-split rule of a dense model).
    """
    bytes_per_param = quant.bits_per_weight / BITS_PER_BYTE
    shared_b = model.shared_params_b if (model.is_moe and model.shared_params_b) else 0.0
    shared_gb = shared_b * bytes_per_param
    routed_gb = max(quant.file_size_gb - shared_gb, 0.0)
    routed_total_b = model.total_params_b - shared_b
    active_share = (model.active_params_b - shared_b) / routed_total_b if routed_total_b > 0 else 1.0
    return shared_gb, routed_gb, active_share


def estimate_speed(
    build: Build,
    model: Model,
    quant: Quant,
    context_tokens: int = 8192,
    batch: int = 1,
    *,
    kv_cache_dtype: str = "f16",
    raise_gpu_memory_cap: bool = False,
    params: SpeedParams = DEFAULT_SPEED_PARAMS,
) -> Speed:
    """Decode and prefill speed of ``quant`` of ``model`` on ``build`` [tokens/s].

    ``decode_tok_s`` is the aggregate over ``batch`` sequences, never above
    ``ceiling_decode_tok_s`` (bytes over bandwidth, with no loss).
    Raises ``CostModelError`` when the model does not fit.
    """
    if not 1 <= batch <= 4096:
        raise CostModelError(f"estimate_speed: batch must be within 1-4096, got {batch}")
    fit = check_fit(
        build, model, quant, context_tokens, kv_cache_dtype=kv_cache_dtype, raise_gpu_memory_cap=raise_gpu_memory_cap
    )
    if not fit.fits:
        raise CostModelError(f"estimate_speed: {model.model_id} {quant.quant} on {build.build_id}: {fit.message}")

    bytes_per_param = quant.bits_per_weight / BITS_PER_BYTE
    active_gb = model.active_params_b * bytes_per_param
    shared_gb, routed_gb, active_share = _moe_split(model, quant)
    # share of the routed experts a step touches: 1 - (1 - k/E)^batch
    touched = 1.0 - (1.0 - active_share) ** batch
    routed_active_gb = max(active_gb - shared_gb, 0.0)
    step_weights_gb = shared_gb + routed_gb * touched if batch > 1 else active_gb
    kv_gb = fit.kv_cache_gb * batch

    # bytes per step in RAM: the routed experts that live there (GPU holds shared part and cache first)
    if fit.placement == "gpu+ram":
        ram_share = min(fit.ram_gb / routed_gb, 1.0) if routed_gb > 0 else 1.0
        ram_read = (routed_active_gb if batch == 1 else routed_gb * touched) * ram_share
    elif fit.placement == "ram":
        ram_read = step_weights_gb + kv_gb
    else:
        ram_read = 0.0
    gpu_read = step_weights_gb + kv_gb - ram_read

    n = max(build.gpu_count, 1)
    if build.unified_memory:
        gpu_bw, gpu_eff, kind = build.ram_bandwidth_gbs, params.eff_unified, "unified memory bandwidth"
    elif build.gpu_count > 0:
        parallel = n if build.multi_gpu_mode == "tensor" else 1
        gpu_bw, gpu_eff, kind = (build.vram_bandwidth_gbs or 0.0) * parallel, params.eff_gpu, "GPU memory bandwidth"
    else:
        gpu_bw, gpu_eff, kind = 0.0, params.eff_ram, "GPU memory bandwidth"

    t_gpu = gpu_read / (gpu_bw * gpu_eff) if gpu_read > 0 else 0.0
    t_ram = ram_read / (build.ram_bandwidth_gbs * params.eff_ram) if ram_read > 0 else 0.0
    t_sync = 0.0
    if build.gpu_count > 1 and build.multi_gpu_mode == "tensor" and not build.unified_memory:
        t_sync = 2 * model.n_layers * params.allreduce_s[build.interconnect]

    ceiling_t = (gpu_read / gpu_bw if gpu_read > 0 else 0.0) + (
        ram_read / build.ram_bandwidth_gbs if ram_read > 0 else 0.0
    )
    memory_t = t_gpu + t_ram + t_sync + params.t_fixed_s

    # compute time of a step: 2 x active params x batch FLOPs
    flops_step = 2 * model.active_params_b * PARAMS_PER_B * batch
    gpu_flops = (build.gpu_fp16_tflops or 0.0) * FLOPS_PER_TFLOP * (n if build.multi_gpu_mode == "tensor" else 1)
    cpu_flops = (build.cpu_tflops or DEFAULT_CPU_TFLOPS) * FLOPS_PER_TFLOP
    ram_param_share = ram_read / (gpu_read + ram_read) if (gpu_read + ram_read) > 0 else 0.0
    if build.gpu_count == 0:
        compute_t = flops_step / (cpu_flops * params.eff_prefill_cpu)
    else:
        compute_t = flops_step * (1 - ram_param_share) / (gpu_flops * params.eff_prefill_gpu) + (
            flops_step * ram_param_share / (cpu_flops * params.eff_prefill_cpu)
        )

    step_t = max(memory_t, compute_t)
    decode = batch / step_t
    ceiling = batch / max(ceiling_t, compute_t * params.eff_prefill_gpu) if ceiling_t > 0 else decode
    decode = min(decode, ceiling)
    if compute_t > memory_t:
        bound = "compute"
    elif t_ram > t_gpu:
        bound = "system RAM bandwidth"
    else:
        bound = kind if build.gpu_count > 0 or build.unified_memory else "system RAM bandwidth"

    flops_token = 2 * model.active_params_b * PARAMS_PER_B
    if build.gpu_count == 0:
        prefill_t = flops_token / (cpu_flops * params.eff_prefill_cpu)
    else:
        prefill_t = flops_token * (1 - ram_param_share) / (gpu_flops * params.eff_prefill_gpu) + (
            flops_token * ram_param_share / (cpu_flops * params.eff_prefill_cpu)
        )
    return Speed(
        decode_tok_s=decode,
        prefill_tok_s=1.0 / prefill_t,
        ceiling_decode_tok_s=ceiling,
        bound=bound,
        gpu_read_gb_per_token=gpu_read / batch,
        ram_read_gb_per_token=ram_read / batch,
        batch=batch,
        fit=fit,
    )
