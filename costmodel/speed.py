"""Decode and prefill speed of a model on a build.

**Decode is memory-bandwidth bound.** Each token reads the active weights once
(``active_params_b x bits_per_weight / 8`` GB) plus the whole KV cache of the sequence. Bytes in
GPU memory are read at the GPU's bandwidth, bytes in system RAM at the RAM's. The physical
ceiling (``ceiling_decode_tok_s``) is bytes over bandwidth; the estimate adds what engines lose:

    t_token = (gpu_bytes + gpu_expert_bytes / eff_expert + gpu_kv_bytes / eff_kv) / (bandwidth_gpu x eff_gpu x f_engine)
            + (ram_bytes + ram_expert_bytes / eff_expert) / (bandwidth_ram x eff_ram x f_engine)
            + 2 x n_layers x (cards - 1) x hop latency     (tensor parallel only)
            + layers computed from RAM x t_handoff         (GPU + CPU hybrids only)
            + t_token + t_backend + t_engine + n_layers x (t_layer + t_moe_layer if MoE)   [s]

* ``eff_gpu`` is ``eff_vram`` for discrete cards and ``eff_unified`` for one shared pool;
  ``eff_ram`` is what the CPU reaches on system RAM. Routed MoE experts are many small
  matrices read at scattered places: they reach ``eff_expert`` of a dense read.
* llama.cpp's layer split reads one GPU after another: at batch 1 bandwidth does not add up.
  Tensor parallel reads all GPUs at once and pays two all-reduces per layer per token, whose
  latency depends on the link (PCIe or NVLink).
* A MoE model spilling to system RAM keeps its always-active part (``shared_params_b``:
  attention, embeddings, shared experts) and the KV cache in GPU memory and puts routed experts
  in RAM; each layer computed there hands its activations from GPU to CPU and back.
* ``t_token`` is the fixed cost of a step (sampling, the host's loop), ``t_layer`` that of each
  layer's kernel launches, and a MoE layer adds ``t_moe_layer`` (routing, a launch per expert):
  small MoE models on fast cards are bound by these, not bandwidth; a GPU interface
  (``t_backend``) and an engine (``t_engine``) may add to it, and an engine may reach a different
  share of the bandwidth (``f_engine``): MLX on Apple silicon, vLLM's CUDA graphs. llama.cpp is the
  reference (1 and 0); an engine the data says nothing about is taken as llama.cpp.
* Tensor parallel pays two all-reduces per layer per token; a ring all-reduce of a small message
  over ``cards`` takes ``cards - 1`` hops, each of a latency set by the link: NVLink, PCIe with
  peer-to-peer, or PCIe without it (GeForce cards: each hop goes through host memory).
* **Context depth.** Decode reads the KV cache filled so far, at ``filled_context_tokens`` (by
  default ``filled_context_share`` of the context the fit is sized for: a conversation grows from
  empty to the limit), read at ``eff_kv`` of the weights' efficiency (attention kernels); prefill at a
  filled context adds the attention FLOPs, ``attn_flops_per_kv_element`` per cached element per token.

The decode parameters are fitted by ``bench/fit_speed.py`` to the measured points of
``data/throughput-calibration.csv``; the README gives the errors in sample, leaving one point out,
and leaving a whole source or hardware family out.

**Prefill is compute bound**: ``2 x active_params`` FLOPs per token over the FP16 TFLOPs of the
device doing the work (all GPUs, or the CPU for parts in system RAM and CPU-only builds), times
an efficiency; routed-expert FLOPs count ``1 / eff_prefill_expert`` times.

**Batch above 1** (aggregate throughput of ``batch`` concurrent sequences): a step reads the
shared weights once for the whole batch and the routed experts any sequence picks
(``1 - (1 - k/E)^batch`` of them), each sequence's KV cache, and does ``2 x active x batch``
FLOPs; the step takes the longer of its memory time and its compute time. Throughput grows
with the batch until compute bound.
"""

from __future__ import annotations

