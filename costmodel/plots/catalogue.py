"""Charts of the catalogue: decode speed per build, KV cache against context, memory per quant, prices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from ..explain import short_names
from ..glossary import axis_title
from .style import PALETTE, Spec, array, bar_before_reference, finish, wrap


def hardware_speeds(table: pd.DataFrame, colours: Mapping[str, str], lines: list[str]) -> dict:
    """Estimated decode speed and its ceiling for each build that holds the model (log x)."""
    table = table.assign(name=short_names(table["name"]))
    fits = table[table["decode_tok_s"].notna()].sort_values("decode_tok_s")
    spec = Spec()
    bar_before_reference(
        spec,
        fits["name"],
        fits["ceiling_decode_tok_s"],
        "physical ceiling",
        fits["decode_tok_s"],
        "estimated decode (colour per build)",
        [colours.get(b, PALETTE[0]) for b in fits["build_id"]],
        ("ceiling %{x:,.1f} tok/s", "estimate %{x:,.1f} tok/s"),
        "bound by " + fits["bound"].astype(str),
    )
    spec.layout.update(xaxis={"type": "log", "title": {"text": axis_title("decode_tok_s", "Decode speed")}, "dtick": 1})
    missing = list(table.loc[table["decode_tok_s"].isna(), "name"])
    # under the title, which starts at the image's left edge: the plot area starts after the names
    notes = [f"Does not fit: {', '.join(missing)}"] if missing else []
    return finish(
        spec,
        "How fast can each build run it? Decode speed [tokens/s]",
        lines + notes,
        height=max(460, 230 + 34 * len(fits) + 15 * len(wrap(lines + notes))),
    )


def kv_cache(curve: pd.DataFrame, model_name: str, weights_gb: float) -> dict:
    """KV-cache size against context length for each cache type, beside the weights' size."""
    spec = Spec()
    for dtype, dash in (("f16", "solid"), ("q8_0", "dash"), ("q4_0", "dot")):
        part = curve[curve["kv_cache_dtype"] == dtype]
        spec.scatter(
            x=array(part["context_tokens"]),
            y=array(part["kv_cache_gb"]),
            name=f"KV cache {dtype}",
            mode="lines",
            line={"dash": dash, "width": 2.5, "color": PALETTE[0]},
        )
    span = [int(curve["context_tokens"].min()), int(curve["context_tokens"].max())]
    spec.scatter(
        x=span,
        y=[weights_gb, weights_gb],
        name=f"weights of the smallest quant: {weights_gb:,.0f} GB",
        mode="lines",
        line={"color": PALETTE[3], "dash": "dash"},
    )
    spec.layout.update(
        xaxis={"type": "log", "title": {"text": axis_title("context_tokens", "Context length")}},
        yaxis={"type": "log", "title": {"text": axis_title("kv_cache_gb", "KV-cache memory")}},
    )
    return finish(spec, f"{model_name}: KV-cache memory against context length [GB]", [])


def quant_memory(memory: pd.DataFrame, model_name: str, context_tokens: int) -> dict:
    """Each quant's file size and the memory it needs at the context, with quality retained."""
    quants = memory.drop_duplicates("quant")
    spec = Spec()
    spec.bar(
        x=array(quants["quant"]),
        y=array(quants["file_size_gb"]),
        name="file",
        marker={"color": PALETTE[0]},
        hovertemplate="%{x}: file %{y:,.0f} GB<extra></extra>",
    )
    labels = ["" if pd.isna(q) else f"{q:.0%}" for q in quants["quality_retained"]]
    spec.bar(
        x=array(quants["quant"]),
        y=array(quants["required_gb"]),
        name=f"needed at {context_tokens:,} tokens",
        marker={"color": PALETTE[1]},
        hovertemplate="%{x}: needs %{y:,.0f} GB<extra></extra>",
        text=labels,
        textposition="outside",
    )
    spec.layout.update(
        barmode="group",
        yaxis={"title": {"text": axis_title("required_gb", "Memory")}, "type": "log"},
        xaxis={"title": {"text": "Quantisation"}},
    )
    return finish(spec, f"{model_name}: memory per quant [GB] (labels: quality retained)", [])


def price_blend(table: pd.DataFrame, lines: list[str]) -> dict:
    """Each offering's price for the chosen mix beside the articles' 'input + output' sum."""
    spec = Spec()
    bar_before_reference(
        spec,
        table["price_id"],
        table["sum_of_prices_usd"],
        "input + output (articles' 'blended')",
        table["blended_usd_per_mtok"],
        "true blend for this mix",
        PALETTE[2],
        ("sum $%{x:,.2f}", "$%{x:,.2f} per million tokens"),
    )
    spec.layout.update(
        yaxis={"autorange": "reversed"},
        xaxis={"type": "log", "title": {"text": axis_title("blended_usd_per_mtok", "Price")}, "tickprefix": "$"},
    )
    return finish(spec, "What a million tokens cost [USD/Mtok]", lines, height=max(460, 80 + 28 * len(table)))


#: days over which a price with no start date is drawn before the first dated change
UNDATED_SHOWN_DAYS = 90


def price_history(history: pd.DataFrame, until: str, lines: list[str]) -> dict:
    """An offering's prices over time as steps: input, output and cached input [USD/Mtok]."""
    spec = Spec()
    # a plain list: pandas would turn a missing start date into NaN
    valid_from = [None if d is None or pd.isna(d) else str(d)[:10] for d in history["valid_from"]]
    first = next((d for d in valid_from if d is not None), until)
    # a price in force before the first dated change has no start date of its own: drawn over the
    # 90 days before that change, and said so, rather than left out
    before = str(dt.date.fromisoformat(first) - dt.timedelta(days=UNDATED_SHOWN_DAYS))
    starts = [d if d is not None else before for d in valid_from]
    if None in valid_from:
        lines = [*lines, f"The first price has no start date: drawn over the {UNDATED_SHOWN_DAYS} days before {first}"]
    for column, name, colour in (
        ("input_usd_per_mtok", "input", PALETTE[0]),
        ("output_usd_per_mtok", "output", PALETTE[3]),
        ("cached_input_usd_per_mtok", "cached input", PALETTE[2]),
    ):
        values = [None if pd.isna(v) else float(v) for v in history[column]]
        if all(v is None for v in values):
            continue
        spec.scatter(
            x=starts + [until],
            y=values + [values[-1]],
            mode="lines+markers",
            name=name,
            line={"shape": "hv", "color": colour, "width": 2.5},
            hovertemplate="from %{x}<br>$%{y:,.3f} per M<extra>" + name + "</extra>",
        )
    spec.layout.update(
        xaxis={"title": {"text": axis_title("valid_from", "Price in force from")}, "type": "date"},
        yaxis={"title": {"text": axis_title("input_usd_per_mtok", "Price")}, "tickprefix": "$", "rangemode": "tozero"},
    )
    return finish(spec, f"{history['price_id'].iloc[0]}: price history [USD/Mtok]", lines, height=460)
