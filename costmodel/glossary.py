"""One glossary of names used project-wide: CSV headers, model fields, DataFrame columns.

The same string serves as CSV header, model field, DataFrame column, widget key and URL
parameter, and its unit is in its name. ``GLOSSARY[name]`` gives ``(unit, meaning)``; figures
take their axis titles from here (``axis_title``). A test checks that every CSV header and
every public field is listed.
"""

from __future__ import annotations

GLOSSARY: dict[str, tuple[str, str]] = {
    # provenance
    "source": ("", "where the row's figures come from (URL or citation)"),
    "as_of": ("date", "date the figures were published or checked"),
    "confidence": ("", "sourced, derived (computed from sourced figures), estimate, or mixed"),
    "note": ("", "how a figure was derived or estimated"),
    # builds
    "build_id": ("", "id of a build"),
    "name": ("", "display name"),
    "capex_usd": ("USD", "purchase price of the whole machine"),
    "gpu_name": ("", "GPU model"),
    "gpu_count": ("GPUs", "number of GPUs (0 for a CPU-only machine)"),
    "vram_gb_per_gpu": ("GB", "memory per discrete GPU"),
    "vram_bandwidth_gbs": ("GB/s", "memory bandwidth per discrete GPU"),
    "gpu_fp16_tflops": ("TFLOPS", "dense FP16 tensor throughput per GPU"),
    "gpu_backend": ("", "GPU programming interface llama.cpp uses: cuda, rocm, vulkan, metal, or cpu"),
    "multi_gpu_mode": ("", "layer (GPUs read one after another) or tensor (all at once)"),
    "interconnect": ("", "link between GPUs: pcie, nvlink or none"),
    "unified_memory": ("", "true when CPU and GPU share one memory pool"),
    "gpu_usable_fraction": ("0-1", "share of unified memory the GPU may use by default"),
    "system_ram_gb": ("GB", "system RAM (the whole pool on a unified-memory machine)"),
    "ram_bandwidth_gbs": ("GB/s", "system RAM bandwidth"),
    "cpu_tflops": ("TFLOPS", "CPU matrix throughput for work done on the CPU"),
    "power_load_w": ("W", "whole machine at the wall while generating"),
    "power_idle_w": ("W", "whole machine at the wall while idle"),
    "lifetime_months": ("months", "economic life before the machine is sold"),
    "resale_fraction": ("0-1", "share of capex recovered at the end of life"),
    # models and quants
    "model_id": ("", "id of an open-weight model"),
    "total_params_b": ("B params", "total parameters"),
    "active_params_b": ("B params", "parameters used per token (all of them for a dense model)"),
    "shared_params_b": ("B params", "always-active parameters of a MoE model (attention, shared experts)"),
    "n_layers": ("layers", "transformer layers"),
    "n_kv_heads": ("heads", "key/value heads per layer (1 for MLA)"),
    "head_dim": ("elements", "width of a cached head (the latent width for MLA)"),
    "attention": ("", "gqa (K and V cached per head) or mla (one latent per layer)"),
    "kv_window_tokens": ("tokens", "sliding-window length of windowed layers"),
    "kv_windowed_layer_share": ("0-1", "share of layers with a sliding window"),
    "max_context_tokens": ("tokens", "longest context the model supports"),
    "license": ("", "licence of the weights"),
    "quants": ("", "the model's quantisations by name"),
    "quant": ("", "name of a quantisation"),
    "file_size_gb": ("GB", "size of the weights file"),
    "bits_per_weight": ("bits", "file size x 8 / total parameters"),
    "quality_retained": ("0-1", "quality relative to the full-precision model"),
    "quality_confidence": ("", "sourced or estimate"),
    "min_memory_gb": ("GB", "memory a source says the quant needs to run"),
    # prices
    "price_id": ("", "id of an API offering: provider/model"),
    "provider": ("", "API provider"),
    "model": ("", "model name at the provider"),
    "input_usd_per_mtok": ("USD/Mtok", "price of a million input tokens"),
    "output_usd_per_mtok": ("USD/Mtok", "price of a million output tokens"),
    "cached_input_usd_per_mtok": ("USD/Mtok", "price of a million cached input tokens"),
    "open_weights_model_id": ("", "model in models.csv that the API serves, where its weights are open"),
    "region": ("", "where the API is hosted"),
    # claims
    "claim_id": ("", "id of a published speed claim"),
    "decode_tok_s_low": ("tokens/s", "lowest decode speed claimed"),
    "decode_tok_s_high": ("tokens/s", "highest decode speed claimed"),
    # usage and scenario
    "tokens_per_month": ("tokens/month", "tokens asked a month, input and output together"),
    "input_share": ("0-1", "share of tokens that are input"),
    "cached_input_share": ("0-1", "share of input read from the provider's prompt cache"),
    "monthly_growth": ("per month", "compound growth of tokens_per_month"),
    "electricity_usd_per_kwh": ("USD/kWh", "electricity price"),
    "horizon_months": ("months", "how far ahead costs are compared"),
    "hours_per_day": ("h/day", "hours a day the box is powered"),
    "decode_tok_s": ("tokens/s", "output (decode) speed"),
    "prefill_tok_s": ("tokens/s", "input (prompt processing) speed"),
    "dual_use_share": ("0-1", "share of capex charged to LLM work"),
    "maintenance_usd_per_month": ("USD/month", "maintenance and repairs"),
    "overflow_price": ("", "API that takes the tokens above capacity"),
    "context_tokens": ("tokens", "context length the KV cache is sized for"),
    "kv_cache_dtype": ("", "KV-cache element type: f16, q8_0 or q4_0"),
    "raise_gpu_memory_cap": ("", "let a unified-memory GPU use all but the OS's share of RAM"),
    "replace_at_end_of_life": ("", "buy the machine again at each end of life within the horizon"),
    "build": ("", "the machine"),
    "price": ("", "the API offering"),
    "usage": ("", "tokens per month and their mix"),
    # calibration points of the speed model (data/throughput-calibration.csv)
    "point_id": ("", "id of a measured calibration point"),
    "hardware": ("", "the machine as the benchmark describes it"),
    "mem_bandwidth_gbs": ("GB/s", "bandwidth per device (the GPU's, or the pool's without a discrete GPU)"),
    "ram_offload": ("", "what lives in system RAM during the measurement"),
    "model_size_gb": ("GB", "size of the weights file measured"),
    "engine": ("", "inference engine and version of the measurement"),
    "batch": ("sequences", "concurrent sequences decoded together"),
    "quote": ("", "the measurement as the source prints it"),
    "annotation_note": ("", "where the hardware columns added for calibration come from"),
    # tables of the pages
    "fits": ("", "yes, with offload (split GPU/RAM), yes (CPU), or no with the shortfall"),
    "required_gb": ("GB", "memory needed: weights, KV cache and runtime buffers"),
    "available_gb": ("GB", "memory usable for the model"),
    "shortfall_gb": ("GB", "memory missing to hold the model"),
    "kv_cache_gb": ("GB", "KV-cache size at the context"),
    "ceiling_decode_tok_s": ("tokens/s", "decode speed's physical ceiling: bandwidth over bytes read"),
    "bound": ("", "what limits decode speed"),
    "blended_usd_per_mtok": ("USD/Mtok", "price of a million tokens of the chosen mix"),
    "sum_of_prices_usd": ("USD", "input price plus output price: the articles' 'blended' figure"),
    "age_days": ("days", "days since the price was checked"),
    "stale": ("", "price older than 90 days"),
    "verdict": ("", "pays_back, never, cannot_serve or does_not_fit"),
    "reason": ("", "the verdict with its why"),
    "speed_source": ("", "measured or estimated speeds"),
    "series": ("", "a build id, or API: price_id"),
    "kind": ("", "local or api"),
    "usd": ("USD", "cumulative cost"),
    # curve and results
    "month": ("month", "months since purchase"),
    "tokens": ("tokens", "tokens asked that month"),
    "served_local_tokens": ("tokens", "tokens the build serves that month"),
    "api_usd": ("USD", "cumulative API spend"),
    "local_cash_usd": ("USD", "cumulative local cash out (with overflow sent to the API)"),
    "local_usd": ("USD", "cumulative local cost: cash out less the resale value kept at the end of life"),
    "overflow_usd": ("USD", "cumulative spend on overflow sent to the API"),
    "local_value_usd": ("USD", "what the machine would sell for"),
    "local_net_usd": ("USD", "cumulative local cash less what the machine would sell for"),
    "savings_usd": ("USD", "API spend less local net cost"),
    "volume_tok_per_month": ("tokens/month", "flat monthly volume"),
    "local_usd_per_mtok": ("USD/Mtok", "local cost per million tokens over the horizon, net of resale"),
    "api_usd_per_mtok": ("USD/Mtok", "blended API price per million tokens"),
    "within_capacity": ("", "the build can serve the volume"),
    "capacity_tok_per_month": ("tokens/month", "most tokens the build can serve a month"),
    "break_even_month": ("month", "month cumulative API spend reaches the local cost"),
    "break_even_usd": ("USD", "cumulative spend on either side at the break-even month"),
    "cash_payback_month": ("month", "month cumulative API spend reaches the local cash out"),
    "break_even_volume_tok_per_month": ("tokens/month", "flat volume at which local and API cost the same"),
    "savings_at_horizon_usd": ("USD", "API spend less local net cost at the horizon"),
}


def unit(name: str) -> str:
    """The unit of ``name`` ('' for unitless)."""
    return GLOSSARY[name][0]


def axis_title(name: str, label: str | None = None) -> str:
    """An axis title with its unit: ``Cumulative cost [USD]``."""
    text = label or GLOSSARY[name][1]
    u = unit(name)
    return f"{text} [{u}]" if u else text
