"""The example notebook runs from top to bottom with the catalogue as it is."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def test_glm52_notebook_executes():
    nb = nbformat.read(ROOT / "examples" / "glm52_decision.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    printed = "".join(
        out.get("text", "") for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
    )
    assert "3 tok/s: 7.9 M tokens a month; 2.07 B tokens take 21.9 years" in printed
    assert "mac-studio-192gb: does not fit" in printed
