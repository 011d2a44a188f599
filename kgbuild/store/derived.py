"""What the store holds beyond the export: answers to the questions asked often, worked out once.

A question about one entity can be answered by a few index lookups from the entity; a question
about the whole graph (which models are compared against most), a closure (everything derived
from LLaMA, up to six hops) or a model-level view of what papers state (a paper's comparison is
also its model's) cannot: at 75k papers those read a large part of the store, for seconds, every
time. The build therefore works them out once, from the freshly loaded store, and adds them to
it in one named graph, ``<BASE>derived``, so that SPARQL stays the single interface: a named
query reads a count or a closure like any other triple, and the default graph (the union of all
graphs) sees them.

Everything here is read from the store's own RDF (statements, evidence, results), never from the
build's in-memory graph: the RDF mapping stays in ``kgbuild.export``, and a store loaded from any
kgbuild N-Quads gets the same derived graph. The terms (ontology ``kgbuild.ttl``):

- ``?entity kgo:comparedInPapers n``: papers that compare against the entity;
- ``?entity kgo:benchmarkPapers n``: papers that evaluate on it or report a result on it;
- ``?benchmark kgo:mainMetric ?metric``: the metric with the most absolute results on it;
- a comparison node ``?c kgo:comparer ?x ; kgo:compared ?y ; kgo:statedBy s ; kgo:hasEvidence ?ev``
  for every comparison statement's evidence, where ``?x`` is the entity that states it or, for a
  comparison stated by a paper, each entity the paper proposes (``s``: "entity", "proposing
  paper"; "paper" when the paper proposes nothing, ``?x`` then being the paper);
- a lineage node ``?l kgo:descendant ?d ; kgo:ancestor ?a ; kgo:hops n`` for every entity ``?d``
  based on (or a variant of) ``?a`` through at most ``MAX_HOPS`` edges, ``n`` the fewest, with
  ``kgo:firstStep`` / ``kgo:lastStep`` the based-on/variant-of statements that leave ``?d`` /
  arrive at ``?a`` on such a shortest path: the descendants of X are the nodes whose ancestor is
  X, each with its first steps; X's ancestors those whose descendant is X, with their last steps.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from typing import IO

import pyoxigraph as ox

from kgbuild.export import iris

KGO = "https://w3id.org/kgbuild/ontology#"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
DERIVED_GRAPH = "derived"  # appended to the base IRI
MAX_HOPS = 6  # lineage deeper than this is not listed (and would reach much of the graph)
QUADS_PER_PART = 250_000

_PREFIXES = {
    "kgo": KGO,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcterms": "http://purl.org/dc/terms/",
}
# A statement shared by many papers is written into each paper's graph: over the union default graph
# every pattern of a star met each copy, so the join grew with the cube of the papers sharing it (a
# benchmark named by a thousand papers took minutes; one "variant of" statement in 169 papers gave
# 4.8M rows and the build gigabytes). Each star is joined inside one graph, each answer kept once.
_COMPARISONS = """
SELECT DISTINCT ?source ?compared ?ev ?paper WHERE {
  GRAPH ?g { ?st rdf:predicate kgo:comparesWith ; rdf:subject ?source ; rdf:object ?compared ; kgo:hasEvidence ?ev .
             ?ev kgo:inPaper ?paper }
}
"""
_PROPOSES = "SELECT DISTINCT ?paper ?entity WHERE { ?paper kgo:proposes ?entity }"
_PAPERS = "SELECT ?paper WHERE { ?paper a kgo:Paper }"
_EVALUATED = """
SELECT DISTINCT ?benchmark ?paper WHERE {
  GRAPH ?g { ?st rdf:predicate kgo:evaluatedOn ; rdf:object ?benchmark ; kgo:hasEvidence ?ev . ?ev kgo:inPaper ?paper }
}
"""
_RESULTS = """
SELECT ?paper ?benchmark ?metric ?kind ?value WHERE {
  ?paper kgo:hasResult ?result . ?result kgo:resultBenchmark ?benchmark .
  LATERAL { OPTIONAL { ?result kgo:resultMetric ?metric } }
  LATERAL { OPTIONAL { ?result kgo:resultKind ?kind } }
  LATERAL { OPTIONAL { ?result kgo:value ?value } }
}
"""
_LABELS = "SELECT ?entity ?label WHERE { ?entity a kgo:Entity ; rdfs:label ?label }"
# one query per relation, the property a constant: with it bound through VALUES, Oxigraph read
# every statement of a 75k-paper store first (minutes)
_LINEAGE = (
    "SELECT DISTINCT ?st ?entity ?parent WHERE {{"
    " GRAPH ?g {{ ?st rdf:predicate {relation} ; rdf:subject ?entity ; rdf:object ?parent }} }}"
)
_LINEAGE_RELATIONS = ("kgo:basedOn", "kgo:variantOf")


def _select(store: ox.Store, sparql: str) -> Iterator[ox.QuerySolution]:
    yield from store.query(sparql, prefixes=_PREFIXES, use_default_graph_as_union=True)  # type: ignore[misc]


def _integer(n: int) -> str:
    return f'"{n}"^^<{XSD_INTEGER}>'


def _literal(text: str) -> str:
    return str(ox.Literal(text))


def derived_quads(store: ox.Store, base_iri: str = iris.DEFAULT_BASE_IRI) -> Iterator[str]:
    """The derived graph of ``store`` as N-Quads lines (each once)."""
    base = iris.check_base(base_iri)
    graph = f"<{base}{DERIVED_GRAPH}>"

    def quad(s: str, p: str, o: str) -> str:
        return f"{s} <{KGO}{p}> {o} {graph} .\n"

    papers = {str(row["paper"]) for row in _select(store, _PAPERS)}
    proposed: dict[str, list[str]] = defaultdict(list)
    for row in _select(store, _PROPOSES):
        proposed[str(row["paper"])].append(str(row["entity"]))
    yield from _comparisons(store, base, papers, proposed, quad)
    yield from _benchmarks(store, quad)
    yield from _lineage(store, base, quad)


def _comparisons(store: ox.Store, base: str, papers: set[str], proposed: dict[str, list[str]], quad) -> Iterator[str]:  # noqa: ANN001 - the local quad writer
    comparing: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, _COMPARISONS):
        source, compared, ev, paper = (str(row[name]) for name in ("source", "compared", "ev", "paper"))
        comparing[compared].add(paper)
        if source not in papers:
            comparers = [(source, "entity")]
        else:  # "we compare against Y": the comparison of each model the paper proposes
            comparers = [(x, "proposing paper") for x in proposed.get(source, [])] or [(source, "paper")]
        for comparer, stated_by in comparers:
            node = f"<{base}comparison/{iris.digest(comparer, compared, ev)}>"
            yield quad(node, "comparer", comparer)
            yield quad(node, "compared", compared)
            yield quad(node, "statedBy", _literal(stated_by))
            yield quad(node, "hasEvidence", ev)
    for entity, citing in comparing.items():
        yield quad(entity, "comparedInPapers", _integer(len(citing)))


def _benchmarks(store: ox.Store, quad) -> Iterator[str]:  # noqa: ANN001 - the local quad writer
    using: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, _EVALUATED):
        using[str(row["benchmark"])].add(str(row["paper"]))
    absolute: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in _select(store, _RESULTS):
        benchmark = str(row["benchmark"])
        using[benchmark].add(str(row["paper"]))
        metric, kind = row["metric"], row["kind"]
        if metric is not None and row["value"] is not None and kind is not None and kind.value == "absolute":
            absolute[benchmark][str(metric)] += 1
    for benchmark, citing in using.items():
        yield quad(benchmark, "benchmarkPapers", _integer(len(citing)))
    if absolute:
        labels = {str(row["entity"]): row["label"].value for row in _select(store, _LABELS)}
        for benchmark, counts in absolute.items():
            # most results first; a tie goes to the metric named first (then by IRI), as before
            main = min(counts, key=lambda m: (-counts[m], labels.get(m, ""), m))
            yield quad(benchmark, "mainMetric", main)


def lineage_closure(
    edges: Iterable[tuple[str, str, str]], max_hops: int = MAX_HOPS
) -> Iterator[tuple[str, str, int, list[str], list[str]]]:
    """Every pair joined by 1..``max_hops`` lineage edges, from ``(statement, child, parent)`` edges.

    Yields (descendant, ancestor, fewest hops, first steps, last steps): the statements of the
    edges that leave the descendant on a shortest path to the ancestor, and of those that arrive
    at the ancestor on one. The pairs of a target then list its lineage edge by edge, each entity
    at its fewest hops, without walking the graph at query time.
    """
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)  # child -> [(statement, parent)]
    for statement, child, parent in edges:
        if child != parent:
            out[child].append((statement, parent))
    distances: dict[str, dict[str, int]] = {}
    arrivals: dict[str, dict[str, list[str]]] = {}
    for start in sorted(out):
        depth = {start: 0}
        arriving: dict[str, list[str]] = defaultdict(list)  # ancestor -> statements arriving on a shortest path
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if depth[node] == max_hops:
                continue
            for statement, parent in out.get(node, ()):
                if parent not in depth:
                    depth[parent] = depth[node] + 1
                    queue.append(parent)
                if depth[parent] == depth[node] + 1:
                    arriving[parent].append(statement)
        del depth[start]
        distances[start] = depth
        arrivals[start] = arriving
    for start in sorted(out):
        for ancestor, hops in sorted(distances[start].items()):
            first = [
                statement
                for statement, parent in out[start]
                if (parent == ancestor if hops == 1 else distances.get(parent, {}).get(ancestor) == hops - 1)
            ]
            yield start, ancestor, hops, sorted(set(first)), sorted(set(arrivals[start][ancestor]))


def lineage_edges(store: ox.Store) -> list[tuple[str, str, str]]:
    """(statement, child, parent) of every based-on and variant-of statement, each once."""
    return [
        (str(row["st"]), str(row["entity"]), str(row["parent"]))
        for relation in _LINEAGE_RELATIONS
        for row in _select(store, _LINEAGE.format(relation=relation))
    ]


def _lineage(store: ox.Store, base: str, quad) -> Iterator[str]:  # noqa: ANN001 - the local quad writer
    for descendant, ancestor, hops, first, last in lineage_closure(lineage_edges(store)):
        node = f"<{base}lineage/{iris.digest(descendant, ancestor)}>"
        yield quad(node, "descendant", descendant)
        yield quad(node, "ancestor", ancestor)
        yield quad(node, "hops", _integer(hops))
        for statement in first:
            yield quad(node, "firstStep", statement)
        for statement in last:
            yield quad(node, "lastStep", statement)


def write_derived(store: ox.Store, handle: IO[str], base_iri: str = iris.DEFAULT_BASE_IRI) -> int:
    """Write the derived graph of a loaded ``store`` as N-Quads to ``handle``; returns the line count.

    Written out rather than added at once: the store must not change while these queries read it.
    """
    count = 0
    for line in derived_quads(store, base_iri):
        handle.write(line)
        count += 1
    return count


__all__ = ["DERIVED_GRAPH", "MAX_HOPS", "derived_quads", "lineage_closure", "lineage_edges", "write_derived"]
