"""The dashboard for a team: several Streamlit replicas behind HAProxy, sharing one PostgreSQL.

    python3 tasks.py serve-team [--replicas N] [--pg-port 5433]
                                  (sets up .venv, installs Debian's postgresql and haproxy, calls serve)

Standard library only, so that ``tasks.py`` can import it before ``.venv`` exists. The layout::

    browser ──> HAProxy, one frontend on 127.0.0.1:8501 (BREAKEVEN_PORT / BREAKEVEN_ADDRESS)
                  │  a new visitor goes to the next replica (roundrobin); the response sets the
                  │  cookie SERVERID=r<i>, and every later request of that browser (the page, its
                  │  assets, the WebSocket /_stcore/stream) goes to the same replica: Streamlit
                  │  keeps a session in the memory of one process. A replica that stops answering
                  │  /_stcore/health is taken out within about 2 s; its browsers are sent to
                  │  another one (``option redispatch``), where Streamlit starts a fresh session.
                  ├──> replica r1: streamlit run app.py, 127.0.0.1:<free port>, headless, no file watcher
                  ├──> replica r2: ...
                  │       env BREAKEVEN_DATABASE_URL=postgresql+psycopg://breakeven@127.0.0.1:5433/breakeven
                  │       env BREAKEVEN_HOME=<the same for every replica> (the store's SQLite file
                  │           when no database URL is given)
                  │       --secrets.files <team>/secrets.toml: [auth] cookie_secret, one for all replicas
                  └──> PostgreSQL: its own cluster (initdb), 127.0.0.1 only, trust auth, no Unix
                       socket; role and database ``breakeven``

Persistent data of ``serve``, in ``$BREAKEVEN_HOME/team/`` (``~/.local/share/breakeven/team/``)::

    postgres/        the cluster: data/ (PGDATA) and postgres.log. Run as root, the cluster
                     belongs to the ``postgres`` user; when that user cannot reach this directory
                     (root's home is 0700), the cluster lives in /var/lib/postgresql/breakeven-team-<hash>/
                     and ``postgres`` is a symbolic link to it
    secrets.toml     the cookie secret, made once (mode 0600) and never rewritten; every replica
                     reads it. Sign-in (ui/auth.py) turns on when its [auth] section also holds a
                     provider's redirect_uri (the proxy's URL + /oauth2callback), client_id,
                     client_secret and server_metadata_url: add them there
    run/             this run's haproxy.cfg, the replicas' and HAProxy's logs, and their PIDs (a
                     ``serve`` that was killed leaves them running; the next one stops them)

A replica pinned by SERVERID that dies: HAProxy's next connection to it is refused and sent to a
live replica at once (``option redispatch 1``), which answers with a new SERVERID; the browser's
Streamlit reconnects its WebSocket there and runs the page again in a new session (what the old
session held in memory is gone; what it saved is in the database). XSRF tokens in Streamlit 1.67
are not signed, so they survive the move; sign-in cookies are signed with the shared cookie secret.

The tests and ``bench/load.py`` use throwaway clusters and teams on free ports
(``tests/team_kit.py``), built from the same parts: ``Postgres``, ``start_replicas``,
``haproxy_config``/``Proxy`` and ``Team``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ui import paths
from ui.paths import DATABASE_URL_ENV, HOME_ENV
from ui.serve import command as serve_command

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
DATABASE = "breakeven"  # the role and the database the app uses
COOKIE = "SERVERID"
HEALTH = "/_stcore/health"
#: Debian's packages for what this module runs
PACKAGES = ("postgresql", "haproxy")
DEFAULT_PG_PORT = 5433  # beside a system PostgreSQL on 5432


class MissingPackage(RuntimeError):
    """PostgreSQL or HAProxy is not installed; the message names the apt-get command."""


class TeamError(RuntimeError):
    """A part of the team did not start or stop; the message says which, with its log's end."""


