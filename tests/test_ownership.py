"""Owning a build: electricity, resale value, replacement, capacity. Hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from costmodel.ownership import (
    capacity_tok_per_month,
    electricity_usd,
    hours_per_token,
    powered_hours_per_month,
    replacement_months,
    resale_value_usd,
)


def test_a_month_powered_all_day_is_7305_hours():
    # 365.25 / 12 x 24 = 730.5
    assert powered_hours_per_month(24) == pytest.approx(730.5)
    assert powered_hours_per_month(8) == pytest.approx(243.5)


def test_hours_per_token_weights_decode_and_prefill_by_the_mix():
    # 3:1 mix at 10 tok/s decode and 100 tok/s prefill: 0.25/10 + 0.75/100 = 0.0325 s per token
    assert hours_per_token(10, 100, 0.75) * 3600 == pytest.approx(0.0325)


def test_capacity_with_8_hours_a_day():
    # 0.0325 s per token, 243.5 h a month: 243.5 x 3600 / 0.0325 = 26.97 M tokens
    assert capacity_tok_per_month(hours_per_token(10, 100, 0.75), 8) == pytest.approx(26.972e6, rel=1e-4)


def test_electricity_counts_load_and_idle_hours():
    # 100 h at 500 W + 630.5 h at 50 W = 50 + 31.525 = 81.525 kWh; x 0.30 USD = 24.4575
    assert electricity_usd(100, 730.5, 500, 50, 0.30) == pytest.approx(24.4575)


def test_electricity_is_free_at_zero_price_and_vectorised():
    out = electricity_usd(np.array([0.0, 10.0]), 730.5, 500, 50, 0.0)
    np.testing.assert_array_equal(out, [0.0, 0.0])


def test_replacement_happens_strictly_inside_the_horizon():
    assert replacement_months(60, 36, True).tolist() == [36.0]
    assert replacement_months(72, 36, True).tolist() == [36.0]
    assert replacement_months(36, 36, True).tolist() == []
    assert replacement_months(60, 24, False).tolist() == []


def test_value_falls_in_a_straight_line_to_resale():
    value = resale_value_usd(12_000, 0.25, 48, 48, replace_at_end_of_life=True)
    # 12,000 x (1 - 0.75 x 24/48) = 7,500 at month 24; 3,000 at 48
    assert value[0] == 12_000
    assert value[24] == pytest.approx(7_500)
    assert value[48] == pytest.approx(3_000)
    assert np.all(np.diff(value) <= 0)
