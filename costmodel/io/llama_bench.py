"""A user's own measurements: llama-bench output (``-o json``, ``-o jsonl``, ``-o csv``, ``-o md``) and
llama-sweep-bench tables, read into decode and prefill speeds.

``read_bench(text, label)`` finds the format itself and returns a ``Bench``: one ``BenchRun`` per
result row (the test, ``pp512`` or ``tg128``, the filled context it ran at, and tokens per second),
and ``Bench.speeds(depth)``, the decode and prefill speeds at the filled context nearest ``depth``.
Every refusal is a ``CostModelError`` naming the input, the row (the header is row 1) and the column.

    | model                  |       size |   params | backend | ngl |          test |            t/s |
    | ---------------------- | ---------: | -------: | ------- | --: | ------------: | -------------: |
    | llama 8B Q4_K - Medium |   4.58 GiB |   8.03 B | CUDA    |  99 |         pp512 | 11420.51 ± 42.03 |
    | llama 8B Q4_K - Medium |   4.58 GiB |   8.03 B | CUDA    |  99 |         tg128 |  150.41 ± 0.20 |
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
from typing import Any

from ..errors import CostModelError
from ..units import BYTES_PER_GB
from .uploads import MAX_UPLOAD_BYTES, read_json

#: bytes in a GiB, the unit llama-bench's markdown prints sizes in
BYTES_PER_GIB = 2**30
#: the columns a llama-bench JSON or CSV row must have
NEEDED = ("n_prompt", "n_gen", "avg_ts")


@dataclasses.dataclass(frozen=True)
class BenchRun:
    """One result: ``kind`` 'pp' (prompt processing) or 'tg' (generation) of ``tokens`` tokens at a
    filled context of ``depth`` tokens, at ``tok_s`` tokens per second."""

    kind: str
    tokens: int
    depth: int
    tok_s: float
    model: str = ""
    size_gb: float | None = None
    params_b: float | None = None
    backend: str = ""


@dataclasses.dataclass(frozen=True)
class Bench:
    """What an input held: its format and the runs read from it."""

    format: str
    runs: tuple[BenchRun, ...]

    @property
    def depths(self) -> list[int]:
        return sorted({r.depth for r in self.runs})

    def speeds(self, depth: int = 0) -> tuple[float | None, float | None, int]:
        """``(decode, prefill, depth used)``: the mean generation and prompt speeds at the filled
        context nearest ``depth`` (each None when the input holds no such test)."""
        near = min(self.depths, key=lambda d: (abs(d - depth), d))
        at = [r for r in self.runs if r.depth == near]

        def mean(kind: str) -> float | None:
            values = [r.tok_s for r in at if r.kind == kind]
            return sum(values) / len(values) if values else None

        return mean("tg"), mean("pp"), near

    @property
    def model(self) -> str:
        names = sorted({r.model for r in self.runs if r.model})
        return ", ".join(names)


def _number(raw: Any, label: str, row: int, column: str) -> float:
    """A finite number >= 0 from a cell, or an error naming the row and column."""
    text = str(raw).strip().split("±")[0].strip().replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise CostModelError(f"{label} row {row}, {column}: {str(raw)[:40]!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise CostModelError(f"{label} row {row}, {column}: {value} is not a speed (must be finite and >= 0)")
    return value


def _count(raw: Any, label: str, row: int, column: str) -> int:
    value = _number(raw if raw not in (None, "") else 0, label, row, column)
    if value != int(value):
        raise CostModelError(f"{label} row {row}, {column}: {value} is not a whole number of tokens")
    return int(value)


def _run_of_record(record: dict[str, Any], label: str, row: int) -> BenchRun | None:
    """A JSON or CSV record as a run; None for a record that is neither pp nor tg (pp+tg tests)."""
    missing = [c for c in NEEDED if c not in record]
    if missing:
        raise CostModelError(f"{label} row {row}: missing column(s) {', '.join(missing)} of llama-bench's output")
    n_prompt = _count(record["n_prompt"], label, row, "n_prompt")
    n_gen = _count(record["n_gen"], label, row, "n_gen")
    if (n_prompt > 0) == (n_gen > 0):
        return None  # a combined pp+tg test says neither speed alone
    size = record.get("model_size")
    params = record.get("model_n_params")
    return BenchRun(
        kind="pp" if n_prompt else "tg",
        tokens=n_prompt or n_gen,
        depth=_count(record.get("n_depth", 0), label, row, "n_depth"),
        tok_s=_number(record["avg_ts"], label, row, "avg_ts"),
        model=str(record.get("model_type", ""))[:80],
        size_gb=_number(size, label, row, "model_size") / BYTES_PER_GB if size not in (None, "") else None,
        params_b=_number(params, label, row, "model_n_params") / 1e9 if params not in (None, "") else None,
        backend=str(record.get("backends", record.get("backend", "")))[:40],
    )


def _records(records: list[Any], label: str, fmt: str, first_row: int) -> Bench:
    runs = []
    for i, record in enumerate(records, start=first_row):
        if not isinstance(record, dict):
            raise CostModelError(f"{label} row {i}: expected an object of llama-bench fields")
        run = _run_of_record(record, label, i)
        if run is not None:
            runs.append(run)
    return _bench(fmt, runs, label)


def _bench(fmt: str, runs: list[BenchRun], label: str) -> Bench:
    if not runs:
        raise CostModelError(f"{label}: no prompt (pp) or generation (tg) result found in the {fmt} output")
    if all(r.tok_s == 0 for r in runs):
        raise CostModelError(f"{label}: every speed is 0 tokens/s")
    return Bench(fmt, tuple(runs))


_TEST = re.compile(r"^(pp|tg)(\d+)(?:@d(\d+))?$")  # 'tg128', 'pp512 @ d4096' with the spaces taken out
_SIZE = re.compile(r"^([\d.]+)\s*(GiB|MiB|GB|MB)$")


def _markdown_cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _markdown(lines: list[str], label: str) -> Bench:
    """llama-bench's ``-o md`` table, or a llama-sweep-bench table (columns PP, TG, N_KV, S_PP t/s, S_TG t/s)."""
    header_at = next(i for i, line in enumerate(lines) if line.strip().startswith("|"))
    header = [h.lower() for h in _markdown_cells(lines[header_at])]
    rows = [
        (i + 1, _markdown_cells(line))
        for i, line in enumerate(lines)
        if i > header_at and line.strip().startswith("|") and not set(line.strip()) <= set("|-: ")
    ]
    if {"n_kv", "s_pp t/s", "s_tg t/s"} <= set(header):
        at = {name: header.index(name) for name in ("pp", "tg", "n_kv", "s_pp t/s", "s_tg t/s")}
        runs = []
        for row, cells in rows:
            if len(cells) != len(header):
                raise CostModelError(f"{label} row {row}: {len(cells)} cells under {len(header)} columns")
            depth = _count(cells[at["n_kv"]], label, row, "N_KV")
            for kind, tokens, speed in (("pp", "PP", "S_PP t/s"), ("tg", "TG", "S_TG t/s")):
                count = _count(cells[at[tokens.lower()]], label, row, tokens)
                runs.append(BenchRun(kind, count, depth, _number(cells[at[speed.lower()]], label, row, speed)))
        return _bench("llama-sweep-bench table", runs, label)
    if "test" not in header or "t/s" not in header:
        raise CostModelError(f"{label} row 1: a llama-bench table needs the columns 'test' and 't/s'")
    test_at, speed_at = header.index("test"), header.index("t/s")
    runs = []
    for row, cells in rows:
        if len(cells) != len(header):
            raise CostModelError(f"{label} row {row}: {len(cells)} cells under {len(header)} columns")
        test = _TEST.match(cells[test_at].replace(" ", ""))
        if test is None:
            continue  # pp512+tg128 and other combined tests
        size = _SIZE.match(cells[header.index("size")]) if "size" in header else None
        size_gb = None
        if size:
            unit = {"GiB": BYTES_PER_GIB, "MiB": 2**20, "GB": 1e9, "MB": 1e6}[size.group(2)]
            size_gb = float(size.group(1)) * unit / BYTES_PER_GB
        params = cells[header.index("params")].split()[0] if "params" in header else ""
        runs.append(
            BenchRun(
                kind=test.group(1),
                tokens=int(test.group(2)),
                depth=int(test.group(3) or 0),
                tok_s=_number(cells[speed_at], label, row, "t/s"),
                model=cells[header.index("model")][:80] if "model" in header else "",
                size_gb=size_gb,
                params_b=float(params) if re.fullmatch(r"[\d.]+", params) else None,
                backend=cells[header.index("backend")][:40] if "backend" in header else "",
            )
        )
    return _bench("llama-bench table", runs, label)


