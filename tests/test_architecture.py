"""The layout's rules, read from the code: a pure core, its readers and plots beside it, the app apart.

* the core (``costmodel/*.py``) reads no file, clock or network and draws nothing: it imports none
  of ``FORBIDDEN``, and never ``costmodel.io`` or ``costmodel.plots`` (the package's ``__init__``
  re-exports ``load_catalog`` for notebooks; it is the facade, not the core);
* nothing in ``costmodel`` imports the app (``ui``, ``pages``) or Streamlit;
* ``costmodel.plots`` does no arithmetic on results it is not given: it imports no engine;
* the core asks no clock: no ``today()`` or ``now()`` (the date a computation is made is an argument);
* there is no import cycle inside ``costmodel``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "costmodel"
FORBIDDEN = {"os", "pathlib", "sqlite3", "urllib", "http", "socket", "shutil", "subprocess", "plotly", "streamlit"}
CORE = sorted(p for p in PACKAGE.glob("*.py") if p.name != "__init__.py")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports when it runs, absolute (relative imports resolved), at any depth
    of the file; imports under ``if TYPE_CHECKING:`` serve annotations only and are left out."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for block in ast.walk(tree):  # imports for annotations only (if TYPE_CHECKING:) are not run
        if isinstance(block, ast.If) and getattr(block.test, "id", getattr(block.test, "attr", "")) == "TYPE_CHECKING":
            block.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_the_core_reads_no_file_clock_or_network_and_draws_nothing(path):
    found = imports(path)
    assert sorted(n for n in found if top(n) in FORBIDDEN) == []
    assert sorted(n for n in found if n.startswith(("costmodel.io", "costmodel.plots"))) == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_nothing_in_the_library_imports_the_app(path):
    assert sorted(n for n in imports(path) if top(n) in ("ui", "pages", "streamlit", "app")) == []


@pytest.mark.parametrize("path", sorted((PACKAGE / "plots").glob("*.py")), ids=lambda p: p.name)
def test_plots_take_finished_results(path):
    computing = ("costmodel.engine", "costmodel.ownership", "costmodel.speed", "costmodel.memory", "numpy.random")
    assert sorted(n for n in imports(path) if n.startswith(computing)) == []


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_the_core_asks_no_clock(path):
    calls = [
        node.func.attr
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    ]
    assert [c for c in calls if c in ("today", "now", "utcnow", "time", "perf_counter")] == []


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk of ``graph`` (module -> modules it imports) meets."""
    state: dict[str, str] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == "open":
                cycles.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return cycles


def test_no_import_cycle_inside_costmodel():
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    facades = {"costmodel", "costmodel.io", "costmodel.plots"}  # packages' __init__: re-exports only
    graph = {
        name: {dep for dep in imports(path) if dep in modules and dep != name and dep not in facades}
        for name, path in modules.items()
        if name not in facades
    }
    assert len(graph) > 20
    assert find_cycles(graph) == []
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_rules_would_catch_a_breach(tmp_path):
    """The checks themselves can fail: a module that reads a file and imports a reader is caught."""
    bad = PACKAGE / "_breach_probe.py"
    try:
        bad.write_text("import os\nfrom .io.catalog import load_catalog\nimport datetime\nx = datetime.date.today()\n")
        found = imports(bad)
        assert "os" in found and "costmodel.io.catalog" in found
        calls = [n.func.attr for n in ast.walk(ast.parse(bad.read_text())) if isinstance(n, ast.Call)]
        assert "today" in calls
    finally:
        bad.unlink()
