"""Imported first by every page script: wait until the server's warm-up thread (``ui.serve``) has
imported the pages' modules, so that a first session's script never imports the same modules at
the same moment from another thread. Free when nothing warms (tests, plain ``streamlit run``)."""

from ui.serve import IMPORTED

IMPORTED.wait(timeout=120)
