"""An installed wheel carries the ontology and the SHACL shapes, and kgbuild finds them in it.

The wheel is built from a copy of the package sources in a temporary directory (the checkout is
left untouched), without build isolation (no download), installed into another temporary
directory, and imported from there in a fresh interpreter.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # builds and installs a wheel: make test-fast skips it


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "kgbuild", source / "kgbuild", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp_path_factory.mktemp("dist")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q"]
    done = subprocess.run([*pip, "-w", str(dist), str(source)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = dist.glob("kgbuild-*.whl")
    return built


def test_the_wheel_holds_the_ontology_and_the_shapes(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"kgbuild/ontology/__init__.py", "kgbuild/ontology/kgbuild.ttl", "kgbuild/ontology/shapes.ttl"} <= names
    shipped = zipfile.ZipFile(wheel).read("kgbuild/ontology/kgbuild.ttl")
    assert shipped == (REPO / "kgbuild" / "ontology" / "kgbuild.ttl").read_bytes()


def test_the_wheel_holds_every_shipped_model_file(wheel: Path) -> None:
    """The package-data patterns reach every file of the trained models (vectors, classifiers, ...)."""
    names = set(zipfile.ZipFile(wheel).namelist())
    model = REPO / "kgbuild" / "nlp" / "model"
    files = {path.relative_to(REPO).as_posix() for path in model.rglob("*") if path.is_file()}
    assert "kgbuild/nlp/model/vectors/known_words.txt" in files
    assert files - names == set()


def test_the_installed_package_reads_them_from_itself(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(site)]
    done = subprocess.run([*install, str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    script = (
        "import sys, kgbuild.ontology as o\n"
        f"assert o.__file__.startswith({str(site)!r}), o.__file__\n"
        "from rdflib import OWL, RDF\n"
        "from kgbuild.vocab import KGO\n"
        "ontology, shapes = o.ontology_graph(), o.shapes_graph()\n"
        "assert (KGO.Paper, RDF.type, OWL.Class) in ontology\n"
        "print(len(ontology), len(shapes), o.resource(o.SHAPES_FILE))\n"
    )
    # the installed copy comes first on the path, before the checkout's editable install; run from
    # elsewhere, since "python -c" puts the working directory (the checkout) first of all
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-c", script]
    done = subprocess.run(run, capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    triples, shape_triples, where = done.stdout.split()
    assert int(triples) > 100 and int(shape_triples) > 50
    assert where.startswith(str(site))
