"""Where the catalogue's files are, and their text: one reader for every file of ``data/``."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import CostModelError

#: environment variable naming another data directory
DATA_DIR_ENV = "BREAKEVEN_DATA_DIR"


def default_data_dir() -> Path:
    """``$BREAKEVEN_DATA_DIR`` if set, else the repository's ``data/`` beside the package."""
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else Path(__file__).resolve().parents[2] / "data"


def read_text(path: Path) -> str:
    """A catalogue file's text, or a ``CostModelError`` naming it (missing, or not UTF-8)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CostModelError(f"{path}: catalogue file not found") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CostModelError(
            f"{path.name}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
