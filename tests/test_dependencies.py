"""Every third-party module the package imports comes from a dependency pyproject.toml declares.

An undeclared one works on a machine where something else happened to install it and fails on a
clean install. The imports are read from the source (module level and inside functions).
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11+")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_level_modules(package: Path) -> dict[str, list[str]]:
    """Top-level module -> every file importing it, for every non-stdlib, non-kgbuild import."""
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "kgbuild":
                    found.setdefault(top, []).append(str(path.relative_to(package.parent)))
    return found


def declared_distributions(requirements: list[str]) -> set[str]:
    """The distributions the requirements name, plus what their extras pull in (dask[distributed])."""
    declared: set[str] = set()
    for requirement in requirements:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", requirement)
        assert match, requirement
        name, extras = match.group(1), match.group(2)
        declared.add(_canonical(name))
        for extra in (e.strip() for e in (extras or "").split(",") if e.strip()):
            try:
                pulled = requires(name) or []
            except PackageNotFoundError:
                continue
            for line in pulled:
                pulled_name = re.match(r"[A-Za-z0-9._-]+", line)
                if pulled_name and re.search(rf"extra\s*==\s*['\"]{re.escape(extra)}['\"]", line):
                    declared.add(_canonical(pulled_name.group()))
    return declared


def test_every_imported_distribution_is_declared() -> None:
    """The package's imports are run-time dependencies; only kgbuild.training (retraining the
    shipped models) may also use the ``train`` extra."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = declared_distributions(project["dependencies"])
    for_training = declared | declared_distributions(project["optional-dependencies"]["train"])
    providers = packages_distributions()
    imported = imported_top_level_modules(REPO / "kgbuild")
    assert {"spacy", "rdflib", "numpy"} <= set(imported)  # the scan sees imports at all
    undeclared = {
        module: where
        for module, files in imported.items()
        for where in files
        if not any(
            _canonical(d) in (for_training if where.startswith("kgbuild/training/") else declared)
            for d in providers.get(module, [module])
        )
    }
    assert undeclared == {}, f"imported but not in [project] dependencies: {undeclared}"


def test_the_check_sees_an_undeclared_import(tmp_path: Path) -> None:
    package = tmp_path / "kgbuild"
    package.mkdir()
    (package / "a.py").write_text("import os\nfrom kgbuild import b\n\ndef f():\n    import numpy.linalg\n")
    (package / "z.py").write_text("from numpy import zeros\n")
    assert imported_top_level_modules(package) == {"numpy": ["kgbuild/a.py", "kgbuild/z.py"]}
