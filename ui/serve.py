"""Start the dashboard's server with the first view made ready once per server.

    python -m ui.serve [streamlit options]      (run from the repository's root)

What ``python3 tasks.py run`` and each replica of ``tasks.py serve-team`` run: ``streamlit run app.py``
with, in a thread beside the server, the pages' modules imported and the default view's caches
filled (``ui.warm``), so that work overlaps the first browser's loading of the page.

This module imports only the standard library at the top: ``tasks.py`` imports it, before any
dependency is installed, for ``command``.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
#: set once the warm-up thread has imported the pages' modules (or failed to): every page script
#: waits for it first (``ui.warmed``), so two threads never import the same modules at once.
#: Set from the start unless ``main`` warms.
IMPORTED = threading.Event()
IMPORTED.set()


def command(python: str, script: Path | str = APP, *options: str) -> list[str]:
    """The command line that serves ``script`` with ``options``: the app through this module (warm),
    any other page with plain ``streamlit run``. Run it with the repository's root as working directory."""
    if Path(script).resolve() == APP:
        return [python, "-m", "ui.serve", *options]
    return [python, "-m", "streamlit", "run", str(script), *options]


def _warm_beside_the_server() -> None:
    """Once the server is serving (its own imports done), import the pages' modules and warm the caches."""
    try:
        from streamlit.runtime import Runtime, RuntimeState

        while not (Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL):
            time.sleep(0.02)
        from ui import warm  # the pages' imports: pandas, pydantic, plotly, sqlalchemy, the cost model
    finally:
        IMPORTED.set()
    warm.warm_quietly()


def main(options: list[str]) -> None:
    from streamlit.web import cli  # Streamlit's own imports, before the thread starts importing

    IMPORTED.clear()
    threading.Thread(target=_warm_beside_the_server, name="breakeven-warm", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *options]
    cli.main()


if __name__ == "__main__":
    from ui import serve  # the module's state lives in ``ui.serve``, which the pages import, not in __main__

    serve.main(sys.argv[1:])
