#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11+.

    python3 tasks.py run          create or reuse .venv, install requirements.txt, start the dashboard
    python3 tasks.py test         create or reuse .venv, install requirements-dev.txt, Debian's chromium,
                                  postgresql and haproxy, run every test
    python3 tasks.py serve-team [--replicas N] [--pg-port P]
                                  the dashboard for a team: N replicas (2) behind HAProxy on
                                  BREAKEVEN_PORT (8501), sharing a PostgreSQL cluster on P (5433)
                                  kept in $BREAKEVEN_HOME/team/ (see deploy/team.py)

A requirements file is installed again only when it changes (a stamp in .venv records its
hash), so a second run starts at once. Uses only the standard library.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
LOOPBACK = "127.0.0.1"


def server_address(env: dict[str, str] | os._Environ = os.environ) -> tuple[str, str | None]:
    """The address to serve on, and a warning when it is reachable from other machines.

    ``BREAKEVEN_ADDRESS`` unset or empty means loopback only: Streamlit would read an empty
    address as every interface.
    """
    address = (env.get("BREAKEVEN_ADDRESS") or "").strip() or LOOPBACK
    if address in (LOOPBACK, "localhost", "::1") or address.startswith("127."):
        return address, None
    return address, (
        f"BREAKEVEN_ADDRESS={address}: the dashboard is served to other machines on the network, "
        "not only to this one; there is no sign-in"
    )


def server_port(env: dict[str, str] | os._Environ = os.environ) -> str:
    """``BREAKEVEN_PORT``, 8501 when unset or empty."""
    return (env.get("BREAKEVEN_PORT") or "").strip() or "8501"


def fail(message: str) -> None:
    print(f"tasks.py: {message}", file=sys.stderr)
    sys.exit(1)


def run(*cmd: str | Path) -> None:
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT)
    if result.returncode != 0:
        fail(f"command failed ({result.returncode}): {' '.join(map(str, cmd))}")


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        fail(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    if PY.exists():
        return
    result = subprocess.run([sys.executable, "-m", "venv", str(VENV)], cwd=ROOT)
    if result.returncode != 0 or not PY.exists():
        shutil.rmtree(VENV, ignore_errors=True)
        fail(
            "could not create .venv. On Debian the venv module is a separate package: "
            "sudo apt-get install python3-venv (or python3.11-venv), then run this again."
        )


def ensure_requirements(requirements: str) -> None:
    """Install ``requirements`` (and the project itself, editable) unless already done."""
    files = [ROOT / "requirements.txt", ROOT / "requirements-dev.txt", ROOT / "pyproject.toml"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files if f.exists())).hexdigest()[:16]
    stamp = VENV / f".installed-{Path(requirements).stem}-{digest}"
    if stamp.exists():
        return
    run(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", requirements)
    run(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps", "-e", ".")
    for old in VENV.glob(f".installed-{Path(requirements).stem}-*"):
        old.unlink()
    stamp.touch()


def cmd_run(extra: list[str]) -> None:
    ensure_venv()
    ensure_requirements("requirements.txt")
    address, warning = server_address()
    port = server_port()
    if warning:
        print(f"breakeven: WARNING: {warning}", file=sys.stderr, flush=True)
    shown = "localhost" if warning is None else address
    print(f"breakeven: starting the dashboard at http://{shown}:{port}", flush=True)
    os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working directory
    from ui.serve import command  # stdlib only: the app served with its first view warmed

    os.execv(
        str(PY),
        command(
            str(PY),
            ROOT / "app.py",
            "--server.address",
            address,
            "--server.port",
            port,
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *extra,
        ),
    )


CHROMIUM = os.environ.get("BREAKEVEN_CHROMIUM", "/usr/bin/chromium")
BROWSER_PACKAGES = ["chromium", "fonts-dejavu-core", "fonts-liberation"]


def apt_install(packages: list[str], what: str) -> bool:
    """Install Debian ``packages`` with apt-get when we are root; False when we may not (not root, no apt)."""
    apt = shutil.which("apt-get")
    if not (apt and os.geteuid() == 0):
        return False
    print(f"tasks.py: installing {what}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in ([apt, "update", "-qq"], [apt, "install", "-y", "-qq", *packages]):
        if subprocess.run(cmd, env=env).returncode != 0:
            fail(f"could not install {what} ({' '.join(cmd)})")
    return True


def ensure_browser() -> None:
    """Debian's chromium for the browser tests: installed with apt when we may, else a clear stop."""
    if Path(CHROMIUM).exists():
        return
    if apt_install(BROWSER_PACKAGES, "Debian's chromium for the browser tests") and Path(CHROMIUM).exists():
        return
    fail(
        f"the browser tests need Chromium at {CHROMIUM}: "
        f"sudo apt-get install {' '.join(BROWSER_PACKAGES)} (or set BREAKEVEN_CHROMIUM), then run this again"
    )


def team_module():
    """``deploy/team.py`` (standard library only: usable before .venv exists)."""
    sys.path.insert(0, str(ROOT))
    from deploy import team

    return team


def ensure_team_packages(why: str) -> None:
    """Debian's postgresql and haproxy: installed with apt when we may, else a clear stop."""
    team = team_module()
    missing = team.missing_packages()
    if not missing:
        return
    if apt_install(missing, f"Debian's {' and '.join(missing)} for {why}") and not team.missing_packages():
        return
    fail(
        f"{why} need PostgreSQL and HAProxy from Debian: "
        f"{team.install_command(team.missing_packages())}, then run this again"
    )


def cmd_test(extra: list[str]) -> None:
    ensure_venv()
    ensure_requirements("requirements-dev.txt")
    ensure_browser()
    ensure_team_packages("the tests of the team deployment")
    result = subprocess.run([str(PY), "-m", "pytest", *extra], cwd=ROOT)
    sys.exit(result.returncode)


def cmd_serve_team(extra: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python3 tasks.py serve-team", description="the dashboard for a team")
    parser.add_argument("--replicas", type=int, default=2, help="Streamlit processes behind HAProxy (default 2)")
    parser.add_argument("--pg-port", type=int, default=5433, help="the PostgreSQL cluster's port (default 5433)")
    args = parser.parse_args(extra)
    if args.replicas < 1:
        fail("--replicas must be 1 or more")
    ensure_venv()
    ensure_requirements("requirements.txt")
    ensure_team_packages("replicas behind HAProxy")
    address, warning = server_address()
    if warning:
        print(f"breakeven: WARNING: {warning}", file=sys.stderr, flush=True)
    team = team_module()
    try:
        team.serve(
            replicas=args.replicas, port=int(server_port()), address=address, pg_port=args.pg_port, python=str(PY)
        )
    except (team.TeamError, team.MissingPackage) as exc:
        fail(str(exc))


COMMANDS = {"run": cmd_run, "test": cmd_test, "serve-team": cmd_serve_team}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        fail(f"usage: python3 tasks.py {{{'|'.join(COMMANDS)}}} [extra arguments]")
    COMMANDS[sys.argv[1]](sys.argv[2:])
