"""Downloads: CSV that spreadsheets open safely, PNG rendered by the system browser, file names."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import costmodel as cm
from costmodel import plots
from costmodel.io.exports import to_csv_bytes
from ui import export, params


def test_csv_neutralises_formula_cells_and_keeps_numbers():
    frame = pd.DataFrame(
        {"name": ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "plain", "-cmd"], "usd": [-3.5, 1.0, 2.0, 3.0, 4.0]}
    )
    text = to_csv_bytes(frame).decode()
    assert "'=HYPERLINK" in text and "'+1" in text and "'@SUM" in text and "'-cmd" in text
    assert "\nplain," in text and "-3.5" in text and "'-3.5" not in text


def test_scenario_slug_names_the_scenario():
    slug = export.scenario_slug({**params.DEFAULTS, "tokens_per_month": 2.5e9, "price_id": ["zai/glm-5.2"]})
    assert slug == "breakeven-glm-5.2-ud-iq2_xxs-2.5b-zai-glm-5.2"


def test_server_side_png_is_a_png(catalog):
    assert export.browser_path() is not None, "Chromium is required for the PNG export test"
    model = catalog.models["glm-5.2"]
    study = cm.compare_builds(
        [catalog.builds["mac-studio-m3-ultra-256gb"]],
        [catalog.prices["zai/glm-5.2"]],
        model=model,
        quant=model.quants["UD-IQ2_XXS"],
        usage=cm.Usage(tokens_per_month=5e7),
        as_of=dt.date(2026, 11, 28),
    )
    data = export.png_bytes(plots.cumulative_cost(study, plots.build_colours(catalog.builds)))
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_no_browser_gives_none(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "missing"))
    monkeypatch.setattr(export, "BROWSERS", ())
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    assert export.browser_path() is None


def test_png_button_config_is_2x_with_the_file_name():
    config = plots.png_config("breakeven-glm")
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "breakeven-glm", "scale": 2}


@pytest.mark.parametrize("value", [0, 1e6, 3e6, 12_345_678, 1e10])
def test_token_volumes_round_trip_through_the_url(value):
    assert (
        params.from_url({"tokens_per_month": params.dump("tokens_per_month", value)}, cm.load_catalog()).values[
            "tokens_per_month"
        ]
        == value
    )
    assert value in params.token_steps(value)
