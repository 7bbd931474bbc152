"""The catalogue: the curated, sourced data in ``data/``, validated row by row.

This module is the only reader of files. ``load_catalog()`` reads

=================  ===========================================================
``builds.csv``     machines (``Build``), one per row
``models.csv``     open-weight models (``Model``), one per row
``quants.csv``     their quantisations (``Quant``), one per (model_id, quant)
``prices.csv``     API offerings (``ApiPrice``), one per ``provider/model``
``claims.csv``     published decode speeds (``Claim``) to set beside the estimates
=================  ===========================================================

and returns a ``Catalog`` whose ``builds``, ``models`` and ``prices`` are dicts by id. Every row
must carry ``source`` and ``as_of``. A bad row raises ``CostModelError`` naming the file, the
row (counting the header as row 1, as a spreadsheet does), the column and the reason, e.g.
``builds.csv row 7, power_load_w: must be > 0, got -300``; every bad row of every file is
listed, not only the first. A duplicate id or a reference to an id that does not exist is an
error too, never a silent zero.
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import datetime as dt
import io
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from .errors import CostModelError
from .schema import ApiPrice, Build, Claim, Model, Quant

#: environment variable naming another data directory
DATA_DIR_ENV = "BREAKEVEN_DATA_DIR"

#: bits per weight may differ from file_size_gb x 8 / total_params_b by this share (GGUF files
#: hold metadata and keep some tensors at other widths) before the row is rejected as a mismatch
BITS_PER_WEIGHT_TOLERANCE = 0.25

#: columns a file may have at most, known and ignored ones together (the widest has about 25)
MAX_COLUMNS = 100


@dataclasses.dataclass(frozen=True)
class FileSpec:
    """What one catalogue file holds: its row model, id column, and columns that may not be empty."""

    name: str
    model: type[BaseModel]
    key: tuple[str, ...]
    required: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the file may have, in the model's order."""
        return tuple(f for f in self.model.model_fields if f != "quants")


_PROVENANCE = ("source", "as_of")

BUILDS = FileSpec(
    "builds.csv",
    Build,
    ("build_id",),
    (
        "build_id",
        "name",
        "capex_usd",
        "gpu_count",
        "multi_gpu_mode",
        "interconnect",
        "unified_memory",
        "system_ram_gb",
        "ram_bandwidth_gbs",
        "power_load_w",
        "power_idle_w",
        "lifetime_months",
        "resale_fraction",
        *_PROVENANCE,
    ),
)
MODELS = FileSpec(
    "models.csv",
    Model,
    ("model_id",),
    (
        "model_id",
        "name",
        "total_params_b",
        "active_params_b",
        "n_layers",
        "n_kv_heads",
        "head_dim",
        "attention",
        "max_context_tokens",
        *_PROVENANCE,
    ),
)
QUANTS = FileSpec(
    "quants.csv",
    Quant,
    ("model_id", "quant"),
    ("model_id", "quant", "file_size_gb", "bits_per_weight", *_PROVENANCE),
)
PRICES = FileSpec(
    "prices.csv",
    ApiPrice,
    ("price_id",),
    ("price_id", "provider", "model", "input_usd_per_mtok", "output_usd_per_mtok", *_PROVENANCE),
)
CLAIMS = FileSpec(
    "claims.csv",
    Claim,
    ("claim_id",),
    ("claim_id", "build_id", "model_id", "quant", "decode_tok_s_low", "decode_tok_s_high", *_PROVENANCE),
)
SPECS = (BUILDS, MODELS, QUANTS, PRICES, CLAIMS)


