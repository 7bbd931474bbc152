"""The first screen answers the question, and nothing on any page contradicts another or shows a raw code.

Figures are checked against sums done here from the catalogue's prices, not against the code's own
results: the API's spend is price x tokens x each month's discount at 4% a year.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from apptest_kit import (
    answer_text,
    app,
    card,
    figure,
    ok,
    open_inputs,
    shown_table,
    summary_table,
    switch,
    texts,
    traces,
)
from conftest import chart_text

import costmodel as cm
from costmodel import plots
from costmodel.glossary import GLOSSARY
from ui.text import plain

ROOT = Path(__file__).resolve().parent.parent
HORIZON = 60
MAC = "mac-studio-m3-ultra-256gb"


pytestmark = pytest.mark.usefixtures("home")  # each test saves into its own store (conftest)


def blend(price: cm.ApiPrice, input_share: float = 0.75, cached: float = 0.0) -> float:
    """USD per million tokens for the mix, by hand: input (cached part at its own price) and output."""
    cached_price = (
        price.input_usd_per_mtok if price.cached_input_usd_per_mtok is None else price.cached_input_usd_per_mtok
    )
    return (
        input_share * ((1 - cached) * price.input_usd_per_mtok + cached * cached_price)
        + (1 - input_share) * price.output_usd_per_mtok
    )


def api_spend(price: cm.ApiPrice, tokens_per_month: float = 50e6) -> float:
    """The API's bill over the horizon in present value at 4% a year: month m's bill x 1.04^(-m/12)."""
    weights = sum(1.04 ** (-m / 12) for m in range(1, HORIZON + 1))
    return weights * tokens_per_month / 1e6 * blend(price)


def dollars(text: str) -> list[int]:
    return [int(d.replace(",", "")) for d in re.findall(r"\$([\d,]+)(?![\d.])", text)]


# --- the answer ----------------------------------------------------------------------------------


def test_the_default_offerings_are_the_articles_and_the_cheapest_for_the_model():
    cat = cm.load_catalog()
    serving = [p for p in cat.prices.values() if p.open_weights_model_id == "glm-5.2"]
    cheapest = min(serving, key=blend)
    at = app()
    ok(at)
    assert set(at.session_state["price_id"]) == {"zai/glm-5.2", cheapest.price_id}
    # the picker lists the model's offerings first, cheapest first for the mix
    options = at.multiselect(key="price_id").options
    firsts = [o.split("  ")[0] for o in options[: len(serving)]]
    assert set(firsts) == {p.price_id for p in serving}
    blends = [blend(cat.prices[p]) for p in firsts]
    assert blends == sorted(blends)


def test_the_answer_names_the_cheapest_way_with_its_amount_and_the_runner_up_agrees_with_its_card():
    cat = cm.load_catalog()
    at = app()
    ok(at)
    words = answer_text(at)
    spends = {p: api_spend(cat.prices[p]) for p in at.session_state["price_id"]}
    best = min(spends, key=spends.get)
    assert words.startswith(f"For 50 M tokens a month, pay the API: {best}, ${spends[best]:,.0f} over 60 months"), words
    # the runner-up is the cheapest box; the gap the answer gives is the one its card gives
    gap = re.search(r"\$([\d,]+) less than the runner-up, the (.+?)[;.]", words)
    assert gap, words
    runner = next(b for b in cat.builds.values() if b.name.split(" (")[0] == gap.group(2))
    assert f"${gap.group(1)} behind the API by month 60" in card(at, runner.name)
    # and what would change it: a volume and a price, each solved, not guessed
    assert re.search(r"wins above [\d.]+ M tokens a month", words) and "cost less than $" in words


def test_the_volume_that_changes_the_answer_does_change_it():
    at = app()
    words = answer_text(at)
    volume = float(re.search(r"wins above ([\d.]+) M tokens a month", words).group(1)) * 1e6
    above = app({"tokens_per_month": f"{volume * 1.05:.0f}"})
    ok(above)
    assert ", buy the " in answer_text(above)
    below = app({"tokens_per_month": f"{volume * 0.95:.0f}"})
    assert ", pay the API: " in answer_text(below)


def test_a_usage_preset_sets_the_shares_and_names_only_its_own_shares():
    from costmodel.schema import USAGE_PRESETS

    label, input_share, cached, source = USAGE_PRESETS[1]
    at = app()
    at.selectbox(key="usage_preset").set_value(label).run()
    ok(at)
    assert at.slider(key="input_share").value == pytest.approx(input_share)
    assert at.slider(key="cached_input_share").value == pytest.approx(cached)
    assert "amanhimself.dev" in source
    at.slider(key="cached_input_share").set_value(0.5).run()
    assert at.selectbox(key="usage_preset").value == "(your own shares)"


def test_changing_the_model_switches_the_offerings_to_its_own_and_says_so():
    cat = cm.load_catalog()
    at = app()
    at.selectbox(key="model_id").set_value("qwen3-32b").run()
    ok(at)
    chosen = at.session_state["price_id"]
    assert chosen and all(cat.prices[p].open_weights_model_id == "qwen3-32b" for p in chosen)
    serving = [p for p in cat.prices.values() if p.open_weights_model_id == "qwen3-32b"]
    assert chosen[0] == min(serving, key=blend).price_id
    notices = " ".join(plain(w.value) for w in at.warning)
    assert "API offerings switched to Qwen3-32B's cheapest" in notices


def test_a_measured_speed_above_the_physical_ceiling_is_flagged():
    at = open_inputs(app(), "Memory and speeds")
    at.number_input(key=f"decode_tok_s:{MAC}").set_value(70.0).run()  # the ceiling is about 60 tok/s
    ok(at)
    text = card(at, "Mac Studio M3 Ultra 256 GB")
    assert "Decode 70.0 tok/s (measured" in text and "above the physical ceiling, check the measurement" in text


def test_an_estimate_beside_a_published_range_says_which_to_trust():
    at = app()
    text = card(at, "Mac Studio M3 Ultra 256 GB")
    assert "Published: 3-9 tok/s" in text and "a measurement of your own settles it" in text


# --- sentences that agree with the charts ----------------------------------------------------------


def test_every_cards_standing_at_the_horizon_is_the_charts_gap_at_the_horizon():
    """For each build drawn, API line minus the build's line at month 60 = the card's ahead/behind
    figure; the 12x 3090 rig is replaced at month 36, inside the horizon."""
    at = app({"price_id": "zai/glm-5.2", "tokens_per_month": "3e8"})
    ok(at)
    spec = figure(at, 0)
    [api] = traces(spec, "API: zai/glm-5.2")
    cat = cm.load_catalog()
    checked = 0
    for build_id in at.session_state["build_id"]:
        build = cat.builds[build_id]
        lines = [
            t
            for t in spec["data"]
            if t.get("legendgroup") == build_id and t.get("mode") == "lines" and t.get("showlegend", True)
        ]
        if not lines:
            continue
        gap = api["y"][-1] - lines[0]["y"][-1]
        text = card(at, build.name)
        side = "ahead of" if gap > 0 else "behind"
        assert f"${abs(gap):,.0f} {side} the API by month 60" in text, (build_id, gap, text)
        checked += 1
    assert checked >= 2 and cat.builds["rtx3090-x12"].lifetime_months < HORIZON


def test_never_is_said_only_for_the_volume_asked():
    """A headline of 'never' holds at the volume asked; the cost-per-token chart may show the build
    ahead at higher volumes, and the sentence must not deny it."""
    at = app({"price_id": "avian/z-ai/glm-5.2", "build_id": "rtx3090-x12"})
    text = card(at, cm.load_catalog().builds["rtx3090-x12"].name)
    assert "Never at 50 M tokens a month: running costs alone are $" in text
    assert "Never: running" not in text
    # the three prices of the sentence add up as shown
    running = float(re.search(r"running costs alone are \$([\d.]+)", text).group(1))
    api, more = map(float, re.search(r"(?i)against the API's \$([\d.]+) \(\$([\d.]+) more\)", text).groups())
    assert running - api == pytest.approx(more, abs=1e-9)


def test_the_summary_names_each_build_as_the_legends_do():
    at = app()
    table = shown_table(summary_table(at))
    legend = {t["name"] for t in figure(at, 1)["data"] if t.get("showlegend", True)}
    rentals = {r.name for r in cm.load_catalog().rentals.values()}
    shown = set(table["Build or rental"])
    builds = shown - rentals
    assert len(builds) == 4 and len(shown & rentals) == 2
    assert not [b for b in builds if "(" in b]  # a build without its parenthesis; a rental keeps its provider's
    assert {f"Rent: {n}" if n in rentals else n for n in shown} - legend == {"Mac Studio M2 Ultra 192 GB"}


# --- charts that print cleanly ---------------------------------------------------------------------


def test_a_long_subtitle_wraps_inside_the_image():
    at = app({"price_id": "zai/glm-5.2,avian/z-ai/glm-5.2,quicksilverpro/glm-5.2"})
    ok(at)
    for i in (0, 1):
        title = figure(at, i)["layout"]["title"]["text"]
        lines = [chart_text(part) for part in title.split("<br>")]
        assert max(len(line) for line in lines) <= 150, max(lines, key=len)
        assert "quicksilverpro/glm-5.2" in chart_text(title)


def test_both_charts_render_as_png_on_the_server():
    from ui import export

    at = app()
    for i in (0, 1):
        spec = figure(at, i)
        data = export.png_bytes(spec, scale=1)
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (export.PNG_WIDTH_PX, spec["layout"]["height"])


def test_price_history_draws_the_first_price_which_has_no_start_date():
    history = cm.load_catalog().price_history_frame("quicksilverpro/glm-5.2")
    assert history["valid_from"].iloc[0] is None and history["valid_from"].iloc[1] == dt.date(2026, 10, 19)
    spec = plots.price_history(history, "2026-12-01", ["2 dated prices"])
    inp = next(t for t in spec["data"] if t["name"] == "input")
    assert inp["x"][0] == str(dt.date(2026, 10, 19) - dt.timedelta(days=90)) and inp["y"][0] == 1.12
    assert inp["x"][1] == "2026-10-19" and inp["y"][1] == 0.7
    assert "no start date" in chart_text(spec["layout"]["title"]["text"])


def test_the_tornado_colours_the_outcome_not_the_end_of_the_range():
    cat = cm.load_catalog()
    glm = cat.models["glm-5.2"]
    s = cm.Scenario(
        build=cat.builds[MAC],
        model=glm,
        quant=glm.quants["UD-IQ2_XXS"],
        price=cat.prices["zai/glm-5.2"],
        usage=cm.Usage(tokens_per_month=50e6),
    )
    table = cm.tornado(s)
    spec = plots.tornado(table, ["test"])
    better = next(t for t in spec["data"] if t["name"] == "better outcome")
    worse = next(t for t in spec["data"] if t["name"] == "worse outcome")
    assert better["marker"]["color"] == "#2ca02c" and worse["marker"]["color"] == "#d62728"
    assert all(x >= 0 for x in better["x"]) and all(x <= 0 for x in worse["x"])
    # a dearer box is worse: capex at its high end is drawn red
    capex = next(i for i, label in enumerate(worse["y"]) if label.startswith("capex"))
    assert worse["customdata"][capex][1] == "high"


# --- one vocabulary ---------------------------------------------------------------------------------

RAW = re.compile(
    r"\bNone\b|\bnan\b|\d(\.\d+)?e[+-]\d|\b(pays_back|cannot_serve|does_not_fit|build_id|price_id|model_id|"
    r"tokens_per_month|input_share|gpu_fp16_tflops|multi_gpu_mode|capex_usd|decode_tok_s)\b"
)
PAGES = [None, "pages/hardware.py", "pages/models.py", "pages/prices.py", "pages/sensitivity.py", "pages/scenarios.py"]


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_raw_code_none_or_e_notation(page):
    at = app({"build_id": "mac-studio-m3-ultra-256gb,mac-studio-192gb,rtx3090-x12"}, page)
    ok(at)
    found = [t for t in texts(at) if RAW.search(plain(t))]
    for i, element in enumerate(at.dataframe):
        table = shown_table(element)
        found += [f"table {i} header {c}" for c in table.columns if c in GLOSSARY or RAW.search(str(c))]
        cells = table.astype(str).to_numpy().ravel()
        found += [f"table {i} cell {c}" for c in cells if RAW.search(c)]
    found += [f"metric {m.label}: {m.value}" for m in at.metric if RAW.search(str(m.value))]
    assert not found, found[:10]


def test_form_labels_are_names_not_fields():
    at = switch("pages/hardware.py")
    labels = [e.label for e in at.text_input] + [e.label for e in at.number_input] + [e.label for e in at.selectbox]
    assert "FP16 compute per GPU [TFLOPS]" in labels and "Several GPUs: layer split or tensor parallel" in labels
    assert not [label for label in labels if "_" in label]


def test_the_toolbar_has_no_deploy_button_and_the_upload_limit_is_the_apps():
    from costmodel.io.uploads import MAX_UPLOAD_BYTES
    from costmodel.io.usage_exports import MAX_USAGE_BYTES

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] == "minimal"  # hides Deploy
    # Streamlit takes what the largest upload may be (a usage export); catalogue files are held to less
    assert config["server"]["maxUploadSize"] == MAX_USAGE_BYTES // 2**20 == 10
    assert MAX_UPLOAD_BYTES // 2**20 == 5


def test_the_sensitivity_page_speaks_in_verdicts_and_says_whose_median_it_is():
    at = switch("pages/sensitivity.py", {"tokens_per_month": "1e8", "price_id": "zai/glm-5.2"})
    ok(at)
    metrics = {m.label: m.value for m in at.metric}
    assert "Month it turns ahead, in those draws" in metrics
    share = int(metrics["Pays back (ahead at the horizon)"].split("%")[0])
    caption = " ".join(plain(c.value) for c in at.caption)
    if metrics["Month it turns ahead, in those draws"] != "no draw pays back":
        assert f"Of the {share}% of draws that pay back, half turn ahead by month" in caption
    assert "Base values: " in caption and "capex $5,999" in caption and "tokens a month 100 M" in caption
    for warning in at.warning:
        said = plain(warning.value)
        assert re.search(r"it (pays back|never pays back|cannot serve) at", said) or said.startswith(
            "Price over 6 months"
        )
    trend = shown_table(at.dataframe[-1])
    assert set(trend["Verdict"]) <= {"pays back", "never pays back", "cannot serve", "does not fit"}
    assert np.all([v.startswith(("+", "-")) for v in trend["API price change a year"] if v != "+0.0%"])


def test_every_catalogue_build_has_a_short_name_of_its_own_and_uncut():
    """Legends and tables show a build's name without its parenthesis: two builds must not read alike."""
    names = [b.name.split(" (")[0] for b in cm.load_catalog().builds.values()]
    assert len(set(names)) == len(names), sorted(n for n in names if names.count(n) > 1)
    assert max(len(n) for n in names) <= 40, max(names, key=len)


