"""Sensitivity and uncertainty: API price trends, quality adjustment, tornado, Monte Carlo."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from conftest import hand_build, hand_price, hand_quant, hand_rental, hand_scenario
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import scenarios

import costmodel as cm
from costmodel import sensitivity
from costmodel.inputs import replaced
from costmodel.sensitivity import INPUTS, base_values, varied

# The hand case (conftest.hand_scenario, worked in tests/test_breakeven.py): a $2,000 box, 25%
# resale after 60 months, 400 W at load and 100 W idle, 50/500 tok/s; 10 M tokens a month at 1:1
# against an API at $5.00 per million ($50 a month); electricity $12.3325 a month; 30.556 hours at
# load a month; savings at month 60 $760.05.


def zero_width(scenario: cm.Scenario, **at: float) -> dict[str, tuple[float, float, float]]:
    """Every input fixed (low == likely == high) at the scenario's value, or at ``at``'s."""
    values = {**base_values(scenario), **at}
    return {name: (values[name],) * 3 for name in INPUTS if name in values}


def crossing(result: cm.Comparison) -> float | None:
    return result.break_even_month if result.break_even_month is not None else result.hybrid_break_even_month


def assert_draws_reproduce(mc: cm.MonteCarlo, result: cm.Comparison) -> None:
    """Every draw of ``mc`` equals ``result`` (from compare) to 1e-9."""
    curve = result.curve
    scale = float(curve[["api_usd", "local_net_usd"]].abs().to_numpy().max())
    for column, values in (("local_net_usd", mc.local_net_usd), ("api_usd", mc.api_usd)):
        expected = np.broadcast_to(curve[column].to_numpy(), values.shape)
        np.testing.assert_allclose(values, expected, rtol=1e-9, atol=1e-12 * scale)
    np.testing.assert_allclose(mc.savings_at_horizon_usd, result.savings_at_horizon_usd, rtol=1e-9, atol=1e-12 * scale)
    assert mc.over_capacity.tolist() == [result.first_month_over_capacity is not None] * mc.n
    month = crossing(result)
    assert mc.pays_back.tolist() == [result.savings_at_horizon_usd > 0] * mc.n
    if mc.pays_back.any():
        np.testing.assert_allclose(mc.break_even_month, month, rtol=1e-9, atol=1e-9)


# --------------------------------------------------------------------------- API price trend


def test_a_flat_trend_equals_the_plain_comparison_exactly():
    plain = cm.compare(hand_scenario())
    flat = cm.compare(hand_scenario(api_price_change_per_year=0.0))
    assert flat.curve.equals(plain.curve)
    assert flat.savings_at_horizon_usd == plain.savings_at_horizon_usd
    assert flat.break_even_month == plain.break_even_month
    assert flat.break_even_volume_tok_per_month == plain.break_even_volume_tok_per_month
    table = cm.price_trend_scenarios(hand_scenario(), {"flat": 0.0})
    assert table["api_usd"].tolist() == plain.curve["api_usd"].tolist()
    assert table["local_net_usd"].tolist() == plain.curve["local_net_usd"].tolist()
    assert set(table["break_even_month"]) == {plain.break_even_month}


def test_hand_case_falling_30_percent_a_year_over_24_months():
    # month m pays 5.00 USD/Mtok x 0.7^((m-1)/12); 10 M tokens a month -> 50 x 0.7^((m-1)/12) USD.
    #   r = 0.7^(1/12) = 0.970714; months 1-12: 50 x (1 - r^12) / (1 - r) = 50 x 0.3 / 0.0292855
    #   = 50 x 10.24397 = 512.198; months 13-24 pay 0.7 x as much: 358.539; total 870.737
    #   (flat: 1,200). Local is unchanged: cash 2,000 + 24 x 12.3325 = 2,295.98; the box is worth
    #   2,000 x (1 - 0.75 x 24/60) = 1,400 at month 24, so savings = 870.737 - 895.98 = -25.243.
    result = cm.compare(hand_scenario(horizon_months=24, api_price_change_per_year=-0.3))
    curve = result.curve
    assert curve["api_usd"].iloc[1] == pytest.approx(50.0)
    assert curve["api_usd"].iloc[13] - curve["api_usd"].iloc[12] == pytest.approx(35.0)
    assert curve["api_usd"].iloc[12] == pytest.approx(512.198, abs=1e-3)
    assert curve["api_usd"].iloc[24] == pytest.approx(870.737, abs=1e-3)
    assert curve["local_cash_usd"].iloc[24] == pytest.approx(2295.98)
    assert result.savings_at_horizon_usd == pytest.approx(-25.243, abs=1e-3)
    assert result.verdict == cm.Verdict.NEVER
    assert "its average over the horizon at -30% a year" in cm.explain(result).reason
    # break-even volume: fixed = 2,000 x 0.75 x 24/60 + 24 x 730.5 h x 0.1 kW x 0.15 = 600 + 262.98
    # = 862.98; mean multiplier = 17.41474 / 24 = 0.725614; V* = 862.98 / (24 x (5.00 x 0.725614
    # - 0.1375) / 1e6) = 10.3013 M tokens a month (flat prices: 7.3949 M over 60 months)
    assert result.api_price_factor_mean == pytest.approx(0.725614, abs=1e-6)
    assert result.break_even_volume_tok_per_month == pytest.approx(10.3013e6, rel=1e-5)


@pytest.mark.parametrize("change", [-0.3, -0.9, 0.5, 3.0])
def test_at_the_break_even_volume_savings_are_zero_under_a_trend(change):
    # from 52 k tokens a month at +300%/year to 106 M at -90%/year, all within capacity (239 M)
    scenario = hand_scenario(api_price_change_per_year=change)
    result = cm.compare(scenario)
    volume = result.break_even_volume_tok_per_month
    assert result.break_even_volume_within_capacity
    at = cm.compare(scenario.model_copy(update={"usage": cm.Usage(tokens_per_month=volume, input_share=0.5)}))
    assert at.savings_at_horizon_usd == pytest.approx(0.0, abs=1e-6)


@settings(max_examples=max(150, settings.default.max_examples))
@given(scenarios(measured=True), st.floats(min_value=-0.9, max_value=3.0), st.booleans())
def test_break_even_volume_identity_holds_under_any_trend_and_quality(scenario, change, adjusted):
    scenario = scenario.model_copy(update={"api_price_change_per_year": change, "quality_adjusted": adjusted})
    result = cm.compare(scenario)
    volume = result.break_even_volume_tok_per_month
    assume(volume is not None and result.break_even_volume_within_capacity and volume <= 1e13)
    flat = scenario.usage.model_copy(update={"tokens_per_month": volume, "monthly_growth": 0.0})
    at = cm.compare(scenario.model_copy(update={"usage": flat}))
    last = at.curve.iloc[-1]
    scale = max(abs(last["api_usd"]), abs(last["local_net_usd"]), 1.0)
    assert at.savings_at_horizon_usd == pytest.approx(0.0, abs=1e-9 * scale)


@pytest.mark.parametrize(
    "overrides",
    [
        dict(api_price_change_per_year=-0.3),
        dict(api_price_change_per_year=0.5, quality_adjusted=True, quant=hand_quant(quality_retained=0.8)),
        dict(api_price_change_per_year=0.5, overflow_price=hand_price(price_id="o/x", provider="o", model="x")),
    ],
    ids=["falling", "rising-quality", "rising-overflow"],
)
def test_volume_curve_agrees_with_compare_under_a_trend(overrides):
    # below and above capacity (the hybrid sends the overflow to the API at the trend's prices)
    scenario = hand_scenario(**overrides)
    curve = cm.volume_curve(cm.compare(scenario), 5e6, 2e9, points=3)
    for _, row in curve.iterrows():
        volume = row["volume_tok_per_month"]
        at = cm.compare(scenario.model_copy(update={"usage": cm.Usage(tokens_per_month=volume, input_share=0.5)}))
        tokens = volume * scenario.horizon_months
        assert row["local_usd_per_mtok"] == pytest.approx(at.curve["local_net_usd"].iloc[-1] / tokens * 1e6)
        assert row["api_usd_per_mtok"] == pytest.approx(at.curve["api_usd"].iloc[-1] / tokens * 1e6)
    assert not curve["within_capacity"].iloc[-1]


def test_the_overflow_follows_the_trend():
    # 500 M tokens a month against 239.07 M of capacity: the overflow's month-13 price is 1.5 x month 1's
    usage = cm.Usage(tokens_per_month=500e6, input_share=0.5)
    overflow = cm.compare(hand_scenario(usage=usage, api_price_change_per_year=0.5)).curve["overflow_usd"]
    assert (overflow.iloc[13] - overflow.iloc[12]) / overflow.iloc[1] == pytest.approx(1.5)


def test_price_trend_scenarios_defaults_are_sourced_and_ordered():
    labels = [t.label for t in cm.DEFAULT_TRENDS]
    changes = [t.api_price_change_per_year for t in cm.DEFAULT_TRENDS]
    assert changes == sorted(changes) and changes[0] < 0 and 0.0 in changes and changes[-1] == 0.5
    assert all(t.source for t in cm.DEFAULT_TRENDS)
    assert "assumption" in cm.DEFAULT_TRENDS[-1].source
    table = cm.price_trend_scenarios(hand_scenario())
    assert list(table.columns) == [
        "trend",
        "source",
        "api_price_change_per_year",
        "month",
        "api_usd",
        "local_net_usd",
        "break_even_month",
        "break_even_usd",
        "savings_at_horizon_usd",
        "verdict",
    ]
    assert table["trend"].unique().tolist() == labels
    assert table.drop_duplicates("trend")["source"].tolist() == [t.source for t in cm.DEFAULT_TRENDS]
    assert len(table) == 3 * 61
    per_trend = table.groupby("trend", sort=False).last()
    # dearer API prices never lower the API's spend nor delay break-even
    assert per_trend["api_usd"].is_monotonic_increasing
    months = [m for m in per_trend["break_even_month"] if m is not None]
    assert months == sorted(months, reverse=True)
    assert not table.drop(columns=["break_even_month", "break_even_usd"]).isna().any().any()
    assert all(m is None or math.isfinite(m) for m in table["break_even_month"])  # None, never NaN


def test_price_trend_scenarios_rejects_a_trend_out_of_bounds():
    with pytest.raises(cm.CostModelError, match="api_price_change_per_year"):
        cm.price_trend_scenarios(hand_scenario(), {"collapse": -1.0})
    with pytest.raises(cm.CostModelError, match="at least one trend"):
        cm.price_trend_scenarios(hand_scenario(), {})


# --------------------------------------------------------------------------- quality adjustment


def test_hand_case_quality_adjustment_charges_the_local_side_1_25_x():
    # quality_retained 0.8 -> 1 / 0.8 = 1.25 local tokens per API token; the API side and capex
    # are unchanged. Hours at load 30.556 x 1.25 = 38.194; electricity (38.194 x 0.4 + 692.306
    # x 0.1) kWh x 0.15 = 84.508 x 0.15 = 12.6762 a month; marginal 0.1375 x 1.25 = 0.171875 USD
    # per Mtok; capacity 239.07 M x 0.8 = 191.26 M; savings 3,000 - (2,000 + 60 x 12.6762 - 500)
    # = 739.43.
    plain = cm.compare(hand_scenario(quant=hand_quant(quality_retained=0.8)))
    adjusted = cm.compare(hand_scenario(quant=hand_quant(quality_retained=0.8), quality_adjusted=True))
    assert adjusted.scenario.local_tokens_per_api_token == pytest.approx(1.25)
    assert adjusted.curve["api_usd"].equals(plain.curve["api_usd"])
    assert adjusted.curve["local_cash_usd"].iloc[0] == plain.curve["local_cash_usd"].iloc[0] == 2000
    month = adjusted.curve["local_cash_usd"].iloc[1] - adjusted.curve["local_cash_usd"].iloc[0]
    assert month == pytest.approx(12.67625)
    assert adjusted.local_marginal_usd_per_mtok == pytest.approx(plain.local_marginal_usd_per_mtok * 1.25)
    assert adjusted.local_marginal_usd_per_mtok == pytest.approx(0.171875)
    assert adjusted.capacity_tok_per_month == pytest.approx(plain.capacity_tok_per_month * 0.8)
    assert adjusted.capacity_tok_per_month == pytest.approx(191.258e6, rel=1e-5)
    assert adjusted.savings_at_horizon_usd == pytest.approx(739.425, abs=1e-3)
    assert adjusted.cash_payback_month > plain.cash_payback_month


def test_quality_adjustment_changes_nothing_without_a_known_quality():
    base = cm.compare(hand_scenario(quant=hand_quant(quality_retained=None)))
    adjusted = cm.compare(hand_scenario(quant=hand_quant(quality_retained=None), quality_adjusted=True))
    assert adjusted.curve.equals(base.curve)
    assert hand_scenario(quant=hand_quant(quality_retained=None), quality_adjusted=True).local_tokens_per_api_token == 1


# --------------------------------------------------------------------------- tornado


def test_tornado_is_ordered_by_impact_and_calls_out_the_input_that_flips_the_verdict():
    # The local position grows 25 (value lost) + 12.3325 (electricity) = 37.3325 a month.
    # API price x0.5: 25.00 a month, behind every month: never; savings 1,500 - 2,239.95 = -739.95.
    # API price x1.5: 75.00 a month, ahead from the first month; savings 4,500 - 2,239.95 = 2,260.05.
    # Impact 3,000. The other inputs' +-25% keep it paying back; the nearest, 7.5 M tokens a month:
    # 22.917 h at load, (22.917 x 0.4 + 707.583 x 0.1) kWh x 0.15 = 11.98875 a month, so the position
    # grows 36.98875 against the API's 37.50: 60 x 0.51125 = 30.675 ahead, from the first month.
    scenario = hand_scenario()
    table = cm.tornado(scenario, ranges={"api_price": (0.5, 1.5)})
    assert sorted(table["input"]) == sorted(sensitivity.tornado_inputs(base_values(scenario)))
    assert (np.diff(table["impact_usd"].to_numpy()) <= 0).all()
    np.testing.assert_allclose(table["impact_usd"], (table["savings_high_usd"] - table["savings_low_usd"]).abs())
    top = table.iloc[0]
    assert top["input"] == "api_price"
    assert (top["low_value"], top["base_value"], top["high_value"]) == (0.5, 1.0, 1.5)
    assert top["savings_low_usd"] == pytest.approx(-739.95, abs=0.01)
    assert top["savings_high_usd"] == pytest.approx(2260.05, abs=0.01)
    assert top["impact_usd"] == pytest.approx(3000.0)
    assert (top["verdict_low"], top["verdict_base"], top["verdict_high"]) == ("never", "pays_back", "pays_back")
    assert top["break_even_month_low"] is None
    assert top["break_even_month_high"] == 0.0 and top["break_even_month_base"] == 0.0
    assert table.loc[table["flips_verdict"], "input"].tolist() == ["api_price"]
    tokens = table.set_index("input").loc["tokens_per_month"]
    assert tokens["savings_low_usd"] == pytest.approx(30.675, abs=1e-3)
    assert tokens["verdict_low"] == "pays_back" and tokens["break_even_month_low"] == 0.0


def test_tornado_rows_are_compare_at_each_end():
    scenario = hand_scenario(decode_tok_s=None, prefill_tok_s=None, usage=cm.Usage(tokens_per_month=10e6))
    base = cm.compare(scenario)
    table = cm.tornado(scenario, spread=0.1).set_index("input")
    assert table.loc["decode_tok_s", "base_value"] == base.throughput.decode_tok_s  # the estimate
    assert table.loc["hours_per_day", "high_value"] == 24.0  # 24 x 1.1 kept within a day
    assert table.loc["input_share", "low_value"] == pytest.approx(0.675)
    assert (table["savings_base_usd"] == base.savings_at_horizon_usd).all()
    for name, row in table.iterrows():
        for end in ("low", "high"):
            expected = cm.compare(varied(scenario, name, row[f"{end}_value"]))
            assert row[f"savings_{end}_usd"] == expected.savings_at_horizon_usd
            assert row[f"verdict_{end}"] == expected.verdict.value


def test_tornado_ranges_add_the_trend_and_reject_bad_ranges():
    table = cm.tornado(hand_scenario(), ranges={"api_price_change_per_year": (-0.3, 0.5)})
    # the 11 rows of the hand case (its cost of capital, setup, maintenance share and operator are 0,
    # so they have no row) and the trend's
    assert len(table) == 12
    row = table.set_index("input").loc["api_price_change_per_year"]
    assert row["savings_low_usd"] < row["savings_base_usd"] < row["savings_high_usd"]
    with pytest.raises(cm.CostModelError, match="tornado: unknown input 'voltage'"):
        cm.tornado(hand_scenario(), ranges={"voltage": (1, 2)})
    with pytest.raises(cm.CostModelError, match="tornado: ranges\\['capex_usd'\\] has low 3000 above high 1000"):
        cm.tornado(hand_scenario(), ranges={"capex_usd": (3000, 1000)})
    with pytest.raises(cm.CostModelError, match="tornado: hours_per_day must be from 1 up to 24, got 30"):
        cm.tornado(hand_scenario(), ranges={"hours_per_day": (12, 30)})
    with pytest.raises(cm.CostModelError, match="tornado: spread"):
        cm.tornado(hand_scenario(), spread=1.0)


def test_tornado_and_monte_carlo_refuse_a_quant_that_does_not_fit():
    scenario = hand_scenario(build=hand_build(vram_gb_per_gpu=2.0, system_ram_gb=8.0))
    with pytest.raises(cm.CostModelError, match="tornado: Q4 does not fit on hand-box"):
        cm.tornado(scenario)
    with pytest.raises(cm.CostModelError, match="monte_carlo: Q4 does not fit on hand-box"):
        cm.monte_carlo(scenario, n=10)


# --------------------------------------------------------------------------- Monte Carlo


def article(catalog, **overrides) -> cm.Scenario:
    model = catalog.models["glm-5.2"]
    fields = dict(
        build=catalog.builds["mac-studio-m3-ultra-256gb"],
        model=model,
        quant=model.quants["UD-IQ2_XXS"],
        price=catalog.prices["zai/glm-5.2"],
        usage=cm.Usage(tokens_per_month=50e6, input_share=0.75, cached_input_share=0.3),
        horizon_months=60,
    )
    fields.update(overrides)
    return cm.Scenario(**fields)


def test_monte_carlo_is_deterministic_with_a_seed(catalog):
    scenario = article(catalog)
    a, b = cm.monte_carlo(scenario, n=2000, seed=7), cm.monte_carlo(scenario, n=2000, seed=7)
    c = cm.monte_carlo(scenario, n=2000, seed=8)
    assert np.array_equal(a.savings_at_horizon_usd, b.savings_at_horizon_usd)
    assert np.array_equal(a.local_net_usd, b.local_net_usd) and np.array_equal(a.api_usd, b.api_usd)
    assert a.draws.equals(b.draws) and a.fan.equals(b.fan)
    assert a.summary == b.summary and a.seed == 7
    assert not np.array_equal(a.savings_at_horizon_usd, c.savings_at_horizon_usd)
    assert not a.draws.equals(c.draws)


def test_monte_carlo_defaults_draw_around_the_scenario(catalog):
    scenario = article(catalog)
    mc = cm.monte_carlo(scenario, n=10_000, seed=0)
    base = base_values(scenario)
    # a bought box's uncertain inputs: every one but a rental's hourly price
    assert list(mc.draws.columns) == [n for n in sensitivity.UNCERTAIN_INPUTS if n != "rental_price"]
    assert mc.uncertain == cm.default_uncertain(scenario)
    for name in ("electricity_usd_per_kwh", "capex_usd", "decode_tok_s", "api_price", "tokens_per_month"):
        low, likely, high = mc.uncertain[name]
        assert (low, likely, high) == pytest.approx((base[name] * 0.75, base[name], base[name] * 1.25))
        drawn = mc.draws[name]
        assert low <= drawn.min() and drawn.max() <= high
        # a symmetric triangle's mean is its mode; 10,000 draws put it within 1% of it
        assert drawn.mean() == pytest.approx(likely, rel=0.01)
    assert mc.uncertain["api_price_change_per_year"] == (-0.3, 0.0, 0.3)
    assert 0 < mc.probability_local_cheaper < 1
    assert mc.probability_local_cheaper == np.mean(mc.savings_at_horizon_usd > 0)


def test_monte_carlo_result_shapes_fan_and_summary(catalog):
    scenario = article(catalog)
    mc = cm.monte_carlo(scenario, n=3000, seed=0)
    assert mc.n == 3000 and mc.local_net_usd.shape == mc.api_usd.shape == (3000, 61)
    assert mc.break_even_month.shape == (int(mc.pays_back.sum()),)
    assert not mc.savings_at_horizon_usd.flags.writeable
    with pytest.raises(dataclasses.FrozenInstanceError):
        mc.seed = 1
    assert list(mc.fan.columns) == ["month", "side", "p10_usd", "p50_usd", "p90_usd"]
    assert len(mc.fan) == 2 * 61 and set(mc.fan["side"]) == {"local", "api"}
    assert (mc.fan["p10_usd"] <= mc.fan["p50_usd"]).all() and (mc.fan["p50_usd"] <= mc.fan["p90_usd"]).all()
    for side, values in (("local", mc.local_net_usd), ("api", mc.api_usd)):
        fan = mc.fan[mc.fan["side"] == side]
        assert fan["month"].tolist() == list(range(61))
        expected = np.percentile(values, [10, 50, 90], axis=0)
        np.testing.assert_allclose(fan[["p10_usd", "p50_usd", "p90_usd"]].to_numpy().T, expected, rtol=1e-12)
    summary = mc.summary
    assert summary.draws == 3000 and summary.seed == 0
    assert summary.savings_p10_usd <= summary.savings_p50_usd <= summary.savings_p90_usd
    assert summary.share_paying_back == pytest.approx(mc.pays_back.mean())
    values = [v for v in dataclasses.asdict(summary).values() if v is not None]
    assert all(math.isfinite(v) for v in values)


def test_monte_carlo_summary_has_no_nan_when_nothing_pays_back():
    # a tenth of the API price: no draw pays back, and the summary says None rather than NaN
    cheap = hand_price(input_usd_per_mtok=0.2, output_usd_per_mtok=0.8)
    mc = cm.monte_carlo(hand_scenario(price=cheap), n=500, seed=0)
    assert not mc.pays_back.any() and mc.break_even_month.size == 0
    summary = mc.summary
    assert summary.break_even_month_p50 is None and summary.share_paying_back == 0.0
    assert summary.probability_local_cheaper == 0.0


ZERO_WIDTH_CASES = {
    "hand": {},
    "cannot serve": dict(usage=cm.Usage(tokens_per_month=500e6, input_share=0.5)),
    "replacement within the horizon": dict(build=hand_build(lifetime_months=24), horizon_months=60),
    "kept past its life": dict(build=hand_build(lifetime_months=24), replace_at_end_of_life=False),
    "growth": dict(usage=cm.Usage(tokens_per_month=100e6, input_share=0.5, monthly_growth=0.05)),
    "falling prices": dict(api_price_change_per_year=-0.3),
    "rising prices over capacity to another API": dict(
        api_price_change_per_year=0.5,
        usage=cm.Usage(tokens_per_month=400e6, input_share=0.5, cached_input_share=0.4),
        overflow_price=hand_price(price_id="o/x", provider="o", model="x", cached_input_usd_per_mtok=0.5),
    ),
    "quality adjusted": dict(quant=hand_quant(quality_retained=0.8), quality_adjusted=True),
    "estimated speed, part-time, shared": dict(
        decode_tok_s=None, prefill_tok_s=None, hours_per_day=8, dual_use_share=0.5, maintenance_usd_per_month=20
    ),
    "no tokens": dict(usage=cm.Usage(tokens_per_month=0)),
}


@pytest.mark.parametrize("overrides", ZERO_WIDTH_CASES.values(), ids=ZERO_WIDTH_CASES.keys())
def test_zero_width_ranges_give_zero_spread_and_reproduce_compare(overrides):
    scenario = hand_scenario(**overrides)
    mc = cm.monte_carlo(scenario, n=50, seed=3, uncertain=zero_width(scenario))
    assert np.ptp(mc.savings_at_horizon_usd) == 0
    assert (mc.fan["p10_usd"] == mc.fan["p90_usd"]).all()
    assert_draws_reproduce(mc, cm.compare(scenario))


def test_zero_width_reproduces_the_article_scenario(catalog):
    scenario = article(catalog, api_price_change_per_year=-0.2, quality_adjusted=True)
    mc = cm.monte_carlo(scenario, n=20, uncertain=zero_width(scenario))
    assert_draws_reproduce(mc, cm.compare(scenario))


SHIFTED = {
    "electricity_usd_per_kwh": 0.31,
    "capex_usd": 3100.0,
    "resale_fraction": 0.6,
    "decode_tok_s": 7.0,  # slow enough to overflow
    "speculative_speedup": 1.6,
    "api_price": 1.7,
    "tokens_per_month": 23e6,
    "input_share": 0.85,
    "cached_input_share": 0.5,
    "hours_per_day": 9.5,
    "dual_use_share": 0.4,
    "api_price_change_per_year": -0.45,
    "discount_rate_per_year": 0.07,
    "pue": 1.4,
    "setup_usd": 300.0,
    "maintenance_share_per_year": 0.05,
    "operator_hours_per_month": 5.0,
    "operator_usd_per_hour": 40.0,
    "rental_price": 1.3,
    "boxes": 3,
    "busy_hours_per_day": 9.0,
    "rental_starts_per_day": 6.0,
}


@pytest.mark.parametrize("name", INPUTS)
def test_each_input_means_the_same_in_monte_carlo_as_in_compare(name):
    # a zero-width draw at a value other than the scenario's equals compare of the scenario with
    # that value (the way tornado varies it); a second API for the overflow takes api_price too
    scenario = hand_scenario(
        build=hand_build(lifetime_months=24),
        overflow_price=hand_price(price_id="o/x", provider="o", model="x", input_usd_per_mtok=3.0),
        api_price_change_per_year=0.1,
        quant=hand_quant(quality_retained=0.9),
        quality_adjusted=True,
    )
    if not INPUTS[name].applies(scenario):  # an input of a rented machine: one billed by the minute
        scenario = replaced(scenario, build=hand_rental(offer_kind="spot", interruptions_per_day=2.0))
    assert INPUTS[name].applies(scenario), name
    mc = cm.monte_carlo(scenario, n=5, uncertain=zero_width(scenario, **{name: SHIFTED[name]}))
    assert_draws_reproduce(mc, cm.compare(varied(scenario, name, SHIFTED[name])))


@settings(max_examples=max(100, settings.default.max_examples))
@given(scenarios(), st.floats(min_value=-0.9, max_value=3.0), st.booleans())
def test_zero_width_monte_carlo_equals_compare_for_any_scenario(scenario, change, adjusted):
    scenario = scenario.model_copy(update={"api_price_change_per_year": change, "quality_adjusted": adjusted})
    result = cm.compare(scenario)
    assume(result.verdict != cm.Verdict.DOES_NOT_FIT)
    assert_draws_reproduce(cm.monte_carlo(scenario, n=3, uncertain=zero_width(scenario)), result)


def scaled_price(p: cm.ApiPrice, k: float) -> cm.ApiPrice:
    cached = p.cached_input_usd_per_mtok
    return p.model_copy(
        update={
            "input_usd_per_mtok": p.input_usd_per_mtok * k,
            "output_usd_per_mtok": p.output_usd_per_mtok * k,
            "cached_input_usd_per_mtok": None if cached is None else cached * k,
        }
    )


def assert_never_falls(low: cm.MonteCarlo, high: cm.MonteCarlo) -> None:
    """P(local cheaper) at the dearer API is at least as high; a draw may only change sides at 0."""
    assert high.probability_local_cheaper >= low.probability_local_cheaper or np.allclose(
        low.savings_at_horizon_usd[(low.savings_at_horizon_usd > 0) & (high.savings_at_horizon_usd <= 0)], 0, atol=1e-6
    )
    # with the same seed the same draws are taken, and no draw's savings fall
    scale = np.abs(low.api_usd[:, -1]).max() + np.abs(low.local_net_usd[:, -1]).max()
    assert (high.savings_at_horizon_usd >= low.savings_at_horizon_usd - 1e-9 * scale).all()


@settings(max_examples=max(60, settings.default.max_examples))
@given(scenarios(measured=True), st.floats(min_value=1.0, max_value=10.0))
def test_probability_local_wins_never_falls_as_the_api_price_rises(scenario, factor):
    dearer = scenario.model_copy(update={"price": scaled_price(scenario.price, factor)})
    assume(cm.compare(scenario).verdict != cm.Verdict.DOES_NOT_FIT)
    assert_never_falls(cm.monte_carlo(scenario, n=400, seed=5), cm.monte_carlo(dearer, n=400, seed=5))


def test_probability_local_wins_rises_along_an_api_price_sweep(catalog):
    scenario = article(catalog)
    runs = [
        cm.monte_carlo(scenario.model_copy(update={"price": scaled_price(scenario.price, k)}), n=4000, seed=1)
        for k in np.linspace(0.5, 2.0, 7)
    ]
    probabilities = [r.probability_local_cheaper for r in runs]
    assert probabilities == sorted(probabilities)
    assert probabilities[0] < 0.2 and probabilities[-1] > 0.99
    for low, high in zip(runs, runs[1:], strict=False):
        assert_never_falls(low, high)


def test_monte_carlo_never_calls_compare_per_draw(monkeypatch):
    def refuse(*_):
        raise AssertionError("compare called")

    monkeypatch.setattr(sensitivity, "compare", refuse)
    assert cm.monte_carlo(hand_scenario(), n=1000).n == 1000


def test_monte_carlo_rejects_bad_arguments():
    scenario = hand_scenario()
    with pytest.raises(cm.CostModelError, match="monte_carlo: n must be"):
        cm.monte_carlo(scenario, n=0)
    with pytest.raises(cm.CostModelError, match="monte_carlo: seed must be"):
        cm.monte_carlo(scenario, seed=-1)
    with pytest.raises(cm.CostModelError, match="monte_carlo: unknown input 'watts'"):
        cm.monte_carlo(scenario, uncertain={"watts": (1, 2, 3)})
    with pytest.raises(cm.CostModelError, match="needs low <= likely <= high, got \\(0.2, 0.1, 0.3\\)"):
        cm.monte_carlo(scenario, uncertain={"electricity_usd_per_kwh": (0.2, 0.1, 0.3)})
    with pytest.raises(cm.CostModelError, match="monte_carlo: resale_fraction must be from 0 up to 1, got 1.2"):
        cm.monte_carlo(scenario, uncertain={"resale_fraction": (0.2, 0.5, 1.2)})
    with pytest.raises(cm.CostModelError, match="monte_carlo: capex_usd must be above 0"):
        cm.monte_carlo(scenario, uncertain={"capex_usd": (0, 1, 2)})
    with pytest.raises(cm.CostModelError, match="must be \\(low, likely, high\\)"):
        cm.monte_carlo(scenario, uncertain={"capex_usd": (1, 2)})
    with pytest.raises(cm.CostModelError, match="use fewer draws"):
        cm.monte_carlo(scenario.model_copy(update={"horizon_months": 240}), n=100_000)


def test_inputs_are_not_modified():
    scenario = hand_scenario()
    before = scenario.model_dump()
    spec = cm.default_uncertain(scenario)
    frozen = dict(spec)
    cm.monte_carlo(scenario, n=100, uncertain=spec)
    cm.tornado(scenario)
    cm.price_trend_scenarios(scenario)
    assert scenario.model_dump() == before and spec == frozen


def test_every_column_is_in_the_glossary():
    scenario = hand_scenario()
    mc = cm.monte_carlo(scenario, n=10)
    columns = (
        list(cm.tornado(scenario).columns)
        + list(mc.fan.columns)
        + list(mc.draws.columns)
        + list(cm.price_trend_scenarios(scenario).columns)
        + [f.name for f in dataclasses.fields(cm.MonteCarloSummary)]
    )
    assert [c for c in columns if c not in cm.GLOSSARY] == []
    assert isinstance(cm.tornado(scenario), pd.DataFrame)


def test_default_ranges_are_the_tornados_own(catalog):
    glm = catalog.models["glm-5.2"]
    scenario = cm.Scenario(
        build=catalog.builds["mac-studio-m3-ultra-256gb"],
        model=glm,
        quant=glm.quants["UD-IQ2_XXS"],
        price=catalog.prices["zai/glm-5.2"],
        usage=cm.Usage(tokens_per_month=50e6),
    )
    from costmodel.sensitivity import default_ranges

    ranges = default_ranges(scenario, 0.3)
    table = cm.tornado(scenario, spread=0.3).set_index("input")
    for name, (low, base, high) in ranges.items():
        assert (table.loc[name, "low_value"], table.loc[name, "base_value"], table.loc[name, "high_value"]) == (
            low,
            base,
            high,
        )
