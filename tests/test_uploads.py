"""Uploaded files: every kind of bad input gets its message; valid rows survive beside bad ones."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import costmodel as cm
from costmodel.io.uploads import MAX_UPLOAD_BYTES, parse_csv, parse_scenarios
from costmodel.study import StudyInputs

DATA = Path(__file__).resolve().parent.parent / "data"
CATALOG = cm.load_catalog()


def builds_csv(**changes: dict[str, str]) -> bytes:
    """data/builds.csv with cells changed in some rows: ``{"2": {"capex_usd": "-1"}}`` (data row numbers)."""
    rows = list(csv.DictReader(io.StringIO((DATA / "builds.csv").read_text(encoding="utf-8"))))
    for row, cells in changes.items():
        rows[int(row) - 1].update(cells)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def reasons(upload) -> list[str]:
    return [str(p) for p in upload.rejected]


def test_the_catalogues_own_builds_upload_cleanly_as_edits(catalog):
    upload = parse_csv(builds_csv(), "builds", "builds.csv", catalog)
    assert upload.ok and len(upload.accepted) == len(catalog.builds)
    assert "builds.csv row 2: replaces mac-studio-192gb of the catalogue" in upload.notices


def test_wrong_delimiter():
    data = builds_csv().decode().replace(",", ";").encode()
    with pytest.raises(cm.CostModelError, match="builds.csv row 1: cells are separated by semicolons"):
        parse_csv(data, "builds", "builds.csv")


def test_non_utf8_bytes():
    with pytest.raises(cm.CostModelError, match=r"builds.csv: not UTF-8 text \(byte 0xe9 at offset"):
        parse_csv(builds_csv().replace(b"Mac Studio", b"Mac \xe9tudio", 1), "builds", "builds.csv")


def test_missing_columns():
    text = builds_csv().decode().replace("capex_usd,", "", 1)
    with pytest.raises(cm.CostModelError, match="builds.csv row 1: missing column.s. capex_usd"):
        parse_csv(text.encode(), "builds", "builds.csv")


def test_extra_columns_are_ignored_and_said():
    text = builds_csv().decode().splitlines()
    text = [text[0] + ",colour"] + [line + ",red" for line in text[1:]]
    upload = parse_csv("\n".join(text).encode(), "builds", "mine.csv")
    assert upload.ok
    assert "mine.csv: column(s) 'colour' are not part of builds.csv; ignored" in upload.notices


@pytest.mark.parametrize("data", [b"", b"   \n\n"])
def test_empty_file(data):
    with pytest.raises(cm.CostModelError, match="the file is empty"):
        parse_csv(data, "builds", "builds.csv")


def test_a_50_mb_file_is_refused():
    data = builds_csv() + b"x" * (50 * 1024 * 1024)
    assert len(data) > MAX_UPLOAD_BYTES
    with pytest.raises(cm.CostModelError, match=r"builds.csv: 52\.\d MB is over the 5\.2 MB limit"):
        parse_csv(data, "builds", "builds.csv")


def test_numbers_out_of_range_nan_inf_and_text_rejected_row_by_row_valid_rows_kept():
    upload = parse_csv(
        builds_csv(
            **{
                "1": {"power_load_w": "-300"},
                "2": {"resale_fraction": "1.5"},
                "3": {"capex_usd": "nan"},
                "4": {"ram_bandwidth_gbs": "inf"},
                "5": {"system_ram_gb": "lots"},
            }
        ),
        "builds",
        "builds.csv",
    )
    assert reasons(upload) == [
        "builds.csv row 2, power_load_w: must be > 0, got -300",
        "builds.csv row 3, resale_fraction: must be <= 1, got 1.5",
        "builds.csv row 4, capex_usd: must be a finite number, got 'nan'",
        "builds.csv row 5, ram_bandwidth_gbs: must be a finite number, got 'inf'",
        "builds.csv row 6, system_ram_gb: must be a number, got 'lots'",
    ]
    assert len(upload.accepted) == 17 - 5


def test_duplicate_ids_in_the_file():
    upload = parse_csv(builds_csv(**{"3": {"build_id": "mac-studio-192gb"}}), "builds", "builds.csv")
    assert reasons(upload) == ["builds.csv row 4, build_id: duplicate id 'mac-studio-192gb' (first in row 2)"]


def test_formula_cells_are_refused():
    upload = parse_csv(
        builds_csv(**{"1": {"name": '=HYPERLINK("http://evil.example","click")'}, "2": {"gpu_name": "@SUM(A1:A9)"}}),
        "builds",
        "builds.csv",
    )
    assert reasons(upload) == [
        "builds.csv row 2, name: looks like a spreadsheet formula (starts with =); remove the leading character",
        "builds.csv row 3, gpu_name: looks like a spreadsheet formula (starts with @); remove the leading character",
    ]


def test_html_and_script_tags_in_names_are_refused():
    upload = parse_csv(
        builds_csv(**{"1": {"name": "<script>alert(1)</script>"}, "2": {"name": 'Box <img src=x onerror="x()">'}}),
        "builds",
        "builds.csv",
    )
    assert reasons(upload) == [
        "builds.csv row 2, name: holds an HTML or script tag",
        "builds.csv row 3, name: holds an HTML or script tag",
    ]


def test_prices_models_and_quants_upload_too(catalog):
    for kind in ("prices", "models", "quants"):
        data = (DATA / f"{kind}.csv").read_bytes()
        upload = parse_csv(data, kind, f"{kind}.csv", catalog)
        assert upload.ok, reasons(upload)
        assert upload.accepted


def test_a_zero_price_is_refused_as_missing():
    text = "price_id,provider,model,input_usd_per_mtok,output_usd_per_mtok,source,as_of\nx/y,x,y,0,0,me,2026-11-28\n"
    upload = parse_csv(text.encode(), "prices", "p.csv")
    assert reasons(upload) == ["p.csv row 2: input and output prices are both 0: a missing price is not a free one"]


# --- scenarios JSON ------------------------------------------------------------------------------


def doc(*scenarios: dict) -> bytes:
    return json.dumps({"format": "breakeven-scenarios", "version": 1, "scenarios": list(scenarios)}).encode()


def test_valid_scenarios_import(catalog):
    upload = parse_scenarios(
        doc({"name": "article", "inputs": StudyInputs().model_dump(mode="json")}), "s.json", catalog
    )
    assert upload.ok and upload.accepted == [("article", StudyInputs())]


def test_bad_scenarios_are_rejected_one_by_one(catalog):
    good = StudyInputs().model_dump(mode="json")
    upload = parse_scenarios(
        doc(
            {"name": "ok", "inputs": good},
            {"name": "range", "inputs": {**good, "input_share": 7}},
            {"name": "ids", "inputs": {**good, "build_id": ["no-such-box"]}},
            {"name": "<b>x</b>", "inputs": good},
            {"name": "ok", "inputs": good},
            "not an object",
        ),
        "s.json",
        catalog,
    )
    assert [n for n, _ in upload.accepted] == ["ok"]
    assert reasons(upload) == [
        "s.json scenario 2 (range), input_share: must be <= 1, got 7",
        "s.json scenario 3 (ids): unknown build 'no-such-box'",
        "s.json scenario 4, name: '<b>x</b>' may not hold '<', '>' or control characters",
        "s.json scenario 5, name: 'ok' appears twice in the file",
        's.json scenario 6: needs a "name" (text) and "inputs" (an object)',
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "s.json: not JSON"),
        (b'{"format": "other"}', "not a breakeven scenarios file"),
        (b'{"format": "breakeven-scenarios", "version": 9, "scenarios": []}', "scenarios file version 9"),
        (b'{"format": "breakeven-scenarios", "version": 1, "scenarios": {}}', '"scenarios" must be a list'),
        (b"\xff\xfe", "not UTF-8 text"),
    ],
)
def test_scenario_files_that_are_not_ours(data, message, catalog):
    with pytest.raises(cm.CostModelError, match=message):
        parse_scenarios(data, "s.json", catalog)


# --- property-based: any bytes give a result or the library's own error -------------------------------

CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["nan", "inf", "-inf", "1e999", "-1", "0", "=1+1", "<b>", "true", "2026-13-45", ""]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@st.composite
def csv_uploads(draw):
    kind = draw(st.sampled_from(["builds", "prices", "models", "quants"]))
    header = next(csv.reader(io.StringIO((DATA / f"{kind}.csv").read_text(encoding="utf-8"))))
    columns = draw(st.lists(st.sampled_from(header + ["extra"]), min_size=1, max_size=len(header) + 1, unique=True))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(columns), max_size=len(columns)), max_size=5))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return kind, out.getvalue().encode("utf-8")


@settings(max_examples=max(600, settings.default.max_examples))
@given(csv_uploads())
def test_any_csv_upload_gives_a_result_or_a_costmodel_error(upload):
    kind, data = upload
    try:
        result = parse_csv(data, kind, "u.csv")
    except cm.CostModelError:
        return
    for item in result.accepted:
        for value in item.model_dump().values():
            if isinstance(value, float):
                assert value == value and abs(value) != float("inf")


@settings(max_examples=max(300, settings.default.max_examples))
@given(st.binary(max_size=300))
def test_any_bytes_give_a_result_or_a_costmodel_error(data):
    for kind in ("builds", "prices"):
        try:
            parse_csv(data, kind, "u.csv")
        except cm.CostModelError:
            pass


@settings(max_examples=max(300, settings.default.max_examples))
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.floats(), st.text(max_size=8)),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    )
)
def test_any_json_gives_a_result_or_a_costmodel_error(value):
    catalog = CATALOG
    wrapped = {"format": "breakeven-scenarios", "version": 1, "scenarios": [{"name": "x", "inputs": value}, value]}
    for payload in (value, wrapped):
        try:
            parse_scenarios(json.dumps(payload).encode(), "s.json", catalog)
        except cm.CostModelError:
            pass