@dataclasses.dataclass(frozen=True)
class Catalog:
    """Validated builds, models (with their quants) and API prices, each a dict by id."""

    builds: dict[str, Build]
    models: dict[str, Model]
    prices: dict[str, ApiPrice]
    claims: dict[str, Claim] = dataclasses.field(default_factory=dict)
    data_dir: Path | None = None
    price_history: dict[str, tuple[Any, ...]] = dataclasses.field(default_factory=dict)

    def price(self, price_id: str) -> ApiPrice:
        """The offering ``price_id``, or an error naming it and the closest ids (never a $0 price)."""
        return lookup(self.prices, price_id, "API offering")

    def price_at(self, price_id: str, day: dt.date) -> ApiPrice:
        """The offering's price in force on ``day``, from its dated history where it has one.

        >>> import datetime as dt
        >>> cat = load_catalog()
        >>> q = cat.price_at("quicksilverpro/glm-5.2", dt.date(2026, 10, 1)), cat.price_at("quicksilverpro/glm-5.2", dt.date(2026, 10, 19))
        >>> [(p.input_usd_per_mtok, p.output_usd_per_mtok) for p in q]
        [(1.12, 3.52), (0.7, 2.2)]
        """
        from .price_sources import price_at

        current = self.price(price_id)
        history = self.price_history.get(price_id)
        if history:
            found = price_at(history, day)
            if found is not None:
                return found if day < (history[-1].valid_from or dt.date.min) else current
            raise CostModelError(f"price_at: {price_id} has no price known before {history[0].valid_from}")
        if current.as_of is not None and day < current.as_of:
            raise CostModelError(
                f"price_at: {price_id} has no dated history; its price is known as of {current.as_of}, not {day}"
            )
        return current

    def price_history_frame(self, price_id: str) -> pd.DataFrame:
        """The offering's dated prices as a tidy table: ``valid_from`` and the three prices [USD/Mtok]."""
        current = self.price(price_id)
        history = self.price_history.get(price_id) or ()
        rows = [(c.valid_from, c.price) for c in history] or [(None, current)]
        if history:
            rows[-1] = (rows[-1][0], current)
        return pd.DataFrame(
            [
                {
                    "price_id": price_id,
                    "valid_from": start,
                    "input_usd_per_mtok": p.input_usd_per_mtok,
                    "output_usd_per_mtok": p.output_usd_per_mtok,
                    "cached_input_usd_per_mtok": p.cached_input_usd_per_mtok,
                    "source": p.source,
                }
                for start, p in rows
            ]
        )

    def claims_for(self, build_id: str, model_id: str, quant: str) -> list[Claim]:
        """Published speeds of ``quant`` of ``model_id`` on ``build_id``."""
        return [c for c in self.claims.values() if (c.build_id, c.model_id, c.quant) == (build_id, model_id, quant)]

    def quant(self, model_id: str, quant: str) -> Quant:
        """The quant ``quant`` of model ``model_id``, with a clear error when either is unknown."""
        model = lookup(self.models, model_id, "model")
        return lookup(model.quants, quant, f"quant of {model_id}")


def lookup(table: dict[str, Any], key: str, what: str) -> Any:
    """``table[key]``, or a ``CostModelError`` naming what was asked and the closest ids."""
    try:
        return table[key]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(key, list(table), n=3, cutoff=0.5)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise CostModelError(f"unknown {what} {key!r}{hint}") from None


def default_data_dir() -> Path:
    """``$BREAKEVEN_DATA_DIR`` if set, else the repository's ``data/`` beside the package."""
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else Path(__file__).resolve().parent.parent / "data"


@dataclasses.dataclass(frozen=True)
class Problem:
    """What is wrong with a file, a row or a cell: ``builds.csv row 7, power_load_w: must be > 0, got -300``."""

    label: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = self.label + (f" row {self.row}" if self.row is not None else "")
        return f"{where}, {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


@dataclasses.dataclass(frozen=True)
class ParsedRows:
    """Rows that validated (with their row numbers), the problems of the others, columns ignored."""

    rows: list[tuple[int, BaseModel]]
    problems: list[Problem]
    ignored_columns: list[str]


