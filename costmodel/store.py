"""Saved scenarios, and the builds, prices and models a user adds: one SQLite file per user.

The file lives in ``$BREAKEVEN_HOME`` or ``~/.local/share/breakeven/`` as ``breakeven.sqlite3``. It
runs in WAL mode with ``synchronous=FULL``: a save is one transaction, and a save that returned
survives the process being killed at any moment; two sessions saving at once wait for each other
(``busy_timeout``) rather than lose a write. The schema is versioned (``PRAGMA user_version``) and
migrated forward on open.

A file at that path that is not a breakeven database (corrupt, or another program's) raises
``StoreError`` naming it, and is never written, moved or deleted.

>>> import tempfile, costmodel as cm
>>> from costmodel.store import Store
>>> from costmodel.views import Inputs
>>> with tempfile.TemporaryDirectory() as home:
...     store = Store(f"{home}/breakeven.sqlite3")
...     _ = store.save_scenario("article", Inputs())
...     [s.name for s in store.scenarios()], store.load_scenario("article").tokens_per_month
(['article'], 50000000.0)
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .errors import CostModelError
from .schema import ApiPrice, Build, Model
from .views import Inputs

HOME_ENV = "BREAKEVEN_HOME"
FILE_NAME = "breakeven.sqlite3"
APPLICATION_ID = 0x42455645  # 'BEVE': marks the file as breakeven's (PRAGMA application_id)
EXPORT_FORMAT = "breakeven-scenarios"
EXPORT_VERSION = 1
MAX_NAME = 80

#: each entry moves the schema from version i to i + 1
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE scenarios (
        name TEXT PRIMARY KEY,
        inputs TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE builds (build_id TEXT PRIMARY KEY, payload TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE prices (price_id TEXT PRIMARY KEY, payload TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE models (model_id TEXT PRIMARY KEY, payload TEXT NOT NULL, updated_at TEXT NOT NULL);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_KINDS: dict[type[BaseModel], tuple[str, str]] = {
    Build: ("builds", "build_id"),
    ApiPrice: ("prices", "price_id"),
    Model: ("models", "model_id"),
}


class StoreError(CostModelError):
    """The database file cannot be used; nothing was written to it."""


@dataclasses.dataclass(frozen=True)
class SavedScenario:
    """A scenario in the store: its name, inputs and when it was saved."""

    name: str
    inputs: Inputs
    created_at: str
    updated_at: str


def default_path() -> Path:
    """``$BREAKEVEN_HOME/breakeven.sqlite3``, else ``~/.local/share/breakeven/breakeven.sqlite3``."""
    home = os.environ.get(HOME_ENV)
    base = Path(home) if home else Path.home() / ".local" / "share" / "breakeven"
    return base / FILE_NAME


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _check_name(name: str) -> str:
    clean = name.strip() if isinstance(name, str) else ""
    if not clean:
        raise CostModelError("scenario name: must not be empty")
    if len(clean) > MAX_NAME:
        raise CostModelError(f"scenario name: must be at most {MAX_NAME} characters")
    if any(ch in clean for ch in "<>") or not clean.isprintable():
        raise CostModelError(f"scenario name: {clean[:40]!r} may not hold '<', '>' or control characters")
    return clean


class Store:
    """The user's database. Open it once and share it: every method is its own transaction."""

    def __init__(self, path: str | Path | None = None, *, timeout_s: float = 10.0) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._timeout = timeout_s
        self._refuse_foreign_file()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            self._migrate(db)

    # --- opening --------------------------------------------------------------------------------

    def _refuse_foreign_file(self) -> None:
        """Raise ``StoreError`` for an existing file that is not an SQLite database of ours."""
        if not self.path.exists():
            return
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a breakeven database")
        with self.path.open("rb") as f:
            header = f.read(100)
        if not header:
            return  # an empty file: SQLite makes it a database
        if not header.startswith(b"SQLite format 3\x00"):
            raise StoreError(f"{self.path}: not an SQLite database (corrupt or another program's file); left untouched")
        try:
            db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=self._timeout)
            try:
                app_id = db.execute("PRAGMA application_id").fetchone()[0]
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                problem = db.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: unreadable SQLite file ({exc}); left untouched") from None
        if problem != "ok":
            raise StoreError(f"{self.path}: damaged database ({problem}); left untouched")
        if app_id != APPLICATION_ID and tables:
            raise StoreError(
                f"{self.path}: an SQLite database of another program (tables {', '.join(sorted(tables)[:5])}); "
                "left untouched"
            )

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (``BEGIN IMMEDIATE``): all of it lands, or none."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _migrate(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: made by a newer breakeven (schema {version}, this one knows {SCHEMA_VERSION}); "
                    "left untouched"
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in filter(str.strip, MIGRATIONS[step].split(";")):
                    db.execute(statement)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def integrity(self) -> str:
        """``PRAGMA integrity_check``: ``'ok'`` for a sound file."""
        with self._connect() as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0]

    # --- scenarios ------------------------------------------------------------------------------

    def save_scenario(self, name: str, inputs: Inputs, *, overwrite: bool = True) -> SavedScenario:
        """Save ``inputs`` under ``name`` (replacing a scenario of that name unless ``overwrite`` is False)."""
        if not isinstance(inputs, Inputs):
            raise CostModelError(f"save_scenario: expected Inputs, got {type(inputs).__name__}")
        name = _check_name(name)
        self.save_scenarios([(name, inputs)], overwrite=overwrite)
        with self._connect() as db:
            created, updated = db.execute(
                "SELECT created_at, updated_at FROM scenarios WHERE name = ?", (name,)
            ).fetchone()
        return SavedScenario(name, inputs, created, updated)

    def save_scenarios(self, items: Iterable[tuple[str, Inputs]], *, overwrite: bool = True) -> int:
        """Save several scenarios in one transaction: all of them, or (on any error) none."""
        now = _now()
        rows = [(_check_name(name), inputs.model_dump_json()) for name, inputs in items]
        with self._transaction() as db:
            for name, payload in rows:
                row = db.execute("SELECT created_at FROM scenarios WHERE name = ?", (name,)).fetchone()
                if row and not overwrite:
                    raise CostModelError(f"save_scenarios: a scenario named {name!r} exists already")
                db.execute(
                    "INSERT INTO scenarios (name, inputs, created_at, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(name) DO UPDATE SET inputs = excluded.inputs, updated_at = excluded.updated_at",
                    (name, payload, row[0] if row else now, now),
                )
        return len(rows)

    def scenarios(self) -> list[SavedScenario]:
        """Every saved scenario, the most recently saved first."""
        with self._connect() as db:
            rows = db.execute("SELECT name, inputs, created_at, updated_at FROM scenarios ORDER BY updated_at DESC")
            return [SavedScenario(n, self._inputs(n, raw), c, u) for n, raw, c, u in rows.fetchall()]

    def _inputs(self, name: str, raw: str) -> Inputs:
        try:
            return Inputs(**json.loads(raw))
        except (ValueError, TypeError) as exc:
            raise StoreError(f"{self.path}: scenario {name!r} does not read back: {exc}") from None

    def load_scenario(self, name: str) -> Inputs:
        """The inputs saved under ``name``."""
        with self._connect() as db:
            row = db.execute("SELECT inputs FROM scenarios WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise CostModelError(f"load_scenario: no scenario named {name!r}")
        return self._inputs(name, row[0])

    def rename_scenario(self, old: str, new: str) -> None:
        new = _check_name(new)
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM scenarios WHERE name = ?", (new,)).fetchone() and new != old:
                raise CostModelError(f"rename_scenario: a scenario named {new!r} exists already")
            if (
                db.execute("UPDATE scenarios SET name = ?, updated_at = ? WHERE name = ?", (new, _now(), old)).rowcount
                != 1
            ):
                raise CostModelError(f"rename_scenario: no scenario named {old!r}")

    def duplicate_scenario(self, name: str, new: str) -> SavedScenario:
        return self.save_scenario(new, self.load_scenario(name), overwrite=False)

    def delete_scenario(self, name: str) -> None:
        with self._transaction() as db:
            if db.execute("DELETE FROM scenarios WHERE name = ?", (name,)).rowcount != 1:
                raise CostModelError(f"delete_scenario: no scenario named {name!r}")

    # --- builds, prices and models the user added ---------------------------------------------

    def save(self, *objects: Build | ApiPrice | Model) -> None:
        """Add or replace builds, prices or models, all in one transaction."""
        now = _now()
        with self._transaction() as db:
            for obj in objects:
                table, key = _KINDS[type(obj)]
                db.execute(
                    f"INSERT INTO {table} ({key}, payload, updated_at) VALUES (?, ?, ?) "  # noqa: S608 (fixed names)
                    f"ON CONFLICT({key}) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at",
                    (getattr(obj, key), obj.model_dump_json(), now),
                )

    def delete(self, kind: type[Build | ApiPrice | Model], key: str) -> None:
        table, column = _KINDS[kind]
        with self._transaction() as db:
            db.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))  # noqa: S608 (fixed names)

    def load(self, kind: type[Build | ApiPrice | Model]) -> dict[str, Any]:
        """Every saved object of ``kind`` by id; a row that no longer validates raises ``StoreError``."""
        table, column = _KINDS[kind]
        with self._connect() as db:
            rows = db.execute(f"SELECT {column}, payload FROM {table} ORDER BY {column}").fetchall()  # noqa: S608
        out = {}
        for key, payload in rows:
            try:
                out[key] = kind(**json.loads(payload))
            except (ValueError, TypeError) as exc:
                raise StoreError(f"{self.path}: saved {table[:-1]} {key!r} does not read back: {exc}") from None
        return out

    # --- export and import -----------------------------------------------------------------------

    def export(self, names: Iterable[str] | None = None) -> dict:
        """One or all scenarios as a JSON-ready document."""
        chosen = None if names is None else set(names)
        scenarios = [s for s in self.scenarios() if chosen is None or s.name in chosen]
        if chosen is not None and len(scenarios) != len(chosen):
            missing = sorted(chosen - {s.name for s in scenarios})
            raise CostModelError(f"export: no scenario named {', '.join(map(repr, missing))}")
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": _now(),
            "scenarios": [{"name": s.name, "inputs": s.inputs.model_dump(mode="json")} for s in scenarios],
        }
