"""The catalogue: the curated, sourced data in ``data/``, validated row by row.

``load_catalog()`` reads

=================  ===========================================================
``builds.csv``     machines (``Build``), one per row
``models.csv``     open-weight models (``Model``), one per row
``quants.csv``     their quantisations (``Quant``), one per (model_id, quant)
``prices.csv``     API offerings (``ApiPrice``), one per ``provider/model``
``claims.csv``     published decode speeds (``Claim``) to set beside the estimates
``kv_layers.csv``  a model's layers by kind where they differ (``KvLayers``), for its KV cache
``gpus.csv``       GPU models as clouds rent them (``Gpu``)
``rentals.csv``    machines rented by the hour (``Rental``): a row of ``gpus.csv`` x a count, a host, prices
=================  ===========================================================

and returns a ``Catalog`` whose ``builds``, ``models`` and ``prices`` are dicts by id. Every row
must carry ``source`` and ``as_of``. A bad row raises ``CostModelError`` naming the file, the
row (counting the header as row 1, as a spreadsheet does), the column and the reason, e.g.
``builds.csv row 7, power_load_w: must be > 0, got -300``; every bad row of every file is
listed, not only the first. A duplicate id or a reference to an id that does not exist is an
error too, never a silent zero.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..catalog import Calibrated, Catalog, PriceChange
from ..errors import CostModelError
from ..schema import ApiPrice, Build, Claim, Gpu, KvLayers, Model, Quant, Rental
from .calibration import CALIBRATION_FILE, load_calibration
from .files import default_data_dir, read_text
from .price_sources import link_open_weights, snapshot_prices
from .rows import (
    BUILDS,
    CLAIMS,
    GPUS,
    KV_LAYERS,
    MODELS,
    PRICES,
    QUANTS,
    RENTALS,
    SPECS,
    FileSpec,
    read_rows,
    rental_maker,
)

#: bits per weight may differ from file_size_gb x 8 / total_params_b by this share (GGUF files
#: hold metadata and keep some tensors at other widths) before the row is rejected as a mismatch
BITS_PER_WEIGHT_TOLERANCE = 0.25


def _keyed(rows: Iterable[tuple[int, BaseModel]], spec: FileSpec, errors: list[str]) -> dict[Any, BaseModel]:
    """Rows by their id, with an error for each duplicate."""
    out: dict[Any, BaseModel] = {}
    first: dict[Any, int] = {}
    for line, obj in rows:
        key = tuple(getattr(obj, k) for k in spec.key)
        key = key[0] if len(key) == 1 else key
        if key in out:
            shown = key if isinstance(key, str) else "/".join(key)
            errors.append(f"{spec.name} row {line}, {spec.key[-1]}: duplicate id {shown!r} (first in row {first[key]})")
            continue
        out[key] = obj
        first[key] = line
    return out


def _keyed_lines(rows: Iterable[tuple[int, BaseModel]], spec: FileSpec, errors: list[str]) -> list[tuple[int, Any]]:
    """``(row, object)`` of the rows whose id is not a duplicate (each duplicate is an error)."""
    kept = {id(obj) for obj in _keyed(rows, spec, errors).values()}
    return [(line, obj) for line, obj in rows if id(obj) in kept]


def build_catalog(
    builds: list[tuple[int, Build]],
    models: list[tuple[int, Model]],
    quants: list[tuple[int, Quant]],
    prices: list[tuple[int, ApiPrice]],
    errors: list[str],
    claims: list[tuple[int, Claim]] = (),
    kv_layers: list[tuple[int, KvLayers]] = (),
    gpus: dict[str, Gpu] | None = None,
    rentals: list[tuple[int, Rental]] = (),
) -> Catalog:
    """Join parsed rows into a ``Catalog``, checking ids across files; raise on any error."""
    build_map = _keyed(builds, BUILDS, errors)
    rental_map = _keyed(rentals, RENTALS, errors)
    rental_lines = {r.rental_id: line for line, r in rentals}
    for rid in rental_map:
        if rid in build_map:  # a study keys builds and rentals alike
            errors.append(f"rentals.csv row {rental_lines[rid]}, rental_id: {rid!r} is a build's id in builds.csv")
    model_map = _keyed(models, MODELS, errors)
    quant_map = _keyed(quants, QUANTS, errors)
    price_map = _keyed(prices, PRICES, errors)
    lines = {(q.model_id, q.quant): line for line, q in quants}

    by_model: dict[str, dict[str, Quant]] = {}
    for (model_id, name), q in quant_map.items():
        line = lines[(model_id, name)]
        model = model_map.get(model_id)
        if model is None:
            if model_id not in {m.model_id for _, m in models}:
                errors.append(f"quants.csv row {line}, model_id: unknown model {model_id!r} (not in models.csv)")
            continue
        derived = q.file_size_gb * 8 / model.total_params_b
        if abs(q.bits_per_weight - derived) > BITS_PER_WEIGHT_TOLERANCE * derived:
            errors.append(
                f"quants.csv row {line}, bits_per_weight: {q.bits_per_weight:g} disagrees with "
                f"file_size_gb x 8 / total_params_b = {derived:.2f} for {model_id}"
            )
            continue
        by_model.setdefault(model_id, {})[name] = q
    claim_map = _keyed(claims, CLAIMS, errors)
    claim_lines = {c.claim_id: line for line, c in claims}
    for cid, claim in claim_map.items():
        where = f"claims.csv row {claim_lines[cid]}"
        if claim.build_id not in build_map:
            errors.append(f"{where}, build_id: unknown build {claim.build_id!r}")
        if claim.model_id not in model_map:
            errors.append(f"{where}, model_id: unknown model {claim.model_id!r}")
        elif (claim.model_id, claim.quant) not in quant_map:
            errors.append(f"{where}, quant: unknown quant {claim.quant!r} of {claim.model_id}")
    price_lines = {p.price_id: line for line, p in prices}
    for pid, price in price_map.items():
        ref = price.open_weights_model_id
        if ref is not None and ref not in model_map:
            errors.append(f"prices.csv row {price_lines[pid]}, open_weights_model_id: unknown model {ref!r}")
    layers_of: dict[str, list[KvLayers]] = {}
    for line, k in _keyed_lines(kv_layers, KV_LAYERS, errors):
        if k.model_id not in model_map:
            errors.append(f"kv_layers.csv row {line}, model_id: unknown model {k.model_id!r} (not in models.csv)")
            continue
        layers_of.setdefault(k.model_id, []).append(k)
    full_models = {}
    for mid, m in model_map.items():
        try:
            full_models[mid] = Model(
                **{**dict(m), "quants": by_model.get(mid, {}), "kv_layers": tuple(layers_of.get(mid, ()))}
            )
        except CostModelError as exc:
            errors.extend(f"kv_layers.csv, model {mid}: {why}" for _, why in exc.details)
    if errors:
        shown = "\n  ".join(errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        raise CostModelError(f"catalogue has {len(errors)} error(s):\n  {shown}{more}")
    return Catalog(
        builds=build_map,
        models=full_models,
        prices=price_map,
        claims=claim_map,
        gpus=dict(gpus or {}),
        rentals=rental_map,
    )


def load_catalog(data_dir: str | Path | None = None, *, snapshot: bool = True) -> Catalog:
    """Read and validate every file of ``data/``: builds, models, quants, prices, claims, layers,
    GPUs and rentals.

    API prices come in layers, each carrying its ``origin``: the genai-prices snapshot bundled
    with that package (``snapshot=False`` leaves it out), then ``prices.csv``, whose curated rows
    win over the snapshot's for the same offering (matched without regard to case) and say so in
    their note; the app adds the user's own on top.

    >>> cat = load_catalog()
    >>> cat.prices["zai/glm-5.2"].input_usd_per_mtok, cat.prices["zai/glm-5.2"].output_usd_per_mtok
    (1.4, 4.4)
    """
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    errors: list[str] = []
    parsed = {}
    gpus: dict[str, Gpu] = {}
    for spec in SPECS:
        make = rental_maker(gpus) if spec is RENTALS else None
        rows, row_errors = read_rows(read_text(directory / spec.name), spec, make=make)
        parsed[spec] = rows
        errors.extend(row_errors)
        if spec is GPUS:
            gpus.update(_keyed(rows, GPUS, errors))
    builds, models, quants, prices, claims, kv_layers, _, rentals = parsed.values()
    prices = [(line, p.model_copy(update={"origin": "curated"})) for line, p in prices]
    catalog = build_catalog(
        builds, models, quants, prices, errors, claims=claims, kv_layers=kv_layers, gpus=gpus, rentals=rentals
    )
    catalog = dataclasses.replace(catalog, calibrated=calibrated_speeds(catalog, directory))
    return with_snapshot(catalog) if snapshot else catalog


def calibrated_speeds(catalog: Catalog, directory: Path) -> dict[tuple[str, str, str], Calibrated]:
    """The calibration points that ran a catalogue quant on a catalogue build (``build_id`` given),
    by (build, model, quant); the first point of a key wins. None without the calibration file."""
    path = directory / CALIBRATION_FILE
    if not path.exists():
        return {}
    out: dict[tuple[str, str, str], Calibrated] = {}
    for p in load_calibration(catalog, path):
        if not p.build_id:
            continue
        if p.build_id not in catalog.builds:
            raise CostModelError(f"{CALIBRATION_FILE}, point {p.point_id}, build_id: unknown build {p.build_id!r}")
        model = catalog.models[p.model.model_id]
        quant = p.quant.quant.split(" (")[0]
        if quant not in model.quants:
            raise CostModelError(
                f"{CALIBRATION_FILE}, point {p.point_id}, quant: {model.model_id} has no quant {quant!r}"
            )
        out.setdefault(
            (p.build_id, model.model_id, quant),
            Calibrated(p.point_id, p.decode_tok_s, p.prefill_tok_s, p.context_tokens, p.engine_kind, p.source),
        )
    return out


def with_snapshot(catalog: Catalog, snap: Any = None) -> Catalog:
    """``catalog`` with every offering of a genai-prices snapshot (the bundled one by default) under
    its curated prices."""
    snap = snap if snap is not None else snapshot_prices()
    mine_by_id = dict(catalog.prices)
    curated = {pid.lower(): pid for pid in mine_by_id}
    merged: dict[str, ApiPrice] = {}
    history: dict[str, tuple[PriceChange, ...]] = {}
    for pid, price in snap.prices.items():
        if pid.lower() in curated:
            mine = mine_by_id[curated[pid.lower()]]
            note = (
                f"Curated row; wins over genai-prices {snap.version} ({pid}: {price.input_usd_per_mtok:g} / "
                f"{price.output_usd_per_mtok:g})."
            )
            mine_by_id[curated[pid.lower()]] = mine.model_copy(
                update={"note": " ".join(filter(None, [mine.note, note]))}
            )
            if pid in snap.history:
                history[curated[pid.lower()]] = snap.history[pid]
            continue
        merged[pid] = price
        if pid in snap.history:
            history[pid] = snap.history[pid]
    merged = link_open_weights(merged, catalog.models, {m: model.name for m, model in catalog.models.items()})
    return dataclasses.replace(catalog, prices={**merged, **mine_by_id}, price_history=history)
