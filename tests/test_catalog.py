"""The catalogue in data/: what it must hold, and a clear message for every kind of bad row."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import costmodel as cm
from costmodel.io.rows import SPECS

DATA = Path(__file__).resolve().parent.parent / "data"

ARTICLE_BUILDS = ["mac-studio-192gb", "mac-studio-m3-ultra-256gb", "rtx3090-256gb-offload", "rtx3090-x12"]
MORE_BUILDS = [
    "rtx3090-single",
    "rtx4090-single",
    "rtx5090-single",
    "rtx-pro-6000-workstation",
    "mac-studio-m3-ultra-512gb",
    "mac-studio-m4-max-128gb",
    "dgx-spark",
    "strix-halo-128gb",
    "epyc-12ch-ddr5-1gpu",
    "h100x8-node",
]


def test_catalogue_holds_the_article_builds_and_ten_more(catalog):
    for build_id in ARTICLE_BUILDS + MORE_BUILDS:
        assert build_id in catalog.builds, build_id
    assert len(catalog.builds) >= 14


def test_catalogue_holds_glm52_with_the_articles_five_quants(catalog):
    glm = catalog.models["glm-5.2"]
    assert set(glm.quants) == {"UD-IQ1", "UD-IQ2_XXS", "UD-Q4_K_XL", "Q8_0", "BF16"}
    assert glm.total_params_b == 744 and glm.active_params_b == 40
    # article's table: ~217 GB / 76%, ~241 GB / 82%, ~805 GB, ~1.51 TB, kept as the claims beside the files
    q = glm.quants
    assert [q[n].claimed_file_size_gb for n in ("UD-IQ1", "UD-IQ2_XXS", "Q8_0", "BF16")] == [217, 241, 805, 1510]
    for name in ("UD-IQ1", "UD-IQ2_XXS", "Q8_0", "BF16"):  # each file within 1.5% of the article's round figure
        assert q[name].file_size_gb == pytest.approx(q[name].claimed_file_size_gb, rel=0.015)
    assert q["UD-IQ2_XXS"].quality_retained == pytest.approx(0.82)
    assert 376 <= glm.quants["UD-Q4_K_XL"].file_size_gb <= 476


def test_catalogue_holds_the_24gb_gpu_models_and_the_large_moes(catalog):
    params = {m.model_id: m.total_params_b for m in catalog.models.values()}
    for size in (8, 14, 32, 70):
        assert any(abs(p - size) / size < 0.1 for p in params.values()), size
    assert any(mid.startswith("qwen3") for mid in params) and any(mid.startswith("gemma") for mid in params)
    for mid in ("deepseek-v3", "gpt-oss-120b", "qwen3-235b-a22b"):
        assert catalog.models[mid].is_moe


def test_catalogue_holds_the_article_prices_and_ten_more(catalog):
    glm, gpt = catalog.prices["zai/glm-5.2"], catalog.prices["openai/gpt-5.5"]
    assert (glm.input_usd_per_mtok, glm.output_usd_per_mtok) == (1.40, 4.40)
    assert (gpt.input_usd_per_mtok, gpt.output_usd_per_mtok) == (5.00, 30.00)
    assert glm.open_weights_model_id == "glm-5.2"
    assert len(catalog.prices) >= 12


def test_every_row_carries_source_and_as_of(catalog):
    rows = [*catalog.builds.values(), *catalog.models.values(), *catalog.prices.values()]
    rows += [q for m in catalog.models.values() for q in m.quants.values()]
    for row in rows:
        assert row.source and row.source != "user input", row
        assert row.as_of is not None, row


def test_estimates_are_marked(catalog):
    # a build whose capex was composed from parts says so in confidence and note
    build = catalog.builds["rtx3090-x12"]
    assert build.confidence in ("estimate", "mixed")
    assert "estimate" in build.note


# --- bad rows: each kind gets its message ---------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    for spec in SPECS:
        shutil.copy(DATA / spec.name, tmp_path / spec.name)
    return tmp_path


def edit(directory: Path, name: str, row: int, **cells: str) -> None:
    """Set cells of data row ``row`` (1 = first row after the header) of ``name``."""
    path = directory / name
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
        header = list(rows[0].keys())
    rows[row - 1].update(cells)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def load_error(directory: Path) -> str:
    with pytest.raises(cm.CostModelError) as info:
        cm.load_catalog(directory)
    return str(info.value)


def test_negative_power(data_copy):
    edit(data_copy, "builds.csv", 6, power_load_w="-300")
    assert "builds.csv row 7, power_load_w: must be > 0, got -300" in load_error(data_copy)


def test_zero_where_impossible(data_copy):
    edit(data_copy, "builds.csv", 2, capex_usd="0")
    assert "builds.csv row 3, capex_usd: must be > 0, got 0" in load_error(data_copy)


def test_nan(data_copy):
    edit(data_copy, "quants.csv", 1, file_size_gb="nan")
    assert "quants.csv row 2, file_size_gb: must be a finite number, got 'nan'" in load_error(data_copy)


def test_inf(data_copy):
    edit(data_copy, "prices.csv", 3, output_usd_per_mtok="inf")
    assert "prices.csv row 4, output_usd_per_mtok: must be a finite number, got 'inf'" in load_error(data_copy)


def test_empty_required_cell(data_copy):
    edit(data_copy, "models.csv", 4, total_params_b="")
    assert "models.csv row 5, total_params_b: is required but empty" in load_error(data_copy)


def test_empty_source(data_copy):
    edit(data_copy, "prices.csv", 1, source="")
    assert "prices.csv row 2, source: is required but empty" in load_error(data_copy)


def test_text_in_a_number_column(data_copy):
    edit(data_copy, "builds.csv", 1, ram_bandwidth_gbs="fast")
    assert "builds.csv row 2, ram_bandwidth_gbs: must be a number, got 'fast'" in load_error(data_copy)


def test_unknown_model_id_in_quants(data_copy):
    edit(data_copy, "quants.csv", 3, model_id="glm-9")
    assert "quants.csv row 4, model_id: unknown model 'glm-9' (not in models.csv)" in load_error(data_copy)


def test_unknown_open_weights_model_in_prices(data_copy):
    edit(data_copy, "prices.csv", 1, open_weights_model_id="glm-9")
    assert "prices.csv row 2, open_weights_model_id: unknown model 'glm-9'" in load_error(data_copy)


def test_duplicate_id(data_copy):
    edit(data_copy, "builds.csv", 3, build_id="mac-studio-192gb")
    assert "builds.csv row 4, build_id: duplicate id 'mac-studio-192gb' (first in row 2)" in load_error(data_copy)


def test_share_above_1(data_copy):
    edit(data_copy, "builds.csv", 1, resale_fraction="1.5")
    assert "builds.csv row 2, resale_fraction: must be <= 1, got 1.5" in load_error(data_copy)


def test_cached_share_above_1_in_usage():
    with pytest.raises(cm.CostModelError, match=r"Usage: cached_input_share: must be <= 1, got 1\.2"):
        cm.Usage(tokens_per_month=1e6, cached_input_share=1.2)


def test_idle_above_load(data_copy):
    edit(data_copy, "builds.csv", 1, power_idle_w="9000")
    assert "builds.csv row 2: power_idle_w (9000 W) must not exceed power_load_w" in load_error(data_copy)


def test_bits_per_weight_disagreeing_with_file_size(data_copy):
    # a GiB/GB or 1000x slip shows as bits per weight far from file size x 8 / parameters
    edit(data_copy, "quants.csv", 1, bits_per_weight="23.3")
    assert "quants.csv row 2, bits_per_weight: 23.3 disagrees with file_size_gb x 8 / total_params_b" in load_error(
        data_copy
    )


def test_bad_date(data_copy):
    edit(data_copy, "models.csv", 1, as_of="June 2026")
    assert "models.csv row 2, as_of: must be a date as YYYY-MM-DD, got 'June 2026'" in load_error(data_copy)


def test_bad_choice(data_copy):
    edit(data_copy, "builds.csv", 1, multi_gpu_mode="pipeline")
    assert "builds.csv row 2, multi_gpu_mode: must be one of 'layer' or 'tensor', got 'pipeline'" in load_error(
        data_copy
    )


def test_unknown_and_missing_columns(data_copy):
    path = data_copy / "prices.csv"
    text = path.read_text(encoding="utf-8").replace("input_usd_per_mtok,", "input_usd_per_mtoks,", 1)
    path.write_text(text, encoding="utf-8")
    message = load_error(data_copy)
    assert "prices.csv row 1: unknown column(s) 'input_usd_per_mtoks'" in message
    assert "prices.csv row 1: missing column(s) input_usd_per_mtok" in message


def test_not_utf8(data_copy):
    path = data_copy / "builds.csv"
    path.write_bytes(path.read_bytes().replace(b"Mac Studio", b"Mac \xe9tudio", 1))
    assert "builds.csv: not UTF-8 text (byte 0xe9" in load_error(data_copy)


def test_every_bad_row_is_listed_not_only_the_first(data_copy):
    edit(data_copy, "builds.csv", 1, capex_usd="-1")
    edit(data_copy, "prices.csv", 2, input_usd_per_mtok="x")
    message = load_error(data_copy)
    assert "catalogue has 2 error(s)" in message
    assert "builds.csv row 2, capex_usd" in message and "prices.csv row 3, input_usd_per_mtok" in message


def test_missing_file(tmp_path):
    assert "builds.csv: catalogue file not found" in load_error(tmp_path)


def test_unknown_id_lookup_suggests_close_matches(catalog):
    with pytest.raises(cm.CostModelError, match=r"unknown quant of glm-5.2 'UD-IQ2_XS'; closest: UD-IQ2_XXS"):
        catalog.quant("glm-5.2", "UD-IQ2_XS")
