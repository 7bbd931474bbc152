"""Usage exports read into volume and mix: one fixture per format with its totals counted by hand,
bad files and rows named, the window, the trend, and what the tokens would have cost elsewhere."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import hand_price, hand_scenario
from hypothesis import given
from hypothesis import strategies as st

import costmodel as cm
from costmodel.history import (
    MIN_TREND_BINS,
    WINDOW_DAYS,
    costs_elsewhere,
    hours_needed,
    model_key,
    summarize,
    tokens_cost_usd,
    used_offerings,
)
from costmodel.io.usage_exports import MAX_USAGE_BYTES, RECORD_COLUMNS, read_usage
from costmodel.units import DAYS_PER_MONTH

FIXTURES = Path(__file__).resolve().parent / "data" / "usage"


def read(name: str):
    return read_usage((FIXTURES / name).read_bytes(), name)


def totals(export) -> tuple[float, float, float, float]:
    r = export.records
    return tuple(float(r[c].sum()) for c in ("input_tokens", "cache_write_tokens", "cached_input_tokens", "output_tokens"))


# (file, format, records, (fresh input, cache writes, cache reads, output), cost or None, first day, last day)
# each total counted by hand from the fixture; comments say how
CASES = [
    # 3 days, 5 model rows: fresh 10k+2k+20k+30k+8k; output 20k+4k+30k+50k+6k; writes 1M+0.1M+2M+3M+0.2M;
    # reads 9M+1M+18M+27M+2M; per-model costs 6+0.5+12+18+1.5
    ("ccusage_daily.json", "ccusage daily", 5, (70e3, 6.3e6, 57e6, 110e3), 38.0, "2026-11-01", "2026-11-03"),
    # two months: fresh 1M+2M; writes 100M+150M; reads 900M+1,845M; output 2M+3M; costs 1,500+2,200
    ("ccusage_monthly.json", "ccusage monthly", 2, (3e6, 250e6, 2745e6, 5e6), 3700.0, "2026-09-01", "2026-10-01"),
    # v19+'s period rows: the first two days above
    ("ccusage_daily_v19.json", "ccusage daily", 3, (32e3, 3.1e6, 28e6, 54e3), 18.5, "2026-11-01", "2026-11-02"),
    # Codex: inputTokens holds the cache: fresh (1M - 0.8M) + (2M - 1.5M); costUSD 0.5 + 1.25
    ("ccusage_codex_daily.json", "ccusage daily (Codex)", 2, (700e3, 0, 2.3e6, 40e3), 1.75, "2026-11-01", "2026-11-02"),
    # OpenAI CSV, an empty bucket skipped: fresh (300k-100k) + 200k + (500k-400k); cached 100k + 400k
    ("openai_completions_usage_2026-11-01_2026-11-04.csv", "OpenAI usage", 3, (500e3, 0, 500e3, 230e3), None,
     "2026-11-01", "2026-11-03"),
    # OpenAI cost: line items of gpt-4o (400k input, 100k cached, 50k output: $1.625) and gpt-5 ($2.25)
    ("openai_cost_2026-11-01_2026-11-02.csv", "OpenAI cost", 2, (1.4e6, 0, 100e3, 150e3), 3.875, "2026-11-01",
     "2026-11-02"),
    # OpenAI Usage API: fresh (300k-100k) + (700k-500k) + 100k; cached 100k + 500k; output 50k+70k+30k
    ("openai_usage_completions_api.json", "OpenAI Usage API", 3, (500e3, 0, 600e3, 150e3), None, "2026-11-01",
     "2026-11-02"),
    # Anthropic console: fresh 100k+20k+200k; writes (500k+0) + (100k+50k) + (400k+100k); reads 4M+1M+6M
    ("claude_api_tokens_2026_11_01_to_2026_11_02.csv", "Anthropic console usage", 3, (320e3, 1.15e6, 11e6, 150e3),
     None, "2026-11-01", "2026-11-02"),
    ("anthropic_usage_report_messages.json", "Anthropic usage report", 3, (320e3, 1.15e6, 11e6, 150e3), None,
     "2026-11-01", "2026-11-02"),
    # OpenRouter: prompts 20k (10k cached), 40k (30k), 10k (0); completions 2k+3k+1k; costs 0.01+0.02+0.05
    ("openrouter_activity.csv", "OpenRouter activity", 3, (30e3, 0, 40e3, 6e3), 0.08, "2026-11-01", "2026-11-02"),
    # OpenRouter's daily summary: prompt 3M+2M+5M, completion 100k+50k+150k, usage $4.50+$9.00+$6.00
    ("openrouter_activity_aggregate.csv", "OpenRouter daily summary", 3, (10e6, 0, 0, 300e3), 19.5, "2026-11-01",
     "2026-11-02"),
    # LiteLLM: claude prompt 10k = 2k fresh + 2k written + 6k read; gpt-4o 5k with 1k cached; gpt-4o 8k
    ("litellm_spend_logs.json", "LiteLLM spend logs", 3, (14e3, 2e3, 7e3, 3.5e3), 0.072, "2026-11-01", "2026-11-02"),
    ("litellm_spendlogs.csv", "LiteLLM spend logs", 3, (14e3, 2e3, 7e3, 3.5e3), 0.072, "2026-11-01", "2026-11-02"),
    # LiteLLM's UI export: prompt 1M + 2M, completion 100k + 200k, spend "1,204.50" + 5.25
    ("litellm_ui_usage_export.csv", "LiteLLM usage export", 2, (3e6, 0, 0, 300e3), 1209.75, "2026-11-01",
     "2026-11-02"),
    # the plain CSV: input holds the cached part: (1M-0.6M) + (2M-1.5M) + 0.5M fresh
    ("plain.csv", "plain CSV", 3, (1.4e6, 0, 2.1e6, 175e3), 3.4, "2026-11-01", "2026-11-02"),
]


@pytest.mark.parametrize(("name", "fmt", "rows", "counts", "cost", "first", "last"), CASES, ids=[c[0] for c in CASES])
def test_each_format_reads_its_hand_counted_totals(name, fmt, rows, counts, cost, first, last):
    export = read(name)
    assert export.format == fmt
    assert list(export.records.columns) == list(RECORD_COLUMNS)
    assert len(export.records) == rows and not export.problems
    assert totals(export) == pytest.approx(counts)
    assert export.records["cost_usd"].sum(min_count=1) == pytest.approx(cost) if cost is not None else (
        export.records["cost_usd"].isna().all()
    )
    assert str(export.records["date"].min()) == first and str(export.records["date"].max()) == last


def test_every_fixture_is_one_of_the_cases():
    assert {p.name for p in FIXTURES.iterdir()} == {c[0] for c in CASES}


def test_a_ccusage_daily_file_sets_volume_and_mix():
    h = summarize(read("ccusage_daily.json").records)
    # 3 days: 70k + 6.3M + 57M + 110k = 63.48 M tokens; input 63.37 M of which 57 M read from the cache
    assert h.window_days == 3 and h.window_tokens == 63.48e6
    assert h.tokens_per_month == pytest.approx(63.48e6 / 3 * DAYS_PER_MONTH)
    assert h.input_share == pytest.approx(63.37e6 / 63.48e6)
    assert h.cached_input_share == pytest.approx(57e6 / 63.37e6)
    assert h.cost_usd == 38.0
    assert list(h.by_model["model"]) == ["claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"]
    assert h.by_model["share"].sum() == pytest.approx(1.0)
    assert h.monthly_growth == 0 and "no growth fitted: 1 whole week with tokens" in h.growth_note
    usage = h.usage
    assert (usage.tokens_per_month, usage.input_share, usage.cached_input_share) == (
        h.tokens_per_month,
        h.input_share,
        h.cached_input_share,
    )


def test_a_monthly_report_takes_its_last_month():
    h = summarize(read("ccusage_monthly.json").records, monthly=True)
    # October: 2M + 150M + 1,845M + 3M = 2,000 M tokens over its 31 days
    assert h.window_days == 31 and h.window_tokens == 2000e6
    assert h.tokens_per_month == pytest.approx(2000e6 / 31 * DAYS_PER_MONTH)
    assert h.cost_usd == 2200.0


def daily_records(tokens_by_day: dict[dt.date, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"date": d, "model": "m", "input_tokens": t * 0.7, "cache_write_tokens": 0.0,
             "cached_input_tokens": t * 0.2, "output_tokens": t * 0.1, "cost_usd": None}
            for d, t in tokens_by_day.items()
        ],
        columns=list(RECORD_COLUMNS),
    )


@pytest.mark.parametrize("growth", [-0.3, 0.0, 0.05, 0.4])
def test_the_growth_fitted_to_steady_exponential_use_is_its_rate(growth):
    start = dt.date(2026, 6, 1)
    daily = (1 + growth) ** (1 / DAYS_PER_MONTH)  # per day
    days = {start + dt.timedelta(days=i): 1e6 * daily**i for i in range(70)}  # 10 whole weeks
    h = summarize(daily_records(days))
    # weekly sums of an exponential grow by the same factor week to week: the fit recovers the rate
    assert h.monthly_growth == pytest.approx(growth, abs=1e-9)
    # the window: the last 30 days' tokens, over 30 days
    last30 = sum(t for d, t in days.items() if d > start + dt.timedelta(days=39))
    assert h.window_days == WINDOW_DAYS and h.tokens_per_month == pytest.approx(last30 / 30 * DAYS_PER_MONTH)


def test_too_few_weeks_fit_no_growth_and_say_so():
    days = {dt.date(2026, 6, 1) + dt.timedelta(days=i): 1e6 * 1.1**i for i in range(7 * (MIN_TREND_BINS - 1))}
    h = summarize(daily_records(days))
    assert h.monthly_growth == 0 and f"{MIN_TREND_BINS} needed" in h.growth_note


def test_a_growth_past_the_scenarios_bound_is_held_to_it_and_said():
    days = {dt.date(2026, 6, 1) + dt.timedelta(days=i): 1e6 * 1.2**i for i in range(42)}
    h = summarize(daily_records(days))
    assert h.monthly_growth == 2.0 and "held to +200%" in h.growth_note
    from costmodel.explain import growth_warning

    assert "set the growth yourself" in growth_warning(h, 60)


# --- bad files and bad rows --------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(cm.CostModelError, match=r"big\.csv: 10\.5 MB is over the 10\.5 MB limit"):
        read_usage(b"x" * (MAX_USAGE_BYTES + 1), "big.csv")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00d", "not UTF-8"),
        (b"name,price\nbox,3\n", "not a usage export breakeven reads (its first line: 'name,price')"),
        (b'{"hello": 1}', "not a usage export"),
        (b"{not json", "not JSON"),
        (b"[" * 100_000, "nested too deeply"),
        (b"generation_id,created_at\nx,2026-11-01\n", "looks like OpenRouter activity but lacks the column(s) tokens_prompt"),
        (b"usage_date_utc,model,token_type,cost_usd\n2026-11-01,Claude,output,1.0\n", "holds dollars, not tokens"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data, message):
    with pytest.raises(cm.CostModelError) as caught:
        read_usage(data, "my.csv")
    assert message in str(caught.value)


def test_bad_rows_are_named_and_the_rows_that_parse_are_kept():
    text = (
        "date,model,input_tokens,cached_input_tokens,output_tokens\n"
        "2026-11-01,m,1000,100,10\n"
        "2026-11-02,m,-5,0,10\n"  # negative
        "2026-11-03,m,lots,0,10\n"  # not a number
        "yesterday,m,1000,0,10\n"  # not a date
        "2026-11-05,m,1000,2000,10\n"  # more cached than input
        "2026-11-06,m,2000,0,nan\n"  # NaN
        "2026-11-07,m,3000,1000,30\n"
    )
    export = read_usage(text, "mine.csv")
    assert len(export.records) == 2 and totals(export) == (900 + 2000, 0, 100 + 1000, 40)
    found = {(p.row, p.column): p.reason for p in export.problems}
    assert found[(3, "input_tokens")] == "must not be negative, got -5"
    assert found[(4, "input_tokens")] == "must be a count, got 'lots'"
    assert found[(5, "date")] == "not a date: 'yesterday'"
    assert "exceeds the whole" in found[(6, "input_tokens")]
    assert found[(7, "output_tokens")] == "must be a count, got nan"
    assert str(export.problems[0]) == "mine.csv row 3, input_tokens: must not be negative, got -5"


def test_a_bad_json_row_is_named_by_its_place():
    data = json.loads((FIXTURES / "ccusage_daily.json").read_text())
    data["daily"][1]["modelBreakdowns"][0]["outputTokens"] = "many"
    data["daily"][2]["date"] = "someday"
    export = read_usage(json.dumps(data), "cc.json")
    assert [(p.row, p.column) for p in export.problems] == [(2, "outputTokens"), (3, "date"), (3, "date")]
    assert len(export.records) == 2  # the first day's two models


def test_a_costs_api_result_that_is_not_an_object_is_named_not_a_crash():
    cost = {"object": "organization.costs.result", "line_item": "gpt-5, input", "quantity": 1_000_000.0,
            "quantity_unit": "tokens", "amount": {"value": 1.25, "currency": "usd"}}  # fmt: skip
    data = {"object": "page", "data": [{"start_time": 1793491200, "results": [cost, "garbage"]}]}
    export = read_usage(json.dumps(data), "costs.json")
    assert [(p.row, p.column) for p in export.problems] == [(2, "results")]
    assert len(export.records) == 1 and export.records["input_tokens"].sum() == 1_000_000


def test_no_readable_row_is_an_error_naming_the_first_problems():
    with pytest.raises(cm.CostModelError, match=r"no row could be read \(1 problem\(s\)\): x\.csv row 2, date"):
        read_usage("date,model,input_tokens,cached_input_tokens,output_tokens\nnope,m,1,0,1\n", "x.csv")


@given(st.binary(max_size=2000))
def test_any_bytes_give_an_export_or_a_clear_error(data):
    try:
        export = read_usage(data, "fuzz.csv")
    except cm.CostModelError as exc:
        assert str(exc).startswith("fuzz.csv")
        return
    assert list(export.records.columns) == list(RECORD_COLUMNS)
    assert (export.records[["input_tokens", "cached_input_tokens", "output_tokens"]] >= 0).all().all()


@st.composite
def plain_csvs(draw) -> str:
    cells = st.one_of(
        st.integers(min_value=-10, max_value=10**12).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.text(max_size=12),
        st.sampled_from(["2026-11-01", "2026-13-40", "", "Nov 01, 2026", "1793491200"]),
    )
    rows = draw(st.lists(st.lists(cells, min_size=3, max_size=7), max_size=8))
    header = draw(st.sampled_from(["date,model,input_tokens,cached_input_tokens,output_tokens", "date,input_tokens,output_tokens"]))
    return header + "\n" + "\n".join(",".join(c.replace(",", " ").replace("\n", " ") for c in r) for r in rows)


@given(plain_csvs())
def test_the_plain_csv_reader_gives_a_result_or_a_clear_error(text):
    try:
        export = read_usage(text, "plain.csv")
    except cm.CostModelError as exc:
        assert str(exc).startswith("plain.csv")
        return
    r = export.records
    assert all(math.isfinite(v) and v >= 0 for c in ("input_tokens", "cached_input_tokens", "output_tokens") for v in r[c])
    for p in export.problems:
        assert p.row is not None and p.row >= 2


# --- what the tokens would have cost -----------------------------------------------------------


def test_the_api_used_is_found_and_prices_the_tokens_as_billed(catalog):
    export = read("openai_cost_2026-11-01_2026-11-02.csv")
    h = summarize(export.records)
    used = used_offerings(h, catalog.prices, export.provider)
    assert used == {"gpt-4o-2024-08-06": "openai/gpt-4o", "gpt-5-2025-08-07": "openai/gpt-5"}
    # the fixture's line items are the list prices: gpt-4o $2.50 / $1.25 cached / $10, gpt-5 $1.25 / $10
    costs = costs_elsewhere(h, catalog.prices, export.provider, {})
    assert costs.used_usd == pytest.approx(3.875) and costs.billed_usd == pytest.approx(3.875)


def test_claude_code_is_priced_at_anthropics_offerings_and_openrouter_at_its_own(catalog):
    claude = read("ccusage_daily.json")
    used = used_offerings(summarize(claude.records), catalog.prices, claude.provider)
    assert used == {
        "claude-sonnet-4-5-20250929": "anthropic/claude-sonnet-4-5",
        "claude-haiku-4-5-20251001": "anthropic/claude-haiku-4-5",
    }
    routed = read("openrouter_activity.csv")
    used = used_offerings(summarize(routed.records), catalog.prices, routed.provider)
    assert used["anthropic/claude-sonnet-4.5"] == "openrouter/anthropic/claude-sonnet-4.5"
    assert model_key("anthropic/claude-sonnet-4.5") == model_key("claude-sonnet-4-5-20250929")


def test_every_offering_prices_the_window_kind_by_kind(catalog):
    h = summarize(read("claude_api_tokens_2026_11_01_to_2026_11_02.csv").records)
    # hand-computed at $2 in and $8 out, no cached price (cache reads at the input price):
    # (320k fresh + 1.15M written + 11M read) x $2 + 150k x $8 = $24.94 + $1.20
    assert tokens_cost_usd(hand_price(), h.window) == pytest.approx(26.14)
    # with a cached price, reads at it: + 11M x ($0.20 - $2)
    cached = hand_price(cached_input_usd_per_mtok=0.2)
    assert tokens_cost_usd(cached, h.window) == pytest.approx(26.14 - 11 * 1.8)
    costs = costs_elsewhere(h, catalog.prices, "anthropic", {}, target_model_id="glm-5.2")
    cheapest = min(
        (q for q in catalog.prices.values() if q.open_weights_model_id == "glm-5.2"),
        key=lambda q: tokens_cost_usd(q, h.window),
    )
    assert costs.target == (cheapest.price_id, pytest.approx(tokens_cost_usd(cheapest, h.window)))
    ordered = list(costs.open_weights["cost_usd"])
    assert ordered == sorted(ordered) and costs.open_weights["open_weights_model_id"].is_unique


def test_the_hours_a_machine_would_have_worked_are_its_speeds_over_the_tokens():
    h = summarize(read("plain.csv").records)
    r = cm.compare(hand_scenario())  # measured 50 tok/s decode, 500 tok/s prefill
    # hand-computed: 3.675 M tokens; input share 3.5 M / 3.675 M, of it 2.1 M / 3.5 M cached (the prefix
    # cache skips it: prefill at 500 / (1 - 0.6) = 1,250 tok/s); output 175 k at 50 tok/s
    seconds = 175e3 / 50 + 3.5e6 / 1250
    assert hours_needed(h, r) == pytest.approx(seconds / 3600)
    assert costs_elsewhere(h, {}, None, {"hand-box": r}).hours == {"hand-box": pytest.approx(seconds / 3600)}


def test_a_machine_that_cannot_run_the_model_needs_no_hours(catalog):
    glm = catalog.models["glm-5.2"]
    r = cm.compare(
        cm.Scenario(build=catalog.builds["mac-studio-192gb"], model=glm, quant=glm.quants["UD-IQ2_XXS"],
                    price=catalog.prices["zai/glm-5.2"], usage=cm.Usage(tokens_per_month=1e6))
    )
    assert hours_needed(summarize(read("plain.csv").records), r) is None


def test_the_window_is_the_last_thirty_days():
    start = dt.date(2026, 9, 1)
    days = {start + dt.timedelta(days=i): (1e6 if i < 60 else 3e6) for i in range(90)}
    h = summarize(daily_records(days))
    assert h.window_first_day == start + dt.timedelta(days=60) and h.window_tokens == pytest.approx(90e6)
    assert np.isclose(h.tokens_per_month, 3e6 * DAYS_PER_MONTH)
