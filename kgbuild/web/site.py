"""What the pages show, read from a build's store through the named queries (``kgbuild/queries``).

Nothing here writes HTML: each function returns plain data (dicts, lists, strings) for the
templates. The store is opened read-only once; the name index and the home page's lists are
computed on first use and kept, since a served store does not change under the server.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote, unquote

import pyoxigraph as ox

from kgbuild.query.ask import AskResult, ask, parse_question
from kgbuild.query.library import load_query
from kgbuild.query.names import NameIndex
from kgbuild.query.results import python_value, term_text
from kgbuild.query.run import QueryOutcome, run_query
from kgbuild.store import open_store, store_path
from kgbuild.web.metrics import lower_is_better

KGO = "https://w3id.org/kgbuild/ontology#"
PAPER_LIMIT = 100  # papers listed on an entity page; the page says when there are more
HOME_LIMIT = 12
KIND_NAMES = {
    "Model": "model",
    "Dataset": "dataset",
    "Benchmark": "benchmark",
    "Metric": "metric",
    "Task": "task",
    "Method": "method",
}


class NotFound(LookupError):
    """No entity or paper with that id in the store."""


def _text(term: Any) -> str:
    return term_text(term) if term is not None else ""


def _rows(outcome: QueryOutcome) -> list[dict[str, Any]]:
    """Rows with every term as plain text (numbers as numbers), unbound as ""."""
    out = []
    for row in outcome.rows:
        out.append({k: (python_value(v) if isinstance(v, ox.Literal) else _text(v)) for k, v in row.items()})
    return out


@dataclass
class Lineage:
    """One direction of an entity's lineage as a tree: ``children`` maps an IRI to its next hops."""

    root: str
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    size: int = 0


