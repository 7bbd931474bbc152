"""Every quantitative claim of the founding article, reproduced and, where wrong, corrected.

Provenance: shared/seed/000_994e5fee485cbebf.txt (runaihome.com GLM 5.2 buying guide) and the
checks in shared/seed/NOTES.md.
"""

from __future__ import annotations

import pytest
from conftest import hand_build, hand_model, hand_quant

import costmodel as cm
from costmodel.ownership import capacity_tok_per_month, hours_per_token


@pytest.fixture(scope="module")
def glm(catalog):
    model = catalog.models["glm-5.2"]
    return model, model.quants["UD-IQ2_XXS"], catalog.prices["zai/glm-5.2"]


def test_article_sum_of_prices_is_580(glm):
    # article: "~$1.40 per million input tokens and ~$4.40 per million output, a blended ~$5.80"
    _, _, price = glm
    assert cm.sum_of_prices_usd(price) == pytest.approx(5.80)


def test_true_blend_at_1_to_1_is_290_and_at_3_to_1_is_215(glm):
    # hand-computed: 0.5 x 1.40 + 0.5 x 4.40 = 2.90; 0.75 x 1.40 + 0.25 x 4.40 = 1.05 + 1.10 = 2.15
    _, _, price = glm
    assert cm.blended_usd_per_mtok(price, cm.Usage(tokens_per_month=1e6, input_share=0.5)) == pytest.approx(2.90)
    assert cm.blended_usd_per_mtok(price, cm.Usage(tokens_per_month=1e6, input_share=0.75)) == pytest.approx(2.15)


def test_gpt55_sum_is_35(catalog):
    # article: "$5.00 input / $30.00 output - about $35 per million blended"
    assert cm.sum_of_prices_usd(catalog.prices["openai/gpt-5.5"]) == pytest.approx(35.0)


def test_glm_api_is_about_one_sixth_of_gpt55(catalog):
    # article: "GLM 5.2's API is roughly one-sixth the cost": 5.80 / 35 = 0.166 on the sums, and the
    # same at a 1:1 mix (2.90 / 17.50); at 3:1 it is 2.15 / 11.25 = 0.191, nearer one-fifth.
    glm, gpt = catalog.prices["zai/glm-5.2"], catalog.prices["openai/gpt-5.5"]
    assert cm.sum_of_prices_usd(glm) / cm.sum_of_prices_usd(gpt) == pytest.approx(1 / 6, rel=0.01)
    one_to_one = cm.Usage(tokens_per_month=1e6, input_share=0.5)
    three_to_one = cm.Usage(tokens_per_month=1e6, input_share=0.75)
    ratio_11 = cm.blended_usd_per_mtok(glm, one_to_one) / cm.blended_usd_per_mtok(gpt, one_to_one)
    ratio_31 = cm.blended_usd_per_mtok(glm, three_to_one) / cm.blended_usd_per_mtok(gpt, three_to_one)
    assert ratio_11 == pytest.approx(2.90 / 17.50)
    assert ratio_31 == pytest.approx(2.15 / 11.25)


def _flat_api(usd_per_mtok: float) -> cm.ApiPrice:
    """An API charging the same for input and output, so any mix blends to that price."""
    return cm.ApiPrice(
        price_id="article/flat",
        provider="article",
        model="flat",
        input_usd_per_mtok=usd_per_mtok,
        output_usd_per_mtok=usd_per_mtok,
    )


def test_12k_build_breaks_even_after_207_billion_tokens_at_580():
    # article: "At $5.80 per million tokens, you'd have to burn through more than 2 billion tokens
    # before a $12k local build breaks even". hand-computed: 12,000 / 5.80 x 1e6 = 2.069e9 tokens.
    # Reproduced the article's way: no electricity, no resale, no cost of capital, speed no object;
    # "breaks even" is the cash payback (the purchase recovered in cash).
    scenario = cm.Scenario(
        build=hand_build(capex_usd=12_000, resale_fraction=0.0, lifetime_months=240),
        model=hand_model(),
        quant=hand_quant(),
        price=_flat_api(5.80),
        usage=cm.Usage(tokens_per_month=20e6, input_share=0.5),
        electricity_usd_per_kwh=0.0,
        horizon_months=240,
        decode_tok_s=1e5,
        prefill_tok_s=1e5,
        discount_rate_per_year=0.0,
    )
    result = cm.compare(scenario)
    assert result.verdict == cm.Verdict.PAYS_BACK
    assert result.cash_payback_month * 20e6 == pytest.approx(2.069e9, rel=1e-3)


def test_at_the_true_3_to_1_blend_the_same_build_needs_558_billion_tokens(glm):
    # correction: at a 3:1 mix a million GLM 5.2 tokens cost 2.15, not 5.80:
    # 12,000 / 2.15 x 1e6 = 5.58e9 tokens, 2.7x the article's figure.
    _, _, price = glm
    scenario = cm.Scenario(
        build=hand_build(capex_usd=12_000, resale_fraction=0.0, lifetime_months=240),
        model=hand_model(),
        quant=hand_quant(),
        price=price,
        usage=cm.Usage(tokens_per_month=50e6, input_share=0.75),
        electricity_usd_per_kwh=0.0,
        horizon_months=240,
        decode_tok_s=1e5,
        prefill_tok_s=1e5,
        discount_rate_per_year=0.0,
    )
    result = cm.compare(scenario)
    assert result.cash_payback_month * 50e6 == pytest.approx(5.581e9, rel=1e-3)