import dataclasses

from .errors import CostModelError
from .memory import DEFAULT_MEMORY, Fit, check_fit, kv_cache_gb
from .schema import ENGINES, Assumptions, Hardware, Model, Quant, SpeedOptions
from .units import BITS_PER_BYTE, FLOPS_PER_TFLOP, PARAMS_PER_B

#: FP16 TFLOPs assumed for a CPU that a build does not describe (an estimate: a desktop CPU with
#: AVX2 or AVX-512 reaches about 1-2 TFLOPs on matrix products).
DEFAULT_CPU_TFLOPS = 1.0
#: the engine and filled context ``estimate_speed`` assumes unless told
DEFAULT_SPEED = SpeedOptions()


@dataclasses.dataclass(frozen=True)
class SpeedParams:
    """The few calibrated parameters of the speed model (see the module docstring)."""

    # decode: fitted by bench/fit_speed.py to data/throughput-calibration.csv (130 measured points)
    eff_vram: float = 0.885  # share of a discrete GPU's memory bandwidth reached in decode
    eff_unified: float = 0.898  # share of a unified-memory pool's bandwidth reached
    eff_ram: float = 0.664  # share of system-RAM bandwidth the CPU reaches
    t_token_s: float = 0.0  # fixed time per decode step: sampling, the host's loop [s]
    t_handoff_s: float = 0.000278  # GPU <-> CPU hand-off per layer computed from system RAM [s]
    eff_expert: float = 0.732  # efficiency of routed-expert reads relative to dense reads
    t_backend_s: tuple[tuple[str, float], ...] = (("metal", 0.00553),)  # extra time per step by GPU API [s]
    eff_kv: float = 0.821  # efficiency of KV-cache reads relative to weight reads
    t_layer_s: float = 6.4e-05  # time per layer per step: kernel launches and synchronisation [s]
    t_moe_layer_s: float = 2.3e-05  # extra time per MoE layer per step: routing, one launch per expert [s]
    #: by engine: (share of the reference's bandwidth reached, extra time per step [s]); llama.cpp,
    #: Ollama (llama.cpp inside) and any engine not listed are the reference (1, 0)
    engine_s: tuple[tuple[str, float, float], ...] = (
        ("ik_llama.cpp", 1.08, 0.0),
        ("ktransformers", 0.968, 0.0),
        ("mlx", 1.059, -0.00365),
        ("vllm", 0.883, 0.0),
    )
    # latency of one all-reduce hop of a small message by link [s]; "pcie" has no peer-to-peer.
    # pcie fitted (vLLM TP on 2-4 GeForce cards); pcie-p2p and nvlink physical defaults (NCCL class)
    allreduce_s: tuple[tuple[str, float], ...] = (
        ("pcie", 2.5e-06),
        ("pcie-p2p", 2.5e-06),
        ("nvlink", 2.5e-06),
        ("none", 0.0),
    )
    # batch above 1: fitted by bench/fit_speed.py to the multi-stream points (batch > 1)
    #: routed experts a batch touches: 1 - (1 - k/E) ** (batch ** batch_expert_exponent); 1 if the
    #: sequences choose experts independently, less where they agree (similar prompts)
    batch_expert_exponent: float = 0.60
    t_seq_layer_s: float = 3.7e-05  # time per extra sequence per layer per step: attention, sampling [s]
    # prefill: fitted by bench/fit_speed.py to the 118 points with a measured prompt speed (rough:
    # median error ~50%, so a measured prefill_tok_s is worth giving)
    eff_prefill_gpu: float = 0.38  # share of FP16 TFLOPs reached in prompt processing
    eff_prefill_cpu: float = 1.0  # share of the CPU's TFLOPs reached (at its bound: the CPU figures are low)
    eff_prefill_expert: float = 0.44  # efficiency of routed-expert FLOPs relative to dense ones
    # physical default, not fitted: QK^T and AV take 2 x 2 FLOPs per cached element per query head,
    # and a GQA model has about 4 query heads per KV head, so 2 x 4 per cached (K or V) element
    attn_flops_per_kv_element: float = 8.0

    def backend(self, gpu_backend: str | None) -> float:
        """Extra fixed time per decode step of a GPU programming interface [s]."""
        return dict(self.t_backend_s).get(gpu_backend or "", 0.0)

    def allreduce(self, interconnect: str, peer_to_peer: bool | None = None, cards: int = 2) -> float:
        """Latency of one all-reduce of a small message over ``cards`` on ``interconnect`` [s]:
        ``cards - 1`` hops; PCIe hops go through host memory unless ``peer_to_peer``."""
        link = "pcie-p2p" if interconnect == "pcie" and peer_to_peer else interconnect
        return dict(self.allreduce_s)[link] * max(cards - 1, 0)

    def engine(self, name: str) -> tuple[float, float]:
        """``(bandwidth factor, extra time per step [s])`` of an engine; llama.cpp's (1, 0) if not fitted."""
        for engine, factor, step in self.engine_s:
            if engine == name:
                return factor, step
        return 1.0, 0.0


