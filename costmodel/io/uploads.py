"""Files users upload: builds, prices, models, quants and rentals as CSV, scenarios as JSON, checked row by row.

Every check names the row (the header is row 1), the column and the reason; valid rows are kept
so that the user can accept them and see the rejected ones beside them. Refused outright: a file
over ``MAX_UPLOAD_BYTES``, an empty file, bytes that are not UTF-8, a file whose cells are not
separated by commas, a missing column. Refused per row: empty required cells, numbers out of
range, NaN and infinity, text in number columns, ids that repeat, cells that a spreadsheet would
run as formulas (``=HYPERLINK(...)``), and HTML or script tags. Columns the format does not know
are skipped and listed.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from pydantic import BaseModel

from ..catalog import Catalog
from ..errors import CostModelError
from ..schema import Model, Quant
from ..study import StudyInputs, check_name
from .rows import BUILDS, MODELS, PRICES, QUANTS, RENTALS, FileSpec, Problem, parse_rows, rental_maker

#: the format and version of a scenarios file (as ``ui.store.Store.export`` writes it)
EXPORT_FORMAT = "breakeven-scenarios"
EXPORT_VERSION = 1

#: uploads larger than this are refused before they are read (the catalogue's files are ~50 kB)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
SPECS: dict[str, FileSpec] = {
    "builds": BUILDS,
    "prices": PRICES,
    "models": MODELS,
    "quants": QUANTS,
    "rentals": RENTALS,
}

_FORMULA = ("=", "+", "@", "\t", "\r")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>?")


def cell_problem(column: str, text: str) -> str | None:
    """Why a cell of text is refused, or None: spreadsheet formulas and HTML/script tags.

    >>> cell_problem("name", '=HYPERLINK("http://x","y")')
    'looks like a spreadsheet formula (starts with =); remove the leading character'
    >>> cell_problem("name", "<script>alert(1)</script>")
    'holds an HTML or script tag'
    >>> cell_problem("note", "needs < 2 GB"), cell_problem("capex_usd", "-3")
    (None, None)
    """
    if text.startswith(_FORMULA):
        first = {"\t": "a tab", "\r": "a carriage return"}.get(text[0], text[0])
        return f"looks like a spreadsheet formula (starts with {first}); remove the leading character"
    if _TAG.search(text):
        return "holds an HTML or script tag"
    return None


@dataclasses.dataclass(frozen=True)
class Upload:
    """The outcome of reading an uploaded file: what can be accepted and what cannot, and why."""

    accepted: list[Any]
    rejected: list[Problem]
    notices: list[str]

    @property
    def ok(self) -> bool:
        """True when every row was accepted."""
        return not self.rejected


def decoded_text(data: bytes, label: str, limit: int = MAX_UPLOAD_BYTES) -> str:
    """An uploaded file's text: refused past ``limit`` bytes, empty, or not UTF-8 (a BOM is dropped)."""
    if len(data) > limit:
        raise CostModelError(f"{label}: {len(data) / 1e6:,.1f} MB is over the {limit / 1e6:,.1f} MB limit for an upload")
    if not data.strip():
        raise CostModelError(f"{label}: the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CostModelError(
            f"{label}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8 CSV"
        ) from None


