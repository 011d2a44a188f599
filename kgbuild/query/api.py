"""What ``kgbuild query`` and ``kgbuild ask`` do: pick the query (named, file, or text), bind parameters, run it."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from kgbuild.query.ask import AskResult, ask
from kgbuild.query.library import LibraryError, NamedQuery, load_query, parse_query_file
from kgbuild.query.names import NameIndex, UnknownName
from kgbuild.query.run import QueryError, QueryOutcome, QueryUsageError, Term, run_query
from kgbuild.store import open_store, store_path

DEFAULT_LIMIT = 1_000  # answers a query keeps unless told: the first page of a ranking, not all of it
ASK_PAGE_SIZE = 25  # answers to a question shown at once: a screenful, the rest a page away


def _is_file(path: Path) -> bool:
    """Whether ``path`` names a file; False for text no file system takes as a path (a long query)."""
    try:
        return path.is_file()
    except OSError:  # e.g. ENAMETOOLONG: one-line SPARQL longer than a file name may be
        return False


def pick_query(query: str) -> NamedQuery:
    """A ``.rq`` file path, the name of a shipped query, or SPARQL text, as a ``NamedQuery``."""
    text = query.strip()
    path = Path(text)
    if text.endswith(".rq") or ("\n" not in text and _is_file(path)):
        try:
            return parse_query_file(path.stem, path.read_text(encoding="utf-8"))
        except OSError as e:
            raise QueryError(f"cannot read query file {path}: {e.strerror or e}") from e
    if "{" not in text and " " not in text:  # a bare word can only be a name
        try:
            return load_query(text)
        except LibraryError as e:
            raise QueryError(str(e)) from e
    return NamedQuery("inline", "", text)


_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")


def check_param_names(query: NamedQuery, names: Iterable[str]) -> None:
    """Refuse a parameter the query cannot take, before the engine sees it (its message names
    internals such as the SELECT projection): a named query takes its declared parameters, SPARQL
    text the variables it uses."""
    for name in names:
        if query.params:
            if query.param(name) is None:
                taken = ", ".join(p.name for p in query.params)
                raise QueryUsageError(f"query {query.name!r} has no parameter {name!r}; it takes: {taken}")
            continue
        if not _VARIABLE_NAME.fullmatch(name):
            raise QueryUsageError(f"-p {name}=…: a parameter is a query variable's name (letters, digits, _)")
        used = sorted(set(_VARIABLE.findall(query.sparql)))
        if name not in used:
            listed = ", ".join(used) if used else "none"
            raise QueryUsageError(f"-p {name}=…: the query has no variable ?{name} to bind (its variables: {listed})")


def bind_params(query: NamedQuery, params: Mapping[str, str], index: NameIndex | None) -> dict[str, Term]:
    """Turn ``name=value`` strings into RDF terms following the query's declared parameter kinds."""
    check_param_names(query, params)
    bound: dict[str, Term] = {}
    for name, value in params.items():
        declared = query.param(name)
        kind = declared.kind if declared else ("iri" if value.startswith("<") else "literal")
        try:
            if kind == "entity" and index is not None:
                matches = index.resolve(value)
                if len(matches) > 1:
                    listed = "; ".join(f"{m.label} <{m.iri}>" for m in matches)
                    raise QueryError(f"{value!r} names {len(matches)} entities ({listed}); pass one as <IRI>")
                bound[name] = ox.NamedNode(matches[0].iri)
            elif kind == "paper" and index is not None:
                bound[name] = ox.NamedNode(index.resolve_paper(value).iri)
            elif kind == "iri":
                bound[name] = ox.NamedNode(value.strip().strip("<>"))
            else:
                bound[name] = ox.Literal(value)
        except UnknownName as e:
            hint = f"; did you mean: {', '.join(e.suggestions)}" if e.suggestions else ""
            raise QueryError(f"{e}{hint}") from e
        except ValueError as e:  # pyoxigraph rejects a malformed IRI
            raise QueryError(f"parameter {name}: {e}") from e
    missing = [p.name for p in query.params if p.required and p.name not in bound]
    if missing:
        raise QueryError(f"query {query.name!r} needs --param {missing[0]}=VALUE ({query.param(missing[0]).doc})")  # type: ignore[union-attr]
    return bound


def query_build(
    out_dir: str | os.PathLike[str],
    query: str,
    params: Mapping[str, str] | None = None,
    limit: int | None = DEFAULT_LIMIT,
    warn: Callable[[str], None] | None = None,
    offset: int = 0,
) -> QueryOutcome:
    """Run a query against the store of a build directory (``limit``/``offset``: one page of its
    answers, all when ``limit`` is None); ``warn`` hears about a slow name lookup ahead."""
    store = open_store(store_path(out_dir))
    named = pick_query(query)
    check_param_names(named, params or {})
    index = NameIndex.for_build(out_dir, store, warn) if params else None
    return run_query(store, named.sparql, bindings=bind_params(named, params or {}, index), limit=limit, offset=offset)


def ask_build(
    out_dir: str | os.PathLike[str],
    question: str,
    warn: Callable[[str], None] | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> AskResult:
    """Answer a plain-English question from the store of a build directory (names through its index);
    ``limit``/``offset`` pick a page of the answers (all when ``limit`` is None)."""
    store = open_store(store_path(out_dir))
    return ask(store, question, NameIndex.for_build(out_dir, store, warn), limit=limit, offset=offset)
