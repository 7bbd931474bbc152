"""Hypothesis strategies for valid costmodel inputs, shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

import costmodel as cm

usd = st.floats(min_value=100, max_value=500_000, allow_nan=False)
share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@st.composite
def builds(draw, gpu_count=st.integers(min_value=1, max_value=8)) -> cm.Build:
    load = draw(st.floats(min_value=30, max_value=12_000))
    count = draw(gpu_count)
    gpu_tflops = draw(st.floats(min_value=5, max_value=2000))
    return cm.Build(
        build_id="box",
        name="Box",
        capex_usd=draw(usd),
        gpu_name="GPU",
        gpu_count=count,
        vram_gb_per_gpu=draw(st.floats(min_value=8, max_value=192)),
        vram_bandwidth_gbs=draw(st.floats(min_value=100, max_value=8000)),
        gpu_fp16_tflops=gpu_tflops,
        multi_gpu_mode=draw(st.sampled_from(["layer", "tensor"])),
        interconnect="pcie" if count > 1 else "none",
        system_ram_gb=draw(st.floats(min_value=16, max_value=2048)),
        ram_bandwidth_gbs=draw(st.floats(min_value=20, max_value=900)),
        # a GPU out-computes its host CPU by several times, as every real machine does
        cpu_tflops=draw(st.floats(min_value=0.2, max_value=20)) if count == 0 else gpu_tflops / draw(st.floats(4, 100)),
        power_load_w=load,
        power_idle_w=draw(st.floats(min_value=0, max_value=1)) * load,
        lifetime_months=draw(st.integers(min_value=6, max_value=120)),
        resale_fraction=draw(share),
    )


@st.composite
def machines(draw) -> cm.Build:
    """Any kind of build: discrete GPUs, one unified-memory pool (capped or not), or CPU only."""
    kind = draw(st.sampled_from(["discrete", "unified", "cpu"]))
    if kind == "discrete":
        return draw(builds())
    load = draw(st.floats(min_value=30, max_value=3000))
    unified = kind == "unified"
    return cm.Build(
        build_id="box",
        name="Box",
        capex_usd=draw(usd),
        gpu_count=1 if unified else 0,
        gpu_fp16_tflops=draw(st.floats(min_value=1, max_value=200)) if unified else None,
        unified_memory=unified,
        gpu_usable_fraction=draw(st.one_of(st.none(), st.floats(min_value=0.5, max_value=1.0))) if unified else None,
        system_ram_gb=draw(st.floats(min_value=16, max_value=1024)),
        ram_bandwidth_gbs=draw(st.floats(min_value=20, max_value=900)),
        cpu_tflops=draw(st.floats(min_value=0.2, max_value=20)),
        power_load_w=load,
        power_idle_w=draw(st.floats(min_value=0, max_value=1)) * load,
    )


@st.composite
def models_and_quants(draw) -> tuple[cm.Model, cm.Quant]:
    total = draw(st.floats(min_value=0.5, max_value=1000))
    active = total * draw(st.floats(min_value=0.02, max_value=1.0))
    bits = draw(st.floats(min_value=1.5, max_value=16))
    model = cm.Model(
        model_id="m",
        name="M",
        total_params_b=total,
        active_params_b=active,
        n_layers=draw(st.integers(min_value=1, max_value=128)),
        n_kv_heads=draw(st.integers(min_value=1, max_value=64)),
        head_dim=draw(st.sampled_from([64, 128, 256, 576])),
        attention=draw(st.sampled_from(["gqa", "mla"])),
        max_context_tokens=1_048_576,
    )
    quant = cm.Quant(quant="q", file_size_gb=total * bits / 8, bits_per_weight=bits)
    return model, quant


@st.composite
def prices(draw) -> cm.ApiPrice:
    inp = draw(st.floats(min_value=0.01, max_value=100))
    cached = draw(st.one_of(st.none(), st.floats(min_value=0, max_value=1).map(lambda f: f * inp)))
    return cm.ApiPrice(
        price_id="api/m",
        provider="api",
        model="m",
        input_usd_per_mtok=inp,
        output_usd_per_mtok=draw(st.floats(min_value=0.01, max_value=300)),
        cached_input_usd_per_mtok=cached,
    )


@st.composite
def usages(draw) -> cm.Usage:
    return cm.Usage(
        tokens_per_month=draw(st.floats(min_value=0, max_value=1e11)),
        input_share=draw(share),
        cached_input_share=draw(share),
        monthly_growth=draw(st.floats(min_value=-0.2, max_value=0.3)),
    )


@st.composite
def scenarios(draw, measured: bool | None = None, machine=None) -> cm.Scenario:
    """Valid scenarios; ``measured`` True gives measured speeds, False estimated, None either;
    ``machine`` draws the build (discrete-GPU boxes by default)."""
    model, quant = draw(models_and_quants())
    if measured is None:
        measured = draw(st.booleans())
    speeds = (
        dict(
            decode_tok_s=draw(st.floats(min_value=0.5, max_value=5000)),
            prefill_tok_s=draw(st.floats(min_value=5, max_value=50_000)),
        )
        if measured
        else {}
    )
    return cm.Scenario(
        build=draw(machine if machine is not None else builds()),
        model=model,
        quant=quant,
        price=draw(prices()),
        usage=draw(usages()),
        electricity_usd_per_kwh=draw(st.floats(min_value=0, max_value=1.0)),
        horizon_months=draw(st.integers(min_value=1, max_value=120)),
        hours_per_day=draw(st.floats(min_value=1, max_value=24)),
        dual_use_share=draw(share),
        maintenance_usd_per_month=draw(st.floats(min_value=0, max_value=500)),
        context_tokens=draw(st.integers(min_value=1, max_value=131_072)),
        replace_at_end_of_life=draw(st.booleans()),
        **speeds,
    )
