"""compare() and volume_curve() against hand-computed cases, identities and each verdict."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import hand_build, hand_model, hand_price, hand_quant, hand_scenario

import costmodel as cm

# The hand case (conftest.hand_scenario): a $2,000 box, 400 W at load, 100 W idle, 60-month life,
# 25% resale; 50 tok/s decode, 500 tok/s prefill; 10 M tokens a month at a 1:1 mix; API at
# $2 in / $8 out, so $5.00 per million and $50 a month; electricity $0.15/kWh, powered 24 h.
#   hours of load a month: 1e7 x (0.5/50 + 0.5/500) s / 3600 = 30.556 h
#   electricity a month:   (30.556 x 0.4 + 699.944 x 0.1) kWh x 0.15 = 82.217 x 0.15 = $12.3325
#   saving a month:        50 - 12.3325 = $37.6675
#   value if sold:         2,000 x (1 - 0.75 m / 60) = 2,000 - 25 m
#   local position:        cash 2,000 + 12.3325 m less value (2,000 - 25 m) = 37.3325 m
#   savings:               API 50 m less 37.3325 m = 12.6675 m: ahead from the first month
#   cash payback:          the price alone, resale ignored: 2,000 / 37.6675 = month 53.10
#   at month 60:           API 3,000; local cash 2,000 + 60 x 12.3325 = 2,739.95; value 500
#                          -> savings 3,000 - (2,739.95 - 500) = $760.05
#   break-even volume:     fixed = 2,000 - 500 + 60 x (730.5 x 0.1 x 0.15) = 2,157.45
#                          marginal = 0.011 s / 3600 x 0.3 kW x 0.15 = $0.1375 per M tokens
#                          V* = 2,157.45 / (60 x (5 - 0.1375) / 1e6) = 7.3949 M tokens a month
#   capacity:              730.5 h x 3600 / 0.011 s = 239.07 M tokens a month


def test_hand_case_break_even_month_savings_and_volume():
    result = cm.compare(hand_scenario())
    assert result.verdict == cm.Verdict.PAYS_BACK
    assert result.break_even_month == 0.0 and result.crossings == ((0.0, True),)
    assert result.cash_payback_month == pytest.approx(53.096, abs=0.01)
    assert result.savings_at_horizon_usd == pytest.approx(760.05, abs=0.05)
    assert result.break_even_volume_tok_per_month == pytest.approx(7.3949e6, rel=1e-4)
    assert result.break_even_volume_within_capacity
    assert result.capacity_tok_per_month == pytest.approx(239.07e6, rel=1e-4)
    assert result.api_usd_per_mtok == pytest.approx(5.0)
    assert result.local_marginal_usd_per_mtok == pytest.approx(0.1375)
    assert result.throughput.source == "measured"
    assert cm.explain(result).reason == (
        "ahead of the API from the first month; $760 ahead of the API by month 60; "
        "its price is recovered in cash in month 53.1"
    )
    assert result.local_usd_per_mtok == pytest.approx(2239.95 / 600, abs=1e-6)  # $3.73 against the API's $5.00


def test_hand_case_curve_rows():
    curve = cm.compare(hand_scenario()).curve
    assert list(curve.columns) == list(cm.CURVE_COLUMNS)
    assert len(curve) == 61
    first, last = curve.iloc[0], curve.iloc[-1]
    assert first["local_cash_usd"] == 2000 and first["local_net_usd"] == 0
    assert first["api_usd"] == 0 and first["tokens"] == 0
    assert last["api_usd"] == pytest.approx(3000)
    assert last["local_cash_usd"] == pytest.approx(2739.95, abs=0.01)
    assert last["local_net_usd"] == pytest.approx(2239.95, abs=0.01)
    assert curve["local_net_usd"].iloc[12] == pytest.approx(37.3325 * 12, abs=1e-6)
    assert last["local_value_usd"] == pytest.approx(500)
    assert np.all(np.diff(curve["api_usd"]) >= 0)


def test_at_the_break_even_volume_local_and_api_cost_the_same():
    volume = cm.compare(hand_scenario()).break_even_volume_tok_per_month
    at = cm.compare(hand_scenario(usage=cm.Usage(tokens_per_month=volume, input_share=0.5)))
    assert at.savings_at_horizon_usd == pytest.approx(0.0, abs=1e-6)


def test_volume_curve_agrees_with_compare_and_crosses_at_break_even_volume():
    result = cm.compare(hand_scenario())
    curve = cm.volume_curve(result, points=400)
    assert curve["volume_tok_per_month"].iloc[0] == pytest.approx(1e6)
    assert curve["volume_tok_per_month"].iloc[-1] == pytest.approx(1e10)
    # at 10 M tokens a month: the net local cost over 60 months per million tokens
    ten_m = cm.volume_curve(result, 10e6, 20e6, points=2).iloc[0]
    expected = (2739.95 - 500) / (10e6 * 60) * 1e6
    assert ten_m["local_usd_per_mtok"] == pytest.approx(expected, rel=1e-5)
    cheaper = curve["local_usd_per_mtok"] < curve["api_usd_per_mtok"]
    first = curve.loc[cheaper.idxmax(), "volume_tok_per_month"]
    assert first == pytest.approx(result.break_even_volume_tok_per_month, rel=0.03)
    assert curve["within_capacity"].iloc[0] and not curve["within_capacity"].iloc[-1]


def test_cannot_serve_when_volume_exceeds_capacity_and_hybrid_is_costed():
    # 500 M tokens a month > 239 M capacity: 261 M overflow to the API each month
    result = cm.compare(hand_scenario(usage=cm.Usage(tokens_per_month=500e6, input_share=0.5)))
    assert result.verdict == cm.Verdict.CANNOT_SERVE
    assert result.break_even_month is None
    assert "capacity 239 M tokens a month against 500 M asked" in cm.explain(result).reason
    month = result.curve.iloc[1]
    assert month["served_local_tokens"] == pytest.approx(239.07e6, rel=1e-4)
    assert month["overflow_usd"] == pytest.approx((500e6 - 239.07e6) * 5.0 / 1e6, rel=1e-4)
    assert result.hybrid_break_even_month is not None


def test_growth_makes_a_servable_volume_outgrow_capacity():
    usage = cm.Usage(tokens_per_month=100e6, input_share=0.5, monthly_growth=0.05)
    result = cm.compare(hand_scenario(usage=usage))
    # 100 M x 1.05^(m-1) > 239.07 M from m - 1 > ln(2.3907)/ln(1.05) = 17.86, so month 19
    assert result.first_month_over_capacity == 19
    assert result.verdict == cm.Verdict.CANNOT_SERVE
    assert "from month 19" in cm.explain(result).reason


def test_never_when_running_costs_exceed_the_api():
    # 2 kW at 5 tok/s and $0.50/kWh: 1e6/5/3600 h x 2 kW x 0.5 = $55.56 of power per M tokens
    scenario = hand_scenario(
        build=hand_build(power_load_w=2000, power_idle_w=200),
        usage=cm.Usage(tokens_per_month=1e6, input_share=0.0),
        decode_tok_s=5.0,
        electricity_usd_per_kwh=0.5,
    )
    result = cm.compare(scenario)
    assert result.verdict == cm.Verdict.NEVER
    assert result.electricity_usd_per_mtok_at_load == pytest.approx(55.556, abs=0.001)
    assert cm.explain(result).reason.startswith("never at 1 M tokens a month: running costs alone are $")


def test_never_within_horizon_says_what_volume_would_pay_back():
    # 5 M tokens a month: API $25 a month. Load 5e6 x 0.011 / 3600 = 15.278 h; electricity
    # (15.278 x 0.4 + 715.222 x 0.1) kWh x 0.15 = 77.633 x 0.15 = 11.645; the position grows
    # 25 + 11.645 = 36.645 a month: 60 x (25 - 36.645) = -698.7 behind. Local per million tokens
    # (2,000 + 60 x 11.645 - 500) / 300 M = $7.33; it would pay back above the 7.39 M break-even volume.
    result = cm.compare(hand_scenario(usage=cm.Usage(tokens_per_month=5e6, input_share=0.5)))
    words = cm.explain(result)
    assert result.verdict == cm.Verdict.NEVER and result.crossings == ()
    assert result.savings_at_horizon_usd == pytest.approx(-698.7, abs=0.1)
    assert words.headline == "never within 60 months: local costs $7.33 per million tokens against the API's $5.00"
    assert "$699 behind the API by month 60" in words.reason
    assert "it would pay back above 7.39 M tokens a month" in words.reason


def test_does_not_fit_names_the_shortfall(catalog):
    model = catalog.models["glm-5.2"]
    scenario = cm.Scenario(
        build=catalog.builds["mac-studio-192gb"],
        model=model,
        quant=model.quants["UD-IQ2_XXS"],
        price=catalog.prices["zai/glm-5.2"],
        usage=cm.Usage(tokens_per_month=50e6),
    )
    result = cm.compare(scenario)
    assert result.verdict == cm.Verdict.DOES_NOT_FIT
    assert cm.explain(result).reason.startswith("does not fit: short by")
    assert cm.explain(result).headline == f"does not fit: short by {result.fit.shortfall_gb:,.0f} GB"
    assert result.local_usd_per_mtok is None
    assert result.throughput.decode_tok_s is None


def test_zero_usage_never_pays_back_and_has_no_cost_per_token():
    result = cm.compare(hand_scenario(usage=cm.Usage(tokens_per_month=0)))
    assert result.verdict == cm.Verdict.NEVER
    assert cm.explain(result).reason == "never: no tokens to serve"
    assert result.local_usd_per_mtok is None


def test_owned_box_with_no_capex_charged_pays_back_at_once():
    result = cm.compare(hand_scenario(dual_use_share=0.0))
    assert result.verdict == cm.Verdict.PAYS_BACK
    assert result.break_even_month == 0.0


def test_replacement_at_end_of_life_costs_capex_less_resale():
    short_life = hand_scenario(build=hand_build(lifetime_months=24), horizon_months=60)
    with_replace = cm.compare(short_life).curve
    without = cm.compare(short_life.model_copy(update={"replace_at_end_of_life": False})).curve
    # two replacements (months 24 and 48), each 2,000 x (1 - 0.25) = 1,500 of cash
    assert with_replace["local_cash_usd"].iloc[-1] - without["local_cash_usd"].iloc[-1] == pytest.approx(3000)
    # a new machine at month 48 is worth 2,000 x (1 - 0.75 x 12/24) = 1,250 at month 60
    assert with_replace["local_value_usd"].iloc[-1] == pytest.approx(1250)
    assert without["local_value_usd"].iloc[-1] == pytest.approx(500)


def test_overflow_can_go_to_another_api():
    cheap = hand_price(price_id="cheap/x", provider="cheap", input_usd_per_mtok=0.5, output_usd_per_mtok=0.5)
    usage = cm.Usage(tokens_per_month=500e6, input_share=0.5)
    same = cm.compare(hand_scenario(usage=usage))
    other = cm.compare(hand_scenario(usage=usage, overflow_price=cheap))
    assert other.curve["overflow_usd"].iloc[1] == pytest.approx(same.curve["overflow_usd"].iloc[1] / 10)


def test_estimated_speed_is_used_when_none_is_measured():
    result = cm.compare(hand_scenario(decode_tok_s=None, prefill_tok_s=None))
    assert result.throughput.source == "estimated"
    assert result.throughput.estimate is not None
    assert result.throughput.decode_tok_s == result.throughput.estimate.decode_tok_s
    half = cm.compare(hand_scenario(prefill_tok_s=None))
    assert half.throughput.source == "measured decode, estimated prefill"


def test_scenario_rejects_a_quant_of_another_model_and_too_long_a_context():
    with pytest.raises(cm.CostModelError, match="belongs to model 'other'"):
        hand_scenario(quant=hand_quant(model_id="other"))
    with pytest.raises(cm.CostModelError, match="exceeds hand-8b's max_context_tokens"):
        hand_scenario(model=hand_model(max_context_tokens=4096), context_tokens=8192)


def test_compare_rejects_what_is_not_a_scenario():
    with pytest.raises(cm.CostModelError, match="compare: expected a Scenario"):
        cm.compare({"build": None})


def test_volume_curve_rejects_a_bad_range():
    with pytest.raises(cm.CostModelError, match="volume_curve"):
        cm.volume_curve(cm.compare(hand_scenario()), 1e9, 1e6)
