"""Memory fit: can a machine hold a model's quant at a given context, and where do the bytes live?

    required = weights (the quant's file) + KV cache at the context + runtime overhead    [GB]

* **KV cache.** Per token and layer a GQA model caches K and V for each KV head
  (2 x n_kv_heads x head_dim elements); an MLA model caches one compressed latent
  (head_dim elements with n_kv_heads 1). Sliding-window layers cache at most their window.
  A model whose layers differ (``Model.kv_layers``: Gemma 4's global layers with 4 KV heads of
  512 beside 16 of 256, Qwen3.6's linear-attention layers that cache nothing) is summed kind by kind.
  Elements are 2 bytes in f16; llama.cpp's q8_0 and q4_0 cache types store 32 elements in 34
  and 18 bytes.
* **Runtime overhead.** ``RUNTIME_OVERHEAD_GB_PER_DEVICE`` per GPU (or per machine without one)
  for the CUDA/Metal context and llama.cpp's compute buffers: an estimate (the CUDA context
  alone takes about 0.3-0.5 GB; compute buffers for a large model take about 0.5-1.5 GB).
* **Placement.** Discrete GPUs hold what fits in their memory (weights and cache spread across
  cards); the rest spills to system RAM, less ``OS_RESERVE_GB`` kept for the operating system
  (llama.cpp's ``--n-cpu-moe`` / ``-ot exps=CPU`` keeps a MoE model's routed experts there).
  A unified-memory machine has one pool of which the GPU may wire ``gpu_usable_fraction`` by
  default; users raise that cap (``sudo sysctl iogpu.wired_limit_mb=...`` on macOS), leaving
  ``OS_RESERVE_GB`` to the system. A CPU-only server holds everything in RAM.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from .errors import CostModelError
from .schema import Hardware, MemoryOptions, Model, Quant
from .units import BYTES_PER_GB

#: bytes per cached element for each KV-cache type (llama.cpp q8_0: 34 bytes per 32 elements,
#: q4_0: 18 bytes per 32 elements).
KV_BYTES_PER_ELEMENT: dict[str, float] = {"f16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}

#: per-GPU (or per-machine) runtime overhead [GB]: an estimate, see the module docstring.
RUNTIME_OVERHEAD_GB_PER_DEVICE = 1.0

#: system memory left to the operating system and other programs [GB]: an estimate.
OS_RESERVE_GB = 8.0

Placement = Literal["gpu", "unified", "gpu+ram", "ram", "none"]

PLACEMENT_WORDS: dict[str, str] = {
    "gpu": "all in GPU memory",
    "unified": "in the unified memory pool",
    "gpu+ram": "split between GPU memory and system RAM",
    "ram": "in system RAM (CPU only)",
    "none": "does not fit",
}


@dataclasses.dataclass(frozen=True)
class Fit:
    """Where a model's bytes go on a build [GB throughout]."""

    fits: bool
    placement: Placement
    required_gb: float
    available_gb: float
    shortfall_gb: float
    weights_gb: float
    kv_cache_gb: float
    overhead_gb: float
    gpu_gb: float
    ram_gb: float
    needs_cap_raise: bool
    cap_raise_would_fit: bool
    message: str


def kv_cache_gb(model: Model, context_tokens: int, kv_cache_dtype: str = "f16") -> float:
    """KV-cache size of one sequence of ``context_tokens`` [GB].

    Llama 3.1 8B (32 layers, 8 KV heads of 128) at 8,192 tokens in f16:
    2 x 32 x 8 x 128 x 2 bytes x 8,192 = 1.07 GB.

    >>> from costmodel.schema import Model
    >>> m = Model(model_id="llama-3.1-8b", name="Llama 3.1 8B", total_params_b=8.03,
    ...           active_params_b=8.03, n_layers=32, n_kv_heads=8, head_dim=128,
    ...           max_context_tokens=131072)
    >>> round(kv_cache_gb(m, 8192), 3)
    1.074
    """
    if context_tokens < 0:
        raise CostModelError(f"kv_cache_gb: context_tokens must be >= 0, got {context_tokens}")
    try:
        bytes_per_element = KV_BYTES_PER_ELEMENT[kv_cache_dtype]
    except KeyError:
        raise CostModelError(
            f"kv_cache_gb: kv_cache_dtype must be one of {sorted(KV_BYTES_PER_ELEMENT)}, got {kv_cache_dtype!r}"
        ) from None
    if model.kv_layers:
        elements = sum(
            k.layers * k.tensors * k.kv_heads * k.head_dim * min(context_tokens, k.window_tokens or context_tokens)
            for k in model.kv_layers
        )
        return elements * bytes_per_element / BYTES_PER_GB
    tensors = 2 if model.attention == "gqa" else 1
    per_layer_token = tensors * model.n_kv_heads * model.head_dim * bytes_per_element
    windowed = model.kv_windowed_layer_share
    window = model.kv_window_tokens or context_tokens
    tokens = (1 - windowed) * context_tokens + windowed * min(context_tokens, window)
    return model.n_layers * per_layer_token * tokens / BYTES_PER_GB


