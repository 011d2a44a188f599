"""The named queries shipped in ``kgbuild/queries/*.rq``.

Each file starts with comment lines: the first is the description, then one line per parameter::

    # param target (entity, required): the entity compared against

A parameter is a SPARQL variable that is fixed before the query runs (Oxigraph substitutes it);
an optional parameter left unset simply stays a free variable. Kinds say how a value given on the
command line becomes an RDF term: ``entity`` (a name or alias, resolved), ``paper`` (an id, arXiv
id or IRI), ``literal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

_PARAM = re.compile(
    r"^#\s*param\s+(?P<name>\w+)\s*\((?P<kind>\w+)(?P<req>,\s*required)?(?:,\s*optional)?\)\s*:\s*(?P<doc>.*)$"
)
PARAM_KINDS = ("entity", "paper", "literal")


class LibraryError(LookupError):
    """No such named query, or a query file whose header is malformed."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool
    doc: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    sparql: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse_query_file(name: str, text: str) -> NamedQuery:
    description = ""
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _PARAM.match(line)
        if match:
            if match["kind"] not in PARAM_KINDS:
                raise LibraryError(f"{name}.rq: parameter {match['name']} has unknown kind {match['kind']!r}")
            params.append(Param(match["name"], match["kind"], bool(match["req"]), match["doc"].strip()))
        elif not description:
            description = line.lstrip("#").strip()
    return NamedQuery(name, description, text, tuple(params))


def _query_dir() -> Path:
    return Path(str(resources.files("kgbuild") / "queries"))


def list_queries() -> list[NamedQuery]:
    """All named queries, sorted by name."""
    return [parse_query_file(p.stem, p.read_text(encoding="utf-8")) for p in sorted(_query_dir().glob("*.rq"))]


def load_query(name: str) -> NamedQuery:
    path = _query_dir() / f"{name}.rq"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) or not path.is_file():
        known = ", ".join(q.name for q in list_queries())
        raise LibraryError(f"no named query {name!r}; known: {known}")
    return parse_query_file(name, path.read_text(encoding="utf-8"))
