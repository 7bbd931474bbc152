"""A real Streamlit server on a free loopback port, and Debian's chromium for Playwright.

Used by the browser tests, the screenshot script and the benchmarks. Fails loudly (never skips)
when the browser is missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the benchmarks put only tests/ on the path
    sys.path.insert(0, str(ROOT))

from ui import serve  # noqa: E402  (standard library only)

CHROMIUM = os.environ.get("BREAKEVEN_CHROMIUM", "/usr/bin/chromium")
#: a plotly chart that plotly.js has drawn (plotly.js 3 has no `.plot` group)
CHART_DRAWN = '[data-testid="stPlotlyChart"] .main-svg g.trace'
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Debian's chromium, or an error that says how to install it."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        raise RuntimeError(
            f"browser not found at {CHROMIUM}: install Debian's chromium "
            "(sudo apt-get install chromium fonts-dejavu-core fonts-liberation) "
            "or point BREAKEVEN_CHROMIUM at a Chromium binary"
        )
    return CHROMIUM


def launch_args() -> dict:
    return {"executable_path": chromium_path(), "args": CHROMIUM_ARGS, "headless": True}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(
    env: dict[str, str] | None = None,
    timeout_s: float = 60.0,
    script: Path = ROOT / "app.py",
    port: int | None = None,
    extra_args: Sequence[str] = (),
) -> Iterator[str]:
    """Start ``script`` (the app by default) on ``port`` (a free one by default) with ``extra_args`` (e.g.
    ``--secrets.files``); yield its base URL; stop it by its own PID."""
    port = port or free_port()
    cmd = serve.command(
        sys.executable,
        script,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *extra_args,
    )
    log = tempfile.TemporaryFile()  # a file, not a pipe: a chatty server can never block on a full pipe
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited with {proc.returncode}: {log.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer on {base} within {timeout_s:.0f} s")
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
