"""One basis for every figure, and the money terms: cost of capital, setup, upkeep, PUE, operator, owning already.

The local position at month m is the cash out to date less what the box would fetch if sold at m;
the verdict, the savings, the crossings, the cost per million tokens and the break-even volume all
come from it. Cases are worked by hand; discounting is checked against numpy-financial; the
properties are the issue's; a peer's worked example (ConfigIQ) is reproduced term by term.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from conftest import hand_build, hand_price, hand_scenario
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import scenarios

import costmodel as cm

# --- the two cases that contradicted themselves -------------------------------------------------


def test_a_24000_box_at_1_1x_its_break_even_volume_pays_back_as_its_savings_say():
    # $24,000, 25% resale after 60 months, kept for a 36-month horizon; the hand box's power and
    # speeds, the API at $5 per million at 1:1. Per month the box loses 24,000 x 0.75 / 60 = 300 of
    # value; electricity is (V x 0.011 / 3600 h at 0.4 kW + the rest of 730.5 h at 0.1 kW) x 0.15
    # = 10.9575 + 1.375e-7 V. Savings at 36 = 36 x (5e-6 V - 300 - 10.9575 - 1.375e-7 V), zero at
    # V* = 310.9575 / 4.8625e-6 = 63.949 M; at 1.1 V* they are 36 x 0.1 x 310.9575 = 1,119.45.
    box = hand_build(capex_usd=24_000, lifetime_months=60, resale_fraction=0.25)
    at_break_even = cm.compare(hand_scenario(build=box, horizon_months=36))
    volume = at_break_even.break_even_volume_tok_per_month
    assert volume == pytest.approx(310.9575 / 4.8625e-6, rel=1e-6)
    r = cm.compare(
        hand_scenario(build=box, horizon_months=36, usage=cm.Usage(tokens_per_month=1.1 * volume, input_share=0.5))
    )
    assert r.savings_at_horizon_usd == pytest.approx(1119.45, abs=0.01)
    assert r.verdict == cm.Verdict.PAYS_BACK  # it said "never" while its savings said +$1,229
    assert r.local_usd_per_mtok < r.api_horizon_usd_per_mtok
    assert "$1,119 ahead of the API by month 36" in cm.explain(r).reason


def test_a_replacement_inside_the_horizon_moves_nothing_and_the_verdict_is_the_horizons():
    # 48-month life over 60 months: at month 48 the old box is sold at 6,000 and a new one bought
    # at 24,000: cash +18,000, value 6,000 -> 24,000, so the position does not jump. Value lost a
    # month 24,000 x 0.75 / 48 = 375; savings at 60 = 60 x (4.8625e-6 V - 385.9575): V* = 79.374 M.
    box = hand_build(capex_usd=24_000, lifetime_months=48, resale_fraction=0.25)
    base = cm.compare(hand_scenario(build=box))
    volume = base.break_even_volume_tok_per_month
    assert volume == pytest.approx(385.9575 / 4.8625e-6, rel=1e-6)
    for factor, verdict in ((1.05, cm.Verdict.PAYS_BACK), (0.95, cm.Verdict.NEVER)):
        r = cm.compare(hand_scenario(build=box, usage=cm.Usage(tokens_per_month=factor * volume, input_share=0.5)))
        curve = r.curve
        assert curve["local_cash_usd"].diff().iloc[48] == pytest.approx(18_000 + curve["running_usd"].diff().iloc[48])
        np.testing.assert_allclose(np.diff(curve["local_net_usd"]), np.diff(curve["local_net_usd"])[0], rtol=1e-9)
        assert r.verdict == verdict and (r.savings_at_horizon_usd > 0) == (verdict == cm.Verdict.PAYS_BACK)
        assert r.crossings == (((0.0, True),) if verdict == cm.Verdict.PAYS_BACK else ())


def test_every_crossing_is_reported_when_the_box_falls_behind_again():
    # usage falling 5% a month: ahead early, behind once the tokens no longer cover the value lost
    r = cm.compare(hand_scenario(usage=cm.Usage(tokens_per_month=20e6, input_share=0.5, monthly_growth=-0.05)))
    assert [up for _, up in r.crossings] == [True, False]
    assert r.verdict == cm.Verdict.NEVER and r.savings_at_horizon_usd < 0
    behind = r.crossings[1][0]
    assert (r.curve["savings_usd"].iloc[int(np.ceil(behind)) :] <= 0).all()
    assert f"falls behind again in month {behind:.1f}" in cm.explain(r).reason


# --- cost of capital --------------------------------------------------------------------------


def monthly(rate: float) -> float:
    return (1 + rate) ** (1 / 12) - 1


def test_discounted_savings_are_the_npv_of_the_months_cash(catalog):
    # 8% a year: month m's dollars times 1.08^(-m/12). Savings at the horizon = NPV of
    # [-capex - setup, API - running each month, + what the box sells for at the horizon].
    s = hand_scenario(discount_rate_per_year=0.08, setup_usd=300.0)
    r = cm.compare(s)
    plain = cm.compare(hand_scenario(discount_rate_per_year=0.08, discounted=False, setup_usd=300.0))
    flows = np.full(61, 50.0 - 12.3325)
    flows[0] = -2000.0 - 300.0
    flows[-1] += 500.0  # sold at its value at month 60
    assert r.savings_at_horizon_usd == pytest.approx(npf.npv(monthly(0.08), flows), rel=1e-9)
    assert plain.savings_at_horizon_usd == pytest.approx(flows.sum(), rel=1e-12)  # 760.05 - 300
    assert r.savings_at_horizon_usd < plain.savings_at_horizon_usd


def test_the_monthly_saving_that_pays_for_a_box_is_npfs_pmt():
    # a $2,000 box worth $500 at month 60 pays back at 8% exactly when it saves pmt() a month
    rate = monthly(0.08)
    # by hand: r = 1.08^(1/12) - 1 = 0.006434; (1 + r)^-60 = 0.6806; annuity factor
    # (1 - 0.6806) / 0.006434 = 49.64; (2,000 - 500 x 0.6806) / 49.64 = 33.43 a month
    needed = npf.pmt(rate, 60, -2000.0, 500.0)
    # no electricity, so the saving a month is the API's bill: choose the API price to match it
    price = needed / 10.0  # USD per million, 10 M tokens a month
    s = hand_scenario(
        discount_rate_per_year=0.08,
        electricity_usd_per_kwh=0.0,
        price=hand_price(input_usd_per_mtok=price, output_usd_per_mtok=price),
    )
    r = cm.compare(s)
    assert needed == pytest.approx(33.43, abs=0.01)
    assert r.savings_at_horizon_usd == pytest.approx(0.0, abs=1e-6)


def test_a_zero_rate_is_the_plain_sums_exactly():
    a = cm.compare(hand_scenario(discount_rate_per_year=0.0))
    b = cm.compare(hand_scenario(discount_rate_per_year=0.3, discounted=False))
    assert a.curve.equals(b.curve)
    assert a.savings_at_horizon_usd == b.savings_at_horizon_usd
    assert a.break_even_volume_tok_per_month == b.break_even_volume_tok_per_month
    assert (a.curve["discount_factor"] == 1.0).all()


def test_the_readme_case_under_no_the_default_and_an_8_percent_cost_of_capital(catalog):
    glm = catalog.models["glm-5.2"]
    fields = dict(
        build=catalog.builds["mac-studio-m3-ultra-256gb"],
        model=glm,
        quant=glm.quants["UD-IQ2_XXS"],
        price=catalog.prices["zai/glm-5.2"],
        usage=cm.Usage(tokens_per_month=50e6, input_share=0.75, cached_input_share=0.3),
    )
    plain = cm.compare(cm.Scenario(**fields, discount_rate_per_year=0.0))
    default = cm.compare(cm.Scenario(**fields))
    costly = cm.compare(cm.Scenario(**fields, discount_rate_per_year=0.08))
    assert cm.Scenario(**fields).discount_rate_per_year == cm.schema.DEFAULT_DISCOUNT_RATE == 0.04
    assert plain.verdict == default.verdict == cm.Verdict.PAYS_BACK
    assert plain.savings_at_horizon_usd > default.savings_at_horizon_usd > 0
    assert costly.verdict == cm.Verdict.NEVER and costly.savings_at_horizon_usd < 0


# --- the other money terms, by hand ------------------------------------------------------------


def test_setup_maintenance_share_pue_and_operator_time_by_hand():
    # setup 400 at month 0 (no resale); 6% of 2,000 a year = 10 a month; PUE 1.5 on 12.3325 of
    # electricity = 18.49875; 3 h x 40 = 120 a month. Position at 60: 400 + 60 x (25 + 18.49875 +
    # 10 + 120) = 10,809.925; savings 3,000 - 10,809.925 = -7,809.925.
    r = cm.compare(
        hand_scenario(
            setup_usd=400.0,
            maintenance_share_per_year=0.06,
            pue=1.5,
            operator_hours_per_month=3,
            operator_usd_per_hour=40,
        )
    )
    assert r.curve["local_cash_usd"].iloc[0] == pytest.approx(2400.0)
    assert r.curve["running_usd"].diff().iloc[5] == pytest.approx(18.49875 + 10 + 120)
    assert r.savings_at_horizon_usd == pytest.approx(-7809.925, abs=1e-6)
    assert r.verdict == cm.Verdict.NEVER


def test_owning_the_box_already_counts_the_sale_given_up_not_the_purchase():
    # "I own it; it would sell for $1,000 today." Its value falls to 1,000 x 0.25 over 60 months:
    # 12.50 a month given up; the position grows 12.50 + 12.3325 = 24.8325 against the API's 50.
    r = cm.compare(hand_scenario(owned_value_usd=1000.0, setup_usd=999.0))
    assert r.curve["local_cash_usd"].iloc[0] == pytest.approx(1000.0)  # the sale given up; no setup
    assert r.curve["local_net_usd"].iloc[60] == pytest.approx(60 * 24.8325, abs=1e-6)
    assert r.savings_at_horizon_usd == pytest.approx(60 * (50 - 24.8325), abs=1e-6)
    assert r.verdict == cm.Verdict.PAYS_BACK
    # one worth nothing to sell costs only its running: electricity against the API
    free = cm.compare(hand_scenario(owned_value_usd=0.0))
    assert free.local_usd_per_mtok == pytest.approx(12.3325 / 10, abs=1e-9)


# --- properties ---------------------------------------------------------------------------------


@settings(max_examples=max(200, settings.default.max_examples))
@given(scenarios(), st.floats(min_value=0, max_value=0.3))
def test_the_verdict_pays_back_exactly_when_the_position_is_ahead_at_the_horizon(scenario, rate):
    r = cm.compare(scenario.model_copy(update={"discount_rate_per_year": rate}))
    if r.verdict in (cm.Verdict.PAYS_BACK, cm.Verdict.NEVER):
        assert (r.verdict == cm.Verdict.PAYS_BACK) == (r.savings_at_horizon_usd > 0)
    if r.verdict == cm.Verdict.PAYS_BACK:
        assert r.break_even_month is not None and r.break_even_month <= scenario.horizon_months
    if r.verdict == cm.Verdict.DOES_NOT_FIT:
        assert r.local_usd_per_mtok is None
    elif r.local_usd_per_mtok is None:
        # no per-token figure only when there is not one token in present value: each month's tokens
        # count at a discount of at least (1 + rate)^-(horizon / 12)
        assert r.total_tokens < (1 + rate) ** (scenario.horizon_months / 12)
    elif r.verdict == cm.Verdict.PAYS_BACK:
        assert r.local_usd_per_mtok < r.api_horizon_usd_per_mtok
    elif r.verdict == cm.Verdict.NEVER:
        assert r.local_usd_per_mtok >= r.api_horizon_usd_per_mtok * (1 - 1e-9)


@settings(max_examples=max(200, settings.default.max_examples))
@given(scenarios(), st.floats(min_value=0, max_value=0.3))
def test_every_crossing_is_a_sign_change_of_the_one_curve(scenario, rate):
    r = cm.compare(scenario.model_copy(update={"discount_rate_per_year": rate}))
    savings = r.curve["savings_usd"].to_numpy()
    ups = [up for _, up in r.crossings]
    assert ups == [i % 2 == 0 for i in range(len(ups))]  # ahead, behind, ahead...
    for month, up in r.crossings:
        before, after = savings[int(np.floor(month))], savings[min(int(np.floor(month)) + 1, savings.size - 1)]
        assert (before <= 0 < after) if up else (after <= 0 < before)
    ahead_at_end = bool(ups) and ups[-1]
    assert ahead_at_end == (savings[-1] > 0)


@settings(max_examples=max(100, settings.default.max_examples))
@given(scenarios(measured=True), st.floats(min_value=0, max_value=0.2), st.floats(min_value=0.001, max_value=0.3))
def test_with_a_zero_rate_every_figure_is_the_undiscounted_one(scenario, rate, other):
    zero = cm.compare(scenario.model_copy(update={"discount_rate_per_year": 0.0}))
    off = cm.compare(scenario.model_copy(update={"discount_rate_per_year": other, "discounted": False}))
    assert zero.curve.equals(off.curve)
    assert zero.verdict == off.verdict and zero.crossings == off.crossings


@settings(max_examples=max(150, settings.default.max_examples))
@given(scenarios(measured=True), st.floats(min_value=0, max_value=0.2), st.floats(min_value=0.0, max_value=0.2))
def test_a_higher_cost_of_capital_never_brings_break_even_forward(scenario, low, step):
    s = scenario.model_copy(
        update={"api_price_change_per_year": 0.0, "usage": scenario.usage.model_copy(update={"monthly_growth": 0.0})}
    )
    cheap = cm.compare(s.model_copy(update={"discount_rate_per_year": low}))
    dear = cm.compare(s.model_copy(update={"discount_rate_per_year": low + step}))
    assume(cheap.verdict != cm.Verdict.CANNOT_SERVE)
    if dear.verdict == cm.Verdict.PAYS_BACK:
        assert cheap.verdict == cm.Verdict.PAYS_BACK
        assert dear.break_even_month >= cheap.break_even_month - 1e-9
    if cheap.cash_payback_month is not None and dear.cash_payback_month is not None:
        assert dear.cash_payback_month >= cheap.cash_payback_month - 1e-9


# --- a peer's worked example: ConfigIQ's Qwen3-8B on one L40S -----------------------------------


def test_configiq_qwen3_8b_on_an_l40s_term_by_term():
    """redhat-performance/configiq ``lib/hybrid-savings/calc.test.ts`` lines 711-757 (commit 52334371):
    a $35,000 L40S server, $2,500 installation, 350 W, a 4-year life with 20% residual, 36 months
    analysed, 8% cost of capital, 5% maintenance a year, $0.12/kWh, PUE 1.4, $1,700 a month of
    facilities, 0.25 FTE at $18,000 a month, $50,000 implementation; 20 M input and 5 M output
    tokens a month at $0.117 / $0.455. ConfigIQ's monthly figures (worked from its formulas):
    depreciation 583.33, capital 173.75, installation 52.08, maintenance 145.83, power 42.924,
    facilities 1,700, operations 4,500, implementation 1,388.89, full 8,586.81; hosted 4.615.

    Mapped here (the differences of definition are named on each line below):
    """
    server = hand_build(
        capex_usd=35_000,
        resale_fraction=0.20,
        lifetime_months=48,
        power_load_w=350,
        power_idle_w=350,  # ConfigIQ bills power at TDP for every hour, busy or not
    )
    s = hand_scenario(
        build=server,
        price=hand_price(input_usd_per_mtok=0.117, output_usd_per_mtok=0.455),
        usage=cm.Usage(tokens_per_month=25e6, input_share=0.8),
        horizon_months=36,
        electricity_usd_per_kwh=0.12,
        pue=1.4,
        maintenance_share_per_year=0.05,
        maintenance_usd_per_month=1700 + 4500,  # facilities and operations, both flat a month
        setup_usd=2500 + 50_000,  # installation and implementation
        discount_rate_per_year=0.0,  # the capital charge is compared apart, below
    )
    r = cm.compare(s)
    months = 36
    # hosted: 20 M x 0.117 + 5 M x 0.455 = 4.615 a month: the same definition
    assert r.curve["api_usd"].iloc[-1] / months == pytest.approx(4.615, abs=1e-9)
    # depreciation: 35,000 less its value at month 36 (35,000 - 28,000 x 36/48 = 14,000): the same
    assert (35_000 - r.curve["local_value_usd"].iloc[-1]) / months == pytest.approx(583.3333, abs=1e-4)
    running = r.curve["running_usd"].iloc[-1] / months
    maintenance = 35_000 * 0.05 / 12  # 145.83: the same definition
    # power: 0.35 kW x 730.5 h x 1.4 x 0.12 = 42.953; ConfigIQ's month is 730 h (42.924)
    power = 42.924 * 730.5 / 730
    assert running == pytest.approx(maintenance + power + 6200, abs=1e-6)
    # installation: ConfigIQ depreciates it to 0 over the life (1,875 of 2,500 in 36 months);
    # here it is a one-off with no resale (2,500). Implementation: ConfigIQ spreads 50,000 over the
    # 36 months; here it is paid at month 0: the same total over the horizon.
    configiq_without_capital = (583.33 + 52.08 + 145.83 + 42.924 + 1700 + 4500 + 1388.89) * months
    ours = r.curve["local_net_usd"].iloc[-1]
    assert ours == pytest.approx(configiq_without_capital + (2500 - 1875) + (power - 42.924) * months, abs=0.5)
    # capital: ConfigIQ charges 8% simple interest on the average book value of the server and its
    # installation ((37,500 + 14,625) / 2 x 0.08 x 3 = 6,255, 173.75 a month). Here both sides are
    # present values at 8% compounded monthly, so the cost of capital is not a line of its own; its
    # monthly measure is the level cost of owning (the position's present value over the annuity
    # factor sum(d_m)) less the same at 0%. On the server and installation alone:
    # (37,500 - 14,000 x 1.08^-3) / 32.05 - 23,500 / 36 = 823.3 - 652.8 = 170.5 a month.
    alone = s.model_copy(
        update={
            "maintenance_usd_per_month": 0.0,
            "maintenance_share_per_year": 0.0,
            "pue": 1.0,
            "electricity_usd_per_kwh": 0.0,
            "setup_usd": 2500.0,
        }
    )
    at8 = cm.compare(alone.model_copy(update={"discount_rate_per_year": 0.08})).curve
    at0 = cm.compare(alone).curve
    level8 = at8["local_net_usd"].iloc[-1] / at8["discount_factor"].iloc[1:].sum()
    level0 = at0["local_net_usd"].iloc[-1] / months
    assert level0 == pytest.approx((37_500 - 14_000) / 36, abs=1e-6)
    assert level8 - level0 == pytest.approx(170.5, abs=0.5)
    assert level8 - level0 == pytest.approx(173.75, rel=0.05)  # within 5% of ConfigIQ's simple interest
