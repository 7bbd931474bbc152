"""A user's own measurements (llama-bench in every output format, llama-sweep-bench), and what the
speed model does with engines, links, context depth and catalogue measurements."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from apptest_kit import app, ok, open_inputs
from conftest import hand_build, hand_model, hand_quant
from hypothesis import given, settings
from hypothesis import strategies as st

import costmodel as cm
from costmodel.io.llama_bench import bench_command, read_bench
from costmodel.speed import DEFAULT_SPEED_PARAMS
from costmodel.study import StudyInputs
from ui.text import plain

BENCH = Path(__file__).parent / "data" / "llama_bench"


# --- reading llama-bench output (fixtures: tests/data/llama_bench/SOURCES.md) ----------------------


@pytest.mark.parametrize(
    ("name", "fmt", "decode", "prefill"),
    [  # the figures as printed in the llama.cpp README's example outputs (RTX 4080, Qwen2.5-7B Q4_K_M)
        ("readme_rtx4080.json", "llama-bench JSON", 118.881588, 7100.002165),
        ("readme_rtx4080.jsonl", "llama-bench JSONL", 119.844681, 7263.609157),
        ("readme_rtx4080.csv", "llama-bench CSV", 119.915244, 7285.676949),
        ("readme_depth.md", "llama-bench table", 120.60, 7340.20),
    ],
)
def test_each_llama_bench_format_gives_its_speeds(name, fmt, decode, prefill):
    bench = read_bench((BENCH / name).read_bytes(), name)
    assert bench.format == fmt
    got_decode, got_prefill, depth = bench.speeds(0)
    assert (got_decode, got_prefill, depth) == (pytest.approx(decode), pytest.approx(prefill), 0)


def test_json_keeps_the_model_and_its_size():
    run = read_bench((BENCH / "readme_rtx4080.json").read_text()).runs[0]
    assert run.model == "qwen2 7B Q4_K - Medium" and run.size_gb == pytest.approx(4.67712)
    assert run.params_b == pytest.approx(7.615616512) and run.backend == "CUDA"


def test_a_prefilled_context_is_read_from_the_test_name():
    bench = read_bench((BENCH / "readme_depth.md").read_text())
    assert bench.depths == [0, 512]
    assert bench.speeds(512)[:2] == (pytest.approx(116.71), pytest.approx(6425.91))
    assert bench.speeds(400)[2] == 512  # the nearest depth measured


def test_a_sweep_bench_table_gives_a_speed_per_filled_context():
    bench = read_bench((BENCH / "sweep_3090ti_qwen3_235b.md").read_text(), "sweep")
    assert bench.format == "llama-sweep-bench table"
    assert bench.speeds(0)[:2] == (pytest.approx(10.73), pytest.approx(122.94))  # the table's first row
    decode_deep, _, depth = bench.speeds(30_000)
    assert depth > 25_000 and decode_deep < 10.73  # decode slows as the context fills


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("hello world", "not llama-bench output"),
        ("[1, 2]", "row 1: expected an object"),
        ('[{"n_prompt": 512, "n_gen": 0}]', "row 1: missing column(s) avg_ts"),
        ('[{"n_prompt": 512, "n_gen": 0, "avg_ts": "fast"}]', "row 1, avg_ts: 'fast' is not a number"),
        ('[{"n_prompt": 512, "n_gen": 0, "avg_ts": -3}]', "row 1, avg_ts: -3.0 is not a speed"),
        ('[{"n_prompt": 512, "n_gen": 0, "avg_ts": NaN}]', "is not a speed"),
        ('[{"n_prompt": 512, "n_gen": 128, "avg_ts": 3}]', "no prompt (pp) or generation (tg) result"),
        ("| model | test |\n|---|---|\n| x | tg128 |", "row 1: a llama-bench table needs the columns 'test' and 't/s'"),
        ("| test | t/s |\n|---|---|\n| tg128 | 12 | 3 |", "row 3: 3 cells under 2 columns"),
        ("n_prompt,n_gen,avg_ts\n512,0,abc", "row 2, avg_ts"),
    ],
)
def test_bad_input_says_what_and_where(text, says):
    with pytest.raises(cm.CostModelError, match="pasted text") as caught:
        read_bench(text)
    assert says in str(caught.value)


@settings(max_examples=300)
@given(st.binary(max_size=400) | st.text(max_size=400))
def test_any_input_gives_runs_or_a_clear_error(data):
    try:
        bench = read_bench(data)
    except cm.CostModelError:
        return
    assert bench.runs and all(r.tok_s >= 0 for r in bench.runs)


def test_the_command_that_checks_an_estimate():
    assert bench_command("m.gguf") == "llama-bench -m m.gguf -p 512 -n 128 -d 0 -o json"


# --- engines, links and context depth -------------------------------------------------------------------


def test_an_engine_changes_the_bandwidth_reached_and_llama_cpp_is_the_reference():
    params = dataclasses.replace(DEFAULT_SPEED_PARAMS, engine_s=(("mlx", 1.05, 0.0),), t_layer_s=0, t_token_s=0)
    mac = hand_build(
        gpu_count=1,
        unified_memory=True,
        vram_gb_per_gpu=None,
        vram_bandwidth_gbs=None,
        system_ram_gb=128,
        ram_bandwidth_gbs=400,
        gpu_backend="cuda",
    )
    args = (mac, hand_model(), hand_quant(), 1)
    ref = cm.estimate_speed(*args, engine="llama.cpp", filled_context_tokens=0, params=params)
    mlx = cm.estimate_speed(*args, engine="mlx", filled_context_tokens=0, params=params)
    ollama = cm.estimate_speed(*args, engine="ollama", filled_context_tokens=0, params=params)
    assert mlx.decode_tok_s == pytest.approx(1.05 * ref.decode_tok_s)  # 4 GB read at 5% more bandwidth
    assert ollama.decode_tok_s == pytest.approx(ref.decode_tok_s)
    with pytest.raises(cm.CostModelError, match="engine must be one of"):
        cm.estimate_speed(*args, engine="tgi")


def test_a_tensor_parallel_all_reduce_takes_a_hop_per_extra_card():
    # hops of 30 us without peer-to-peer, 10 us with it: 2 all-reduces x 32 layers x (cards - 1) hops
    params = dataclasses.replace(
        DEFAULT_SPEED_PARAMS, allreduce_s=(("pcie", 30e-6), ("pcie-p2p", 10e-6), ("nvlink", 5e-6), ("none", 0.0))
    )
    assert params.allreduce("pcie", None, 4) == pytest.approx(90e-6)
    assert params.allreduce("pcie", True, 4) == pytest.approx(30e-6)
    assert params.allreduce("nvlink", None, 2) == pytest.approx(5e-6)

    def step(cards: int, p2p: bool | None) -> float:
        b = hand_build(gpu_count=cards, multi_gpu_mode="tensor", interconnect="pcie", peer_to_peer=p2p)
        s = cm.estimate_speed(b, hand_model(), hand_quant(), 1, filled_context_tokens=0, params=params)
        return 1 / s.decode_tok_s

    # four cards read a quarter each but pay 3 hops per all-reduce
    weights = 4.0 / (4 * 1000 * params.eff_vram)
    fixed = params.t_token_s + 32 * params.t_layer_s
    assert step(4, None) == pytest.approx(weights + fixed + 2 * 32 * 3 * 30e-6)
    assert step(4, True) < step(4, None)


def test_decode_slows_as_the_context_fills_by_the_cache_it_reads():
    model, quant = hand_model(), hand_quant()
    d = DEFAULT_SPEED_PARAMS
    empty = cm.estimate_speed(hand_build(), model, quant, 65536, filled_context_tokens=0)
    full = cm.estimate_speed(hand_build(), model, quant, 65536, filled_context_tokens=65536)
    # 131,072 bytes a token cached x 65,536 tokens = 8.59 GB more read per token, at eff_kv
    extra = cm.kv_cache_gb(model, 65536) / (1000 * d.eff_vram * d.eff_kv)
    assert 1 / full.decode_tok_s == pytest.approx(1 / empty.decode_tok_s + extra)
    half = cm.estimate_speed(hand_build(), model, quant, 65536)  # the default: half the context filled
    assert full.decode_tok_s < half.decode_tok_s < empty.decode_tok_s
    assert full.prefill_tok_s < empty.prefill_tok_s


def test_the_scenario_asks_speed_at_its_engine_and_filled_context(catalog):
    glm = catalog.models["glm-5.2"]
    base = {
        "build": catalog.builds["mac-studio-m3-ultra-256gb"],
        "model": glm,
        "quant": glm.quants["UD-IQ2_XXS"],
        "price": catalog.prices["zai/glm-5.2"],
        "usage": cm.Usage(tokens_per_month=50e6),
        "context_tokens": 65536,
    }
    llama = cm.compare(cm.Scenario(**base)).throughput.decode_tok_s
    mlx = cm.compare(cm.Scenario(**base, engine="mlx")).throughput.decode_tok_s
    fuller = cm.compare(cm.Scenario(**base, filled_context_share=1.0)).throughput.decode_tok_s
    assert mlx != llama and fuller < llama


# --- measured, calibrated, estimated -------------------------------------------------------------


def test_a_catalogue_measurement_on_the_build_makes_its_speed_calibrated(catalog):
    inputs = StudyInputs(
        model_id="gpt-oss-120b",
        quant="MXFP4",
        build_id=("dgx-spark", "rtx-pro-6000-workstation"),
        price_id=("zai/glm-5.2",),
        context_tokens=1024,
        filled_context_share=0.5,
    )
    study = cm.study_of(inputs, catalog, dt.date(2026, 12, 2))
    spark = study.primary("dgx-spark").throughput
    point = catalog.calibrated[("dgx-spark", "gpt-oss-120b", "MXFP4")]
    assert spark.source == "calibrated"
    # measured at 512 tokens of context, asked at 512: the measurement itself
    assert spark.decode_tok_s == pytest.approx(point.decode_tok_s)
    assert study.primary("rtx-pro-6000-workstation").throughput.source == "estimated"
    mine = cm.study_of(inputs.model_copy(update={"decode_tok_s": {"dgx-spark": 40.0}}), catalog, dt.date(2026, 12, 2))
    assert mine.primary("dgx-spark").throughput.source == "measured decode, estimated prefill"


def test_a_pasted_llama_bench_run_makes_the_build_measured():
    at = open_inputs(app(), "Memory and speeds")
    at.text_area(key="bench_text").set_value((BENCH / "readme_rtx4080.json").read_text()).run()
    ok(at)
    at.selectbox(key="bench_build").set_value("mac-studio-m3-ultra-256gb").run()
    at.button(key="bench_use").click().run()
    ok(at)
    assert at.session_state["decode_tok_s:mac-studio-m3-ultra-256gb"] == pytest.approx(118.881588)
    assert at.session_state["prefill_tok_s:mac-studio-m3-ultra-256gb"] == pytest.approx(7100.002165)
    cards = [plain(m.value) for m in at.markdown if plain(m.value).startswith("**Mac Studio M3 Ultra 256 GB")]
    assert cards and "(measured, ceiling" in cards[0] and "Decode 118.9 tok/s" in cards[0]


def test_a_bad_paste_is_a_warning_not_a_traceback():
    at = open_inputs(app(), "Memory and speeds")
    at.text_area(key="bench_text").set_value("| test | t/s |\n|---|---|\n| tg128 | fast |").run()
    ok(at)
    assert any("row 3, t/s: 'fast' is not a number" in plain(w.value) for w in at.warning)


def test_an_estimated_card_prints_the_command_that_checks_it():
    at = app()
    ok(at)
    cards = [plain(m.value) for m in at.markdown if plain(m.value).startswith("**Mac Studio M3 Ultra 256 GB")]
    assert "Check it with llama-bench -m" in cards[0] and "-d 0,4096 -o json" in cards[0]
