"""Where the app keeps its store, by environment: read by ``ui.store`` and by ``deploy/team.py``,
which must run before any dependency is installed (standard library only)."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "BREAKEVEN_HOME"
DATABASE_URL_ENV = "BREAKEVEN_DATABASE_URL"


def home() -> Path:
    """``$BREAKEVEN_HOME``, else ``~/.local/share/breakeven``: the folder of the SQLite store."""
    found = os.environ.get(HOME_ENV)
    return Path(found) if found else Path.home() / ".local" / "share" / "breakeven"
