"""The kgbuild ontology and its SHACL shapes, shipped inside the package.

``kgbuild.ttl`` is the ontology (OWL) every RDF output is written in and the single source of
``kgbuild/vocab.py``; ``shapes.ttl`` holds SHACL shapes for what OWL cannot say (cardinalities,
every fact has a reified statement with evidence). Both are package data, read through
``importlib.resources``, so an installed kgbuild has the vocabulary its output uses.
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.abc import Traversable

    from rdflib import Graph

ONTOLOGY_FILE = "kgbuild.ttl"
SHAPES_FILE = "shapes.ttl"


def resource(name: str) -> Traversable:
    """One of the shipped files (``ONTOLOGY_FILE``, ``SHAPES_FILE``) as an importlib resource."""
    return files(__name__) / name


def ontology_text() -> str:
    return resource(ONTOLOGY_FILE).read_text(encoding="utf-8")


def shapes_text() -> str:
    return resource(SHAPES_FILE).read_text(encoding="utf-8")


def ontology_graph() -> Graph:
    """The ontology as an rdflib Graph."""
    from rdflib import Graph

    return Graph().parse(data=ontology_text(), format="turtle")


def shapes_graph() -> Graph:
    """The SHACL shapes as an rdflib Graph."""
    from rdflib import Graph

    return Graph().parse(data=shapes_text(), format="turtle")


def validate(data: Graph, shapes: Graph | None = None) -> tuple[bool, str]:
    """Check an exported graph against the shapes: (conforms, pySHACL's report text).

    No inference is needed: the exporter writes ``kgo:Entity`` and the kind class on every entity.
    Meant for exports of a few thousand papers; pySHACL holds the whole graph in memory.
    """
    from pyshacl import validate as shacl_validate

    conforms, _, text = shacl_validate(
        data, shacl_graph=shapes if shapes is not None else shapes_graph(), inference="none", advanced=True
    )
    return bool(conforms), str(text)
