"""What every session's first view needs, made once per server before the first visitor comes.

``ui.serve`` starts the server and, in a thread beside it, imports the pages' modules and calls
``warm``: the catalogue, and the break-even page's answer and charts for the default inputs, land in
Streamlit's caches, which every session shares. The imports and these sums then overlap the
browser's loading of the page instead of following it. A session with other inputs, or with
builds of its own, computes its view as before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator

from costmodel.study import StudyInputs
from ui import breakeven, params, state

#: the logger that warns of a cached call made outside a session (what warming is)
_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


@contextlib.contextmanager
def _outside_a_session() -> Iterator[None]:
    """Silence Streamlit's 'missing ScriptRunContext' warning for calls made on purpose outside a session."""
    logger = logging.getLogger(_CONTEXT_LOGGER)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def warm(today: dt.date | None = None) -> None:
    """Fill the caches a first visit to the break-even page with the default inputs reads."""
    with _outside_a_session():
        cat = state.base_catalog()
        key = state.catalogue_key({})
        inputs = StudyInputs(**params.DEFAULTS)
        breakeven.view(cat, key, inputs, today or dt.date.today())
        breakeven.price_options(cat, key, inputs.model_id, inputs.input_share, inputs.cached_input_share)
        breakeven.rental_options(cat, key, inputs.model_id, inputs.quant)


def warm_quietly() -> None:
    """``warm``, logging a failure instead of raising it: a first session then computes (and
    reports) whatever failed here."""
    try:
        warm()
    except Exception:
        logging.getLogger("breakeven").exception("warming the caches failed")
