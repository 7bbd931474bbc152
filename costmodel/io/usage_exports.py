"""Usage exports people have on their machines, read into one tidy table of tokens by day and model.

``read_usage(data, name)`` finds which export a file is and reads it row by row:

======================================  ==============================================================
ccusage ``daily --json`` / ``monthly``   Claude Code's tokens by day or month, per model (``modelBreakdowns``);
                                         also v19+'s ``period`` rows and the Codex tool's ``costUSD`` rows
OpenAI usage                             the dashboard's ``completions_usage_*.csv`` and the Usage API's JSON
OpenAI cost                              the dashboard's ``cost_*.csv`` and the Costs API's JSON (tokens in
                                         ``quantity`` per ``line_item`` "model, input / cached input / output")
Anthropic console                        ``claude_api_tokens_*.csv`` and the Admin API's ``usage_report`` JSON
OpenRouter                               the activity export, one row per request, and the daily summary
LiteLLM                                  spend logs (``/spend/logs`` JSON or the table as CSV) and the UI's export
plain CSV                                ``date,model,input_tokens,cached_input_tokens,output_tokens[,cost_usd]``
======================================  ==============================================================

Every reader gives the same columns (``RECORD_COLUMNS``): the day, the model, and four disjoint
token counts: input read fresh (``input_tokens``), input written to the provider's cache
(``cache_write_tokens``), input read from it (``cached_input_tokens``) and ``output_tokens``; and
``cost_usd`` where the export has one (None where not). Formats whose input count holds its cached
part (OpenAI, OpenRouter, LiteLLM, Codex, the plain CSV) have it taken out.

A file over ``MAX_USAGE_BYTES``, not UTF-8, empty, or of no known format is refused with a
sentence that says so. Within a file a bad row (a count that is negative or not a number, a date
that does not parse, a missing column) is a ``Problem`` naming its row and column, and the rows
that did parse are kept. Nothing is written anywhere: the file is read in memory.

Column names and shapes come from each tool's source or documentation and from real exports quoted
in public parsers; the test fixtures in ``tests/data/usage/`` have their shapes.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from ..errors import CostModelError
from ..history import COUNTS  # the counts a row carries, in ``RECORD_COLUMNS``' order
from .rows import MAX_COLUMNS, Problem
from .uploads import decoded_text, read_json

#: the most bytes of a usage export read (Streamlit's own upload limit is set to the same)
MAX_USAGE_BYTES = 10 * 1024 * 1024
#: the columns of ``UsageExport.records``; the four token counts are disjoint [tokens]
RECORD_COLUMNS = ("date", "model", *COUNTS, "cost_usd")


@dataclasses.dataclass(frozen=True)
class UsageExport:
    """A usage export read: its format, its records (``RECORD_COLUMNS``), the rows it could not read and why."""

    format: str
    label: str
    records: pd.DataFrame
    problems: tuple[Problem, ...]
    notices: tuple[str, ...]
    #: the file's rows are months (ccusage monthly), not days
    monthly: bool = False
    #: the provider that billed these tokens, where the format says (OpenRouter for its exports)
    provider: str | None = None


#: who bills the tokens of each format (ccusage's Claude reports: Anthropic's prices; LiteLLM and
#: the plain CSV: any provider)
PROVIDERS = {
    "ccusage": "anthropic",
    "ccusage (Codex)": "openai",
    "OpenAI": "openai",
    "Anthropic": "anthropic",
    "OpenRouter": "openrouter",
}


def provider_of(format: str) -> str | None:
    """The provider of a format: ``'ccusage daily (Codex)'`` -> ``'openai'``."""
    if format.endswith("(Codex)"):
        return PROVIDERS["ccusage (Codex)"]
    return next((p for prefix, p in PROVIDERS.items() if format.startswith(prefix)), None)


class _Rows:
    """Records collected row by row, a row with a bad cell left out with its problem."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.records: list[dict[str, Any]] = []
        self.problems: list[Problem] = []

    def problem(self, row: int | None, column: str, reason: str) -> None:
        self.problems.append(Problem(self.label, row, column, reason))

    def add(self, row: int, day: Any, model: str, counts: Mapping[str, tuple[str, Any]], cost: tuple[str, Any] | None):
        """One record; ``counts`` maps each of ``COUNTS`` to (its column in the file, its raw value),
        the raw value a number or a difference ``(whole, part)`` whose part is taken out."""
        bad = len(self.problems)
        date = day if isinstance(day, dt.date) else None
        if date is None:
            column, raw = day
            date = self.day(row, column, raw)
        values = {}
        for name in COUNTS:
            column, raw = counts[name]
            values[name] = self.count(row, column, raw)
        cost_usd = None
        if cost is not None and cost[1] not in (None, ""):
            cost_usd = self.number(row, cost[0], cost[1], "a cost")
        if len(self.problems) > bad or date is None:
            return
        self.records.append({"date": date, "model": model or "(not named)", **values, "cost_usd": cost_usd})

    def number(self, row: int, column: str, raw: Any, what: str = "a count") -> float | None:
        if isinstance(raw, bool):
            self.problem(row, column, f"must be {what}, got {raw!r}")
            return None
        if isinstance(raw, str):
            text = raw.strip().replace(",", "").removeprefix("$")
            if text == "":
                return 0.0 if what == "a count" else None
            try:
                raw = float(text)
            except ValueError:
                self.problem(row, column, f"must be {what}, got {raw.strip()[:40]!r}")
                return None
        if raw is None:
            return 0.0 if what == "a count" else None
        if not isinstance(raw, (int, float)):
            self.problem(row, column, f"must be {what}, got {type(raw).__name__}")
            return None
        value = float(raw)
        if not math.isfinite(value):
            self.problem(row, column, f"must be {what}, got {raw}")
            return None
        if value < 0:
            self.problem(row, column, f"must not be negative, got {value:g}")
            return None
        return value

    def count(self, row: int, column: str, raw: Any) -> float | None:
        """A token count; ``(whole, part)`` is the whole less its part (an inclusive input less its cache)."""
        if isinstance(raw, tuple):
            whole, part = (self.number(row, column, v) for v in raw)
            if whole is None or part is None:
                return None
            if part > whole * (1 + 1e-9):
                self.problem(row, column, f"its cached part ({part:,.0f}) exceeds the whole ({whole:,.0f})")
                return None
            return max(whole - part, 0.0)
        return self.number(row, column, raw)

    def day(self, row: int, column: str, raw: Any) -> dt.date | None:
        found = parse_day(raw)
        if found is None:
            self.problem(row, column, f"not a date: {str(raw)[:40]!r}")
        return found

    def export(self, format: str, notices: Iterable[str] = (), monthly: bool = False) -> UsageExport:
        frame = pd.DataFrame(self.records, columns=list(RECORD_COLUMNS))
        if not frame.empty:
            frame = frame.sort_values(["date", "model"], kind="stable").reset_index(drop=True)
        return UsageExport(format, self.label, frame, tuple(self.problems), tuple(notices), monthly, provider_of(format))


