"""API prices from the genai-prices snapshot, curated rows, the user's, and LiteLLM files."""

from __future__ import annotations

import datetime as dt
import json
import socket
import time

import pytest

import costmodel as cm
from costmodel.io.price_sources import (
    PLAUSIBLE_USD_PER_MTOK,
    fetch_newer,
    litellm_prices,
    normalise_model_name,
    observed_change,
    snapshot_prices,
)


def test_the_snapshot_layer_is_there_with_its_provenance(catalog):
    snap = snapshot_prices()
    assert snap.version == "0.2.3"
    assert len(catalog.prices) > 1000
    price = catalog.prices["together/meta-llama/Llama-3.3-70B-Instruct-Turbo"]
    assert price.origin == "genai-prices"
    assert price.source == "genai-prices 0.2.3 bundled snapshot (https://www.together.ai/pricing)"
    assert (price.input_usd_per_mtok, price.output_usd_per_mtok) == (0.88, 0.88)
    assert price.open_weights_model_id == "llama-3.3-70b"


def test_curated_rows_win_over_the_snapshot_and_say_so(catalog):
    glm = catalog.prices["zai/glm-5.2"]
    assert glm.origin == "curated"
    assert "wins over genai-prices 0.2.3 (zai/GLM-5.2: 1.4 / 4.4)" in glm.note
    assert "zai/GLM-5.2" not in catalog.prices  # one offering, not two
    without = cm.load_catalog(snapshot=False)
    assert set(without.prices) == {p for p, price in catalog.prices.items() if price.origin == "curated"}


def test_a_user_price_goes_over_both_layers(catalog):
    import dataclasses

    mine = catalog.prices["zai/glm-5.2"].model_copy(update={"input_usd_per_mtok": 1.0, "origin": "user"})
    merged = dataclasses.replace(catalog, prices={**catalog.prices, mine.price_id: mine})
    assert merged.price("zai/glm-5.2").origin == "user"


def test_a_price_change_is_picked_by_date(catalog):
    # genai-prices: GLM 5.2 at quicksilverpro fell from $1.12/$3.52 to $0.70/$2.20 on 2026-10-19
    before = catalog.price_at("quicksilverpro/glm-5.2", dt.date(2026, 10, 18))
    after = catalog.price_at("quicksilverpro/glm-5.2", dt.date(2026, 10, 19))
    assert (before.input_usd_per_mtok, before.output_usd_per_mtok) == (1.12, 3.52)
    assert (after.input_usd_per_mtok, after.output_usd_per_mtok) == (0.70, 2.20)
    history = catalog.price_history_frame("quicksilverpro/glm-5.2")
    assert list(history["valid_from"]) == [None, dt.date(2026, 10, 19)]


def test_an_offering_without_history_has_no_price_before_its_as_of(catalog):
    with pytest.raises(cm.CostModelError, match="no dated history; its price is known as of 2026-11-28"):
        catalog.price_at("groq/qwen/qwen3-32b", dt.date(2025, 1, 1))
    assert catalog.price_at("groq/qwen/qwen3-32b", dt.date(2026, 12, 1)) == catalog.prices["groq/qwen/qwen3-32b"]


def test_cached_input_is_part_of_input_never_billed_twice(catalog):
    price = catalog.prices["together/zai-org/GLM-5.2"]
    all_cached = cm.Usage(tokens_per_month=1, input_share=1.0, cached_input_share=1.0)
    half = cm.Usage(tokens_per_month=1, input_share=1.0, cached_input_share=0.5)
    assert cm.blended_usd_per_mtok(price, all_cached) == pytest.approx(price.cached_input_usd_per_mtok)
    assert cm.blended_usd_per_mtok(price, half) == pytest.approx(
        (price.input_usd_per_mtok + price.cached_input_usd_per_mtok) / 2
    )


def test_no_offering_is_priced_at_zero(catalog):
    assert all(p.input_usd_per_mtok > 0 or p.output_usd_per_mtok > 0 for p in catalog.prices.values())
    assert snapshot_prices().skipped > 0  # offerings without both prices were left out, not zeroed