class Site:
    """A build's store, read for the web pages."""

    def __init__(self, out_dir: str | os.PathLike[str]) -> None:
        self.out_dir = os.fspath(out_dir)
        self.store = open_store(store_path(out_dir))
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}

    # -- identifiers -------------------------------------------------------------------------

    @cached_property
    def base(self) -> str:
        """The build's base IRI, read from any entity or paper IRI (``--base-iri`` may differ)."""
        rows = run_query(
            self.store, "SELECT ?s WHERE { { ?s a kgo:Entity } UNION { ?s a kgo:Paper } } LIMIT 1", limit=1
        ).rows
        if not rows:
            return "https://w3id.org/kgbuild/"
        iri = _text(rows[0]["s"])
        for marker in ("entity/", "paper/"):
            if marker in iri:
                return iri.rsplit(marker, 1)[0]
        return iri

    def entity_iri(self, segment: str) -> str:
        # the path segment is the IRI's own (percent-encoded) segment: re-encode what a browser decoded
        return f"{self.base}entity/{quote(unquote(segment), safe='')}"

    def paper_iri(self, segment: str) -> str:
        return f"{self.base}paper/{quote(unquote(segment), safe='')}"

    def local_path(self, iri: str) -> str | None:
        """The page of an entity or paper IRI (``/entity/gpt-3``), or None for other IRIs."""
        for kind in ("entity", "paper"):
            prefix = f"{self.base}{kind}/"
            if iri.startswith(prefix) and "/" not in iri[len(prefix) :]:
                return f"/{kind}/{iri[len(prefix) :]}"
        return None

    # -- queries -------------------------------------------------------------------------------

    def named(self, name: str, limit: int | None = None, **bindings: str) -> QueryOutcome:
        """Run a named query with its parameters bound to IRIs, the bindings joined first.

        Oxigraph applies ``substitutions`` after planning, so a query planned with its target
        free scans the graph before the target filters it: the entity page's papers query took
        181 s on the 75k-paper build that way and 0.3 s with the target as a leading VALUES.
        """
        sparql = load_query(name).sparql
        if name.startswith("web-"):  # the pages' own queries are written for a leading VALUES
            return run_query(self.store, values_first(sparql, bindings), limit=limit)
        terms = {k: ox.NamedNode(v) for k, v in bindings.items()}
        return run_query(self.store, sparql, bindings=terms, limit=limit)

    def _cached(self, key: str, compute: Any) -> Any:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    @property
    def names(self) -> NameIndex:
        return self._cached("names", lambda: NameIndex(self.store))

    # -- pages -----------------------------------------------------------------------------

    def home(self) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            compared = _rows(self.named("most-compared", limit=HOME_LIMIT))
            benchmarks = _rows(self.named("papers-per-benchmark", limit=HOME_LIMIT))
            newest = _rows(self.named("web-newest-papers", limit=HOME_LIMIT))
            counts = run_query(
                self.store,
                "SELECT (COUNT(DISTINCT ?p) AS ?papers) WHERE { ?p a kgo:Paper }",
            ).rows[0]
            return {
                "compared": [{**r, "href": self.local_path(r["entity"])} for r in compared],
                "benchmarks": [{**r, "href": self.local_path(r["benchmark"])} for r in benchmarks],
                "newest": [self._paper_links(r) for r in newest],
                "papers": python_value(counts["papers"]),
            }

        return self._cached("home", compute)

    def _paper_links(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """A row about a paper with its page and its arXiv (or source) link."""
        out = dict(row)
        out["href"] = self.local_path(str(row.get("paper", ""))) if row.get("paper") else None
        out["external"] = row.get("url") or None
        return out

    def paper_meta(self, paper_iris: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Date, arXiv id and link of each paper (one indexed lookup per paper)."""
        meta: dict[str, dict[str, Any]] = {}
        for iri in dict.fromkeys(paper_iris):
            rows = _rows(self.named("web-paper", limit=1, paper=iri))
            if rows:
                row = rows[0]
                row["href"] = self.local_path(iri)
                row["external"] = row.get("url") or (
                    f"https://arxiv.org/abs/{row['arxiv_id']}" if row.get("arxiv_id") else None
                )
                meta[iri] = row
        return meta

    def labels_of(self, iris: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(entity label, or "" and what a paper proposes) per IRI, one indexed lookup each."""
        out: dict[str, tuple[str, str]] = {}
        for iri in dict.fromkeys(iris):
            rows = _rows(self.named("web-label", target=iri))
            label = next((r["label"] for r in rows if r["label"]), "")
            own = ", ".join(dict.fromkeys(r["own_label"] for r in rows if r["own_label"]))
            out[iri] = (label, own)
        return out

    def paper(self, segment: str) -> dict[str, Any]:
        iri = self.paper_iri(segment)
        meta = self.paper_meta([iri]).get(iri)
        if meta is None:
            raise NotFound(f"no paper {unquote(segment)!r} in this build")
        facts = _rows(self.named("paper-facts", paper=iri))
        for fact in facts:
            fact["relation_label"] = _relation_label(fact["relation"])
            fact["subject_href"] = self.local_path(fact["subject"])
            fact["object_href"] = self.local_path(fact["object"])
        return {"paper": meta, "facts": facts}

    def entity(self, segment: str) -> dict[str, Any]:
        iri = self.entity_iri(segment)
        described = _rows(self.named("web-entity", target=iri))
        labels = [r["value"] for r in described if r["field"] == "label"]
        if not labels:
            raise NotFound(f"no entity {unquote(segment)!r} in this build")
        types = [r["value"].rsplit("#", 1)[-1] for r in described if r["field"] == "type"]
        kind = next((KIND_NAMES[t] for t in types if t in KIND_NAMES), "entity")
        papers = _rows(self.named("web-entity-papers", target=iri))
        listed = self.paper_meta(r["paper"] for r in papers[:PAPER_LIMIT])
        relations = {r["paper"]: r["relations"] for r in papers}
        paper_rows = sorted(
            ({**meta, "relations": relations[p]} for p, meta in listed.items()),
            key=lambda r: (str(r.get("published") or ""), r["paper_id"]),
            reverse=True,
        )
        comparisons = _rows(self.named("web-comparisons", target=iri))
        meta = self.paper_meta(r["paper"] for r in comparisons)
        names = self.labels_of(r["other"] for r in comparisons)
        for row in comparisons:
            row.update({k: meta.get(row["paper"], {}).get(k, "") for k in ("paper_id", "title", "published")})
            row["other_label"], row["own_label"] = names.get(row["other"], ("", ""))
            row["other_href"] = self.local_path(row["other"])
            row["other_name"] = row["other_label"] or row["own_label"] or ""
        comparisons.sort(key=lambda r: (r["direction"], r["other_name"].lower(), r["paper_id"]))
        evaluations = _rows(self.named("evaluations", target=iri))
        for row in evaluations:
            row["benchmark_href"] = self.local_path(row["benchmark"])
        entity = {
            "iri": iri,
            "label": labels[0],
            "kind": kind,
            "aliases": [r["value"] for r in described if r["field"] == "alias"],
            "params": [r["value"] for r in described if r["field"] == "params"],
            "papers": paper_rows,
            "papers_total": len(papers),
            "compares_against": [r for r in comparisons if r["direction"] == "against"],
            "compared_by": [r for r in comparisons if r["direction"] == "by"],
            "ancestors": self.lineage(iri, "up"),
            "descendants": self.lineage(iri, "down"),
            "evaluations": evaluations,
        }
        if kind in ("benchmark", "dataset") or self._has_results(iri):
            entity["leaderboard"] = self.leaderboard_of(iri)
        return entity

    def _has_results(self, iri: str) -> bool:
        return run_query(self.store, f"ASK {{ ?r kgo:resultBenchmark {ox.NamedNode(iri)} }}").boolean is True

    def lineage(self, iri: str, direction: str) -> Lineage:
        """Ancestors (``up``) or descendants (``down``) as a tree, from the lineage named queries."""
        name = "lineage-ancestors" if direction == "up" else "lineage-descendants"
        tree = Lineage(iri)
        seen = {iri}
        edges: dict[str, dict[str, dict[str, Any]]] = {}
        for row in _rows(self.named(name, target=iri)):
            hop = edges.setdefault(row["via"], {}).setdefault(
                row["entity"],
                {
                    "iri": row["entity"],
                    "label": row["entity_label"],
                    "href": self.local_path(row["entity"]),
                    "relation": _relation_label(row["relation"]),
                    "papers": [],
                },
            )
            if row["paper_id"] not in [p["paper_id"] for p in hop["papers"]]:
                hop["papers"].append({"paper_id": row["paper_id"], "title": row["title"], "sentence": row["sentence"]})
        # breadth-first from the entity, each entity placed once (a cycle ends the branch)
        frontier = [iri]
        while frontier:
            following = []
            for node in frontier:
                for child in sorted(edges.get(node, {}).values(), key=lambda h: h["label"]):
                    if child["iri"] in seen:
                        continue
                    seen.add(child["iri"])
                    tree.children.setdefault(node, []).append(child)
                    following.append(child["iri"])
            frontier = following
        tree.size = len(seen) - 1
        return tree

    def leaderboard(self, segment: str) -> dict[str, Any]:
        iri = self.entity_iri(segment)
        described = _rows(self.named("web-entity", target=iri))
        labels = [r["value"] for r in described if r["field"] == "label"]
        if not labels:
            raise NotFound(f"no benchmark {unquote(segment)!r} in this build")
        return {"iri": iri, "label": labels[0], **self.leaderboard_of(iri)}

    def leaderboard_of(self, iri: str) -> dict[str, Any]:
        """Absolute results grouped by metric and sorted by the metric's direction; deltas apart."""
        rows = _rows(self.named("web-leaderboard", target=iri))
        meta = self.paper_meta(r["paper"] for r in rows)
        names = self.labels_of(r["model"] for r in rows)
        boards: dict[str, list[dict[str, Any]]] = {}
        deltas = []
        for row in rows:
            paper = meta.get(row["paper"], {})
            row.update({k: paper.get(k, "") for k in ("paper_id", "title", "published", "url")})
            row["model_label"], row["own_label"] = names.get(row["model"], ("", ""))
            row["model_name"] = row["model_label"] or row["own_label"] or ""
            row["model_href"] = self.local_path(row["model"]) if row["model_label"] else None
            row["paper_href"] = self.local_path(row["paper"])
            row["external"] = row.get("url") or None
            if row["kind"] == "delta":
                deltas.append(row)
            else:
                boards.setdefault(row["metric_label"] or "", []).append(row)
        tables = []
        for metric, entries in sorted(boards.items(), key=lambda kv: (-len(kv[1]), kv[0].lower())):
            ascending = lower_is_better(metric)
            numeric = [e for e in entries if isinstance(e["value"], (int, float))]
            other = [e for e in entries if not isinstance(e["value"], (int, float))]
            numeric.sort(key=lambda e: (e["value"] if ascending else -e["value"], e["paper_id"]))
            tables.append(
                {
                    "metric": metric or "(metric not stated)",
                    "metric_href": self.local_path(entries[0]["metric"]) if entries[0]["metric"] else None,
                    "lower_is_better": ascending,
                    "rows": numeric + other,
                }
            )
        return {"tables": tables, "deltas": deltas}

    # -- ask -------------------------------------------------------------------------------

    def ask(self, question: str) -> AskResult:
        parse_question(question)  # an unsupported question fails before the name index is built
        return ask(self.store, question, self.names)

    def aliases_of(self, iris: Iterable[str]) -> list[str]:
        names: list[str] = []
        for iri in iris:
            names += [
                r["value"] for r in _rows(self.named("web-entity", target=iri)) if r["field"] in ("label", "alias")
            ]
        return names


def values_first(sparql: str, bindings: Mapping[str, str]) -> str:
    """``sparql`` with ``VALUES ?name { <iri> }`` opening its outermost WHERE group."""
    if not bindings:
        return sparql
    values = " ".join(f"VALUES ?{name} {{ {ox.NamedNode(iri)} }}" for name, iri in bindings.items())
    at = sparql.upper().find("WHERE")
    brace = sparql.find("{", at)
    if at < 0 or brace < 0:
        raise ValueError("query has no WHERE group to bind parameters in")
    return f"{sparql[: brace + 1]}\n  {values}\n{sparql[brace + 1 :]}"


def _relation_label(relation: str) -> str:
    """``https://…#comparesWith`` -> ``compares with``."""
    local = relation.rsplit("#", 1)[-1]
    out = "".join(f" {c.lower()}" if c.isupper() else c for c in local)
    return out.strip()


def entity_segment(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]