@pytest.mark.parametrize(("tok_s", "mtok_per_month", "years"), [(3, 7.89, 21.9), (9, 23.7, 7.3)])
def test_3_to_9_tok_s_take_7_to_22_years_for_207_billion_tokens(tok_s, mtok_per_month, years):
    # NOTES: "at 3-9 tok/s a box running 24/7 emits 8-23 M tokens a month, so 2.07 B tokens take
    # 7-22 years". hand-computed: 3 tok/s x 3600 s x 730.5 h = 7.89 M a month; 2.069e9 / 7.89e6 /
    # 12 = 21.9 years. 9 tok/s: 23.7 M a month, 7.3 years.
    capacity = capacity_tok_per_month(hours_per_token(tok_s, 1e9, input_share=0.0), hours_per_day=24)
    assert capacity / 1e6 == pytest.approx(mtok_per_month, rel=0.01)
    assert 2.069e9 / capacity / 12 == pytest.approx(years, rel=0.01)


def test_electricity_alone_694_per_mtok_at_1kw_6_tok_s(glm):
    # NOTES: "a 1 kW box at 6 tok/s and $0.15/kWh spends ~$6.94 of power per million tokens".
    # hand-computed: 1e6 / 6 tok/s = 46.3 h x 1 kW x 0.15 = 6.94 USD, above GLM 5.2's whole price.
    model, quant, price = glm
    scenario = cm.Scenario(
        build=hand_build(power_load_w=1000, power_idle_w=100, vram_gb_per_gpu=24, system_ram_gb=512),
        model=model,
        quant=quant,
        price=price,
        usage=cm.Usage(tokens_per_month=5e6, input_share=0.0),
        decode_tok_s=6.0,
        prefill_tok_s=100.0,
        electricity_usd_per_kwh=0.15,
    )
    result = cm.compare(scenario)
    assert result.electricity_usd_per_mtok_at_load == pytest.approx(6.944, abs=0.001)
    assert result.electricity_usd_per_mtok_at_load > cm.sum_of_prices_usd(price)
    assert result.verdict == cm.Verdict.NEVER
    assert "running costs alone" in cm.explain(result).reason


def test_192gb_mac_is_49gb_short_before_context(catalog, glm):
    # article: "a 192GB Mac Studio simply can't hold it - you're 49GB short before counting context"
    # hand-computed: the article's 241 GB file - 192 GB RAM = 49 GB. The published file is 238.459 GB
    # (46.5 GB short), but the real shortfall is larger: the runtime needs its buffers and cache, and
    # macOS keeps part of the RAM from the GPU.
    model, quant, _ = glm
    mac = catalog.builds["mac-studio-192gb"]
    assert quant.claimed_file_size_gb - mac.system_ram_gb == pytest.approx(49)
    assert quant.file_size_gb - mac.system_ram_gb == pytest.approx(46.459)
    fit = cm.check_fit(mac, model, quant, context_tokens=8192, raise_gpu_memory_cap=True)
    assert not fit.fits
    assert fit.shortfall_gb > 49
    assert "short by" in fit.message


def test_1bit_quant_also_overflows_192gb(catalog, glm):
    # article: "The 1-bit quant (~217GB) also overflows 192GB"
    model, _, _ = glm
    fit = cm.check_fit(catalog.builds["mac-studio-192gb"], model, model.quants["UD-IQ1"], raise_gpu_memory_cap=True)
    assert not fit.fits


def test_256gb_m3_ultra_holds_the_2bit_quant_only_with_the_cap_raised(catalog, glm):
    # article: a 256GB M3 Ultra "will hold the 2-bit quant". It does once macOS's GPU wired-memory
    # cap is raised; at the default cap (0.87 x 256 = 223 GB) it does not.
    model, quant, _ = glm
    mac = catalog.builds["mac-studio-m3-ultra-256gb"]
    assert cm.check_fit(mac, model, quant, raise_gpu_memory_cap=True).fits
    default = cm.check_fit(mac, model, quant, raise_gpu_memory_cap=False)
    assert not default.fits and default.cap_raise_would_fit
    assert "raising the GPU memory cap" in default.message


def test_8x_h100_cannot_hold_the_q8_file(catalog, glm):
    # article's table: Q8_0 (~805 GB) on "8xH100 class"; 8 x 80 GB = 640 GB of VRAM, so one node
    # holds it only by spilling ~170 GB to host RAM.
    model, _, _ = glm
    node = catalog.builds["h100x8-node"]
    fit = cm.check_fit(node, model, model.quants["Q8_0"])
    assert node.gpu_count * node.vram_gb_per_gpu == 640
    assert fit.placement in ("gpu+ram", "none")
    assert fit.placement != "gpu"


def test_the_article_case_fits_by_every_function_with_their_defaults(catalog):
    """GLM 5.2 UD-IQ2_XXS on the 256 GB M3 Ultra: check_fit, estimate_speed and compare agree."""
    build, glm = catalog.builds["mac-studio-m3-ultra-256gb"], catalog.models["glm-5.2"]
    quant = glm.quants["UD-IQ2_XXS"]
    fit = cm.check_fit(build, glm, quant)
    assert fit.fits and fit.needs_cap_raise
    assert cm.estimate_speed(build, glm, quant).decode_tok_s > 0
    scenario = cm.Scenario(
        build=build, model=glm, quant=quant, price=catalog.prices["zai/glm-5.2"], usage=cm.Usage(tokens_per_month=50e6)
    )
    assert cm.compare(scenario).verdict == cm.Verdict.PAYS_BACK
