"""Saved scenarios, and the builds, prices, models and rentals a user adds: one SQLite file per user.

The file lives in ``$BREAKEVEN_HOME`` or ``~/.local/share/breakeven/`` as ``breakeven.sqlite3``. It
runs in WAL mode with ``synchronous=FULL``: a save is one transaction, and a save that returned
survives the process being killed at any moment; two sessions saving at once wait for each other
(``busy_timeout``) rather than lose a write. The schema is versioned (``PRAGMA user_version``) and
migrated forward on open.

A file at that path that is not a breakeven database (corrupt, or another program's) raises
``StoreError`` naming it, and is never written, moved or deleted. So does every later fault: a
file removed, truncated, overwritten or replaced by a directory while the app runs, a full disk,
a permission refused. Each operation checks the file and says what failed; a save is confirmed
by ``PRAGMA quick_check`` inside its own transaction, so a save into a damaged file fails rather
than reporting success.

A scenario is never replaced without being asked: ``save_scenario`` refuses a name that exists
(``ScenarioExists``) unless ``replace=True``, and with ``expected_updated_at`` it replaces only the
version the caller saw (compare-and-set), so two sessions saving one name cannot both succeed.

>>> import tempfile, costmodel as cm
>>> from ui.store import Store
>>> with tempfile.TemporaryDirectory() as home:
...     store = Store(f"{home}/breakeven.sqlite3")
...     _ = store.save_scenario("article", cm.StudyInputs())
...     [s.name for s in store.scenarios()], store.load_scenario("article").tokens_per_month
(['article'], 50000000.0)
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from costmodel.errors import CostModelError
from costmodel.io.uploads import EXPORT_FORMAT, EXPORT_VERSION
from costmodel.schema import ApiPrice, Build, Model, Rental
from costmodel.study import StudyInputs, check_name

HOME_ENV = "BREAKEVEN_HOME"
FILE_NAME = "breakeven.sqlite3"
APPLICATION_ID = 0x42455645  # 'BEVE': marks the file as breakeven's (PRAGMA application_id)

#: free space below which a failed write is put down to a full disk [bytes]
FULL_BELOW_BYTES = 256 * 1024

#: the most builds, API offerings and models one user may add: every session loads them all
MAX_ADDED: dict[str, int] = {"builds": 100, "prices": 3000, "models": 100, "rentals": 100}

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
    """
    CREATE TABLE rentals (rental_id TEXT PRIMARY KEY, payload TEXT NOT NULL, updated_at TEXT NOT NULL);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_KINDS: dict[type[BaseModel], tuple[str, str]] = {
    Build: ("builds", "build_id"),
    ApiPrice: ("prices", "price_id"),
    Model: ("models", "model_id"),
    Rental: ("rentals", "rental_id"),
}


class StoreError(CostModelError):
    """The database file cannot be used; nothing was written to it."""


class ScenarioExists(CostModelError):
    """A scenario of that name exists (and was not to be replaced, or changed since it was read)."""

    def __init__(self, message: str, name: str, updated_at: str) -> None:
        super().__init__(message)
        self.name = name
        self.updated_at = updated_at


@dataclasses.dataclass(frozen=True)
class SavedScenario:
    """A scenario in the store: its name, inputs and when it was saved."""

    name: str
    inputs: StudyInputs
    created_at: str
    updated_at: str


