"""Invariants of the cost model, checked over generated scenarios with hypothesis."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import machines, scenarios

import costmodel as cm

USD_CURVE_COLUMNS = [
    "api_usd",
    "local_cash_usd",
    "overflow_usd",
    "local_value_usd",
    "local_net_usd",
    "savings_usd",
]


def scaled_price(p: cm.ApiPrice, k: float) -> cm.ApiPrice:
    """Every price of ``p`` times k."""
    cached = p.cached_input_usd_per_mtok
    return p.model_copy(
        update={
            "input_usd_per_mtok": p.input_usd_per_mtok * k,
            "output_usd_per_mtok": p.output_usd_per_mtok * k,
            "cached_input_usd_per_mtok": None if cached is None else cached * k,
        }
    )


def scaled(scenario: cm.Scenario, k: float) -> cm.Scenario:
    """Every USD input times k."""
    return scenario.model_copy(
        update={
            "build": scenario.build.model_copy(update={"capex_usd": scenario.build.capex_usd * k}),
            "price": scaled_price(scenario.price, k),
            "electricity_usd_per_kwh": scenario.electricity_usd_per_kwh * k,
            "maintenance_usd_per_month": scenario.maintenance_usd_per_month * k,
        }
    )


def with_price_factor(scenario: cm.Scenario, f: float) -> cm.Scenario:
    return scenario.model_copy(update={"price": scaled_price(scenario.price, f)})


def numbers(result: cm.Comparison) -> list[float]:
    """Every number a Comparison carries."""
    out = []
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if isinstance(value, float):
            out.append(value)
    out.extend(result.curve.select_dtypes("number").to_numpy().ravel().tolist())
    return out


@settings(max_examples=max(150, settings.default.max_examples))
@given(scenarios(measured=True), st.floats(min_value=0.01, max_value=100))
def test_scaling_every_usd_input_scales_costs_and_keeps_break_even(scenario, k):
    base, big = cm.compare(scenario), cm.compare(scaled(scenario, k))
    scale = float(np.abs(base.curve[USD_CURVE_COLUMNS].to_numpy()).max()) * k  # differences cancel to this
    for column in USD_CURVE_COLUMNS:
        np.testing.assert_allclose(big.curve[column], base.curve[column] * k, rtol=1e-7, atol=1e-9 * scale)
    assert big.verdict == base.verdict or math.isclose(base.savings_at_horizon_usd, 0, abs_tol=1e-6)
    if base.break_even_volume_tok_per_month is None:
        assert big.break_even_volume_tok_per_month is None
    else:
        assert big.break_even_volume_tok_per_month == pytest.approx(base.break_even_volume_tok_per_month, rel=1e-9)
    if base.break_even_month is not None and big.break_even_month is not None:
        assert big.break_even_month == pytest.approx(base.break_even_month, rel=1e-9, abs=1e-9)


@settings(max_examples=max(150, settings.default.max_examples))
@given(scenarios(), st.floats(min_value=1.0, max_value=10))
def test_a_higher_api_price_never_delays_break_even(scenario, f):
    low, high = cm.compare(scenario), cm.compare(with_price_factor(scenario, f))
    if low.verdict == cm.Verdict.PAYS_BACK:
        assert high.verdict == cm.Verdict.PAYS_BACK
        assert high.break_even_month <= low.break_even_month + 1e-9
    if low.break_even_volume_tok_per_month is not None:
        assert high.break_even_volume_tok_per_month <= low.break_even_volume_tok_per_month * (1 + 1e-9)


@settings(max_examples=max(150, settings.default.max_examples))
@given(scenarios(), st.floats(min_value=0, max_value=2))
def test_a_higher_electricity_price_never_brings_break_even_forward(scenario, extra):
    cheap = cm.compare(scenario)
    dear = cm.compare(scenario.model_copy(update={"electricity_usd_per_kwh": scenario.electricity_usd_per_kwh + extra}))
    if dear.verdict == cm.Verdict.PAYS_BACK:
        assert cheap.verdict == cm.Verdict.PAYS_BACK
        assert dear.break_even_month >= cheap.break_even_month - 1e-9
    assert dear.savings_at_horizon_usd <= cheap.savings_at_horizon_usd + 1e-6


@settings(max_examples=max(150, settings.default.max_examples))
@given(scenarios(measured=True), st.floats(min_value=1.0, max_value=50))
def test_more_capacity_never_turns_pays_back_into_cannot_serve(scenario, f):
    slow = cm.compare(scenario)
    fast = cm.compare(
        scenario.model_copy(
            update={"decode_tok_s": scenario.decode_tok_s * f, "prefill_tok_s": scenario.prefill_tok_s * f}
        )
    )
    assert fast.capacity_tok_per_month >= slow.capacity_tok_per_month
    if slow.verdict == cm.Verdict.PAYS_BACK:
        assert fast.verdict != cm.Verdict.CANNOT_SERVE


@settings(max_examples=max(200, settings.default.max_examples))
@given(scenarios())
def test_no_nan_or_inf_for_valid_inputs_and_inputs_unmodified(scenario):
    before = scenario.model_dump()
    result = cm.compare(scenario)
    assert all(math.isfinite(x) for x in numbers(result))
    curve = cm.volume_curve(result)
    assert np.isfinite(curve.select_dtypes("number").to_numpy()).all()
    assert scenario.model_dump() == before
    assert cm.explain(result).reason


@settings(max_examples=max(100, settings.default.max_examples))
@given(scenarios())
def test_cumulative_costs_never_fall_and_savings_identity_holds(scenario):
    curve = cm.compare(scenario).curve
    assert (np.diff(curve["api_usd"]) >= -1e-9).all()
    scale = float(curve[USD_CURVE_COLUMNS].abs().to_numpy().max())
    # the local position (cash less what the box would fetch) never falls: a replacement buys a
    # new box worth what it cost, so selling the old one and buying again moves it not at all
    assert (np.diff(curve["local_net_usd"]) >= -1e-9 * scale).all()
    np.testing.assert_allclose(
        curve["local_net_usd"], curve["local_cash_usd"] - curve["local_value_usd"], atol=1e-12 * scale
    )
    np.testing.assert_allclose(curve["savings_usd"], curve["api_usd"] - curve["local_net_usd"], atol=1e-12 * scale)
    assert (curve["served_local_tokens"] <= curve["tokens"] * (1 + 1e-12)).all()


def test_objects_are_frozen(catalog):
    build = catalog.builds["rtx3090-single"]
    with pytest.raises(Exception, match="frozen"):
        build.capex_usd = 1.0


@settings(max_examples=max(200, settings.default.max_examples))
@given(
    scenarios(measured=False, machine=machines()),
    st.sampled_from(["f16", "q8_0", "q4_0"]),
    st.booleans(),
    st.booleans(),
)
def test_fit_speed_and_compare_agree_on_whether_the_model_fits(scenario, dtype, raise_cap, defaults):
    """One set of memory defaults: check_fit, estimate_speed and compare never disagree, whether
    the options are given or left to their defaults (a unified-memory Mac's cap included)."""
    options = {} if defaults else {"kv_cache_dtype": dtype, "raise_gpu_memory_cap": raise_cap}
    s = scenario.model_copy(update=options)
    b, m, q, context = s.build, s.model, s.quant, s.context_tokens
    fit = cm.check_fit(b, m, q, context, **options)
    verdict = cm.compare(s).verdict
    assert fit.fits == (verdict != cm.Verdict.DOES_NOT_FIT)
    if fit.fits:
        assert cm.estimate_speed(b, m, q, context, **options).decode_tok_s > 0
    else:
        with pytest.raises(cm.CostModelError, match="does not fit"):
            cm.estimate_speed(b, m, q, context, **options)


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=80))
def test_crossings_alternate_and_each_lies_where_the_savings_change_sign(row):
    from costmodel.engine import crossings

    found = crossings(np.array(row))
    sides = [ahead for _, ahead in found]
    assert sides == [i % 2 == 0 for i in range(len(sides))]  # ahead, behind, ahead, ...
    months = [m for m, _ in found]
    assert months == sorted(months) and all(0 <= m <= len(row) - 1 for m in months)
    side = [False] + [v > 0 for v in row[1:]]  # month 0 counts as behind
    assert len(found) == sum(a != b for a, b in zip(side, side[1:]))
    for m, ahead in found:  # the sign is the new side's at the end of the month the change falls in
        assert (row[min(math.floor(m) + 1, len(row) - 1)] > 0) == ahead or m == math.floor(m)
