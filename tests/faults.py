"""Ways to damage the store's file behind SQLite's back, shared by the unit and browser fault tests."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

KINDS = ("truncate", "garbage", "delete", "directory", "replaced")


def damage(kind: str, path: Path) -> None:
    """Damage the SQLite file at ``path`` one of the ``KINDS`` of way (its -wal and -shm go first)."""
    for extra in path.parent.glob(path.name + "-*"):
        extra.unlink()
    if kind == "truncate":
        os.truncate(path, 100)
    elif kind == "garbage":  # the header kept, every page after it random
        with path.open("r+b") as f:
            f.seek(100)
            f.write(os.urandom(path.stat().st_size - 100))
    elif kind == "delete":
        path.unlink()
    elif kind == "directory":
        path.unlink()
        path.mkdir()
    elif kind == "replaced":
        path.write_bytes(b"garbage" * 200)
    else:
        raise ValueError(f"unknown kind of damage {kind!r}; one of {KINDS}")


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "1m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``path``: a disk that fills. Needs root, as CI runs; fails loudly otherwise."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"cannot mount a tmpfs at {path} for the disk-full tests: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