#: the defaults of every memory question, from their one definition (``schema.MemoryOptions``)
DEFAULT_MEMORY = MemoryOptions()


def check_fit(
    build: Hardware,
    model: Model,
    quant: Quant,
    context_tokens: int = DEFAULT_MEMORY.context_tokens,
    *,
    kv_cache_dtype: str = DEFAULT_MEMORY.kv_cache_dtype,
    raise_gpu_memory_cap: bool = DEFAULT_MEMORY.raise_gpu_memory_cap,
    concurrency: int = DEFAULT_MEMORY.concurrency,
) -> Fit:
    """Whether ``build`` can hold ``quant`` of ``model`` with a ``context_tokens`` cache for each of
    ``concurrency`` streams.

    ``raise_gpu_memory_cap`` lets a unified-memory machine's GPU use all but ``OS_RESERVE_GB``
    of its RAM instead of its default ``gpu_usable_fraction``; without it, the result says when
    raising the cap would make the model fit. The defaults are ``MemoryOptions``', the same as a
    ``Scenario``'s, so ``check_fit``, ``estimate_speed`` and ``compare`` agree on every case.
    """
    weights = quant.file_size_gb
    if not 1 <= concurrency <= 4096:
        raise CostModelError(f"check_fit: concurrency must be within 1-4096, got {concurrency}")
    kv = kv_cache_gb(model, context_tokens, kv_cache_dtype) * concurrency
    devices = max(build.gpu_count, 1)
    overhead = RUNTIME_OVERHEAD_GB_PER_DEVICE * devices
    required = weights + kv + overhead
    ram_usable = max(build.system_ram_gb - OS_RESERVE_GB, 0.0)
    needs_raise = False
    cap_raise_fits = False

    if build.unified_memory:
        default_cap = build.system_ram_gb * build.usable_gpu_fraction
        raised_cap = max(ram_usable, default_cap)
        available = raised_cap if raise_gpu_memory_cap else default_cap
        fits = required <= available
        needs_raise = fits and required > default_cap
        cap_raise_fits = (not raise_gpu_memory_cap) and not fits and required <= raised_cap
        placement: Placement = "unified" if fits else "none"
        gpu_gb, ram_gb = (weights + kv, 0.0) if fits else (0.0, 0.0)
    elif build.gpu_count == 0:
        available = ram_usable
        fits = required <= available
        placement = "ram" if fits else "none"
        gpu_gb, ram_gb = (0.0, weights + kv) if fits else (0.0, 0.0)
    else:
        vram = build.gpu_count * (build.vram_gb_per_gpu or 0.0)
        vram_free = max(vram - overhead, 0.0)
        available = vram + ram_usable
        fits = required <= available
        if weights + kv <= vram_free:
            placement, gpu_gb, ram_gb = "gpu", weights + kv, 0.0
        elif fits:
            placement, gpu_gb, ram_gb = "gpu+ram", vram_free, weights + kv - vram_free
        else:
            placement, gpu_gb, ram_gb = "none", 0.0, 0.0

    shortfall = max(required - available, 0.0)
    if fits:
        message = f"fits {PLACEMENT_WORDS[placement]}: needs {required:,.0f} GB of {available:,.0f} GB"
        if placement == "gpu+ram":
            message += f" ({gpu_gb:,.0f} GB in GPU memory, {ram_gb:,.0f} GB in system RAM)"
        if needs_raise:
            message += (
                f"; only with the GPU memory cap raised above the default "
                f"{build.usable_gpu_fraction:.0%} of {build.system_ram_gb:,.0f} GB"
            )
    else:
        message = f"does not fit: needs {required:,.0f} GB, {available:,.0f} GB usable, short by {shortfall:,.0f} GB"
        if cap_raise_fits:
            message += "; raising the GPU memory cap (iogpu.wired_limit_mb on macOS) would make it fit"
    return Fit(
        fits=fits,
        placement=placement,
        required_gb=required,
        available_gb=available,
        shortfall_gb=shortfall,
        weights_gb=weights,
        kv_cache_gb=kv,
        overhead_gb=overhead,
        gpu_gb=gpu_gb,
        ram_gb=ram_gb,
        needs_cap_raise=needs_raise,
        cap_raise_would_fit=cap_raise_fits,
        message=message,
    )
