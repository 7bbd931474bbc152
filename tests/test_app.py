"""Every page through Streamlit's AppTest: defaults, extremes, URL state, forms, figure data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from apptest_kit import app, figure, ok, open_inputs, summary_table, switch, traces
from conftest import chart_text, save_form

import costmodel as cm
from costmodel.explain import short_name
from costmodel.inputs import INPUTS
from costmodel.io.exports import to_csv_bytes
from costmodel.io.rows import BUILDS
from ui import params
from ui.text import plain


pytestmark = pytest.mark.usefixtures("home")  # each test saves into its own store (conftest)


def article_study(**overrides) -> cm.Study:
    cat = cm.load_catalog()
    model = cat.models["glm-5.2"]
    v = {**params.DEFAULTS, **overrides}
    usage = cm.Usage(
        tokens_per_month=v["tokens_per_month"],
        input_share=v["input_share"],
        cached_input_share=v["cached_input_share"],
        monthly_growth=v["monthly_growth"],
    )
    return cm.compare_builds(
        [cat.builds[b] for b in v["build_id"]],
        [cat.prices[p] for p in v["price_id"]],
        model=model,
        quant=model.quants[v["quant"]],
        usage=usage,
        electricity_usd_per_kwh=v["electricity_usd_per_kwh"],
        hours_per_day=v["hours_per_day"],
        dual_use_share=v["dual_use_share"],
        horizon_months=v["horizon_months"],
        context_tokens=v["context_tokens"],
        raise_gpu_memory_cap=v["raise_gpu_memory_cap"],
        as_of=dt.date.today(),
    )


# --- break-even page --------------------------------------------------------------------------


def test_defaults_show_the_article_builds_verdicts_and_both_charts():
    at = app()
    ok(at)
    assert at.session_state["build_id"] == list(params.ARTICLE_BUILDS)
    assert len(at.get("plotly_chart")) == 2
    text = " ".join(plain(m.value) for m in at.markdown)
    study = article_study()
    for build_id in params.ARTICLE_BUILDS:
        headline = cm.explain(study.primary(build_id)).headline
        assert headline[0].upper() + headline[1:] in text
    assert "Does not fit: short by" in text


def test_break_even_marker_sits_where_costmodel_says():
    at = app({"price_id": "zai/glm-5.2"})
    spec = figure(at, 0)
    study = article_study(price_id=["zai/glm-5.2"])
    r = study.primary("mac-studio-m3-ultra-256gb")
    assert r.verdict == cm.Verdict.PAYS_BACK
    [star] = traces(spec, "break-even mac-studio-m3-ultra-256gb")
    assert star["x"][0] == pytest.approx(r.break_even_month)
    assert star["y"][0] == pytest.approx(r.break_even_usd)
    [api] = traces(spec, "API: zai/glm-5.2")
    assert api["y"][-1] == pytest.approx(r.curve["api_usd"].iloc[-1])


def test_charts_stand_alone_title_assumptions_units_and_not_drawn_build():
    at = app()
    spec = figure(at, 0)
    title = chart_text(spec["layout"]["title"]["text"])
    assert "Buy, rent or pay the API?" in title  # the default study rents two machines too
    assert "rented: scale to zero" in title and "hourly prices seen" in title
    assert "GLM 5.2 UD-IQ2_XXS" in title and "50 M tokens a month, 75% input" in title
    assert "$0.15/kWh" in title and "as of 2026-11-01 to 2026-11-28" in title  # the two default offerings
    assert "cost of capital 4.0%/yr" in title
    assert spec["layout"]["xaxis"]["title"]["text"] == "Months since purchase [month]"
    assert spec["layout"]["yaxis"]["title"]["text"] == "Cumulative cost [USD]"
    notes = chart_text(" ".join(a["text"] for a in spec["layout"]["annotations"]))
    assert "Not drawn: Mac Studio M2 Ultra 192 GB" in notes and "does not fit: short by" in notes
    volume = figure(at, 1)
    assert volume["layout"]["xaxis"]["type"] == "log"
    assert volume["layout"]["xaxis"]["title"]["text"] == "Tokens a month (flat) [tokens/month]"


def test_one_colour_per_build_across_both_charts():
    at = app()
    first, second = figure(at, 0), figure(at, 1)
    name = short_name(cm.load_catalog().builds["rtx3090-x12"].name)
    colour_a = [t["line"]["color"] for t in first["data"] if str(t.get("name", "")).startswith(name)]
    colour_b = [t["line"]["color"] for t in second["data"] if str(t.get("name", "")).startswith(name)]
    assert colour_a and colour_b and set(colour_a) == set(colour_b)


def test_crossover_on_the_volume_chart_sits_at_the_break_even_volume():
    at = app({"price_id": "zai/glm-5.2"})
    spec = figure(at, 1)
    r = article_study(price_id=["zai/glm-5.2"]).primary("rtx3090-x12")
    [circle] = traces(spec, "crossover rtx3090-x12")
    assert circle["x"][0] == pytest.approx(r.break_even_volume_tok_per_month)
    assert circle["y"][0] == pytest.approx(r.api_usd_per_mtok)


def test_url_parameters_set_the_widgets():
    at = app(
        {
            "tokens_per_month": "1e9",
            "input_share": "0.5",
            "electricity_usd_per_kwh": "0.3",
            "build_id": "rtx3090-x12,h100x8-node",
            "decode_tok_s": "rtx3090-x12:25",
        }
    )
    ok(at)
    assert at.select_slider(key="tokens_per_month").value == 1e9
    assert at.slider(key="input_share").value == 0.5
    assert at.number_input(key="electricity_usd_per_kwh").value == 0.3
    assert at.multiselect(key="build_id").value == ["rtx3090-x12", "h100x8-node"]
    assert "Decode 25.0 tok/s (measured" in " ".join(plain(m.value) for m in at.markdown)
    open_inputs(at, "Memory and speeds")  # the measured speeds are drawn when their group is picked
    assert at.number_input(key="decode_tok_s:rtx3090-x12").value == 25
    assert "Decode 25.0 tok/s (measured" in " ".join(plain(m.value) for m in at.markdown)
    assert not at.warning


def test_invalid_url_values_fall_back_with_a_notice():
    at = app(
        {
            "tokens_per_month": "banana",
            "input_share": "7",
            "build_id": "no-such-box",
            "model_id": "gpt-9",
            "quant": "Q3",
            "mystery": "1",
        }
    )
    ok(at)
    notices = " ".join(plain(w.value) for w in at.warning)
    assert "tokens_per_month='banana' is not valid" in notices
    assert "input_share='7' is not valid (must be within 0-1)" in notices
    assert "unknown build no-such-box" in notices
    assert "model_id='gpt-9' is not valid" in notices
    assert "'mystery' is not an input of this page" in notices
    assert at.select_slider(key="tokens_per_month").value == params.DEFAULTS["tokens_per_month"]
    assert at.slider(key="input_share").value == params.DEFAULTS["input_share"]
    assert len(at.get("plotly_chart")) == 2


def test_widget_changes_go_to_the_url():
    at = app()
    at.slider(key="input_share").set_value(0.5).run()
    at.number_input(key="electricity_usd_per_kwh").set_value(0.3).run()
    assert at.query_params["input_share"] == "0.5"
    assert at.query_params["electricity_usd_per_kwh"] == "0.3"
    assert "tokens_per_month" not in at.query_params  # defaults stay out of the link


@pytest.mark.parametrize(
    ("query", "expect"),
    [
        ({"tokens_per_month": "0"}, "No tokens asked"),
        ({"tokens_per_month": "1e10"}, "Cannot serve"),
        ({"electricity_usd_per_kwh": "0", "price_id": "zai/glm-5.2"}, "Ahead of the API"),
        ({"electricity_usd_per_kwh": "2"}, "Never"),
        ({"cached_input_share": "1", "price_id": "zai/glm-5.2"}, "API **$1.30**"),
        ({"build_id": "mac-studio-192gb"}, "Does not fit"),
        ({"monthly_growth": "0.5", "horizon_months": "120"}, "from month"),
    ],
)
def test_extremes_render_without_error(query, expect):
    at = app(query)
    ok(at)
    text = " ".join([*(plain(m.value) for m in at.markdown), *(plain(i.value) for i in at.info)])
    assert expect in text
    for index in range(len(at.get("plotly_chart"))):
        for trace in figure(at, index)["data"]:
            y = [v for v in (trace.get("y") or []) if v is not None]
            assert np.isfinite(np.asarray(y, dtype=float)).all()


def test_one_build_against_ten():
    ten = ",".join(list(cm.load_catalog().builds)[:10])
    at = app({"build_id": ten, "price_id": "zai/glm-5.2,openai/gpt-5.5", "rental_id": ""})
    ok(at)
    assert len(summary_table(at).value) == 20  # every build against both APIs
    at = app({"build_id": "rtx3090-256gb-offload"})
    ok(at)
    assert len(summary_table(at).value) == (1 + 2) * 2  # it and the two default rentals, against two offerings


def test_no_build_picked_asks_for_one():
    at = app()
    at.multiselect(key="build_id").set_value([]).run()
    ok(at)  # the rentals alone are compared
    assert not at.info and len(at.get("plotly_chart")) == 2
    at.multiselect(key="rental_id").set_value([]).run()
    ok(at)
    assert "Pick at least one build or rental" in plain(at.info[0].value)


def test_changing_the_model_picks_one_of_its_quants():
    at = app()
    at.selectbox(key="model_id").set_value("qwen3-32b").run()
    ok(at)
    assert at.selectbox(key="quant").value == "Q4_K_M"


def test_published_claims_are_set_beside_the_estimate():
    at = app({"model_id": "qwen3-32b", "quant": "Q4_K_M", "build_id": "rtx4090-single"})
    text = " ".join(plain(m.value) for m in at.markdown)
    assert "Published: 60 tok/s (above the physical ceiling)" in text


# --- other pages ----------------------------------------------------------------------------


def test_hardware_page_lists_every_build_with_fit_and_speed():
    at = switch("pages/hardware.py")
    ok(at)
    table = at.dataframe[0].value
    assert len(table) == len(cm.load_catalog().builds)
    row = table[table["Build"].str.startswith("Mac Studio M2 Ultra 192 GB")].iloc[0]
    assert row["Fits"].startswith("no, short by")
    offload = table[table["Build"] == "Desktop, 1x RTX 3090 + 256 GB DDR5"].iloc[0]
    assert offload["Fits"] == "with offload"
    # the article's "3-9 tok/s, bottlenecked by system RAM": the page shows the library's estimate
    cat = cm.load_catalog()
    glm = cat.models["glm-5.2"]
    speed = cm.estimate_speed(cat.builds["rtx3090-256gb-offload"], glm, glm.quants["UD-IQ2_XXS"], 8192)
    assert offload["Decode [tok/s]"] == pytest.approx(speed.decode_tok_s) and 3 <= speed.decode_tok_s <= 9
    # the builds that hold the model come first, cheapest at full use first
    holds = table["Decode [tok/s]"].notna().tolist()
    assert holds == sorted(holds, reverse=True)
    local = table.loc[table["Decode [tok/s]"].notna(), "Local [USD/Mtok]"].tolist()
    assert local == sorted(local)
    # each speed's ceiling is drawn in the chart beneath, with what bounds it
    chart = figure(at, 0)
    ceiling = next(t for t in chart["data"] if t["name"] == "physical ceiling")
    estimate = next(t for t in chart["data"] if t["name"].startswith("estimated decode"))
    assert all(e <= c for e, c in zip(estimate["x"], ceiling["x"], strict=True))
    assert all(h.startswith("bound by ") for h in estimate["hovertext"])
    assert len(at.get("plotly_chart")) == 1


def test_a_build_saved_on_the_hardware_page_is_used_by_the_break_even_page():
    at = switch("pages/hardware.py")
    form = "build_form:(new build)"
    values = {
        "build_id": "my-box",
        "name": "My box",
        "capex_usd": "4000",
        "gpu_count": "1",
        "vram_gb_per_gpu": "48",
        "vram_bandwidth_gbs": "960",
        "gpu_fp16_tflops": "90",
        "system_ram_gb": "256",
        "ram_bandwidth_gbs": "90",
        "power_load_w": "500",
        "power_idle_w": "60",
        "lifetime_months": "48",
        "resale_fraction": "0.3",
    }
    save_form(at, form, values)
    ok(at)
    assert "Saved my-box" in plain(at.success[0].value)
    at.switch_page("pages/breakeven.py").run()
    assert "My box" in at.multiselect(key="build_id").options


def test_build_form_shows_errors_under_the_fields_and_keeps_the_catalogue():
    at = switch("pages/hardware.py")
    form = "build_form:(new build)"
    save_form(
        at,
        form,
        {
            "build_id": "bad",
            "name": "Bad",
            "capex_usd": "-5",
            "system_ram_gb": "64",
            "ram_bandwidth_gbs": "fast",
            "power_load_w": "300",
            "power_idle_w": "50",
        },
    )
    ok(at)
    errors = " ".join(plain(m.value) for m in at.markdown)
    assert "must be > 0, got -5" in errors
    assert "must be a number, got 'fast'" in errors
    assert "bad" not in at.session_state["custom_builds"]


def test_builds_download_reads_back_as_the_catalogue():
    from costmodel.io.rows import catalogue_frame, read_rows

    cat = cm.load_catalog()
    rows, errors = read_rows(to_csv_bytes(catalogue_frame(cat.builds.values(), BUILDS)).decode(), BUILDS)
    assert errors == []
    assert [b for _, b in rows] == list(cat.builds.values())


def test_models_page_shows_the_articles_table_live():
    at = switch("pages/models.py")
    ok(at)
    quants = at.dataframe[0].value
    row = quants[quants["Quantisation"] == "UD-IQ2_XXS"].iloc[0]
    assert row["Weights file [GB]"] == pytest.approx(238.459)  # the published file; the article's 241 beside it
    assert row["Claimed size [GB]"] == 241 and row["Size from"] == "listing"
    assert row["Quality retained"] == pytest.approx(0.82)
    assert row["Quality measure"] == "top-1 agreement, measured on this model"
    matrix = at.dataframe[1].value.set_index("Build")
    assert matrix.loc["Mac Studio M2 Ultra 192 GB", "UD-IQ2_XXS"].startswith("no, short by")
    assert len(at.get("plotly_chart")) == 2


def test_prices_page_blend_calculator_and_staleness():
    at = switch("pages/prices.py")
    ok(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Articles' 'blended' (input + output)"] == "$5.80"
    assert metrics["True price of 1 M tokens at 75% input, 0% cached"] == "$2.15"
    at.slider(key="prices_input_share").set_value(0.5).run()
    assert {m.label: m.value for m in at.metric}["True price of 1 M tokens at 50% input, 0% cached"] == "$2.90"
    table = at.dataframe[0].value
    assert {"Age [days]", "Stale (over 90 days)", "As of", "From"} <= set(table.columns)
    assert len(at.get("plotly_chart")) == 1


def test_prices_search_cheapest_first_and_open_weights():
    at = switch("pages/prices.py")
    at.text_input(key="prices_query").input("glm 5.2").run()
    ok(at)
    table = at.dataframe[0].value
    assert len(table) >= 10 and all(
        "glm-5.2" in f"{p} {w}".lower()
        for p, w in zip(table["API offering"], table["Open weights (runs locally)"], strict=True)
    )
    blend = list(table["Blend for your mix [USD/Mtok]"])
    assert blend == sorted(blend)
    at.checkbox(key="prices_runnable").check().run()
    assert (at.dataframe[0].value["Open weights (runs locally)"] != "—").all()


def test_from_an_api_to_the_boxes_that_run_its_model():
    at = switch("pages/prices.py")
    text = " ".join(plain(m.value) for m in at.markdown)
    assert "**zai/glm-5.2** serves the open-weight **GLM 5.2**" in text and "7 of 17 builds hold it" in text
    [go] = [b for b in at.button if b.label.startswith("Compare these builds")]
    go.click().run()
    ok(at)
    assert at.multiselect(key="price_id").value == ["zai/glm-5.2"]
    assert "rtx3090-x12" in at.session_state["build_id"] and "mac-studio-192gb" not in at.session_state["build_id"]


def test_price_history_is_drawn_as_steps():
    at = switch("pages/prices.py")
    at.selectbox(key="prices_pick").set_value("quicksilverpro/glm-5.2").run()
    ok(at)
    history = figure(at, 1)
    inp = [t for t in history["data"] if t["name"] == "input"][0]
    assert inp["line"]["shape"] == "hv" and inp["y"][:2] == [1.12, 0.7]


def test_a_price_saved_in_the_form_is_the_users():
    at = switch("pages/prices.py")
    form = "price_form:(new offering)"
    save_form(
        at,
        form,
        {
            "price_id": "me/model",
            "provider": "me",
            "model": "model",
            "input_usd_per_mtok": "1",
            "output_usd_per_mtok": "2",
        },
    )
    ok(at)
    assert at.session_state["custom_prices"]["me/model"].origin == "user"


def test_price_form_rejects_a_bad_offering_inline():
    at = switch("pages/prices.py")
    form = "price_form:(new offering)"
    save_form(
        at,
        form,
        {
            "price_id": "x/y",
            "provider": "x",
            "model": "z",
            "input_usd_per_mtok": "0",
            "output_usd_per_mtok": "0",
        },
    )
    assert not at.exception
    assert [plain(e.value) for e in at.error] == ["price_id must be provider/model (x/z), got 'x/y'"]
    assert "x/y" not in at.session_state["custom_prices"]


# --- sensitivity page ------------------------------------------------------------------------------


def test_sensitivity_page_draws_tornado_monte_carlo_and_trends():
    at = switch("pages/sensitivity.py")
    ok(at)
    assert len(at.get("plotly_chart")) == 4
    tornado = figure(at, 0)
    labels = [t["y"] for t in tornado["data"] if t.get("type") == "bar"][0]
    study = article_study()
    table = cm.tornado(study.primary(study.builds[0].build_id).scenario)
    assert labels[-1].startswith(INPUTS[table["input"].iloc[0]].label)  # the largest impact is drawn on top
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Pays back (ahead at the horizon)"].endswith("% of draws")
    trends = figure(at, 3)
    assert {t["name"] for t in trends["data"] if t.get("name", "").startswith("API")} == {
        "API, -20%/year (observed)",
        "API, flat",
        "API, +50%/year if subsidies end",
    }


def test_sensitivity_follows_the_break_even_inputs_and_the_spread():
    at = switch("pages/sensitivity.py", {"tokens_per_month": "5e8", "build_id": "rtx3090-x12"})
    ok(at)
    before = figure(at, 0)["data"][0]["y"]
    at.slider(key="tornado_spread").set_value(0.5).run()
    ok(at)
    assert figure(at, 0)["data"][0]["y"] != before  # ranges in the labels widened


def test_quality_adjustment_and_price_trend_reach_the_charts():
    at = app({"quality_adjusted": "true", "api_price_change_per_year": "-0.2"})
    ok(at)
    title = chart_text(figure(at, 0)["layout"]["title"]["text"])
    assert (
        "API prices -20% a year" in title
        and "quality gap (82% retained by top-1 agreement, measured on this model: 1.22 tokens per API token)" in title
    )
