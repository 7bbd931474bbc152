"""costmodel.plots: valid plotly specs (checked with validation on), units and data from costmodel."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import pytest

import costmodel as cm
from costmodel import plots
from costmodel.tables import hardware_table, kv_curve, memory_map, prices_table


@pytest.fixture(scope="module")
def study(catalog):
    model = catalog.models["glm-5.2"]
    builds = [
        catalog.builds[b]
        for b in ("mac-studio-m3-ultra-256gb", "rtx3090-256gb-offload", "rtx3090-x12", "mac-studio-192gb")
    ]
    prices = [catalog.prices["zai/glm-5.2"], catalog.prices["openai/gpt-5.5"]]
    return cm.compare_builds(
        builds,
        prices,
        model=model,
        quant=model.quants["UD-IQ2_XXS"],
        usage=cm.Usage(tokens_per_month=50e6),
        as_of=dt.date(2026, 11, 28),
    )


def validated(spec: dict) -> go.Figure:
    """The spec built with plotly's validation on: a wrong property name raises here."""
    return go.Figure(spec)


def test_every_builder_gives_a_valid_figure(study, catalog):
    colours = plots.build_colours(catalog.builds)
    model = catalog.models["glm-5.2"]
    quant = model.quants["UD-IQ2_XXS"]
    table = hardware_table(
        list(catalog.builds.values())[:5],
        model,
        quant,
        catalog.prices["zai/glm-5.2"],
        cm.Usage(tokens_per_month=1),
        cm.Assumptions(),
    )
    built = [
        plots.cumulative_cost(study, colours),
        plots.cost_per_mtok(study, colours),
        plots.hardware_speeds(table, colours, ["line"]),
        plots.kv_cache(kv_curve(model), model.name, 217.0),
        plots.quant_memory(memory_map(model, list(catalog.builds.values())[:3], cm.MemoryOptions()), model.name, 8192),
        plots.price_blend(
            prices_table(catalog.prices.values(), cm.Usage(tokens_per_month=1), dt.date(2026, 11, 28)), ["line"]
        ),
    ]
    for spec in built:
        assert validated(spec).layout.title.text


def test_template_is_carried_without_validation(study, catalog):
    spec = plots.cumulative_cost(study, plots.build_colours(catalog.builds))
    assert validated(spec).layout.template.layout.paper_bgcolor == "white"


def test_api_lines_and_star_markers_per_price(study, catalog):
    fig = plots.cumulative_cost(study, plots.build_colours(catalog.builds))
    names = [t.get("name") for t in fig["data"]]
    assert "API: zai/glm-5.2" in names and "API: openai/gpt-5.5" in names
    # against GPT-5.5 at $11.25/M the 12x 3090 rig pays back; against GLM 5.2 it never does
    stars = [n for n in names if n and n.startswith("break-even rtx3090-x12")]
    assert stars == ["break-even rtx3090-x12 vs openai/gpt-5.5"]


def test_build_colours_are_stable_by_catalogue_order(catalog):
    a = plots.build_colours(catalog.builds)
    b = plots.build_colours(list(catalog.builds) + ["my-box"])
    assert {k: b[k] for k in a} == a
