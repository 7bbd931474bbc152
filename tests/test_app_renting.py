"""Renting on the pages: buy, rent and API side by side on the break-even page, the Prices page's
rentals and a quote of your own, the sensitivity of a rental."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from apptest_kit import answer_text, app, card, figure, ok, open_inputs, plain, switch, traces
from conftest import chart_text, save_form

import costmodel as cm
from costmodel.explain import recommendation
from costmodel.study import DEFAULT_RENTALS

pytestmark = pytest.mark.usefixtures("home")  # each test saves into its own store (conftest)


def test_the_break_even_page_weighs_buy_rent_and_api():
    cat = cm.load_catalog()
    at = app()
    ok(at)
    assert at.session_state["rental_id"] == list(DEFAULT_RENTALS)
    words = answer_text(at)
    # the answer names the cheapest and what the cheapest of each other way costs beside it
    assert words.startswith("For 50 M tokens a month, pay the API: avian/z-ai/glm-5.2")
    cheapest_rental = min(
        DEFAULT_RENTALS,
        key=lambda r: cm.study_of(cm.StudyInputs(), cat, dt.date.today()).primary(r).columns["local_net_usd"][-1],
    )
    assert f"less than the cheapest rental, the {cat.rentals[cheapest_rental].name}" in words
    for rental_id in DEFAULT_RENTALS:
        text = card(at, cat.rentals[rental_id].name)
        assert "· rented" in text and "Dearer than the API" in text
        assert re.search(r"billed [\d,]+ h a month for [\d,]+ h of work", text)
        assert "Rent $" in text and " seen " in text  # its hourly price, dated
        assert "each instance serves" in text
    cumulative, per_mtok = figure(at, 0), figure(at, 1)
    for spec in (cumulative, per_mtok):
        assert len(traces(spec, "Rent: ")) == 2
        assert "Buy, rent or pay the API?" in chart_text(spec["layout"]["title"]["text"])
    [band] = traces(per_mtok, "cheapest at each volume")
    assert min(band["y"]) > 0
    labels = [a["text"] for a in per_mtok["layout"]["annotations"] if a.get("yref") == "paper" and a.get("y") == 1.0]
    assert labels[0].startswith("API: ") and any(t.startswith("buy: Mac Studio M3 Ultra 256 GB") for t in labels)


def test_billing_always_on_costs_a_rental_more_than_scaling_to_zero():
    name = cm.load_catalog().rentals[DEFAULT_RENTALS[0]].name
    at = app()
    more = float(re.search(r"\$([\d,]+) more over 60 months", card(at, name)).group(1).replace(",", ""))
    open_inputs(at, "Renting")
    at.selectbox(key="rental_mode").set_value("always-on").run()
    ok(at)
    always = float(re.search(r"\$([\d,]+) more over 60 months", card(at, name)).group(1).replace(",", ""))
    assert always > more
    assert re.search(r"billed 73[01] h a month", card(at, name))  # every hour, and its interruptions' restarts
    assert "rented: always on" in chart_text(figure(at, 0)["layout"]["title"]["text"])


def test_rentals_in_the_link_and_a_rental_that_cannot_hold_the_model():
    at = app({"rental_id": "runpod-rtx4090-x1-community,runpod-h200-sxm-x2-ondemand"})
    ok(at)
    assert at.session_state["rental_id"] == ["runpod-rtx4090-x1-community", "runpod-h200-sxm-x2-ondemand"]
    assert "Does not fit: short by" in card(at, "1x RTX 4090 (RunPod Community)")
    notes = chart_text(" ".join(a["text"] for a in figure(at, 0)["layout"]["annotations"]))
    assert "Not drawn: 1x RTX 4090 (RunPod Community): does not fit" in notes
    assert not traces(figure(at, 1), "Rent: 1x RTX 4090")  # never drawn at $0
    bad = app({"rental_id": "no-such-rental"})
    ok(bad)
    assert any("rental_id='no-such-rental' is not valid" in plain(w.value) for w in bad.warning)
    assert bad.session_state["rental_id"] == list(DEFAULT_RENTALS)
    none = app({"rental_id": ""})
    ok(none)
    assert none.session_state["rental_id"] == [] and not traces(figure(none, 0), "Rent: ")


def test_my_team_of_eight_gets_the_cheapest_of_three_and_where_it_changes():
    query = {
        "concurrency": "8",
        "min_stream_tok_s": "15",
        "busy_hours_per_day": "9",
        "peak_to_average": "1.5",
        "tokens_per_month": "400000000",
        "rental_mode": "busy-hours",
        "price_id": "zai/glm-5.2",
        "rental_id": "runpod-a100-80gb-sxm-x4-community,runpod-h200-sxm-x2-ondemand,vast-h100-sxm-x8-spot",
    }
    at = app(query)
    ok(at)
    words = answer_text(at)
    inputs = cm.StudyInputs(
        concurrency=8,
        min_stream_tok_s=15,
        busy_hours_per_day=9,
        peak_to_average=1.5,
        tokens_per_month=400e6,
        rental_mode="busy-hours",
        price_id=("zai/glm-5.2",),
        rental_id=tuple(query["rental_id"].split(",")),
    )
    rec = cm.recommend(cm.study_of(inputs, cm.load_catalog(), dt.date.today()))
    expected = recommendation(rec, 60, 400e6)
    assert words.startswith(expected.headline)
    assert words.startswith("For 400 M tokens a month, pay the API: zai/glm-5.2")
    # eight streams at 15 tok/s: the API at every volume, and the page says so rather than naming a change
    assert [(s.kind, s.key) for s in rec.segments] == [("api", "zai/glm-5.2")]
    assert "the answer changes" not in words


def test_the_prices_page_lists_rentals_with_their_age_and_takes_a_quote_of_your_own():
    at = switch("pages/prices.py")
    ok(at)
    cat = cm.load_catalog()
    [table] = [d for d in at.dataframe if "Hourly price [USD/h]" in d.value.columns]
    assert len(table.value) == len(cat.rentals)
    assert list(table.value["Hourly price [USD/h]"]) == sorted(table.value["Hourly price [USD/h]"])
    assert "Age [days]" in table.value.columns and "Over 90 days old" in table.value.columns
    form = "rental_form:(new rental)"
    at.selectbox(key=f"{form}:gpu_id").set_value("h100-sxm")
    at.selectbox(key=f"{form}:offer_kind").set_value("on-demand")
    save_form(
        at,
        form,
        {
            "rental_id": "my-h100-quote",
            "name": "1x H100 (my quote, on-demand)",
            "provider": "Local Cloud",
            "gpu_count": "1",
            "system_ram_gb": "200",
            "ram_bandwidth_gbs": "200",
            "usd_per_hour": "1.75",
            "source": "email quote",
        },
    )
    ok(at)
    mine = at.session_state["custom_rentals"]["my-h100-quote"]
    assert mine.vram_gb_per_gpu == 80 and mine.vram_bandwidth_gbs == 3350  # the GPU's own row
    at.switch_page("pages/breakeven.py").run()
    assert any(o.startswith("1x H100 (my quote, on-demand)  $1.75/h") for o in at.multiselect(key="rental_id").options)


def test_a_bad_rental_quote_is_refused_inline():
    at = switch("pages/prices.py")
    form = "rental_form:(new rental)"
    at.selectbox(key=f"{form}:gpu_id").set_value("h100-sxm")  # a GPU it knows: the price is what is wrong
    save_form(at, form, {"rental_id": "q", "name": "Q", "provider": "P", "usd_per_hour": "-1"})
    assert not at.exception
    shown = " ".join(plain(m.value) for m in at.markdown)
    assert "must be > 0, got -1" in shown and "unknown GPU" not in shown  # the price, next to its field
    assert "custom_rentals" not in at.session_state or "q" not in at.session_state["custom_rentals"]


def test_the_sensitivity_of_a_rental_varies_its_price_and_its_hours():
    at = app()
    at.switch_page("pages/sensitivity.py").run()
    ok(at)
    name = cm.load_catalog().rentals[DEFAULT_RENTALS[0]].name
    at.selectbox(key="sensitivity_build").set_value(
        next(o for o in at.selectbox(key="sensitivity_build").options if name in o)
    ).run()
    ok(at)
    spec = figure(at, 0)
    text = " ".join(str(t.get("y")) + str(t.get("text")) for t in spec["data"])
    assert "rental price (x)" in text and "starts a day (scale to zero)" in text
    assert "electricity" not in text and "capex" not in text