def parse_rows(
    text: str,
    spec: FileSpec,
    label: str | None = None,
    *,
    unknown_columns: str = "error",
    cell_check: Callable[[str, str], str | None] | None = None,
) -> ParsedRows:
    """Parse CSV ``text`` as ``spec`` rows, each validated on its own.

    Empty cells are missing values: a problem in a column that may not be empty, the model's
    default (usually ``None``) otherwise. ``unknown_columns`` is ``'error'`` (the file is refused)
    or ``'ignore'`` (the column is skipped and listed). ``cell_check(column, text)`` may return a
    reason to refuse a non-empty cell before it is parsed.
    """
    label = label or spec.name
    problems: list[Problem] = []
    rows: list[tuple[int, BaseModel]] = []
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        return ParsedRows([], [Problem(label, None, "", f"not a readable CSV ({exc})")], [])
    if not header:
        return ParsedRows(
            [], [Problem(label, None, "", f"empty file (expected a header row: {', '.join(spec.columns)})")], []
        )
    if len(header) > MAX_COLUMNS:
        return ParsedRows(
            [], [Problem(label, 1, "", f"{len(header):,} columns; a {spec.name} has at most {MAX_COLUMNS}")], []
        )
    header = [h.strip() for h in header]
    reader.fieldnames = header
    known = set(spec.columns)
    unknown = [h for h in header if h not in known]
    missing = [c for c in spec.required if c not in header]
    duplicated = sorted(h for h, count in collections.Counter(header).items() if count > 1)
    if unknown and unknown_columns == "error":
        problems.append(Problem(label, 1, "", f"unknown column(s) {', '.join(map(repr, unknown))}"))
    if missing:
        problems.append(Problem(label, 1, "", f"missing column(s) {', '.join(missing)}"))
    if duplicated:
        problems.append(Problem(label, 1, "", f"column(s) named twice: {', '.join(duplicated)}"))
    if problems:
        return ParsedRows([], problems, [])
    try:
        for record in reader:
            line = reader.line_num
            if None in record:
                problems.append(Problem(label, line, "", f"more cells than columns ({len(header)})"))
                continue
            cells = {k: (v.strip() if isinstance(v, str) else v) for k, v in record.items() if k in known}
            if all(v in ("", None) for v in cells.values()):
                continue
            bad = [
                Problem(label, line, c, "is required but empty") for c in spec.required if cells.get(c) in ("", None)
            ]
            if cell_check is not None:
                for column, value in cells.items():
                    why = cell_check(column, value) if value else None
                    if why:
                        bad.append(Problem(label, line, column, why))
            if bad:
                problems.extend(bad)
                continue
            fields = {k: v for k, v in cells.items() if v not in ("", None)}
            try:
                rows.append((line, spec.model(**fields)))
            except CostModelError as exc:
                problems.extend(Problem(label, line, where, why) for where, why in exc.details)
    except csv.Error as exc:
        problems.append(Problem(label, reader.line_num, "", f"not a readable CSV ({exc})"))
    return ParsedRows(rows, problems, unknown if unknown_columns == "ignore" else [])


def read_rows(text: str, spec: FileSpec, label: str | None = None) -> tuple[list[tuple[int, BaseModel]], list[str]]:
    """Parse CSV ``text`` strictly as ``spec`` rows: (row number, object) pairs and error sentences."""
    parsed = parse_rows(text, spec, label)
    return parsed.rows, [str(p) for p in parsed.problems]


def catalogue_frame(objects: Iterable[BaseModel], spec: FileSpec) -> pd.DataFrame:
    """Objects as rows of ``spec``'s file, in its columns: what ``parse_rows`` reads back."""
    columns = spec.columns
    return pd.DataFrame([o.model_dump(include=set(columns)) for o in objects], columns=list(columns))


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


