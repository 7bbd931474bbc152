"""The catalogue checked against primary sources: one test per corrected row, the columns that say
what a figure is, mixed-attention KV caches worked by hand, and prices a buyer can pay."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import hand_build

import costmodel as cm
from costmodel.explain import kv_layers_words, price_words, stale_prices
from costmodel.memory import check_fit, kv_cache_gb
from costmodel.schema import BUILD_PRICE_STALE_AFTER_DAYS
from costmodel.tables import hardware_table, memory_map

DATA = Path(__file__).resolve().parent.parent / "data"
GB = 1e9


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- mixed attention: the KV cache summed layer kind by layer kind, by hand ----


def test_gemma4_31b_kv_cache_by_hand(catalog):
    """Gemma 4 31B (google/gemma-4-31B-it config.json): 50 sliding layers of 16 KV heads x 256 with a
    1,024-token window, 10 global layers of 4 KV heads x 512; K and V in f16 (2 bytes)."""
    context = 131_072
    sliding = 50 * 2 * 16 * 256 * 2 * 1024
    full = 10 * 2 * 4 * 512 * 2 * context
    assert kv_cache_gb(catalog.models["gemma-4-31b"], context) == pytest.approx((sliding + full) / GB)
    # the single-shape description (every layer 16 x 256, a sixth of them global) gave about twice that
    assert (sliding + full) / GB == pytest.approx(11.58, abs=0.01)


def test_qwen36_linear_attention_layers_cache_nothing(catalog):
    """Qwen3.6-27B: 64 layers, three Gated DeltaNet layers to one gated full-attention layer; only the
    16 full layers (4 KV heads x 256) cache per token."""
    model = catalog.models["qwen3.6-27b"]
    assert model.n_layers == 64
    per_token = 16 * 2 * 4 * 256 * 2
    assert kv_cache_gb(model, 65_536) == pytest.approx(per_token * 65_536 / GB)
    assert kv_cache_gb(model, 65_536, "q8_0") == pytest.approx(per_token / 2 * 34 / 32 * 65_536 / GB)


def test_glm52_mla_latent_and_dsa_indexer_key(catalog):
    """GLM 5.2: a 576-wide MLA latent on each of 78 layers, plus a 128-wide indexer key on 21 of them."""
    per_token = (78 * 576 + 21 * 128) * 2
    assert kv_cache_gb(catalog.models["glm-5.2"], 131_072) == pytest.approx(per_token * 131_072 / GB)


def test_kv_layers_words_say_each_kind(catalog):
    words = kv_layers_words(catalog.models["qwen3.6-27b"])
    assert (
        "48 linear (Gated DeltaNet): no KV cache" in words
        and "16 full (gated attention): K and V, 4 heads x 256" in words
    )
    assert kv_layers_words(catalog.models["llama-3-8b"]) == "32 full: K and V, 8 heads x 128"


def test_every_model_has_its_layers_by_kind(catalog):
    for model in catalog.models.values():
        assert model.kv_layers, model.model_id
        assert sum(k.layers for k in model.kv_layers if not k.extra) == model.n_layers, model.model_id


def test_kv_layers_that_do_not_add_up_name_the_file_and_model(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data" / "kv_layers.csv"
    text = path.read_text().replace("gemma-4-31b,sliding,50,", "gemma-4-31b,sliding,49,", 1)
    path.write_text(text)
    with pytest.raises(cm.CostModelError) as caught:
        cm.load_catalog(tmp_path / "data", snapshot=False)
    message = str(caught.value)
    assert "kv_layers.csv" in message and "gemma-4-31b" in message and "n_layers is 60" in message


def test_a_bad_kv_layers_row_names_row_and_column(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data" / "kv_layers.csv"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace("glm-5.2,mla,78,1,576,1,", "glm-5.2,mla,78,1,576,3,", 1)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(cm.CostModelError, match=r"kv_layers\.csv row 2.*tensors"):
        cm.load_catalog(tmp_path / "data", snapshot=False)


def test_gemma4_fits_a_32gb_card_at_long_context_now(catalog):
    """The doubled KV cache said the 31B Q4_K_M did not fit an RTX 5090 at 32k tokens."""
    model = catalog.models["gemma-4-31b"]
    fit = check_fit(catalog.builds["rtx5090-single"], model, model.quants["Q4_K_M"], context_tokens=32_768)
    assert fit.fits, fit.message


# ---- quant sizes from the published file listings ----


def test_gpt_oss_120b_q8_0_keeps_its_experts_at_4_bit(catalog):
    """The Q8_0 file re-quantises only the non-expert tensors: about 63.4 GB, not the 124 GB of
    a full 8-bit file, so it fits a DGX Spark and a 128 GB Mac Studio."""
    model = catalog.models["gpt-oss-120b"]
    q8 = model.quants["Q8_0"]
    assert q8.file_size_gb == pytest.approx(63.4, abs=0.1)
    assert q8.size_kind in ("listing", "rounded")
    for build_id in ("dgx-spark", "mac-studio-m4-max-128gb"):
        fit = check_fit(catalog.builds[build_id], model, q8, context_tokens=8192, raise_gpu_memory_cap=True)
        assert fit.fits, (build_id, fit.message)


def test_glm52_files_are_glm52s_own_and_keep_the_articles_claims(catalog):
    """unsloth/GLM-5.2-GGUF file listing, parts summed; the article's rounder figures kept as claims."""
    q = catalog.models["glm-5.2"].quants
    assert q["UD-IQ2_XXS"].file_size_gb == pytest.approx(238.459, abs=0.001)  # 238,458,632,928 B in 6 parts
    assert q["UD-IQ2_XXS"].claimed_file_size_gb == 241
    assert q["UD-IQ1"].file_size_gb == pytest.approx(216.715, abs=0.001)
    assert q["Q8_0"].file_size_gb == pytest.approx(801.358, abs=0.001) and q["Q8_0"].claimed_file_size_gb == 805
    assert q["BF16"].file_size_gb == pytest.approx(1507.988, abs=0.001) and q["BF16"].claimed_file_size_gb == 1510
    for quant in q.values():
        assert quant.size_kind == "listing", quant.quant


