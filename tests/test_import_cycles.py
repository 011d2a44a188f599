"""The export stage has no import cycle: mapping.py owns the graph -> RDF mapping, the writers use it.

Read from the source (every import, at module level or inside a function), so a cycle that happens
to work in today's import order still fails here. A package's ``__init__`` may import its own
submodules (the lazy re-exports of ``kgbuild.export``); that is not a cycle between modules.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kgbuild"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str]) -> set[str]:
    """The kgbuild modules ``path`` imports anywhere in its body (``from a import b``: a, and a.b
    when b is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found.update(name for name in names if name in known)
    return found


def import_graph(under: str) -> nx.DiGraph:
    """Module -> imported module, for the modules of the package ``under`` (e.g. kgbuild.export)."""
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in paths.items():
        if name != under and not name.startswith(under + "."):
            continue
        graph.add_node(name)
        for target in _imports(path, set(paths)):
            lazy_reexport = path.name == "__init__.py" and target.startswith(name + ".")
            if target != name and not lazy_reexport and (target == under or target.startswith(under + ".")):
                graph.add_edge(name, target)
    return graph


def test_export_modules_import_without_a_cycle() -> None:
    graph = import_graph("kgbuild.export")
    assert {"kgbuild.export.mapping", "kgbuild.export.rdf", "kgbuild.export.stream"} <= set(graph)
    assert list(nx.simple_cycles(graph)) == []
    # the writers depend on the mapping, never on each other's internals
    assert graph.has_edge("kgbuild.export.stream", "kgbuild.export.mapping")
    assert graph.has_edge("kgbuild.export.rdf", "kgbuild.export.mapping")
    assert not graph.has_edge("kgbuild.export.stream", "kgbuild.export.rdf")
    assert not graph.has_edge("kgbuild.export.mapping", "kgbuild.export.rdf")
    assert not graph.has_edge("kgbuild.export.mapping", "kgbuild.export.stream")


def test_the_check_sees_a_cycle(tmp_path: Path) -> None:
    """The detector itself: two modules importing each other, one of them inside a function."""
    a = "import kgbuild.export.b\n"
    b = "def f():\n    from kgbuild.export import a\n"
    known = {"kgbuild.export.a", "kgbuild.export.b", "kgbuild.export"}
    (tmp_path / "a.py").write_text(a)
    (tmp_path / "b.py").write_text(b)
    assert _imports(tmp_path / "a.py", known) == {"kgbuild.export.b"}
    assert _imports(tmp_path / "b.py", known) == {"kgbuild.export", "kgbuild.export.a"}


@pytest.mark.parametrize("module", ["mapping", "stream", "rdf"])
def test_each_export_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import kgbuild.export.{module}"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
