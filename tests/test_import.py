"""The library stays free of the app: importing it never loads Streamlit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_costmodel_leaves_streamlit_out():
    code = "import sys, costmodel; costmodel.load_catalog(); print('streamlit' in sys.modules, 'plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_no_module_of_the_library_imports_streamlit():
    offenders = [
        p.name for p in (ROOT / "costmodel").rglob("*.py") if "import streamlit" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