def test_recommend_ranks_every_way_and_its_thresholds_are_ties():
    from costmodel.inputs import varied

    cat = cm.load_catalog()
    study = cm.study_of(cm.StudyInputs(tokens_per_month=80e6), cat, dt.date(2026, 12, 1))
    rec = cm.recommend(study)
    costs = [o.cost_usd for o in rec.options]
    assert costs == sorted(costs)
    for o in rec.options:
        if o.kind == "api":
            assert o.cost_usd == pytest.approx(api_spend(cat.prices[o.key], 80e6), rel=1e-9)
    assert rec.unable == ("mac-studio-192gb",)
    r = rec.best_build.comparison
    # at each threshold the best box and the cheapest offering cost the same; where there is none,
    # the whole range leaves the answer as it is
    for name, threshold, low, high in (
        ("electricity_usd_per_kwh", rec.electricity_threshold_usd_per_kwh, 0.0, 10.0),
        ("capex_usd", rec.capex_threshold_usd, 1.0, 10 * r.scenario.build.capex_usd),
    ):
        if threshold is None:
            ends = [cm.compare(varied(r.scenario, name, v)).savings_at_horizon_usd for v in (low, high)]
            assert (ends[0] > 0) == (ends[1] > 0), (name, ends)
        else:
            assert cm.compare(varied(r.scenario, name, threshold)).savings_at_horizon_usd == pytest.approx(0, abs=0.01)
    assert rec.capex_threshold_usd is not None
    flat = r.scenario.usage.model_copy(update={"tokens_per_month": rec.volume_threshold_tok_per_month})
    at_volume = cm.compare(r.scenario.model_copy(update={"usage": flat}))
    assert at_volume.savings_at_horizon_usd == pytest.approx(0, abs=0.01)