def test_bits_per_weight_follow_the_file(catalog):
    for model in catalog.models.values():
        for q in model.quants.values():
            assert q.bits_per_weight == pytest.approx(q.file_size_gb * 8 / model.total_params_b, abs=0.002), (
                model.model_id,
                q.quant,
            )


def test_every_quant_says_where_its_size_and_quality_come_from(catalog):
    for model in catalog.models.values():
        for q in model.quants.values():
            where = (model.model_id, q.quant)
            assert q.size_kind in ("listing", "rounded", "derived"), where
            assert q.quality_metric is not None, where
            if q.quality_metric in ("ppl-ratio", "top1-agreement", "kl-divergence", "benchmark"):
                assert q.quality_on_this_model is not None and q.quality_source, where
    derived = [r for r in rows("quants.csv") if r["size_kind"] == "derived"]
    assert derived and all("derived" in r["note"].lower() or "estimate" in r["note"].lower() for r in derived)


def test_quality_figures_say_what_they_measure(catalog):
    glm = catalog.models["glm-5.2"].quants
    assert glm["UD-IQ2_XXS"].quality_metric == "top1-agreement" and glm["UD-IQ2_XXS"].quality_on_this_model
    assert glm["UD-IQ2_XXS"].quality_words == "top-1 agreement, measured on this model"
    borrowed = catalog.models["qwen3-32b"].quants["Q4_K_M"]
    assert borrowed.quality_metric == "ppl-ratio" and borrowed.quality_on_this_model is False
    assert borrowed.quality_words == "a perplexity ratio, measured on another model"
    assert catalog.models["glm-5.2"].quants["BF16"].quality_words == "1.0 by definition"


def test_the_models_page_table_carries_the_kinds(catalog):
    model = catalog.models["glm-5.2"]
    frame = memory_map(model, [catalog.builds["dgx-spark"]], cm.MemoryOptions())
    row = frame.set_index("quant").loc["UD-IQ2_XXS"]
    assert row["size_kind"] == "listing" and row["claimed_file_size_gb"] == 241
    assert row["quality_metric"] == "top1-agreement"