def read_json(text: str | bytes, label: str) -> Any:
    """``text`` parsed as JSON, or a ``CostModelError`` naming ``label`` and the reason.

    Beyond malformed JSON this refuses what Python's parser cannot take: nesting too deep for its
    recursion limit and integers longer than its 4,300-digit limit.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CostModelError(f"{label}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise CostModelError(f"{label}: JSON nested too deeply to read") from None
    except (ValueError, OverflowError):  # e.g. an integer of more than 4,300 digits
        raise CostModelError(f"{label}: JSON holds a number too large to read") from None


def _refuse_other_delimiters(text: str, label: str) -> None:
    first = text.splitlines()[0] if text.splitlines() else ""
    if "," not in first:
        for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
            if delimiter in first:
                raise CostModelError(f"{label} row 1: cells are separated by {name}; breakeven reads commas")


def parse_csv(data: bytes, kind: str, label: str, catalog: Catalog | None = None) -> Upload:
    """Read an uploaded CSV of ``kind`` (builds, prices, models, quants or rentals) row by row; a rental
    joins its ``gpu_id``'s row of the catalogue's GPUs.

    An id that repeats inside the file is rejected after its first row; one that exists in
    ``catalog`` is accepted as an edit and said so.
    """
    spec = SPECS[kind]
    text = decoded_text(data, label)
    _refuse_other_delimiters(text, label)
    make = rental_maker(catalog.gpus if catalog is not None else {}) if spec is RENTALS else None
    parsed = parse_rows(text, spec, label, unknown_columns="ignore", cell_check=cell_problem, make=make)
    file_level = [p for p in parsed.problems if p.row in (None, 1)]
    if file_level:
        raise CostModelError("; ".join(str(p) for p in file_level))
    problems = list(parsed.problems)
    notices = (
        [f"{label}: column(s) {', '.join(map(repr, parsed.ignored_columns))} are not part of {spec.name}; ignored"]
        if (parsed.ignored_columns)
        else []
    )
    seen: dict[Any, int] = {}
    accepted: list[BaseModel] = []
    existing = _existing(catalog, kind)
    for line, obj in parsed.rows:
        key = tuple(getattr(obj, k) for k in spec.key)
        if spec is RENTALS and catalog is not None and key[0] in catalog.builds:
            problems.append(Problem(label, line, "rental_id", f"{key[0]!r} is a build's id; give the rental its own"))
            continue
        if key in seen:
            shown = "/".join(key)
            problems.append(Problem(label, line, spec.key[-1], f"duplicate id {shown!r} (first in row {seen[key]})"))
            continue
        seen[key] = line
        if key in existing:
            notices.append(f"{label} row {line}: replaces {'/'.join(key)} of the catalogue")
        accepted.append(obj)
    problems.sort(key=lambda p: (p.row or 0, p.column))
    return Upload(accepted, problems, notices)


def _existing(catalog: Catalog | None, kind: str) -> set[tuple]:
    if catalog is None:
        return set()
    if kind == "builds":
        return {(k,) for k in catalog.builds}
    if kind == "prices":
        return {(k,) for k in catalog.prices}
    if kind == "models":
        return {(k,) for k in catalog.models}
    if kind == "rentals":
        return {(k,) for k in catalog.rentals}
    return {(m, q) for m, model in catalog.models.items() for q in model.quants}


def parse_scenarios(data: bytes, label: str, catalog: Catalog) -> Upload:
    """Read an uploaded scenarios JSON (as ``Store.export`` writes it), each scenario checked on its own.

    A scenario is rejected when a field is out of range or names a model, quant, build or API
    offering that ``catalog`` does not hold; ``accepted`` holds ``(name, StudyInputs)`` pairs.
    """
    doc = read_json(decoded_text(data, label), label)
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise CostModelError(f'{label}: not a breakeven scenarios file (expected "format": "{EXPORT_FORMAT}")')
    if doc.get("version") != EXPORT_VERSION:
        raise CostModelError(
            f"{label}: scenarios file version {doc.get('version')!r}; this breakeven reads {EXPORT_VERSION}"
        )
    items = doc.get("scenarios")
    if not isinstance(items, list):
        raise CostModelError(f'{label}: "scenarios" must be a list')
    accepted, problems, names = [], [], set()
    for i, item in enumerate(items, start=1):
        where = f"{label} scenario {i}"
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("name"), str)
            or not isinstance(item.get("inputs"), dict)
        ):
            problems.append(Problem(where, None, "", 'needs a "name" (text) and "inputs" (an object)'))
            continue
        try:  # the store's own check, so that a name listed as valid is one the store takes
            name = check_name(item["name"])
        except CostModelError as exc:
            problems.append(Problem(where, None, "name", str(exc).removeprefix("scenario name: ")))
            continue
        why = cell_problem("name", name)
        if why:
            problems.append(Problem(where, None, "name", why))
            continue
        if name in names:
            problems.append(Problem(where, None, "name", f"{name!r} appears twice in the file"))
            continue
        try:
            inputs = StudyInputs(**item["inputs"]).check(catalog)
        except CostModelError as exc:
            details = exc.details or [("", str(exc))]
            problems.extend(Problem(f"{where} ({name})", None, col, why) for col, why in details)
            continue
        names.add(name)
        accepted.append((name, inputs))
    return Upload(accepted, problems, [])


def with_saved_quants(models: list[Model], catalog: Catalog) -> list[Model]:
    """Uploaded models, each keeping the quants the catalogue already has for it."""
    out = []
    for model in models:
        known = catalog.models.get(model.model_id)
        out.append(model.model_copy(update={"quants": dict(known.quants)}) if known else model)
    return out


def parse_quants(data: bytes, label: str, catalog: Catalog) -> Upload:
    """An uploaded quants CSV read row by row; a quant of a model the catalogue does not hold is rejected."""
    upload = parse_csv(data, "quants", label, catalog)
    keep = [q for q in upload.accepted if q.model_id in catalog.models]
    rejected = upload.rejected + [
        Problem(label, None, "model_id", f"unknown model {q.model_id!r} ({q.quant}): upload the model first")
        for q in upload.accepted
        if q.model_id not in catalog.models
    ]
    return Upload(keep, rejected, upload.notices)


def with_quants(quants: list[Quant], catalog: Catalog) -> list[Model]:
    """The models the uploaded quants belong to, with the quants added."""
    models: dict[str, Model] = {}
    for q in quants:
        model = models.get(q.model_id, catalog.models[q.model_id])
        models[q.model_id] = model.model_copy(update={"quants": {**model.quants, q.quant: q}})
    return list(models.values())
