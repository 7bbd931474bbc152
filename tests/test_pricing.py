"""Blended API prices: the mix decides, cached input is part of input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import hand_price

import costmodel as cm


def test_blend_of_numbers_and_of_objects_agree():
    price = hand_price(input_usd_per_mtok=3.0, output_usd_per_mtok=15.0, cached_input_usd_per_mtok=0.30)
    usage = cm.Usage(tokens_per_month=1e6, input_share=0.9, cached_input_share=0.8)
    # hand-computed: 0.9 x (0.2 x 3 + 0.8 x 0.3) + 0.1 x 15 = 0.9 x 0.84 + 1.5 = 2.256
    assert cm.blended_usd_per_mtok(price, usage) == pytest.approx(2.256)
    assert cm.blended_usd_per_mtok(
        input_usd_per_mtok=3.0,
        output_usd_per_mtok=15.0,
        cached_input_usd_per_mtok=0.30,
        input_share=0.9,
        cached_input_share=0.8,
    ) == pytest.approx(2.256)


def test_cached_input_without_a_cached_price_is_billed_as_input():
    price = hand_price(input_usd_per_mtok=2.0, output_usd_per_mtok=8.0)
    cached = cm.Usage(tokens_per_month=1e6, input_share=0.5, cached_input_share=1.0)
    plain = cm.Usage(tokens_per_month=1e6, input_share=0.5)
    assert cm.blended_usd_per_mtok(price, cached) == cm.blended_usd_per_mtok(price, plain) == pytest.approx(5.0)


def test_cached_input_is_never_billed_twice():
    # all input cached at 0.10: 1 M input tokens cost 0.10, not 2.00 + 0.10
    price = hand_price(input_usd_per_mtok=2.0, output_usd_per_mtok=8.0, cached_input_usd_per_mtok=0.10)
    usage = cm.Usage(tokens_per_month=1e6, input_share=1.0, cached_input_share=1.0)
    assert cm.blended_usd_per_mtok(price, usage) == pytest.approx(0.10)


@pytest.mark.parametrize("container", [list, np.array, pd.Series])
def test_blend_broadcasts_over_lists_arrays_and_series(container):
    shares = container([0.0, 0.5, 0.75, 1.0])
    out = cm.blended_usd_per_mtok(input_usd_per_mtok=1.40, output_usd_per_mtok=4.40, input_share=shares)
    np.testing.assert_allclose(np.asarray(out), [4.40, 2.90, 2.15, 1.40])


def test_blend_rejects_shares_outside_0_1():
    with pytest.raises(cm.CostModelError, match="input_share and cached_input_share must be within 0-1"):
        cm.blended_usd_per_mtok(input_usd_per_mtok=1, output_usd_per_mtok=2, input_share=1.5)


def test_blend_needs_both_price_and_usage():
    with pytest.raises(cm.CostModelError, match="give both a price and a usage"):
        cm.blended_usd_per_mtok(hand_price())


def test_a_price_of_zero_for_both_directions_is_refused():
    with pytest.raises(cm.CostModelError, match="both 0: a missing price is not a free one"):
        hand_price(input_usd_per_mtok=0, output_usd_per_mtok=0)


def test_price_id_must_be_provider_slash_model():
    with pytest.raises(cm.CostModelError, match="price_id must be provider/model"):
        hand_price(price_id="api/other")