# ---- sources a reader can follow ----


def test_no_source_or_note_points_into_a_working_copy():
    for name in ("builds.csv", "models.csv", "quants.csv", "prices.csv", "claims.csv", "kv_layers.csv"):
        for i, row in enumerate(rows(name), start=2):
            for column in ("source", "note"):
                cell = row.get(column, "")
                for bad in ("shared/", "hardware-specs.csv", "seed/000_", "search-index"):
                    assert bad not in cell, f"{name} row {i}, {column}: {bad!r}"


# ---- prices a buyer can pay ----


def test_every_build_says_what_its_price_and_power_are(catalog):
    for b in catalog.builds.values():
        assert b.price_kind in ("list", "street", "used", "clearance", "estimate"), b.build_id
        assert b.price_as_of is not None, b.build_id
        assert b.power_kind in ("measured", "vendor-max", "tdp", "estimate"), b.build_id


def test_macs_no_longer_sold_new_carry_no_list_price(catalog):
    """Apple sells none of these configurations new in December 2026 (the 512 GB M3 Ultra left in
    March 2026, the 256 GB option in May, the M2 Ultra with the 2025 line-up)."""
    for build_id in ("mac-studio-192gb", "mac-studio-m3-ultra-256gb", "mac-studio-m3-ultra-512gb"):
        b = catalog.builds[build_id]
        assert b.price_kind in ("used", "clearance", "estimate"), build_id
        assert f"({b.price_kind}" in b.note or b.price_kind in b.note, build_id


def test_a_price_over_six_months_old_is_flagged_everywhere_it_is_used(catalog):
    seen = dt.date(2026, 1, 1)
    fresh = hand_build(build_id="fresh", name="Fresh box", price_kind="street", price_as_of=seen)
    old = hand_build(build_id="old", name="Old box (big)", price_kind="list", price_as_of=seen)
    today = seen + dt.timedelta(days=BUILD_PRICE_STALE_AFTER_DAYS)
    assert not fresh.price_is_stale(today)
    later = today + dt.timedelta(days=1)
    assert old.price_is_stale(later)
    assert stale_prices([fresh], today) is None
    assert stale_prices([old], later) == (
        "Price over 6 months old: Old box (list, seen Jan 2026). Check it before you buy: hardware prices move."
    )
    assert price_words(old, later) == "$2,000, the maker's list price new seen Jan 2026 (184 days ago: check it)"
    model = catalog.models["qwen3-8b"]
    table = hardware_table(
        [fresh, old],
        model,
        model.quants["Q4_K_M"],
        catalog.prices["zai/glm-5.2"],
        cm.Usage(tokens_per_month=1),
        cm.Assumptions(),
        later,
    )
    assert table["price_stale"].tolist() == [True, True]
    assert table["price_kind"].tolist() == ["street", "list"]


def test_a_build_without_a_price_date_is_stale():
    undated = hand_build(price_kind="estimate", price_as_of=None, as_of=None)
    assert undated.price_is_stale(dt.date(2026, 12, 2))


def test_split_files_summed_part_by_part_give_the_catalogue_size(catalog):
    """The parts of each split GGUF as listed on Hugging Face (tests/data/gguf_listings.csv, copied
    from the repositories' file trees), summed: the catalogue's size to the megabyte."""
    totals: dict[tuple[str, str], int] = {}
    with open(Path(__file__).parent / "data" / "gguf_listings.csv", newline="") as f:
        for row in csv.DictReader(f):
            key = (row["model_id"], row["quant"])
            totals[key] = totals.get(key, 0) + int(row["size_bytes"])
    assert totals[("glm-5.2", "UD-IQ2_XXS")] == 238_458_632_928
    for (model_id, quant), size in totals.items():
        q = catalog.models[model_id].quants[quant]
        assert q.file_size_gb == pytest.approx(size / GB, abs=0.0005), (model_id, quant)
        assert q.size_kind == "listing"
