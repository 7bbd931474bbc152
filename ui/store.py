"""Saved scenarios, and the builds, prices, models and rentals users add: one database behind one interface.

The database is, by default, one SQLite file per user: ``$BREAKEVEN_HOME/breakeven.sqlite3`` or
``~/.local/share/breakeven/breakeven.sqlite3``, in WAL mode with ``synchronous=FULL``. A team points
every replica at one PostgreSQL instead, by URL: ``BREAKEVEN_DATABASE_URL=postgresql+psycopg://...``
(or ``[connections.breakeven] url = "..."`` in Streamlit's secrets, the section ``st.connection``
reads). Both go through SQLAlchemy with the same schema, versioned (SQLite's ``PRAGMA user_version``,
PostgreSQL's ``breakeven_schema`` table) and migrated forward on open by the same ``MIGRATIONS``.

Every row has an **owner** (the signed-in user's e-mail; ``""`` with sign-in off, the default, so
one user at localhost works as before) and may be **shared** with the team. ``Store(...)`` is the
store of owner ``""``; ``store.as_owner(email)`` is a user's view of the same database: it lists and
opens their own rows and those shared with the team, and writes only their own. A scenario has an
``id`` for links: ``scenario(id)`` opens one that is the viewer's or shared, and says "not found"
for another user's private one, never its contents.

A save is one transaction: all of it lands, or none. A scenario is never replaced without being
asked: ``save_scenario`` refuses a name that exists (``ScenarioExists``) unless ``replace=True``,
and with ``expected_updated_at`` it replaces only the version the caller saw (compare-and-set, a
conditional UPDATE), so two sessions, or two replicas, saving one name cannot both succeed.

An SQLite file at the path that is not a breakeven database (corrupt, or another program's) raises
``StoreError`` naming it, and is never written, moved or deleted. So does every later fault: a file
removed, truncated, overwritten or replaced by a directory while the app runs, a full disk, a
permission refused (a save is checked by ``PRAGMA quick_check`` inside its own transaction, so a
save into a damaged file fails rather than reporting success); and, for PostgreSQL, a server that
cannot be reached (a restarted server is reconnected to on the next operation).

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
import copy
import dataclasses
import datetime as dt
import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from costmodel.errors import CostModelError
from costmodel.io.uploads import EXPORT_FORMAT, EXPORT_VERSION
from costmodel.schema import ApiPrice, Build, Model, Rental
from costmodel.study import StudyInputs, check_name
from ui.paths import DATABASE_URL_ENV, home

FILE_NAME = "breakeven.sqlite3"
APPLICATION_ID = 0x42455645  # 'BEVE': marks an SQLite file as breakeven's (PRAGMA application_id)
#: PostgreSQL's lock that one migration at a time holds (two replicas starting at once)
MIGRATION_LOCK = 0x42455645

#: free space below which a failed write is put down to a full disk [bytes]
FULL_BELOW_BYTES = 256 * 1024

#: the most builds, API offerings, models and rentals one user may add: every session loads them all
MAX_ADDED: dict[str, int] = {"builds": 100, "prices": 3000, "models": 100, "rentals": 100}

#: the additions' tables and id columns
_KINDS: dict[type[BaseModel], tuple[str, str]] = {
    Build: ("builds", "build_id"),
    ApiPrice: ("prices", "price_id"),
    Model: ("models", "model_id"),
    Rental: ("rentals", "rental_id"),
}


def _owned(db: Connection) -> None:
    """Schema 3: every row carries its owner and whether it is shared; a scenario gets an id for links.

    The tables are made again with the new keys and the rows copied (SQLite cannot change a primary
    key in place); the rows of a file from before sign-in belong to owner "" (the single user)."""
    db.execute(
        text(
            "CREATE TABLE scenarios3 (id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, "
            "shared INTEGER NOT NULL DEFAULT 0, inputs TEXT NOT NULL, created_at TEXT NOT NULL, "
            "updated_at TEXT NOT NULL, UNIQUE (owner, name))"
        )
    )
    rows = db.execute(text("SELECT name, inputs, created_at, updated_at FROM scenarios")).fetchall()
    for name, inputs, created, updated in rows:
        db.execute(
            text(
                "INSERT INTO scenarios3 (id, owner, name, shared, inputs, created_at, updated_at) "
                "VALUES (:id, '', :name, 0, :inputs, :created, :updated)"
            ),
            {"id": uuid.uuid4().hex, "name": name, "inputs": inputs, "created": created, "updated": updated},
        )
    db.execute(text("DROP TABLE scenarios"))
    db.execute(text("ALTER TABLE scenarios3 RENAME TO scenarios"))
    for table, key in _KINDS.values():
        db.execute(
            text(
                f"CREATE TABLE {table}3 (owner TEXT NOT NULL, {key} TEXT NOT NULL, shared INTEGER NOT NULL "
                f"DEFAULT 0, payload TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (owner, {key}))"
            )
        )
        db.execute(
            text(
                f"INSERT INTO {table}3 (owner, {key}, shared, payload, updated_at) "  # noqa: S608 (fixed names)
                f"SELECT '', {key}, 0, payload, updated_at FROM {table}"
            )
        )
        db.execute(text(f"DROP TABLE {table}"))
        db.execute(text(f"ALTER TABLE {table}3 RENAME TO {table}"))


#: each entry moves the schema from version i to i + 1: SQL statements, or a function of a connection
MIGRATIONS: tuple[str | Callable[[Connection], None], ...] = (
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
    _owned,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(CostModelError):
    """The database cannot be used; nothing was written to it."""


class ScenarioExists(CostModelError):
    """A scenario of that name exists (and was not to be replaced, or changed since it was read)."""

    def __init__(self, message: str, name: str, updated_at: str) -> None:
        super().__init__(message)
        self.name = name
        self.updated_at = updated_at


@dataclasses.dataclass(frozen=True)
class SavedScenario:
    """A scenario in the store: its name, inputs and when it was saved; whose it is and whether shared."""

    name: str
    inputs: StudyInputs
    created_at: str
    updated_at: str
    id: str = ""
    owner: str = ""
    shared: bool = False


def default_path() -> Path:
    """``$BREAKEVEN_HOME/breakeven.sqlite3``, else ``~/.local/share/breakeven/breakeven.sqlite3``."""
    return home() / FILE_NAME


def default_target() -> str | Path:
    """``$BREAKEVEN_DATABASE_URL`` where set (a team's PostgreSQL), else ``default_path()``."""
    return (os.environ.get(DATABASE_URL_ENV) or "").strip() or default_path()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _reason(exc: BaseException) -> str:
    """An OS or database error in a few words: ``database or disk is full``, ``connection refused``."""
    inner = getattr(exc, "orig", None) or exc
    if isinstance(inner, OSError) and inner.strerror:
        return inner.strerror
    words = " ".join(str(inner).split())
    return words[:200] or type(inner).__name__


def _is_url(target: str | Path) -> bool:
    return isinstance(target, str) and "://" in target


class Store:
    """The users' database. Open it once and share it: every method is its own transaction.

    ``target`` is an SQLite file's path (``default_target()`` when None) or a SQLAlchemy URL.
    """

    def __init__(self, target: str | Path | None = None, *, timeout_s: float = 10.0) -> None:
        target = default_target() if target is None else target
        self.owner = ""
        self._timeout = timeout_s
        self.url: str | None = None
        self.path: Path | None = None
        try:
            if _is_url(target):
                self.url = str(target)
                self._engine = self._server_engine(self.url)
            else:
                self.path = Path(target)
                self._refuse_foreign_file()
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._engine = self._file_engine(self.path)
            with self._guard("opening the store"), self._connection(create=True) as db:
                self._migrate(db)
        except StoreError:
            raise
        except (OSError, SQLAlchemyError) as exc:
            raise StoreError(f"{self.where}: cannot be opened ({_reason(exc)}); left untouched") from None

    @property
    def where(self) -> str:
        """The database for a message: the file's path, or the URL without its password."""
        if self.path is not None:
            return str(self.path)
        try:
            return make_url(self.url).render_as_string(hide_password=True)
        except ArgumentError:
            return "the database URL"

    @property
    def server(self) -> bool:
        """True for a database server (PostgreSQL), False for an SQLite file."""
        return self.url is not None

    def as_owner(self, owner: str) -> Store:
        """This database seen by ``owner`` (an e-mail; "" with sign-in off): their own rows and the shared."""
        view = copy.copy(self)
        view.owner = owner or ""
        return view

    # --- connecting ------------------------------------------------------------------------------

    def _file_engine(self, path: Path) -> Engine:
        engine = create_engine(f"sqlite:///{path}", poolclass=NullPool, connect_args={"timeout": self._timeout})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi: sqlite3.Connection, _record: object) -> None:
            dbapi.isolation_level = None  # transactions are begun here, immediately (BEGIN IMMEDIATE)
            cursor = dbapi.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.close()

        return engine

    def _server_engine(self, url: str) -> Engine:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StoreError(f"{DATABASE_URL_ENV}: not a database URL (postgresql+psycopg://user@host/db)") from None
        if not parsed.drivername.startswith("postgresql"):
            raise StoreError(f"{self.where}: a team store is PostgreSQL (postgresql+psycopg://...), not {parsed.drivername}")
        timeout = max(1, int(self._timeout))
        # pre_ping: a connection the server dropped (a restart) is replaced before it is used
        return create_engine(parsed, pool_pre_ping=True, pool_size=5, connect_args={"connect_timeout": timeout})

    @contextlib.contextmanager
    def _connection(self, create: bool = False) -> Iterator[Connection]:
        if self.path is not None and not create and not self.path.is_file():
            # SQLite would quietly start a new, empty file
            raise StoreError(f"{self.path}: the store file is gone or replaced (removed while the app ran)")
        with self._engine.connect() as db:
            yield db

    @contextlib.contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """Turn an OS or database failure of ``what`` into a ``StoreError`` that says what failed."""
        try:
            yield
        except (StoreError, ScenarioExists):
            raise
        except (OSError, SQLAlchemyError) as exc:
            raise StoreError(f"{self.where}: {what} failed ({_reason(exc)}{self._disk_full()})") from None

    def _disk_full(self) -> str:
        """``'; the disk is full'`` when the store's disk has no room left (SQLite may say only "disk I/O error")."""
        if self.path is None:
            return ""
        try:
            free = shutil.disk_usage(self.path.parent).free
        except OSError:
            return ""
        return "; the disk is full" if free < FULL_BELOW_BYTES else ""

    @contextlib.contextmanager
    def _transaction(self, what: str) -> Iterator[Connection]:
        """One write transaction: all of it lands, or none.

        SQLite takes its write lock at once (``BEGIN IMMEDIATE``) and checks the file whole
        (``PRAGMA quick_check``) before the commit: a file damaged behind its back fails the save
        instead of taking it and losing it later."""
        with self._guard(what), self._connection() as db:
            if self.path is not None:
                db.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield db
                if self.path is not None:
                    problem = db.exec_driver_sql("PRAGMA quick_check").scalar()
                    if problem != "ok":
                        raise StoreError(f"{self.path}: {what} failed (the file is damaged: {problem})")
            except BaseException:
                self._end(db, commit=False)
                raise
            self._end(db, commit=True)

    def _end(self, db: Connection, commit: bool) -> None:
        """Commit or roll back what ``_transaction`` or ``_migrate`` began (SQLite's by hand: its
        driver's own transactions are off). A failed rollback is passed over: the error that led to it
        is the one to report."""
        if commit:
            if self.path is not None:
                db.exec_driver_sql("COMMIT")
            else:
                db.commit()
            return
        with contextlib.suppress(SQLAlchemyError, sqlite3.Error):
            if self.path is not None:
                db.exec_driver_sql("ROLLBACK")
            else:
                db.rollback()

    @contextlib.contextmanager
    def _reading(self, what: str) -> Iterator[Connection]:
        with self._guard(what), self._connection() as db:
            yield db

    # --- the schema ------------------------------------------------------------------------------

    def _refuse_foreign_file(self, must_exist: bool = False) -> None:
        """Raise ``StoreError`` for an existing file that is not an SQLite database of ours."""
        path = self.path
        if not path.exists():
            if must_exist:
                raise StoreError(f"{path}: the store file is gone (removed while the app ran)")
            return
        if path.is_dir():
            raise StoreError(f"{path}: is a directory, not a breakeven database")
        if not path.is_file():
            raise StoreError(f"{path}: not a regular file; left untouched")
        with path.open("rb") as f:
            header = f.read(100)
        if not header:
            return  # an empty file: SQLite makes it a database
        if not header.startswith(b"SQLite format 3\x00"):
            raise StoreError(f"{path}: not an SQLite database (corrupt or another program's file); left untouched")
        try:
            db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=self._timeout)
            try:
                app_id = db.execute("PRAGMA application_id").fetchone()[0]
                tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                problem = db.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: unreadable SQLite file ({exc}); left untouched") from None
        if problem != "ok":
            raise StoreError(f"{path}: damaged database ({problem}); left untouched")
        if app_id != APPLICATION_ID and tables:
            raise StoreError(
                f"{path}: an SQLite database of another program (tables {', '.join(sorted(tables)[:5])}); "
                "left untouched"
            )

    def _version(self, db: Connection) -> int:
        if self.path is not None:
            return int(db.exec_driver_sql("PRAGMA user_version").scalar())
        db.execute(text("CREATE TABLE IF NOT EXISTS breakeven_schema (version INTEGER NOT NULL)"))
        found = db.execute(text("SELECT version FROM breakeven_schema")).scalar()
        if found is None:
            others = db.execute(
                text(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                    "AND table_name <> 'breakeven_schema'"
                )
            ).scalars().all()
            if others:
                raise StoreError(
                    f"{self.where}: a database of another program (tables {', '.join(sorted(others)[:5])}); "
                    "left untouched"
                )
            db.execute(text("INSERT INTO breakeven_schema (version) VALUES (0)"))
            return 0
        return int(found)

    def _set_version(self, db: Connection, version: int) -> None:
        if self.path is not None:
            db.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            db.exec_driver_sql(f"PRAGMA user_version = {version}")
        else:
            db.execute(text("UPDATE breakeven_schema SET version = :v"), {"v": version})

    def _migrate(self, db: Connection) -> None:
        if self.path is not None:
            db.exec_driver_sql("BEGIN IMMEDIATE")
        else:  # one replica migrates at a time; the others wait, then find the schema current
            db.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": MIGRATION_LOCK})
        try:
            version = self._version(db)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.where}: made by a newer breakeven (schema {version}, this one knows {SCHEMA_VERSION}); "
                    "left untouched"
                )
            for step in range(version, SCHEMA_VERSION):
                migration = MIGRATIONS[step]
                if callable(migration):
                    migration(db)
                else:
                    for statement in filter(str.strip, migration.split(";")):
                        db.execute(text(statement))
            self._set_version(db, SCHEMA_VERSION)
        except BaseException:
            self._end(db, commit=False)
            raise
        self._end(db, commit=True)

    def check(self) -> None:
        """Raise ``StoreError`` unless the database is still a sound breakeven store that can be reached."""
        if self.path is not None:
            with self._guard("checking the store"):
                self._refuse_foreign_file(must_exist=True)
            return
        with self._reading("checking the store") as db:
            version = db.execute(text("SELECT version FROM breakeven_schema")).scalar()
        if version != SCHEMA_VERSION:
            raise StoreError(f"{self.where}: schema {version}, this breakeven knows {SCHEMA_VERSION}")

    def integrity(self) -> str:
        """``'ok'`` for a sound store (SQLite's ``PRAGMA integrity_check``; a server that answers)."""
        with self._reading("checking the store") as db:
            if self.path is None:
                db.execute(text("SELECT 1"))
                return "ok"
            return db.exec_driver_sql("PRAGMA integrity_check").scalar()

    # --- scenarios ------------------------------------------------------------------------------

    def save_scenario(
        self,
        name: str,
        inputs: StudyInputs,
        *,
        replace: bool = False,
        expected_updated_at: str | None = None,
        shared: bool | None = None,
    ) -> SavedScenario:
        """Save ``inputs`` under ``name``, as this view's owner (``shared`` with the team, or as it was).

        A name that exists raises ``ScenarioExists`` (carrying the saved version's ``updated_at``)
        unless ``replace`` is True; with ``expected_updated_at`` the saved version is replaced only
        if it is still that one, so a save racing another of the same name fails instead of
        silently winning.
        """
        if not isinstance(inputs, StudyInputs):
            raise CostModelError(f"save_scenario: expected StudyInputs, got {type(inputs).__name__}")
        name = check_name(name)
        self.save_scenarios(
            [(name, inputs)], replace=replace, expected_updated_at={name: expected_updated_at}, shared=shared
        )
        return self._saved(name)

    def _saved(self, name: str) -> SavedScenario:
        with self._reading("reading the saved scenario") as db:
            row = db.execute(
                text(
                    "SELECT id, name, inputs, created_at, updated_at, owner, shared FROM scenarios "
                    "WHERE owner = :owner AND name = :name"
                ),
                {"owner": self.owner, "name": name},
            ).fetchone()
        if row is None:
            raise StoreError(f"{self.where}: the scenario {name!r} just saved cannot be read back")
        return self._scenario(row)

    def save_scenarios(
        self,
        items: Iterable[tuple[str, StudyInputs]],
        *,
        replace: bool = False,
        expected_updated_at: dict[str, str | None] | None = None,
        shared: bool | None = None,
    ) -> int:
        """Save several scenarios in one transaction: all of them, or (on any error) none.

        ``replace`` and ``expected_updated_at`` (by name) as in ``save_scenario``. A new scenario is
        private unless ``shared``; a replaced one keeps its sharing unless ``shared`` says.
        """
        now = _now()
        expected = dict(expected_updated_at or {})
        rows = [(check_name(name), inputs.model_dump_json()) for name, inputs in items]
        key = {"owner": self.owner}
        with self._transaction("saving") as db:
            for name, payload in rows:
                found = db.execute(
                    text("SELECT updated_at FROM scenarios WHERE owner = :owner AND name = :name"), {**key, "name": name}
                ).fetchone()
                if found is None:
                    inserted = db.execute(
                        text(
                            "INSERT INTO scenarios (id, owner, name, shared, inputs, created_at, updated_at) "
                            "VALUES (:id, :owner, :name, :shared, :inputs, :now, :now) "
                            "ON CONFLICT (owner, name) DO NOTHING"
                        ),
                        {**key, "id": uuid.uuid4().hex, "name": name, "shared": int(bool(shared)), "inputs": payload,
                         "now": now},
                    ).rowcount
                    if inserted == 1:
                        continue
                    found = db.execute(  # saved by another session since it was looked for
                        text("SELECT updated_at FROM scenarios WHERE owner = :owner AND name = :name"),
                        {**key, "name": name},
                    ).fetchone()
                saved_at = found[0]
                if not replace:
                    raise ScenarioExists(f"a scenario named {name!r} exists already (saved {saved_at})", name, saved_at)
                seen = expected.get(name)
                # compare-and-set: the row changes only if it is still the version the caller saw
                statement = "UPDATE scenarios SET inputs = :inputs, updated_at = :now"
                statement += ", shared = :shared" if shared is not None else ""
                statement += " WHERE owner = :owner AND name = :name"
                statement += " AND updated_at = :seen" if seen is not None else ""
                changed = db.execute(
                    text(statement),
                    {**key, "name": name, "inputs": payload, "now": now, "seen": seen, "shared": int(bool(shared))},
                ).rowcount
                if changed != 1:
                    latest = db.execute(
                        text("SELECT updated_at FROM scenarios WHERE owner = :owner AND name = :name"),
                        {**key, "name": name},
                    ).scalar()
                    raise ScenarioExists(
                        f"{name!r} was saved again at {latest}, after you opened it; not replaced", name, latest or ""
                    )
        return len(rows)

    def existing(self, names: Iterable[str]) -> dict[str, str]:
        """Which of ``names`` this owner has saved already, with when each was last saved."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        with self._reading("reading the scenarios") as db:
            rows = db.execute(
                text("SELECT name, updated_at FROM scenarios WHERE owner = :owner"), {"owner": self.owner}
            ).fetchall()
        chosen = set(wanted)
        return {name: when for name, when in rows if name in chosen}

    def scenarios(self) -> list[SavedScenario]:
        """This owner's scenarios and those shared with the team, the most recently saved first."""
        with self._reading("reading the scenarios") as db:
            rows = db.execute(
                text(
                    "SELECT id, name, inputs, created_at, updated_at, owner, shared FROM scenarios "
                    "WHERE owner = :owner OR shared = 1 ORDER BY updated_at DESC, name"
                ),
                {"owner": self.owner},
            ).fetchall()
        return [self._scenario(r) for r in rows]

    def _scenario(self, row: Any) -> SavedScenario:
        sid, name, raw, created, updated, owner, shared = row
        return SavedScenario(name, self._inputs(name, raw), created, updated, sid, owner, bool(shared))

    def _inputs(self, name: str, raw: str) -> StudyInputs:
        try:
            return StudyInputs(**json.loads(raw))
        except (ValueError, TypeError) as exc:
            raise StoreError(f"{self.where}: scenario {name!r} does not read back: {exc}") from None

    def load_scenario(self, name: str) -> StudyInputs:
        """The inputs this owner saved under ``name``."""
        with self._reading("reading the scenario") as db:
            raw = db.execute(
                text("SELECT inputs FROM scenarios WHERE owner = :owner AND name = :name"),
                {"owner": self.owner, "name": name},
            ).scalar()
        if raw is None:
            raise CostModelError(f"load_scenario: no scenario named {name!r}")
        return self._inputs(name, raw)

    def scenario(self, scenario_id: str) -> SavedScenario:
        """The scenario of ``scenario_id`` when it is this owner's or shared; another user's private
        one is "not found", as one that does not exist (a link never shows its contents)."""
        with self._reading("reading the scenario") as db:
            row = db.execute(
                text(
                    "SELECT id, name, inputs, created_at, updated_at, owner, shared FROM scenarios "
                    "WHERE id = :id AND (owner = :owner OR shared = 1)"
                ),
                {"id": str(scenario_id)[:64], "owner": self.owner},
            ).fetchone()
        if row is None:
            raise CostModelError("scenario: not found (it may be private to its owner, or deleted)")
        return self._scenario(row)

    def _change(self, what: str, statement: str, params: dict[str, Any]) -> int:
        with self._transaction(what) as db:
            return db.execute(text(statement), {"owner": self.owner, **params}).rowcount

    def rename_scenario(self, old: str, new: str) -> None:
        new = check_name(new)
        with self._transaction("renaming") as db:
            taken = db.execute(
                text("SELECT 1 FROM scenarios WHERE owner = :owner AND name = :new"), {"owner": self.owner, "new": new}
            ).fetchone()
            if taken and new != old:
                raise CostModelError(f"rename_scenario: a scenario named {new!r} exists already")
            changed = db.execute(
                text("UPDATE scenarios SET name = :new, updated_at = :now WHERE owner = :owner AND name = :old"),
                {"owner": self.owner, "new": new, "old": old, "now": _now()},
            ).rowcount
            if changed != 1:
                raise CostModelError(f"rename_scenario: no scenario named {old!r}")

    def duplicate_scenario(self, name: str, new: str) -> SavedScenario:
        return self.save_scenario(new, self.load_scenario(name))

    def share_scenario(self, name: str, shared: bool = True) -> None:
        """Share this owner's scenario ``name`` with the team, or make it private again."""
        changed = self._change(
            "sharing",
            "UPDATE scenarios SET shared = :shared WHERE owner = :owner AND name = :name",
            {"name": name, "shared": int(shared)},
        )
        if changed != 1:
            raise CostModelError(f"share_scenario: no scenario named {name!r} of yours")

    def delete_scenario(self, name: str) -> None:
        changed = self._change("deleting", "DELETE FROM scenarios WHERE owner = :owner AND name = :name", {"name": name})
        if changed != 1:
            raise CostModelError(f"delete_scenario: no scenario named {name!r}")

    # --- builds, prices, models and rentals users added -----------------------------------------

    def save(self, *objects: Build | ApiPrice | Model | Rental, shared: bool = False) -> None:
        """Add or replace this owner's builds, prices, models or rentals, all in one transaction (at most
        ``MAX_ADDED`` of each), private or ``shared`` with the team."""
        now = _now()
        with self._transaction("saving") as db:
            for table, column in {_KINDS[type(o)] for o in objects}:
                keys = {getattr(o, column) for o in objects if _KINDS[type(o)][0] == table}
                saved = set(
                    db.execute(
                        text(f"SELECT {column} FROM {table} WHERE owner = :owner"),  # noqa: S608 (fixed names)
                        {"owner": self.owner},
                    ).scalars()
                )
                if len(saved | keys) > MAX_ADDED[table]:
                    raise CostModelError(
                        f"at most {MAX_ADDED[table]:,} {table} may be added; {len(saved):,} are saved and this "
                        f"adds {len(keys - saved):,}: delete some or add fewer"
                    )
            for obj in objects:
                table, key = _KINDS[type(obj)]
                db.execute(
                    text(
                        f"INSERT INTO {table} (owner, {key}, shared, payload, updated_at) "  # noqa: S608 (fixed names)
                        f"VALUES (:owner, :key, :shared, :payload, :now) ON CONFLICT (owner, {key}) DO UPDATE SET "
                        "payload = excluded.payload, updated_at = excluded.updated_at, shared = excluded.shared"
                    ),
                    {"owner": self.owner, "key": getattr(obj, key), "shared": int(shared),
                     "payload": obj.model_dump_json(), "now": now},
                )

    def delete(self, kind: type[Build | ApiPrice | Model | Rental], key: str) -> None:
        table, column = _KINDS[kind]
        self._change(
            "deleting", f"DELETE FROM {table} WHERE owner = :owner AND {column} = :key", {"key": key}  # noqa: S608
        )

    def load(self, kind: type[Build | ApiPrice | Model | Rental]) -> dict[str, Any]:
        """Every object of ``kind`` this owner saved, and those shared with the team (the owner's own win
        an id both have), by id; a row that no longer validates raises ``StoreError``."""
        table, column = _KINDS[kind]
        with self._reading(f"reading the {table}") as db:
            rows = db.execute(
                text(
                    f"SELECT {column}, payload, owner FROM {table} "  # noqa: S608 (fixed names)
                    f"WHERE owner = :owner OR shared = 1 ORDER BY {column}"
                ),
                {"owner": self.owner},
            ).fetchall()
        out: dict[str, Any] = {}
        for key, payload, owner in sorted(rows, key=lambda r: r[2] == self.owner):  # own rows last: they win
            try:
                out[key] = kind(**json.loads(payload))
            except (ValueError, TypeError) as exc:
                raise StoreError(f"{self.where}: saved {table[:-1]} {key!r} does not read back: {exc}") from None
        return dict(sorted(out.items()))

    # --- export and import -----------------------------------------------------------------------

    def export(self, names: Iterable[str] | None = None) -> dict:
        """One or all of this owner's scenarios as a JSON-ready document."""
        chosen = None if names is None else set(names)
        scenarios = [s for s in self.scenarios() if s.owner == self.owner and (chosen is None or s.name in chosen)]
        if chosen is not None and len(scenarios) != len(chosen):
            missing = sorted(chosen - {s.name for s in scenarios})
            raise CostModelError(f"export: no scenario named {', '.join(map(repr, missing))}")
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": _now(),
            "scenarios": [{"name": s.name, "inputs": s.inputs.model_dump(mode="json")} for s in scenarios],
        }
