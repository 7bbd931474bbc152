"""Throwaway PostgreSQL clusters and whole teams (PostgreSQL + replicas + HAProxy) for tests and benchmarks.

Built from ``deploy/team.py``, on free loopback ports, in temporary directories removed on the way
out. PostgreSQL or HAProxy missing raises ``deploy.team.MissingPackage`` naming the apt-get command: the tests
that need them fail, they are never skipped (``python3 tasks.py test`` installs both when root).

    with running_postgres() as (url, pg):     # url: postgresql+psycopg://breakeven@127.0.0.1:PORT/breakeven
        pg.restart(); pg.stop()

    with running_team(replicas=2) as team:
        team.url, team.replica_urls           # the proxy, and {"r1": "http://127.0.0.1:...", ...}
        team.kill_replica("r1"); team.restart_postgres()
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deploy import team as deploy  # noqa: E402
from deploy.team import COOKIE, Postgres, Team  # noqa: E402


@contextlib.contextmanager
def running_postgres() -> Iterator[tuple[str, Postgres]]:
    """A throwaway cluster on a free port: yields its SQLAlchemy URL and its handle (restart, stop, psql, dump)."""
    deploy.require("postgresql")
    base = deploy.throwaway_base()
    pg = Postgres(base, port=deploy.free_port(), durable=False)
    try:
        pg.start()
        yield pg.url, pg
    finally:
        try:
            pg.stop()
        finally:
            shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def running_team(replicas: int = 2) -> Iterator[Team]:
    """A throwaway cluster, ``replicas`` Streamlit replicas and HAProxy, all on free ports.

    Every replica gets the cluster's URL in ``BREAKEVEN_DATABASE_URL``, one secrets file with one
    cookie secret, and the same ``BREAKEVEN_HOME`` (a new temporary directory), so
    that until the store reads the URL they share one SQLite file. Yields the ``Team``: ``url``
    (the proxy), ``replica_urls``, ``replicas``, ``kill_replica(name)``, ``restart_postgres()``,
    ``postgres``. A part that does not start raises ``deploy.team.TeamError`` with the end of its log.
    """
    deploy.require()
    scratch = Path(tempfile.mkdtemp(prefix="breakeven-team-"))
    base = deploy.throwaway_base()
    pg = Postgres(base, port=deploy.free_port(), durable=False)
    secrets_file = deploy.write_secrets(scratch / "secrets.toml")
    try:
        with deploy.team(
            pg,
            replicas,
            deploy.free_port(),
            scratch / "run",
            secrets_file,
            scratch / "home",
            python=sys.executable,
        ) as t:
            yield t
    finally:
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


def replica_of(context, url: str) -> str | None:
    """Which replica HAProxy pinned a Playwright browser ``context`` to: its SERVERID cookie for ``url``."""
    return next((c["value"] for c in context.cookies(url) if c["name"] == COOKIE), None)
