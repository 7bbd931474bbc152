"""CSV rows in, validated objects out: what each catalogue file holds, and the row-by-row parser.

A bad row is reported as ``builds.csv row 7, power_load_w: must be > 0, got -300`` (rows count the
header as row 1, as a spreadsheet does); every bad row is listed, not only the first. The catalogue
reader, the uploads and the downloads all use these specs, so a file the app writes reads back.
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import io
from collections.abc import Callable, Iterable

import pandas as pd
from pydantic import BaseModel

from ..errors import CostModelError
from ..schema import ApiPrice, Build, Claim, Gpu, KvLayers, Model, Quant, Rental, rental_of

#: columns a file may have at most, known and ignored ones together (the widest has about 25)
MAX_COLUMNS = 100


@dataclasses.dataclass(frozen=True)
class FileSpec:
    """What one catalogue file holds: its row model, id column, and columns that may not be empty."""

    name: str
    model: type[BaseModel]
    key: tuple[str, ...]
    required: tuple[str, ...]
    #: the model's fields another file gives (a rental's GPU from ``gpus.csv``): not columns of this one
    joined: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the file may have: its id columns first, then the model's fields in order."""
        skip = ("quants", "kv_layers", *self.key, *self.joined)
        rest = tuple(f for f in self.model.model_fields if f not in skip)
        return (*self.key, *rest)


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
KV_LAYERS = FileSpec(
    "kv_layers.csv",
    KvLayers,
    ("model_id", "layer_kind"),
    ("model_id", "layer_kind", "layers", "kv_heads", "head_dim", "tensors", *_PROVENANCE),
)
GPUS = FileSpec(
    "gpus.csv",
    Gpu,
    ("gpu_id",),
    ("gpu_id", "gpu_name", "vram_gb_per_gpu", "vram_bandwidth_gbs", "gpu_fp16_tflops", *_PROVENANCE),
)
#: a rental's GPU fields come from its ``gpu_id``'s row of ``gpus.csv`` (``schema.rental_of``)
RENTALS = FileSpec(
    "rentals.csv",
    Rental,
    ("rental_id",),
    (
        "rental_id",
        "provider",
        "name",
        "offer_kind",
        "gpu_id",
        "gpu_count",
        "interconnect",
        "system_ram_gb",
        "ram_bandwidth_gbs",
        "usd_per_hour",
        "price_as_of",
        *_PROVENANCE,
    ),
    joined=("gpu_name", "vram_gb_per_gpu", "vram_bandwidth_gbs", "gpu_fp16_tflops", "gpu_backend", "peer_to_peer"),
)
#: every catalogue file, in the order they are read (a rental joins its GPU's row: ``gpus.csv`` first)
SPECS = (BUILDS, MODELS, QUANTS, PRICES, CLAIMS, KV_LAYERS, GPUS, RENTALS)


def rental_maker(gpus: dict[str, Gpu]) -> Callable[..., Rental]:
    """What makes a ``Rental`` of a ``rentals.csv`` row: the row's offer on its ``gpu_id``'s GPU;
    an unknown GPU is the row's error in column ``gpu_id``."""

    def make(**fields: object) -> Rental:
        gpu_id = fields.pop("gpu_id", None)
        gpu = gpus.get(str(gpu_id))
        if gpu is None:
            close = ", ".join(sorted(gpus)[:12])
            raise CostModelError(
                f"Rental: gpu_id: unknown GPU {gpu_id!r} (not in gpus.csv)",
                [("gpu_id", f"unknown GPU {gpu_id!r} (not in gpus.csv; known: {close})")],
            )
        return rental_of(gpu, **fields)

    return make


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
    make: Callable[..., BaseModel] | None = None,
) -> ParsedRows:
    """Parse CSV ``text`` as ``spec`` rows, each validated on its own.

    Empty cells are missing values: a problem in a column that may not be empty, the model's
    default (usually ``None``) otherwise. ``unknown_columns`` is ``'error'`` (the file is refused)
    or ``'ignore'`` (the column is skipped and listed). ``cell_check(column, text)`` may return a
    reason to refuse a non-empty cell before it is parsed. ``make`` builds a row's object from its
    cells (``spec.model`` by default; ``rental_maker`` joins a rental to its GPU).
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
                rows.append((line, (make or spec.model)(**fields)))
            except CostModelError as exc:
                problems.extend(Problem(label, line, where, why) for where, why in exc.details)
    except csv.Error as exc:
        problems.append(Problem(label, reader.line_num, "", f"not a readable CSV ({exc})"))
    return ParsedRows(rows, problems, unknown if unknown_columns == "ignore" else [])


def read_rows(
    text: str, spec: FileSpec, label: str | None = None, make: Callable[..., BaseModel] | None = None
) -> tuple[list[tuple[int, BaseModel]], list[str]]:
    """Parse CSV ``text`` strictly as ``spec`` rows: (row number, object) pairs and error sentences."""
    parsed = parse_rows(text, spec, label, make=make)
    return parsed.rows, [str(p) for p in parsed.problems]


def catalogue_frame(objects: Iterable[BaseModel], spec: FileSpec) -> pd.DataFrame:
    """Objects as rows of ``spec``'s file, in its columns: what ``parse_rows`` reads back."""
    columns = spec.columns
    return pd.DataFrame([o.model_dump(include=set(columns)) for o in objects], columns=list(columns))