def read_bench(text: str | bytes, label: str = "pasted text") -> Bench:
    """The runs of a llama-bench or llama-sweep-bench output, whatever of its formats it is in."""
    if isinstance(text, bytes):
        if len(text) > MAX_UPLOAD_BYTES:
            raise CostModelError(
                f"{label}: {len(text) / 1e6:,.1f} MB is over the {MAX_UPLOAD_BYTES / 1e6:,.1f} MB limit"
            )
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CostModelError(f"{label}: not UTF-8 text (byte at offset {exc.start})") from None
    if len(text) > MAX_UPLOAD_BYTES:
        raise CostModelError(f"{label}: over the {MAX_UPLOAD_BYTES / 1e6:,.1f} MB limit")
    stripped = text.strip()
    if not stripped:
        raise CostModelError(f"{label}: empty; paste the output of llama-bench (any of -o json, jsonl, csv, md)")
    lines = stripped.splitlines()
    if stripped.startswith("["):
        data = read_json(stripped, label)
        if not isinstance(data, list):
            raise CostModelError(f"{label}: expected a JSON list of llama-bench results")
        return _records(data, label, "llama-bench JSON", 1)
    if stripped.startswith("{"):
        return _records(
            [read_json(line, f"{label} row {i}") for i, line in enumerate(lines, 1) if line.strip()],
            label,
            "llama-bench JSONL",
            1,
        )
    if any(line.strip().startswith("|") for line in lines):
        return _markdown(lines, label)
    if "," in lines[0] and "avg_ts" in lines[0]:
        reader = csv.DictReader(io.StringIO(stripped))
        return _records(list(reader), label, "llama-bench CSV", 2)
    raise CostModelError(
        f"{label}: not llama-bench output; paste what `llama-bench -o json` (or -o csv, -o md) "
        "or llama-sweep-bench prints"
    )


def bench_command(model_file: str, depth: int = 0, extra: str = "") -> str:
    """The llama-bench command that measures what the estimate guesses, at a filled context.

    >>> bench_command("GLM-5.2-UD-IQ2_XXS-00001-of-00006.gguf", 8192)
    'llama-bench -m GLM-5.2-UD-IQ2_XXS-00001-of-00006.gguf -p 512 -n 128 -d 0,8192 -o json'
    """
    depths = "0" if depth <= 0 else f"0,{depth}"
    return f"llama-bench -m {model_file} -p 512 -n 128 -d {depths} -o json" + (f" {extra}" if extra else "")