# --- what is installed ---------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding initdb, pg_ctl and postgres
    (``BREAKEVEN_PG_BIN`` overrides), or None."""
    override = os.environ.get("BREAKEVEN_PG_BIN")

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in p.parent.name.split(".") if x.isdigit())

    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    candidates = [Path(override)] if override else installed
    for bin_dir in candidates:
        if all((bin_dir / tool).exists() for tool in ("initdb", "pg_ctl", "postgres", "psql", "pg_isready")):
            return bin_dir
    return None


def haproxy_bin() -> str | None:
    """HAProxy's binary (``BREAKEVEN_HAPROXY`` overrides), or None. /usr/sbin is not on a user's PATH."""
    override = os.environ.get("BREAKEVEN_HAPROXY")
    if override:
        return override if Path(override).exists() else shutil.which(override)
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if Path(p).exists()), None)


def missing_packages() -> list[str]:
    """Debian packages of ``PACKAGES`` whose programs are not found."""
    missing = []
    if postgres_bin() is None:
        missing.append("postgresql")
    if haproxy_bin() is None:
        missing.append("haproxy")
    return missing


def install_command(packages: Sequence[str] = PACKAGES) -> str:
    return f"sudo apt-get install -y {' '.join(packages)}"


def require(*packages: str) -> None:
    """Raise ``MissingPackage`` naming the apt-get command when any of ``packages`` is missing."""
    missing = [p for p in missing_packages() if p in (packages or PACKAGES)]
    if missing:
        raise MissingPackage(
            f"{' and '.join(missing)} not installed (the team deployment and its tests need PostgreSQL "
            f"server binaries under /usr/lib/postgresql/*/bin and HAProxy): {install_command(missing)}"
        )


# --- small helpers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def port_in_use(port: int, host: str = LOOPBACK) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def healthy(url: str, timeout_s: float = 2.0) -> bool:
    """Whether ``url``/_stcore/health answers ``ok``."""
    try:
        with urllib.request.urlopen(f"{url}{HEALTH}", timeout=timeout_s) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


def tail(path: Path, chars: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return f"(no log at {path})"


def _as_root() -> bool:
    return os.geteuid() == 0


def _clean_env() -> dict[str, str]:
    """The environment without PG* variables (a stray PGHOST or PGDATA would redirect the tools)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"  # messages in English whatever the locale; a missing locale would stop initdb
    return env


def _postgres_can_reach(directory: Path) -> bool:
    """Whether the ``postgres`` user may walk into ``directory`` (root's 0700 home stops it)."""
    if not _as_root():
        return True
    return subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(directory)]).returncode == 0


def _give_to_postgres(path: Path) -> None:
    if _as_root():
        shutil.chown(path, "postgres", "postgres")


# --- PostgreSQL ----------------------------------------------------------------------------------