DEFAULT_SPEED_PARAMS = SpeedParams()


@dataclasses.dataclass(frozen=True)
class Speed:
    """Estimated speeds of one model on one build [tokens/s], and what bounds decode."""

    decode_tok_s: float
    prefill_tok_s: float
    ceiling_decode_tok_s: float
    bound: str
    gpu_read_gb_per_token: float
    ram_read_gb_per_token: float
    batch: int
    fit: Fit


@dataclasses.dataclass(frozen=True)
class _Reads:
    """Bytes a decode step reads from each memory (routed-expert bytes apart), and the layers
    computed from system RAM."""

    gpu_gb: float
    gpu_expert_gb: float
    ram_gb: float
    ram_expert_gb: float
    ram_layers: float
    ram_weight_share: float  # share of the weights read that sit in system RAM (the CPU computes them)
    kv_gb: float  # the KV cache read, all sequences
    kv_in_ram: bool  # the cache sits in system RAM (CPU-only), else in GPU memory


def _reads(
    build: Hardware, model: Model, quant: Quant, fit: Fit, batch: int, kv_gb: float, expert_exponent: float = 1.0
) -> _Reads:
    """Where a decode step's bytes come from.

    A MoE model's always-active part (``shared_params_b``) and the KV cache go to GPU memory
    first; routed experts fill what is left and spill to RAM. A step reads the shared part and
    the routed experts any of the ``batch`` sequences picks: ``1 - (1 - k/E)^batch`` of them,
    with k/E the routed active share. A dense model (or a MoE without ``shared_params_b``) counts
    all weights as one block, split by layer.
    """
    bytes_per_param = quant.bits_per_weight / BITS_PER_BYTE
    moe = model.is_moe and model.shared_params_b is not None
    shared_b = model.shared_params_b if moe else 0.0
    shared_gb = shared_b * bytes_per_param
    routed_gb = max(quant.file_size_gb - shared_gb, 0.0)
    routed_total_b = model.total_params_b - shared_b
    active_share = (model.active_params_b - shared_b) / routed_total_b if routed_total_b > 0 else 1.0
    touched = 1.0 - (1.0 - min(active_share, 1.0)) ** (batch**expert_exponent)
    expert_gb = routed_gb * touched if moe else 0.0
    other_gb = shared_gb if moe else routed_gb * touched
    kv = kv_gb * batch

    if fit.placement == "ram":
        return _Reads(0.0, 0.0, other_gb, expert_gb, float(model.n_layers), 1.0, kv, True)
    if fit.placement != "gpu+ram":
        return _Reads(other_gb, expert_gb, 0.0, 0.0, 0.0, 0.0, kv, False)
    in_ram = min(fit.ram_gb / routed_gb, 1.0) if routed_gb > 0 else 1.0
    weights = other_gb + expert_gb
    if moe:
        ram_expert = expert_gb * in_ram
        return _Reads(
            other_gb, expert_gb - ram_expert, 0.0, ram_expert, in_ram * model.n_layers, ram_expert / weights, kv, False
        )
    dense_ram = other_gb * in_ram
    return _Reads(other_gb - dense_ram, 0.0, dense_ram, 0.0, in_ram * model.n_layers, dense_ram / weights, kv, False)


