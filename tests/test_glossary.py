"""One glossary: every CSV header, public field and DataFrame column has a unit and a meaning."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import hand_scenario

import costmodel as cm
from costmodel.glossary import axis_title

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize("path", sorted(DATA.glob("*.csv")), ids=lambda p: p.name)
def test_every_csv_header_is_in_the_glossary(path):
    with path.open(newline="", encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    assert [h for h in header if h not in cm.GLOSSARY] == []


@pytest.mark.parametrize("cls", [cm.Build, cm.Model, cm.Quant, cm.ApiPrice, cm.Usage, cm.Scenario])
def test_every_public_field_is_in_the_glossary(cls):
    assert [f for f in cls.model_fields if f not in cm.GLOSSARY] == []


def test_every_curve_column_is_in_the_glossary():
    result = cm.compare(hand_scenario())
    columns = list(result.curve.columns) + list(cm.volume_curve(result).columns)
    assert [c for c in columns if c not in cm.GLOSSARY] == []


def test_axis_titles_carry_units():
    assert axis_title("api_usd", "Cumulative cost") == "Cumulative cost [USD]"
    assert axis_title("volume_tok_per_month") == "flat monthly volume [tokens/month]"
    assert axis_title("build_id") == "id of a build"