@dataclass
class Postgres:
    """One PostgreSQL cluster in ``base`` (``base/data`` and ``base/postgres.log``) on ``port``.

    Run as root, ``base`` belongs to ``postgres`` and every server tool runs as that user
    (``runuser -u postgres --``): PostgreSQL refuses to run as root. The cluster listens on
    127.0.0.1 only, with trust authentication and no Unix socket.
    """

    base: Path
    port: int = DEFAULT_PG_PORT
    #: False for throwaway clusters: no fsync (a test never needs to survive a power cut)
    durable: bool = True
    bin_dir: Path | None = None

    def __post_init__(self) -> None:
        self.base = Path(self.base)
        if self.bin_dir is None:
            require("postgresql")
            self.bin_dir = postgres_bin()

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def log(self) -> Path:
        return self.base / "postgres.log"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL the app reads from ``BREAKEVEN_DATABASE_URL``."""
        return f"postgresql+psycopg://{DATABASE}@{LOOPBACK}:{self.port}/{DATABASE}"

    # the tools ---------------------------------------------------------------------------------

    def _server_tool(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """initdb or pg_ctl, as ``postgres`` when we are root, from a directory that user may enter."""
        cmd = [str(self.bin_dir / tool), *args]
        if _as_root():
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, cwd=self.base, env=_clean_env(), capture_output=True, text=True, timeout=180)
        if check and result.returncode != 0:
            raise TeamError(
                f"PostgreSQL: {' '.join(cmd)} failed ({result.returncode}): {result.stderr.strip()[-1500:]}\n"
                f"--- {self.log} ---\n{tail(self.log)}"
            )
        return result

    def psql(self, sql: str, database: str = "postgres", user: str = "postgres") -> str:
        """Run ``sql`` over TCP and return its rows, unaligned (``-tA``)."""
        cmd = [str(self.bin_dir / "psql"), "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1",
               "-h", LOOPBACK, "-p", str(self.port), "-U", user, "-d", database, "-c", sql]  # fmt: skip
        result = subprocess.run(cmd, env=_clean_env(), capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise TeamError(f"PostgreSQL: {sql!r} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def dump(self, database: str = DATABASE) -> str:
        """``pg_dump`` of ``database``'s rows, as text: to find what an app saved without knowing its schema."""
        cmd = [str(self.bin_dir / "pg_dump"), "--data-only", "--no-owner",
               "-h", LOOPBACK, "-p", str(self.port), "-U", "postgres", database]  # fmt: skip
        result = subprocess.run(cmd, env=_clean_env(), capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise TeamError(f"PostgreSQL: pg_dump {database} failed: {result.stderr.strip()}")
        return result.stdout

    # the cluster -------------------------------------------------------------------------------

    @property
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        """initdb into ``base/data`` unless done; (re)write the settings and who may connect."""
        self.base.mkdir(parents=True, exist_ok=True)
        _give_to_postgres(self.base)
        if not _postgres_can_reach(self.base):
            raise TeamError(
                f"PostgreSQL: the postgres user cannot enter {self.base}; put the cluster under a directory "
                "it can reach (e.g. /tmp or /var/lib/postgresql)"
            )
        if not self.initialised:
            args = ["-D", str(self.data), "--username=postgres", "--auth=trust", "--encoding=UTF8", "--no-locale"]
            self._server_tool("initdb", *args, *([] if self.durable else ["--no-sync"]))
        conf = self.data / "postgresql.conf"
        include = "include_if_exists = 'breakeven.conf'"
        if include not in conf.read_text():
            with conf.open("a") as f:
                f.write(f"\n# the settings of deploy/team.py\n{include}\n")
        settings = [
            "# written by deploy/team.py on every start",
            f"listen_addresses = '{LOOPBACK}'",
            f"port = {self.port}",
            "unix_socket_directories = ''",  # TCP only: no socket in /var/run/postgresql to own
            "max_connections = 200",
        ]
        if not self.durable:
            settings += ["fsync = off", "full_page_writes = off"]
        self._write(self.data / "breakeven.conf", "\n".join(settings) + "\n")
        self._write(
            self.data / "pg_hba.conf",
            "# written by deploy/team.py: anyone on this machine, over TCP to 127.0.0.1, without a password\n"
            "host all all 127.0.0.1/32 trust\n",
        )

    def _write(self, path: Path, text: str) -> None:
        path.write_text(text)
        path.chmod(0o600)
        _give_to_postgres(path)

    def pid(self) -> int | None:
        """The postmaster's PID, if it runs."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def running(self) -> bool:
        return self._server_tool("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def start(self, timeout_s: float = 60) -> None:
        """Start the cluster (initdb first if needed), wait until it accepts connections, and make
        the role and database ``breakeven`` if they are missing."""
        self.init()
        if self.running():
            raise TeamError(f"PostgreSQL: a server already runs on {self.data} (pid {self.pid()}); stop it first")
        if port_in_use(self.port):
            raise TeamError(f"PostgreSQL: port {self.port} on {LOOPBACK} is taken by another program")
        self._pg_ctl_start(timeout_s)
        if not self.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{DATABASE}'"):
            self.psql(f"CREATE ROLE {DATABASE} LOGIN")
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"):
            self.psql(f"CREATE DATABASE {DATABASE} OWNER {DATABASE}")

    def wait_ready(self, timeout_s: float = 60) -> None:
        """Until ``pg_isready`` says the server accepts connections on 127.0.0.1:port."""
        deadline = time.monotonic() + timeout_s
        cmd = [
            str(self.bin_dir / "pg_isready"),
            "-q",
            "-h",
            LOOPBACK,
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-t",
            "1",
        ]
        while subprocess.run(cmd, env=_clean_env()).returncode != 0:
            if time.monotonic() > deadline:
                raise TeamError(f"PostgreSQL did not accept connections on port {self.port} within "
                                f"{timeout_s:.0f} s\n--- {self.log} ---\n{tail(self.log)}")  # fmt: skip
            time.sleep(0.1)

    def stop(self, timeout_s: float = 60) -> None:
        """Stop it (``-m fast``: open connections are cut, transactions rolled back); nothing if stopped."""
        if not self.data.exists() or not self.running():
            return
        result = self._server_tool("pg_ctl", "-D", str(self.data), "-w", "-t", str(int(timeout_s)),
                                   "-m", "fast", "stop", check=False)  # fmt: skip
        if result.returncode != 0 and self.running():
            self._server_tool("pg_ctl", "-D", str(self.data), "-w", "-m", "immediate", "stop", check=False)

    def restart(self, down_s: float = 0.0, timeout_s: float = 60) -> None:
        """Stop (cutting every open connection), stay down ``down_s`` seconds, start again and wait."""
        self.stop(timeout_s)
        time.sleep(down_s)
        self._pg_ctl_start(timeout_s)

    def _pg_ctl_start(self, timeout_s: float) -> None:
        self._server_tool("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(int(timeout_s)), "start")
        self.wait_ready(timeout_s)


def throwaway_base(prefix: str = "breakeven-pg-") -> Path:
    """A new directory for a throwaway cluster, one the ``postgres`` user can reach when we are root."""
    for parent in (Path(tempfile.gettempdir()), Path("/tmp"), Path("/var/lib/postgresql")):
        if parent.is_dir() and _postgres_can_reach(parent):
            base = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
            _give_to_postgres(base)
            return base
    raise TeamError("no directory the postgres user can reach for a throwaway cluster")


def persistent_base(team_dir: Path) -> Path:
    """``team_dir/postgres``, or, when root and ``postgres`` cannot reach ``team_dir``, a directory
    under /var/lib/postgresql that ``team_dir/postgres`` links to (returned resolved)."""
    link = team_dir / "postgres"
    if link.is_symlink() or link.is_dir() or _postgres_can_reach(team_dir):
        return link.resolve()
    digest = hashlib.sha256(str(team_dir.resolve()).encode()).hexdigest()[:10]
    real = Path("/var/lib/postgresql") / f"breakeven-team-{digest}"
    real.mkdir(parents=True, exist_ok=True)
    _give_to_postgres(real)
    link.symlink_to(real, target_is_directory=True)
    return real


# --- HAProxy -------------------------------------------------------------------------------------


def haproxy_config(port: int, backends: Sequence[tuple[str, int]], address: str = LOOPBACK) -> str:
    """One frontend on ``address:port``, roundrobin over ``backends`` ((name, port) on 127.0.0.1)
    with cookie affinity, WebSocket tunnels and health checks on /_stcore/health."""
    user = ""
    if _as_root() and _user_exists("haproxy"):
        user = "    user haproxy\n    group haproxy\n"  # it binds as root, then drops to Debian's haproxy user
    servers = "\n".join(f"    server {name} {LOOPBACK}:{p} cookie {name}" for name, p in backends)
    return f"""\
# written by deploy/team.py
global
{user}    log stderr format raw local0 info
    maxconn 4096

defaults
    mode http
    log global
    option httplog
    option dontlog-normal          # log only errors and failed connections
    option redispatch 1           # a client pinned to a dead replica goes to a live one, at the first retry
    retries 2
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-request 15s
    timeout http-keep-alive 15s
    # a Streamlit session is one WebSocket (/_stcore/stream) that may sit idle for long: once
    # upgraded, it is a tunnel and only this timeout applies
    timeout tunnel 8h
    timeout client-fin 5s

frontend breakeven
    bind {address}:{port}
    default_backend replicas

backend replicas
    balance roundrobin
    # sticky sessions: the first response names its replica in SERVERID; the cookie never reaches
    # the app (indirect), and no shared cache may keep a response that sets it (nocache)
    cookie {COOKIE} insert indirect nocache httponly attr "SameSite=Lax"
    option httpchk
    http-check send meth GET uri {HEALTH}
    http-check expect string ok
    default-server check inter 1s fastinter 500ms downinter 1s fall 2 rise 2
{servers}
"""


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@dataclass
class Proxy:
    """HAProxy in the foreground (``-db``) with ``config`` written to ``run_dir/haproxy.cfg``."""

    config: str
    run_dir: Path
    port: int
    address: str = LOOPBACK
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Where to reach it from this machine (127.0.0.1 when it listens on every interface)."""
        host = LOOPBACK if self.address in ("0.0.0.0", "::", "") else self.address
        return f"http://{host}:{self.port}"

    @property
    def log(self) -> Path:
        return self.run_dir / "haproxy.log"

    def start(self, timeout_s: float = 30) -> None:
        require("haproxy")
        binary = haproxy_bin()
        cfg = self.run_dir / "haproxy.cfg"
        cfg.write_text(self.config)
        check = subprocess.run([binary, "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)
        if check.returncode != 0:
            raise TeamError(f"HAProxy refused {cfg}: {check.stdout}{check.stderr}")
        if port_in_use(self.port, self.address if self.address not in ("0.0.0.0", "::") else LOOPBACK):
            raise TeamError(f"HAProxy: port {self.port} is taken by another program")
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [binary, "-db", "-f", str(cfg)], stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        deadline = time.monotonic() + timeout_s
        while not healthy(self.url):
            if self.proc.poll() is not None:
                raise TeamError(f"HAProxy exited with {self.proc.returncode}:\n{tail(self.log)}")
            if time.monotonic() > deadline:
                raise TeamError(f"HAProxy on port {self.port} did not reach a replica within {timeout_s:.0f} s")
            time.sleep(0.1)

    def stop(self) -> None:
        _terminate(self.proc)


def _terminate(proc: subprocess.Popen | None, timeout_s: float = 15) -> None:
    """SIGTERM the process by its own PID, wait, SIGKILL if it lingers."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- Streamlit replicas --------------------------------------------------------------------------


def venv_python() -> str:
    """The project's virtualenv Python (Streamlit is installed there), else this interpreter."""
    py = ROOT / ".venv" / "bin" / "python"
    return str(py) if py.exists() else sys.executable


def write_secrets(path: Path, cookie_secret: str | None = None) -> Path:
    """A Streamlit secrets file with ``[auth] cookie_secret``, made once and kept (mode 0600)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    cookie_secret = cookie_secret or secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(
            "# written by deploy/team.py: one cookie secret for every replica (Streamlit signs its sign-in\n"
            "# cookies with it; a cookie signed by one replica must be valid on the others)\n"
            f'[auth]\ncookie_secret = "{cookie_secret}"\n'
        )
    return path


@dataclass
class Replica:
    """One server of app.py (``ui.serve``) on 127.0.0.1:port, logging to ``log``."""

    name: str
    port: int
    log: Path
    cmd: list[str]
    env: dict[str, str]
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def spawn(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                self.cmd, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log
            )

    def wait_healthy(self, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        while not healthy(self.url):
            if not self.alive():
                raise TeamError(f"replica {self.name} exited with {self.proc.returncode}:\n{tail(self.log)}")
            if time.monotonic() > deadline:
                raise TeamError(f"replica {self.name} did not answer on {self.url} within {timeout_s:.0f} s")
            time.sleep(0.2)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` (SIGKILL: no clean-up at all) and reap it."""
        if self.alive():
            self.proc.send_signal(sig)
            self.proc.wait()

    def stop(self) -> None:
        _terminate(self.proc)


def start_replicas(
    n: int,
    run_dir: Path,
    database_url: str,
    secrets_file: Path,
    home: Path,
    ports: Sequence[int] | None = None,
    python: str | None = None,
    timeout_s: float = 90,
    meanwhile: Callable[[], None] | None = None,
) -> list[Replica]:
    """Start ``n`` replicas of app.py at once, each on its own loopback port, and wait for their health.

    ``meanwhile`` runs after they are spawned and before the wait (the team starts PostgreSQL
    then: Streamlit runs no script, so opens no connection, before a browser connects).
    """
    ports = list(ports) if ports else [free_port() for _ in range(n)]
    replicas = []
    for i, port in enumerate(ports[:n], start=1):
        name = f"r{i}"
        cmd = serve_command(python or venv_python(), ROOT / "app.py",
                            "--server.headless", "true", "--server.port", str(port), "--server.address", LOOPBACK,
                            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                            "--secrets.files", str(secrets_file))  # fmt: skip
        env = {**os.environ, DATABASE_URL_ENV: database_url, HOME_ENV: str(home), "BREAKEVEN_REPLICA": name}
        replicas.append(Replica(name, port, run_dir / f"replica-{name}.log", cmd, env))
    try:
        for replica in replicas:
            replica.spawn()
        if meanwhile is not None:
            meanwhile()
        for replica in replicas:
            replica.wait_healthy(timeout_s)
    except BaseException:
        stop_replicas(replicas)
        raise
    return replicas


def stop_replicas(replicas: Sequence[Replica]) -> None:
    for replica in replicas:
        if replica.alive():
            replica.proc.send_signal(signal.SIGTERM)
    for replica in replicas:
        replica.stop()


# --- the whole team ------------------------------------------------------------------------------


@dataclass
class Team:
    """PostgreSQL, the replicas and HAProxy, started in that order and stopped in reverse."""

    postgres: Postgres
    replicas: list[Replica] = field(default_factory=list)
    proxy: Proxy | None = None

    @property
    def url(self) -> str:
        return self.proxy.url

    @property
    def replica_urls(self) -> dict[str, str]:
        return {r.name: r.url for r in self.replicas}

    def replica(self, name: str) -> Replica:
        [found] = [r for r in self.replicas if r.name == name]
        return found

    def kill_replica(self, name: str, sig: int = signal.SIGKILL) -> None:
        self.replica(name).kill(sig)

    def restart_postgres(self, down_s: float = 0.0) -> None:
        self.postgres.restart(down_s)

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        stop_replicas(self.replicas)
        self.postgres.stop()


@contextlib.contextmanager
def team(
    postgres: Postgres,
    replicas: int,
    port: int,
    run_dir: Path,
    secrets_file: Path,
    home: Path,
    address: str = LOOPBACK,
    python: str | None = None,
) -> Iterator[Team]:
    """Start ``postgres``, ``replicas`` replicas and HAProxy on ``address:port``; stop all on the way out."""
    run_dir.mkdir(parents=True, exist_ok=True)
    require()
    t = Team(postgres)
    try:
        # PostgreSQL's initdb and start overlap the replicas' start-up (a few seconds each)
        t.replicas = start_replicas(
            replicas, run_dir, postgres.url, secrets_file, home, python=python, meanwhile=postgres.start
        )
        config = haproxy_config(port, [(r.name, r.port) for r in t.replicas], address)
        t.proxy = Proxy(config, run_dir, port, address)
        t.proxy.start()
        yield t
    finally:
        t.stop()


def _record_pids(path: Path, procs: Sequence[subprocess.Popen | None]) -> None:
    path.write_text("".join(f"{p.pid}\n" for p in procs if p is not None))


def _stop_leftovers(path: Path, marker: str) -> None:
    """SIGTERM what a killed ``serve`` left running: the PIDs it recorded, if their command line still
    names ``marker`` (the team directory), so that a PID reused by another program is left alone."""
    try:
        pids = [int(line) for line in path.read_text().split()]
    except (OSError, ValueError):
        return
    for pid in pids:
        try:
            if marker in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                print(f"breakeven team: stopping process {pid}, left running by an earlier run", flush=True)
                os.kill(pid, signal.SIGTERM)
        except OSError:
            continue
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in pids):
        time.sleep(0.2)


def serve(
    replicas: int = 2,
    port: int = 8501,
    data_dir: str | Path | None = None,
    address: str = LOOPBACK,
    pg_port: int = DEFAULT_PG_PORT,
    python: str | None = None,
) -> None:
    """Start the persistent team, print its URL and keep it up until Ctrl-C (or SIGTERM).

    ``data_dir`` holds the cluster and the cookie secret (``$BREAKEVEN_HOME/team`` by default). A
    replica that dies is started again on its port (at most once every 10 s).
    """
    home = paths.home()
    team_dir = Path(data_dir) if data_dir else home / "team"
    team_dir.mkdir(parents=True, exist_ok=True)
    team_dir.chmod(0o700)
    run_dir = team_dir / "run"
    _stop_leftovers(run_dir / "pids", str(team_dir))
    shutil.rmtree(run_dir, ignore_errors=True)
    secrets_file = write_secrets(team_dir / "secrets.toml")
    pg = Postgres(persistent_base(team_dir), port=pg_port)
    if pg.initialised and pg.running():  # left running by a run that was killed
        print(f"breakeven team: stopping the cluster left running in {pg.data}", flush=True)
        pg.stop()

    def on_signal(*_: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C and a service manager's SIGTERM both stop everything (SIGINT set explicitly: a shell
    # starts a background job with it ignored, and Python then never raises KeyboardInterrupt)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(f"breakeven team: PostgreSQL on {LOOPBACK}:{pg_port} (cluster in {pg.base}), "
          f"{replicas} replica(s), HAProxy on {address}:{port}", flush=True)  # fmt: skip
    try:
        with team(pg, replicas, port, run_dir, secrets_file, home, address, python) as t:
            for r in t.replicas:
                print(f"breakeven team: replica {r.name} at {r.url} (log {r.log})", flush=True)
            shown = f"http://localhost:{port}" if address == LOOPBACK else f"http://{address}:{port}"
            print(f"breakeven team: serving at {shown} (Ctrl-C stops everything)", flush=True)
            _record_pids(run_dir / "pids", [t.proxy.proc, *(r.proc for r in t.replicas)])
            restarted: dict[str, float] = {}
            while True:
                time.sleep(1)
                if t.proxy.proc.poll() is not None:
                    raise TeamError(f"HAProxy exited with {t.proxy.proc.returncode}:\n{tail(t.proxy.log)}")
                if pg.pid() is None:
                    raise TeamError(f"PostgreSQL stopped:\n{tail(pg.log)}")
                for r in t.replicas:
                    if not r.alive() and time.monotonic() - restarted.get(r.name, -1e9) > 10:
                        print(f"breakeven team: replica {r.name} exited ({r.proc.returncode}); starting it again",
                              file=sys.stderr, flush=True)  # fmt: skip
                        restarted[r.name] = time.monotonic()
                        r.spawn()
                        _record_pids(run_dir / "pids", [t.proxy.proc, *(r.proc for r in t.replicas)])
    except KeyboardInterrupt:
        print("\nbreakeven team: stopped", flush=True)