def default_path() -> Path:
    """``$BREAKEVEN_HOME/breakeven.sqlite3``, else ``~/.local/share/breakeven/breakeven.sqlite3``."""
    home = os.environ.get(HOME_ENV)
    base = Path(home) if home else Path.home() / ".local" / "share" / "breakeven"
    return base / FILE_NAME


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _reason(exc: BaseException) -> str:
    """An OS or SQLite error in a few words: ``database or disk is full``, ``Permission denied``."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


class Store:
    """The user's database. Open it once and share it: every method is its own transaction."""

    def __init__(self, path: str | Path | None = None, *, timeout_s: float = 10.0) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._timeout = timeout_s
        try:
            self._refuse_foreign_file()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect(create=True) as db:
                self._migrate(db)
        except StoreError:
            raise
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot be opened ({_reason(exc)}); left untouched") from None

    @contextlib.contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """Turn an OS or SQLite failure of ``what`` into a ``StoreError`` that says what failed."""
        try:
            yield
        except (StoreError, ScenarioExists):
            raise
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: {what} failed ({_reason(exc)}{self._disk_full()})") from None

    def _disk_full(self) -> str:
        """``'; the disk is full'`` when the store's disk has no room left (SQLite may say only "disk I/O error")."""
        try:
            free = shutil.disk_usage(self.path.parent).free
        except OSError:
            return ""
        return "; the disk is full" if free < FULL_BELOW_BYTES else ""

    def check(self) -> None:
        """Raise ``StoreError`` unless the file is still a sound breakeven database."""
        with self._guard("checking the store"):
            self._refuse_foreign_file(must_exist=True)

    # --- opening --------------------------------------------------------------------------------

    def _refuse_foreign_file(self, must_exist: bool = False) -> None:
        """Raise ``StoreError`` for an existing file that is not an SQLite database of ours."""
        if not self.path.exists():
            if must_exist:
                raise StoreError(f"{self.path}: the store file is gone (removed while the app ran)")
            return
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a breakeven database")
        if not self.path.is_file():
            raise StoreError(f"{self.path}: not a regular file; left untouched")
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
    def _connect(self, create: bool = False) -> Iterator[sqlite3.Connection]:
        if not create and not self.path.is_file():  # SQLite would quietly start a new, empty file
            raise StoreError(f"{self.path}: the store file is gone or replaced (removed while the app ran)")
        db = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def _transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (``BEGIN IMMEDIATE``): all of it lands, or none.

        The file is checked whole (``PRAGMA quick_check``) before the commit: a file damaged
        behind SQLite's back fails the save instead of taking it and losing it later.
        """
        with self._guard(what), self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                problem = db.execute("PRAGMA quick_check").fetchone()[0]
                if problem != "ok":
                    raise StoreError(f"{self.path}: {what} failed (the file is damaged: {problem})")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
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
        with self._guard("checking the store"), self._connect() as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0]

    # --- scenarios ------------------------------------------------------------------------------

    def save_scenario(
        self, name: str, inputs: StudyInputs, *, replace: bool = False, expected_updated_at: str | None = None
    ) -> SavedScenario:
        """Save ``inputs`` under ``name``.

        A name that exists raises ``ScenarioExists`` (carrying the saved version's ``updated_at``)
        unless ``replace`` is True; with ``expected_updated_at`` the saved version is replaced only
        if it is still that one, so a save racing another of the same name fails instead of
        silently winning.
        """
        if not isinstance(inputs, StudyInputs):
            raise CostModelError(f"save_scenario: expected StudyInputs, got {type(inputs).__name__}")
        name = check_name(name)
        self.save_scenarios([(name, inputs)], replace=replace, expected_updated_at={name: expected_updated_at})
        with self._guard("reading the saved scenario"), self._connect() as db:
            created, updated = db.execute(
                "SELECT created_at, updated_at FROM scenarios WHERE name = ?", (name,)
            ).fetchone()
        return SavedScenario(name, inputs, created, updated)

    def save_scenarios(
        self,
        items: Iterable[tuple[str, StudyInputs]],
        *,
        replace: bool = False,
        expected_updated_at: dict[str, str | None] | None = None,
    ) -> int:
        """Save several scenarios in one transaction: all of them, or (on any error) none.

        ``replace`` and ``expected_updated_at`` (by name) as in ``save_scenario``.
        """
        now = _now()
        expected = dict(expected_updated_at or {})
        rows = [(check_name(name), inputs.model_dump_json()) for name, inputs in items]
        with self._transaction("saving") as db:
            for name, payload in rows:
                row = db.execute("SELECT created_at, updated_at FROM scenarios WHERE name = ?", (name,)).fetchone()
                if row and not replace:
                    raise ScenarioExists(f"a scenario named {name!r} exists already (saved {row[1]})", name, row[1])
                seen = expected.get(name)
                if row and seen is not None and row[1] != seen:
                    raise ScenarioExists(
                        f"{name!r} was saved again at {row[1]}, after you opened it; not replaced", name, row[1]
                    )
                db.execute(
                    "INSERT INTO scenarios (name, inputs, created_at, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(name) DO UPDATE SET inputs = excluded.inputs, updated_at = excluded.updated_at",
                    (name, payload, row[0] if row else now, now),
                )
        return len(rows)

    def existing(self, names: Iterable[str]) -> dict[str, str]:
        """Which of ``names`` are saved already, with when each was last saved."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        with self._guard("reading the scenarios"), self._connect() as db:
            rows = db.execute(
                f"SELECT name, updated_at FROM scenarios WHERE name IN ({','.join('?' * len(wanted))})",
                wanted,  # noqa: S608
            ).fetchall()
        return dict(rows)

    def scenarios(self) -> list[SavedScenario]:
        """Every saved scenario, the most recently saved first."""
        with self._guard("reading the scenarios"), self._connect() as db:
            rows = db.execute("SELECT name, inputs, created_at, updated_at FROM scenarios ORDER BY updated_at DESC")
            return [SavedScenario(n, self._inputs(n, raw), c, u) for n, raw, c, u in rows.fetchall()]

    def _inputs(self, name: str, raw: str) -> StudyInputs:
        try:
            return StudyInputs(**json.loads(raw))
        except (ValueError, TypeError) as exc:
            raise StoreError(f"{self.path}: scenario {name!r} does not read back: {exc}") from None

    def load_scenario(self, name: str) -> StudyInputs:
        """The inputs saved under ``name``."""
        with self._guard("reading the scenario"), self._connect() as db:
            row = db.execute("SELECT inputs FROM scenarios WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise CostModelError(f"load_scenario: no scenario named {name!r}")
        return self._inputs(name, row[0])

    def rename_scenario(self, old: str, new: str) -> None:
        new = check_name(new)
        with self._transaction("renaming") as db:
            if db.execute("SELECT 1 FROM scenarios WHERE name = ?", (new,)).fetchone() and new != old:
                raise CostModelError(f"rename_scenario: a scenario named {new!r} exists already")
            if (
                db.execute("UPDATE scenarios SET name = ?, updated_at = ? WHERE name = ?", (new, _now(), old)).rowcount
                != 1
            ):
                raise CostModelError(f"rename_scenario: no scenario named {old!r}")

    def duplicate_scenario(self, name: str, new: str) -> SavedScenario:
        return self.save_scenario(new, self.load_scenario(name))

    def delete_scenario(self, name: str) -> None:
        with self._transaction("deleting") as db:
            if db.execute("DELETE FROM scenarios WHERE name = ?", (name,)).rowcount != 1:
                raise CostModelError(f"delete_scenario: no scenario named {name!r}")

    # --- builds, prices and models the user added ---------------------------------------------

    def save(self, *objects: Build | ApiPrice | Model) -> None:
        """Add or replace builds, prices or models, all in one transaction (at most ``MAX_ADDED`` of each)."""
        now = _now()
        with self._transaction("saving") as db:
            for table, column in {_KINDS[type(o)] for o in objects}:
                keys = {getattr(o, column) for o in objects if _KINDS[type(o)][0] == table}
                saved = {r[0] for r in db.execute(f"SELECT {column} FROM {table}")}  # noqa: S608 (fixed names)
                if len(saved | keys) > MAX_ADDED[table]:
                    raise CostModelError(
                        f"at most {MAX_ADDED[table]:,} {table} may be added; {len(saved):,} are saved and this "
                        f"adds {len(keys - saved):,}: delete some or add fewer"
                    )
            for obj in objects:
                table, key = _KINDS[type(obj)]
                db.execute(
                    f"INSERT INTO {table} ({key}, payload, updated_at) VALUES (?, ?, ?) "  # noqa: S608 (fixed names)
                    f"ON CONFLICT({key}) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at",
                    (getattr(obj, key), obj.model_dump_json(), now),
                )

    def delete(self, kind: type[Build | ApiPrice | Model], key: str) -> None:
        table, column = _KINDS[kind]
        with self._transaction("deleting") as db:
            db.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))  # noqa: S608 (fixed names)

    def load(self, kind: type[Build | ApiPrice | Model]) -> dict[str, Any]:
        """Every saved object of ``kind`` by id; a row that no longer validates raises ``StoreError``."""
        table, column = _KINDS[kind]
        with self._guard(f"reading the {table}"), self._connect() as db:
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