_DAY_FORMATS = ("%Y-%m-%d", "%b %d, %Y", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y")


def parse_day(raw: Any) -> dt.date | None:
    """The calendar day of a date or timestamp as exports write them, or None.

    >>> [parse_day(v) for v in ("2025-10-01", "2025-10", "Oct 01, 2025", "2025-10-06T08:15:50.37+00:00", 1759276800)]
    [datetime.date(2025, 10, 1), datetime.date(2025, 10, 1), datetime.date(2025, 10, 1), datetime.date(2025, 10, 6), datetime.date(2025, 10, 1)]
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)) and math.isfinite(raw) and 0 < raw < 1e11:
        return dt.datetime.fromtimestamp(raw, dt.UTC).date()  # Unix seconds, UTC
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if re.fullmatch(r"\d{9,10}(\.0+)?", text):
        return parse_day(float(text))
    if re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"  # a month: its first day
    match = re.match(r"(\d{4}-\d{2}-\d{2})[T ]", text)
    if match:
        text = match.group(1)
    for form in _DAY_FORMATS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


# --- JSON exports ------------------------------------------------------------------------------


def _ccusage(data: dict, rows: _Rows) -> UsageExport:
    """ccusage's daily, weekly or monthly report: classic rows (``date``/``month``/``week``), v19+'s
    ``period`` rows, or the Codex tool's rows (``cachedInputTokens`` inside ``inputTokens``, ``costUSD``)."""
    key = next(k for k in ("daily", "monthly", "weekly") if isinstance(data.get(k), list))
    monthly = key == "monthly"
    notices = []
    for i, row in enumerate(data[key], start=1):
        if not isinstance(row, dict):
            rows.problem(i, key, "is not an object")
            continue
        column = next((c for c in ("date", "month", "week", "period") if c in row), "date")
        day = (column, row.get(column))
        codex = "cachedInputTokens" in row
        if codex:  # inputTokens holds the cached part
            breakdown = row.get("models") if isinstance(row.get("models"), dict) else {}
            parts = [(name, m) for name, m in breakdown.items() if isinstance(m, dict)] or [("(all models)", row)]
            for name, part in parts:
                rows.add(
                    i,
                    day,
                    name,
                    {
                        "input_tokens": ("inputTokens", (part.get("inputTokens"), part.get("cachedInputTokens"))),
                        "cache_write_tokens": ("", 0),
                        "cached_input_tokens": ("cachedInputTokens", part.get("cachedInputTokens")),
                        "output_tokens": ("outputTokens", part.get("outputTokens")),
                    },
                    ("costUSD", row.get("costUSD")) if len(parts) == 1 else None,
                )
            continue
        parts = row.get("modelBreakdowns")
        if isinstance(parts, list) and parts:
            for part in parts:
                if not isinstance(part, dict):
                    rows.problem(i, "modelBreakdowns", "is not an object")
                    continue
                _ccusage_row(rows, i, day, str(part.get("modelName", "")), part, "cost")
        else:
            used = row.get("modelsUsed")
            name = ", ".join(map(str, used)) if isinstance(used, list) and used else "(all models)"
            _ccusage_row(rows, i, day, name, row, "totalCost")
    if not data[key]:
        notices.append(f"{rows.label}: the report has no {key} rows")
    fmt = f"ccusage {key}" + (" (Codex)" if any("cachedInputTokens" in r for r in data[key] if isinstance(r, dict)) else "")
    return rows.export(fmt, notices, monthly)


def _ccusage_row(rows: _Rows, i: int, day: tuple, model: str, row: dict, cost_key: str) -> None:
    for needed in ("inputTokens", "outputTokens"):
        if needed not in row:
            rows.problem(i, needed, "is missing")
            return
    rows.add(
        i,
        day,
        model,
        {
            "input_tokens": ("inputTokens", row.get("inputTokens")),
            "cache_write_tokens": ("cacheCreationTokens", row.get("cacheCreationTokens")),
            "cached_input_tokens": ("cacheReadTokens", row.get("cacheReadTokens")),
            "output_tokens": ("outputTokens", row.get("outputTokens")),
        },
        (cost_key, row.get(cost_key)),
    )


def _buckets(data: dict, rows: _Rows, read: Callable[[_Rows, int, Any, dict], None]) -> None:
    """The API exports' ``data[]`` buckets, each with a start and ``results[]``; ``read`` takes one result."""
    n = 0
    for bucket in data.get("data") or []:
        if not isinstance(bucket, dict):
            continue
        start = bucket.get("start_time", bucket.get("starting_at"))
        for result in bucket.get("results") or []:
            n += 1
            if isinstance(result, dict):
                read(rows, n, ("start_time" if "start_time" in bucket else "starting_at", start), result)
            else:
                rows.problem(n, "results", "is not an object")


def _openai_usage_result(rows: _Rows, n: int, day: tuple, r: dict) -> None:
    rows.add(
        n,
        day,
        str(r.get("model") or "(all models)"),
        {
            "input_tokens": ("input_tokens", (r.get("input_tokens"), r.get("input_cached_tokens"))),
            "cache_write_tokens": ("", 0),
            "cached_input_tokens": ("input_cached_tokens", r.get("input_cached_tokens")),
            "output_tokens": ("output_tokens", r.get("output_tokens")),
        },
        None,
    )


def _anthropic_result(rows: _Rows, n: int, day: tuple, r: dict) -> None:
    creation = r.get("cache_creation") if isinstance(r.get("cache_creation"), dict) else {}
    writes = [creation.get(k) for k in ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens")]
    write = sum(w for w in writes if isinstance(w, (int, float)) and not isinstance(w, bool))
    rows.add(
        n,
        day,
        str(r.get("model") or "(all models)"),
        {
            "input_tokens": ("uncached_input_tokens", r.get("uncached_input_tokens")),
            "cache_write_tokens": ("cache_creation", write),
            "cached_input_tokens": ("cache_read_input_tokens", r.get("cache_read_input_tokens")),
            "output_tokens": ("output_tokens", r.get("output_tokens")),
        },
        None,
    )


#: an OpenAI cost line item's kind, after the model: "gpt-4o-2024-08-06, cached input"
_LINE_KINDS = {
    "input": "input_tokens",
    "cached input": "cached_input_tokens",
    "cache writes": "cache_write_tokens",
    "cache write": "cache_write_tokens",
    "output": "output_tokens",
}


def _openai_costs(items: Iterable[tuple[int, Any, str, Any, Any, Any]], rows: _Rows, fmt: str) -> UsageExport:
    """OpenAI's cost lines (row, day, line item, quantity, unit, amount) summed into a record a day
    and model: each line item is one kind of token of one model."""
    sums: dict[tuple[dt.date, str], dict[str, float]] = {}
    skipped = 0
    for i, day, item, quantity, unit, amount in items:
        date = rows.day(i, "start_time", day)
        model, _, kind = str(item or "").rpartition(", ")
        field = _LINE_KINDS.get(kind.strip().lower())
        if field is None or str(unit or "tokens").lower() != "tokens":
            skipped += 1
            continue
        tokens = rows.number(i, "quantity", quantity)
        cost = rows.number(i, "amount_value", amount, "a cost")
        if date is None or tokens is None:
            continue
        entry = sums.setdefault((date, model.strip()), dict.fromkeys((*COUNTS, "cost_usd"), 0.0))
        entry[field] += tokens
        entry["cost_usd"] += cost or 0.0
    for (date, model), entry in sums.items():
        rows.records.append({"date": date, "model": model or "(not named)", **entry})
    notices = [f"{rows.label}: {skipped} line item(s) not of tokens (tools, storage, ...) left out"] if skipped else []
    return rows.export(fmt, notices)


def _litellm(entries: Iterable[tuple[int, dict]], rows: _Rows, fmt: str) -> UsageExport:
    """LiteLLM spend logs: ``prompt_tokens`` holds the cache reads and writes, found in the metadata's
    ``usage_object`` (Anthropic's names, or OpenAI's ``prompt_tokens_details.cached_tokens``)."""
    for i, entry in entries:
        meta = entry.get("metadata")
        if isinstance(meta, str):
            try:
                meta = json.loads(meta) if meta.strip() else {}
            except (json.JSONDecodeError, RecursionError, ValueError):
                rows.problem(i, "metadata", "is not JSON")
                continue
        usage = (meta or {}).get("usage_object") if isinstance(meta, dict) else None
        usage = usage if isinstance(usage, dict) else {}
        details = usage.get("prompt_tokens_details") if isinstance(usage.get("prompt_tokens_details"), dict) else {}
        read = usage.get("cache_read_input_tokens") or details.get("cached_tokens") or 0
        write = usage.get("cache_creation_input_tokens") or 0
        prompt = entry.get("prompt_tokens")
        cache = rows.number(i, "metadata", read)
        made = rows.number(i, "metadata", write)
        if cache is None or made is None:
            continue
        rows.add(
            i,
            ("startTime", entry.get("startTime")),
            str(entry.get("model") or "(not named)"),
            {
                "input_tokens": ("prompt_tokens", (prompt, cache + made)),
                "cache_write_tokens": ("metadata", made),
                "cached_input_tokens": ("metadata", cache),
                "output_tokens": ("completion_tokens", entry.get("completion_tokens")),
            },
            ("spend", entry.get("spend")),
        )
    return rows.export(fmt)


def _from_json(data: Any, rows: _Rows) -> UsageExport | None:
    if isinstance(data, list) and not data:
        return rows.export("ccusage daily", [f"{rows.label}: an empty report (ccusage prints [] with no data)"])
    if isinstance(data, dict) and any(isinstance(data.get(k), list) for k in ("daily", "monthly", "weekly")):
        return _ccusage(data, rows)
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        results = [r for b in data["data"] if isinstance(b, dict) for r in (b.get("results") or []) if isinstance(r, dict)]
        kinds = {r.get("object") for r in results}
        if "organization.costs.result" in kinds:
            items: list[tuple] = []

            def cost_item(rows: _Rows, n: int, day: tuple, r: dict) -> None:
                amount = r.get("amount") if isinstance(r.get("amount"), dict) else {}
                items.append((n, day[1], r.get("line_item"), r.get("quantity"), r.get("quantity_unit"), amount.get("value")))

            _buckets(data, rows, cost_item)
            return _openai_costs(items, rows, "OpenAI Costs API")
        if any(str(k).startswith("organization.usage.") for k in kinds) or any("input_cached_tokens" in r for r in results):
            _buckets(data, rows, _openai_usage_result)
            return rows.export("OpenAI Usage API")
        if any("uncached_input_tokens" in r for r in results):
            _buckets(data, rows, _anthropic_result)
            return rows.export("Anthropic usage report")
    entries = data.get("data") if isinstance(data, dict) and isinstance(data.get("data"), list) else data
    if isinstance(entries, list) and entries and all(isinstance(e, dict) for e in entries):
        if {"request_id", "prompt_tokens"} <= set(entries[0]):
            return _litellm(enumerate(entries, start=1), rows, "LiteLLM spend logs")
    return None


# --- CSV exports -------------------------------------------------------------------------------


def _csv_rows(text: str, label: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        if len(header) > MAX_COLUMNS:
            raise CostModelError(f"{label} row 1: {len(header):,} columns; a usage export has at most {MAX_COLUMNS}")
        reader.fieldnames = header
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise CostModelError(f"{label} row {reader.line_num}: not a readable CSV ({exc})") from None
    return header, records


def _cell(row: dict[str, str], column: str) -> str:
    value = row.get(column)
    return value if isinstance(value, str) else ""


def _needs(rows: _Rows, header: list[str], columns: Iterable[str], fmt: str) -> bool:
    missing = [c for c in columns if c not in header]
    if missing:
        rows.problem(1, "", f"this looks like {fmt} but lacks the column(s) {', '.join(missing)}")
    return not missing


def _openai_usage_csv(header, records, rows: _Rows) -> UsageExport:
    fmt = "OpenAI usage"
    if _needs(rows, header, ("input_tokens", "output_tokens"), fmt):
        day_column = "start_time_iso" if "start_time_iso" in header else "start_time"
        for i, row in records:
            filled = [_cell(row, c) for c in ("input_tokens", "output_tokens", "model")]
            if not any(v.strip() for v in filled):
                continue  # an empty bucket: only its times are filled
            rows.add(
                i,
                (day_column, _cell(row, day_column)),
                _cell(row, "model") or "(all models)",
                {
                    "input_tokens": ("input_tokens", (_cell(row, "input_tokens"), _cell(row, "input_cached_tokens"))),
                    "cache_write_tokens": ("", 0),
                    "cached_input_tokens": ("input_cached_tokens", _cell(row, "input_cached_tokens")),
                    "output_tokens": ("output_tokens", _cell(row, "output_tokens")),
                },
                None,
            )
    return rows.export(fmt)


def _anthropic_csv(header, records, rows: _Rows) -> UsageExport:
    fmt = "Anthropic console usage"
    writes = [c for c in header if c.startswith("usage_input_tokens_cache_write")]
    needed = ("usage_date_utc", "usage_input_tokens_no_cache", "usage_input_tokens_cache_read", "usage_output_tokens")
    if _needs(rows, header, needed, fmt):
        for i, row in records:
            write = 0.0
            for column in writes:
                value = rows.number(i, column, _cell(row, column))
                write += value or 0.0
            rows.add(
                i,
                ("usage_date_utc", _cell(row, "usage_date_utc")),
                _cell(row, "model_version") or _cell(row, "model") or "(all models)",
                {
                    "input_tokens": ("usage_input_tokens_no_cache", _cell(row, "usage_input_tokens_no_cache")),
                    "cache_write_tokens": ("usage_input_tokens_cache_write", write),
                    "cached_input_tokens": ("usage_input_tokens_cache_read", _cell(row, "usage_input_tokens_cache_read")),
                    "output_tokens": ("usage_output_tokens", _cell(row, "usage_output_tokens")),
                },
                None,
            )
    return rows.export(fmt)


def _by_row_csv(
    header, records, rows: _Rows, fmt: str, date: str, model: str, tokens: tuple[str, str, str], cost: str
) -> UsageExport:
    """A row a day or a request: its ``date`` and ``model`` columns, ``tokens`` the input (holding its
    cached part), cached input and output columns, and ``cost`` in dollars when the file has it."""
    input_, cached, output = tokens
    if _needs(rows, header, (date, input_, output), fmt):
        for i, row in records:
            rows.add(
                i,
                (date, _cell(row, date)),
                _cell(row, model),
                {
                    "input_tokens": (input_, (_cell(row, input_), _cell(row, cached))),
                    "cache_write_tokens": ("", 0),
                    "cached_input_tokens": (cached, _cell(row, cached)),
                    "output_tokens": (output, _cell(row, output)),
                },
                (cost, _cell(row, cost)),
            )
    return rows.export(fmt)


def _summary_csv(header, records, rows: _Rows, fmt: str, model_columns: tuple[str, ...], cost: str) -> UsageExport:
    """A daily summary with prompt and completion tokens (OpenRouter's, LiteLLM's UI export): the
    cached part of the prompt is not given, so all of it counts as fresh input."""
    if _needs(rows, header, ("Date", "Prompt Tokens", "Completion Tokens"), fmt):
        model_column = next((c for c in model_columns if c in header), None)
        for i, row in records:
            rows.add(
                i,
                ("Date", _cell(row, "Date")),
                _cell(row, model_column) if model_column else "(all models)",
                {
                    "input_tokens": ("Prompt Tokens", _cell(row, "Prompt Tokens")),
                    "cache_write_tokens": ("", 0),
                    "cached_input_tokens": ("", 0),
                    "output_tokens": ("Completion Tokens", _cell(row, "Completion Tokens")),
                },
                (cost, _cell(row, cost)) if cost in header else None,
            )
    return rows.export(fmt, [f"{rows.label}: this summary does not split cached input out; all input counts as fresh"])


#: the plain CSV's columns: input_tokens holds its cached part, as the break-even page counts it
PLAIN_COLUMNS = ("date", "model", "input_tokens", "cached_input_tokens", "output_tokens")


def _from_csv(text: str, rows: _Rows) -> UsageExport | None:
    header, records = _csv_rows(text, rows.label)
    columns = set(header)
    if "usage_input_tokens_no_cache" in columns or "usage_date_utc" in columns and "model_version" in columns:
        return _anthropic_csv(header, records, rows)
    if "token_type" in columns and "cost_usd" in columns:
        raise CostModelError(
            f"{rows.label}: an Anthropic console cost export holds dollars, not tokens; export the token usage "
            "(claude_api_tokens_*.csv) from the same Usage page"
        )
    if "line_item" in columns and "amount_value" in columns:
        items = [
            (i, _cell(r, "start_time_iso") or _cell(r, "start_time"), _cell(r, "line_item"), _cell(r, "quantity"),
             _cell(r, "quantity_unit"), _cell(r, "amount_value"))
            for i, r in records
        ]
        if "quantity" not in columns:
            raise CostModelError(f"{rows.label}: this OpenAI cost export has no quantity column, so no token counts")
        return _openai_costs(items, rows, "OpenAI cost")
    if "num_model_requests" in columns or "input_cached_tokens" in columns:
        return _openai_usage_csv(header, records, rows)
    if "generation_id" in columns or "tokens_prompt" in columns:
        return _by_row_csv(header, records, rows, "OpenRouter activity", "created_at", "model_permaslug",
                           ("tokens_prompt", "tokens_cached", "tokens_completion"), "cost_total")
    if {"request_id", "prompt_tokens"} <= columns:
        return _litellm(((i, r) for i, r in records), rows, "LiteLLM spend logs")
    if {"Slug", "Prompt Tokens"} <= columns:
        return _summary_csv(header, records, rows, "OpenRouter daily summary", ("Slug",), "Usage")
    if "Prompt Tokens" in columns and "Spend ($)" in columns:
        return _summary_csv(header, records, rows, "LiteLLM usage export", ("Model", "Model Group"), "Spend ($)")
    if "date" in columns and "input_tokens" in columns:
        return _by_row_csv(header, records, rows, "plain CSV", "date", "model",
                           ("input_tokens", "cached_input_tokens", "output_tokens"), "cost_usd")
    return None


#: the formats ``read_usage`` knows, for the message of a file that is none of them
KNOWN = (
    "ccusage daily/monthly --json",
    "OpenAI usage or cost export (CSV or API JSON)",
    "Anthropic console token usage (CSV) or usage report (JSON)",
    "OpenRouter activity export (CSV)",
    "LiteLLM spend logs (JSON or CSV) or usage export",
    f"a plain CSV with the columns {','.join(PLAIN_COLUMNS)}",
)


def read_usage(data: bytes | str, name: str) -> UsageExport:
    """Read a usage export (any format of this module) from its bytes or text; ``name`` labels its messages.

    Raises ``CostModelError`` for a file it cannot read at all (too large, not UTF-8, empty, of no
    known format, or with no row that reads); a bad row is a ``Problem`` in the result instead.

    >>> u = read_usage("date,model,input_tokens,cached_input_tokens,output_tokens\\n2026-11-02,glm-5.2,1000,400,250\\n", "mine.csv")
    >>> u.format, u.records[["input_tokens", "cached_input_tokens", "output_tokens"]].iloc[0].tolist()
    ('plain CSV', [600.0, 400.0, 250.0])
    """
    label = str(name)[:80] or "usage file"
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    text = decoded_text(raw, label, MAX_USAGE_BYTES)
    rows = _Rows(label)
    stripped = text.lstrip()
    result = _from_json(read_json(stripped, label), rows) if stripped[:1] in "[{" else _from_csv(text, rows)
    if result is None:
        first = stripped.splitlines()[0][:100] if stripped else ""
        raise CostModelError(
            f"{label}: not a usage export breakeven reads (its first line: {first!r}); it reads "
            + "; ".join(KNOWN)
        )
    if result.records.empty and result.problems:
        shown = "; ".join(str(p) for p in result.problems[:5])
        raise CostModelError(f"{label}: no row could be read ({len(result.problems)} problem(s)): {shown}")
    return result