def test_an_unknown_offering_names_what_was_asked_and_the_closest(catalog):
    with pytest.raises(cm.CostModelError, match=r"unknown API offering 'zai/glm-5.9'; closest: zai/glm-5.2"):
        catalog.price("zai/glm-5.9")
    with pytest.raises(cm.CostModelError, match="unknown API offering 'nobody/nothing'"):
        catalog.price_at("nobody/nothing", dt.date(2026, 1, 1))


def test_offline_the_check_for_newer_prices_says_so_quickly():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(cm.CostModelError, match=r"could not fetch newer prices from http://127\.0\.0\.1:\d+/.*bundled"):
        fetch_newer(dt.date(2026, 12, 1), deadline_s=2.0, url=f"http://127.0.0.1:{port}/prices.json")
    assert time.monotonic() - start < 10


def test_the_observed_trend_is_the_falling_default():
    observed = observed_change(snapshot_prices(), dt.date(2026, 11, 28))
    assert observed == pytest.approx(-0.20, abs=0.005)
    assert cm.DEFAULT_TRENDS[0].api_price_change_per_year == round(observed, 2)


@pytest.mark.parametrize(
    ("name", "model_id"),
    [
        ("zai-org/GLM-5.2-FP8", "glm-5.2"),
        ("glm-5p2", "glm-5.2"),
        ("meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b"),
        ("llama-3.1-8b-instant", "llama-3.1-8b"),
        ("openai/gpt-oss-120b", "gpt-oss-120b"),
    ],
)
def test_api_models_match_the_catalogues_open_weights(name, model_id):
    assert normalise_model_name(name) == model_id


# --- LiteLLM ------------------------------------------------------------------------------------

LITELLM = {
    "sample_spec": {"input_cost_per_token": 0, "output_cost_per_token": 0},
    "zai/glm-5.2": {
        "input_cost_per_token": 1.4e-06,
        "output_cost_per_token": 4.4e-06,
        "cache_read_input_token_cost": 2.6e-07,
        "litellm_provider": "zai",
        "mode": "chat",
    },
    "gpt-5.5": {
        "input_cost_per_token": 5e-06,
        "output_cost_per_token": 3e-05,
        "litellm_provider": "openai",
        "mode": "chat",
    },
    "slip": {"input_cost_per_token": 0.0014, "output_cost_per_token": 0.0044, "litellm_provider": "x", "mode": "chat"},
    "text-embedding-3-small": {"input_cost_per_token": 2e-08, "output_cost_per_token": 0, "mode": "embedding"},
}


def test_litellm_per_token_prices_become_per_million():
    accepted, rejected = litellm_prices(json.dumps(LITELLM), "prices.json", as_of=dt.date(2026, 11, 28))
    by_id = {p.price_id: p for p in accepted}
    assert set(by_id) == {"zai/glm-5.2", "openai/gpt-5.5"}
    glm = by_id["zai/glm-5.2"]
    # hand-computed: 1.4e-06 USD per token x 1,000,000 = 1.40 USD per million tokens
    assert (glm.input_usd_per_mtok, glm.output_usd_per_mtok, glm.cached_input_usd_per_mtok) == (1.4, 4.4, 0.26)
    assert (by_id["openai/gpt-5.5"].input_usd_per_mtok, by_id["openai/gpt-5.5"].output_usd_per_mtok) == (5.0, 30.0)
    assert glm.origin == "user" and glm.source == "LiteLLM price file prices.json"


def test_litellm_per_thousand_slip_is_caught():
    # 0.0014 in a per-token field is $1,400 per million tokens: a per-1,000-token price typed in
    _, rejected = litellm_prices(json.dumps(LITELLM), "prices.json", dt.date(2026, 11, 28))
    [problem] = rejected
    assert problem.column == "slip"
    assert "input $1,400 per million tokens is outside $0.001-$1,000: a per-1,000-token figure" in str(problem)
    assert PLAUSIBLE_USD_PER_MTOK[1] < 1400


def test_litellm_file_that_is_not_json():
    with pytest.raises(cm.CostModelError, match="prices.json: not JSON"):
        litellm_prices(b"{oops", "prices.json", dt.date(2026, 11, 28))