def estimate_speed(
    build: Hardware,
    model: Model,
    quant: Quant,
    context_tokens: int = DEFAULT_MEMORY.context_tokens,
    batch: int | None = None,
    *,
    kv_cache_dtype: str = DEFAULT_MEMORY.kv_cache_dtype,
    raise_gpu_memory_cap: bool = DEFAULT_MEMORY.raise_gpu_memory_cap,
    engine: str = DEFAULT_SPEED.engine,
    filled_context_share: float = DEFAULT_SPEED.filled_context_share,
    filled_context_tokens: int | None = None,
    concurrency: int = DEFAULT_MEMORY.concurrency,
    params: SpeedParams = DEFAULT_SPEED_PARAMS,
) -> Speed:
    """Decode and prefill speed of ``quant`` of ``model`` on ``build`` [tokens/s].

    ``decode_tok_s`` is the aggregate over ``batch`` sequences, never above
    ``ceiling_decode_tok_s`` (bytes over bandwidth and FLOPs over peak, with no loss). The fit is
    sized for ``context_tokens``; speeds are at ``filled_context_tokens`` of it filled (by default
    ``filled_context_share`` of ``context_tokens``), run by ``engine``. The fit holds a cache for
    each of ``concurrency`` streams; ``batch`` sequences decode together (by default all of them).
    Raises ``CostModelError`` when the model does not fit.

    Llama 3.1 8B at Q4_K_M (4.92 GB) on an RTX 4090 (1,008 GB/s) reads about 5 GB a token, so
    no engine can pass ~200 tok/s:

    >>> import costmodel as cm
    >>> cat = cm.load_catalog()
    >>> m = cat.models["llama-3.1-8b"]
    >>> s = estimate_speed(cat.builds["rtx4090-single"], m, m.quants["Q4_K_M"], context_tokens=512)
    >>> s.decode_tok_s < s.ceiling_decode_tok_s < 205
    True
    """
    batch = concurrency if batch is None else batch
    if not 1 <= batch <= 4096:
        raise CostModelError(f"estimate_speed: batch must be within 1-4096, got {batch}")
    if engine not in ENGINES:
        raise CostModelError(f"estimate_speed: engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if not 0 <= filled_context_share <= 1:
        raise CostModelError(f"estimate_speed: filled_context_share must be within 0-1, got {filled_context_share}")
    filled = round(context_tokens * filled_context_share) if filled_context_tokens is None else filled_context_tokens
    if not 0 <= filled <= context_tokens:
        raise CostModelError(
            f"estimate_speed: filled_context_tokens must be within 0-{context_tokens:,}, got {filled:,}"
        )
    fit = check_fit(
        build,
        model,
        quant,
        context_tokens,
        kv_cache_dtype=kv_cache_dtype,
        raise_gpu_memory_cap=raise_gpu_memory_cap,
        concurrency=max(concurrency, batch),
    )
    if not fit.fits:
        raise CostModelError(
            f"estimate_speed: {model.model_id} {quant.quant} on {getattr(build, 'build_id', build.name)}: {fit.message}"
        )
    kv_gb = kv_cache_gb(model, filled, kv_cache_dtype) if filled > 0 else 0.0  # per token and sequence
    reads = _reads(build, model, quant, fit, batch, kv_gb, params.batch_expert_exponent)

    # the memory the GPU reads, its bandwidth (tensor parallel reads all cards at once) and efficiency
    tensor = build.gpu_count > 1 and build.multi_gpu_mode == "tensor" and not build.unified_memory
    if build.unified_memory:
        gpu_bw, gpu_eff, gpu_kind = build.ram_bandwidth_gbs, params.eff_unified, "unified memory bandwidth"
    else:
        parallel = build.gpu_count if tensor else 1
        gpu_bw, gpu_eff, gpu_kind = (
            (build.vram_bandwidth_gbs or 0.0) * parallel,
            params.eff_vram,
            "GPU memory bandwidth",
        )
    ram_bw = build.ram_bandwidth_gbs

    gpu_kv, ram_kv = (0.0, reads.kv_gb) if reads.kv_in_ram else (reads.kv_gb, 0.0)
    gpu_gb = reads.gpu_gb + reads.gpu_expert_gb + gpu_kv
    ram_gb = reads.ram_gb + reads.ram_expert_gb + ram_kv
    expert, kv = params.eff_expert, params.eff_kv
    f_engine, t_engine = params.engine(engine)
    gpu_t_gb = reads.gpu_gb + reads.gpu_expert_gb / expert + gpu_kv / kv
    ram_t_gb = reads.ram_gb + reads.ram_expert_gb / expert + ram_kv / kv
    t_gpu = gpu_t_gb / (gpu_bw * gpu_eff * f_engine) if gpu_gb > 0 else 0.0
    t_ram = ram_t_gb / (ram_bw * params.eff_ram * f_engine) if ram_gb > 0 else 0.0
    hop = params.allreduce(build.interconnect, build.peer_to_peer, build.gpu_count)
    t_sync = 2 * model.n_layers * hop if tensor else 0.0
    t_handoff = reads.ram_layers * params.t_handoff_s if build.gpu_count > 0 else 0.0
    per_layer = params.t_layer_s + (params.t_moe_layer_s if model.is_moe else 0.0)
    fixed = max(params.t_token_s + params.backend(build.gpu_backend) + t_engine, 0.0) + model.n_layers * per_layer
    memory_t = t_gpu + t_ram + t_sync + t_handoff + fixed + (batch - 1) * model.n_layers * params.t_seq_layer_s
    ideal_memory_t = (gpu_gb / gpu_bw if gpu_gb > 0 else 0.0) + (ram_gb / ram_bw if ram_gb > 0 else 0.0)

    # compute: 2 x active params FLOPs per token, on the GPU for what it holds, on the CPU for the
    # rest. Prompt processing runs every card at once (tensor parallel, or llama.cpp's pipelined
    # micro-batches under a layer split); routed experts compute less efficiently (each sees a
    # slice of the batch).
    cards = build.gpu_count if (build.gpu_count > 1 and not build.unified_memory) else 1
    gpu_flops = (build.gpu_fp16_tflops or 0.0) * FLOPS_PER_TFLOP
    cpu_flops = (build.cpu_tflops or DEFAULT_CPU_TFLOPS) * FLOPS_PER_TFLOP
    flops_token = 2 * model.active_params_b * PARAMS_PER_B
    weights_gb = gpu_gb + ram_gb - reads.kv_gb
    expert_share = (reads.gpu_expert_gb + reads.ram_expert_gb) / weights_gb
    ram_share = reads.ram_weight_share
    ram_expert_share = reads.ram_expert_gb / weights_gb
    weight = (1 - expert_share) + expert_share / params.eff_prefill_expert  # expert FLOPs cost more
    ram_weight = (ram_share - ram_expert_share) + ram_expert_share / params.eff_prefill_expert
    if gpu_flops > 0:
        gpu_part = flops_token * (weight - ram_weight) / (gpu_flops * cards)
        cpu_part = flops_token * ram_weight / cpu_flops
    else:
        gpu_part, cpu_part = 0.0, flops_token * weight / cpu_flops
    # attention over the filled context: FLOPs per cached element, on the device holding the cache
    bytes_per_element = kv_cache_gb(model, 1, kv_cache_dtype) / max(kv_cache_gb(model, 1, "f16"), 1e-30) * 2
    attn_flops = params.attn_flops_per_kv_element * reads.kv_gb / batch * 1e9 / bytes_per_element
    if reads.kv_in_ram or gpu_flops <= 0:
        cpu_part += attn_flops / cpu_flops
    else:
        gpu_part += attn_flops / (gpu_flops * cards)
    prefill_t = gpu_part / params.eff_prefill_gpu + cpu_part / params.eff_prefill_cpu
    # a decode step of ``batch`` tokens: the cards of a layer split take turns, so one at a time
    step_cards = build.gpu_count if tensor else 1
    on_gpu = 1 - ram_share if gpu_flops > 0 else 0.0
    ideal_compute_t = (
        batch * flops_token * ((on_gpu / (gpu_flops * step_cards) if on_gpu > 0 else 0.0) + (1 - on_gpu) / cpu_flops)
    )
    compute_t = prefill_t * cards / step_cards * batch

    decode = min(batch / max(memory_t, compute_t), batch / max(ideal_memory_t, ideal_compute_t))
    ceiling = batch / max(ideal_memory_t, ideal_compute_t)
    if compute_t > memory_t:
        bound = "compute"
    elif t_ram > t_gpu:
        bound = "system RAM bandwidth"
    else:
        bound = gpu_kind if (build.gpu_count > 0 or build.unified_memory) else "system RAM bandwidth"
    return Speed(
        decode_tok_s=decode,
        prefill_tok_s=1.0 / prefill_t,
        ceiling_decode_tok_s=ceiling,
        bound=bound,
        gpu_read_gb_per_token=gpu_gb / batch,
        ram_read_gb_per_token=ram_gb / batch,
        batch=batch,
        fit=fit,
    )


#: published decode gains of speculative decoding / multi-token prediction, for the input's help:
#: (what, low, high) as multipliers on single-stream decode
SPECULATIVE_RANGES: tuple[tuple[str, float, float], ...] = (
    ("dense model with a small draft model, batch 1", 1.3, 2.0),
    ("MoE model, batch 1 (the draft's tokens touch other experts)", 0.8, 1.4),
    ("built-in multi-token prediction (GLM, DeepSeek, Qwen3.6 MTP heads), batch 1", 1.2, 1.8),
    ("large batch (the spare compute is gone)", 0.7, 1.1),
)


def streams_within(
    build: Hardware,
    model: Model,
    quant: Quant,
    floor_tok_s: float,
    *,
    most: int = 256,
    **options: object,
) -> int:
    """How many streams ``build`` serves at once with each at least ``floor_tok_s`` and every
    stream's KV cache held (0 when one stream is already slower). ``options`` as ``estimate_speed``'s.

    >>> import costmodel as cm
    >>> cat = cm.load_catalog(); m = cat.models["llama-3.1-8b"]
    >>> streams_within(cat.builds["rtx4090-single"], m, m.quants["Q4_K_M"], 15.0, context_tokens=8192) > 8
    True
    """
    options = {k: v for k, v in options.items() if k != "concurrency"}

    def serves(n: int) -> bool:
        try:
            speed = estimate_speed(build, model, quant, concurrency=n, **options)
        except CostModelError:  # the caches of n streams do not fit
            return False
        return speed.decode_tok_s / n >= floor_tok_s

    if not serves(1):
        return 0
    low, high = 1, 2
    while high <= most and serves(high):
        low, high = high, high * 2
    high = min(high, most + 1)
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if serves(mid) else (low, mid)
    return low


def streams_at_floor(build: Hardware, model: Model, quant: Quant, assumptions: Assumptions) -> int | None:
    """``streams_within`` at the assumptions' ``min_stream_tok_s`` (speculative decoding counted), with
    their context, engine and cache; None when they set no floor."""
    a = assumptions
    if a.min_stream_tok_s is None:
        return None
    floor = a.min_stream_tok_s / a.speculative_speedup
    return streams_within(build, model, quant, floor, **{**a.speed.model_dump(), "concurrency": 1})