def _read_file(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CostModelError(f"{path}: catalogue file not found") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CostModelError(
            f"{path.name}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None


def build_catalog(
    builds: list[tuple[int, Build]],
    models: list[tuple[int, Model]],
    quants: list[tuple[int, Quant]],
    prices: list[tuple[int, ApiPrice]],
    errors: list[str],
    data_dir: Path | None = None,
    claims: list[tuple[int, Claim]] = (),
) -> Catalog:
    """Join parsed rows into a ``Catalog``, checking ids across files; raise on any error."""
    build_map = _keyed(builds, BUILDS, errors)
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
    if errors:
        shown = "\n  ".join(errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        raise CostModelError(f"catalogue has {len(errors)} error(s):\n  {shown}{more}")
    full_models = {mid: m.model_copy(update={"quants": by_model.get(mid, {})}) for mid, m in model_map.items()}
    return Catalog(builds=build_map, models=full_models, prices=price_map, claims=claim_map, data_dir=data_dir)


def load_catalog(data_dir: str | Path | None = None, *, snapshot: bool = True) -> Catalog:
    """Read and validate ``builds.csv``, ``models.csv``, ``quants.csv``, ``prices.csv`` and ``claims.csv``.

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
    parsed = []
    for spec in SPECS:
        rows, row_errors = read_rows(_read_file(directory / spec.name), spec)
        parsed.append(rows)
        errors.extend(row_errors)
    builds, models, quants, prices, claims = parsed
    prices = [(line, p.model_copy(update={"origin": "curated"})) for line, p in prices]
    catalog = build_catalog(builds, models, quants, prices, errors, data_dir=directory, claims=claims)
    return with_snapshot(catalog) if snapshot else catalog


def with_snapshot(catalog: Catalog, snap: Any = None) -> Catalog:
    """``catalog`` with every offering of a genai-prices snapshot (the bundled one by default) under
    its curated prices."""
    from .price_sources import link_open_weights, snapshot_prices

    snap = snap if snap is not None else snapshot_prices()
    mine_by_id = dict(catalog.prices)
    curated = {pid.lower(): pid for pid in mine_by_id}
    merged: dict[str, ApiPrice] = {}
    history: dict[str, tuple[Any, ...]] = {}
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


# --- calibration points of the speed model ----------------------------------------------------

CALIBRATION_FILE = "throughput-calibration.csv"


@dataclasses.dataclass(frozen=True)
class CalibrationPoint:
    """One measured decode (and prefill) speed, with the build, model and quant it ran."""

    point_id: str
    build: Build
    model: Model
    quant: Quant
    context_tokens: int
    kv_cache_dtype: str
    decode_tok_s: float
    prefill_tok_s: float | None
    engine: str
    source: str


def _leading_number(text: str) -> float:
    """``'~404 (GGUF)'`` -> 404.0."""
    import re

    match = re.search(r"\d+(\.\d+)?", text)
    if match is None:
        raise CostModelError(f"{CALIBRATION_FILE}: no number in {text!r}")
    return float(match.group())


def load_calibration(catalog: Catalog, path: str | Path | None = None) -> list[CalibrationPoint]:
    """Measured speeds of ``data/throughput-calibration.csv`` as builds, models and quants.

    ``mem_bandwidth_gbs`` is per device: the GPU's for GPU rows, the pool's for unified-memory
    and CPU-only rows. Costs (capex, power) of these builds are not used and are set to 1.
    """
    path = Path(path) if path is not None else (catalog.data_dir or default_data_dir()) / CALIBRATION_FILE
    rows = list(csv.DictReader(io.StringIO(_read_file(path), newline="")))
    points = []
    for line, row in enumerate(rows, start=2):
        try:
            unified = row["unified_memory"] == "true"
            gpus = int(row["gpu_count"])
            bandwidth = float(row["mem_bandwidth_gbs"])
            on_gpu = gpus > 0 and not unified
            build = Build(
                build_id=row["point_id"],
                name=row["hardware"][:120],
                capex_usd=1.0,
                gpu_name=row["hardware"][:200] if gpus else None,
                gpu_count=gpus,
                vram_gb_per_gpu=float(row["vram_gb_per_gpu"]) if on_gpu else None,
                vram_bandwidth_gbs=bandwidth if on_gpu else None,
                gpu_fp16_tflops=float(row["gpu_fp16_tflops"]) if gpus else None,
                gpu_backend=row["gpu_backend"],
                multi_gpu_mode=row["multi_gpu_mode"],
                interconnect=row["interconnect"],
                unified_memory=unified,
                system_ram_gb=float(row["system_ram_gb"]),
                ram_bandwidth_gbs=bandwidth if not on_gpu else float(row["ram_bandwidth_gbs"]),
                cpu_tflops=float(row["cpu_tflops"]),
                power_load_w=1.0,
                power_idle_w=0.0,
                source=row["source"],
            )
            model = lookup(catalog.models, row["model_id"], "model").model_copy(
                update={
                    "total_params_b": float(row["total_params_b"]),
                    "active_params_b": float(row["active_params_b"]),
                    "quants": {},
                }
            )
            quant = Quant(
                quant=row["quant"][:60],
                file_size_gb=_leading_number(row["model_size_gb"]),
                bits_per_weight=float(row["bits_per_weight"]),
                source=row["source"],
            )
            points.append(
                CalibrationPoint(
                    point_id=row["point_id"],
                    build=build,
                    model=model,
                    quant=quant,
                    context_tokens=int(row["context_tokens"]),
                    kv_cache_dtype="q8_0" if "q8_0 KV" in row["engine"] + row["annotation_note"] else "f16",
                    decode_tok_s=float(row["decode_tok_s"]),
                    prefill_tok_s=float(row["prefill_tok_s"]) if row["prefill_tok_s"] else None,
                    engine=row["engine"],
                    source=row["source"],
                )
            )
        except (CostModelError, KeyError, ValueError) as exc:
            raise CostModelError(f"{path.name} row {line}: {exc}") from None
    return points
