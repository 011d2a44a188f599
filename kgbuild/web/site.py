"""What the pages show, read from a build's store through the named queries (``kgbuild/queries``).

Nothing here writes HTML: each function returns plain data (dicts, lists, strings) for the
templates. Every query a page runs starts from the entity, paper or papers the page is about
(bound as a leading VALUES block) and reads only what the page shows: long lists are counted in
full but described (labels, titles, sentences) a page at a time, with batched lookups.
The store is opened read-only once; the home page's lists are computed on first use and kept,
since a served store does not change under the server (a rebuild gets a new ``Site``).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, TypeVar
from urllib.parse import quote, unquote

import pyoxigraph as ox

from kgbuild.query.ask import AskResult, ask, parse_question
from kgbuild.query.library import load_query
from kgbuild.query.names import NameIndex
from kgbuild.query.results import python_value, term_text
from kgbuild.query.run import QueryOutcome, run_query
from kgbuild.store import open_store, store_path

KGO = "https://w3id.org/kgbuild/ontology#"
PAGE_SIZE = 25  # rows of a long list shown at once; "show more" pages through the rest
HOME_LIMIT = 12
LINEAGE_LIMIT = 40  # entities drawn per lineage direction; the page says how many more there are
LINEAGE_HOPS = 6
ROW_CAP = 20_000  # rows any page query returns at most (a safety net: queries are target-bound)
BATCH = 200  # IRIs bound in one lookup query
ASKED = 32  # questions whose answers are kept
BENCHMARKS_SHOWN = 30  # benchmarks named in an entity's "evaluated on" summary
KIND_NAMES = {
    "Model": "model",
    "Dataset": "dataset",
    "Benchmark": "benchmark",
    "Metric": "metric",
    "Task": "task",
    "Method": "method",
}


T = TypeVar("T")


class Recent(Generic[T]):
    """The most recently used values, at most ``size`` of them (threads share it)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> T | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Any, value: T) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


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
class Paged:
    """One page of a long list: ``items`` are rows ``start`` .. ``start + len(items)`` of ``total``."""

    items: list[Any]
    total: int
    page: int
    pages: int
    key: str  # the query parameter that picks the page
    size: int = PAGE_SIZE

    @property
    def start(self) -> int:
        return (self.page - 1) * self.size


def paged(rows: Sequence[Any], key: str, page: int, size: int | None = None) -> Paged:
    size = size or PAGE_SIZE
    pages = max(1, -(-len(rows) // size))
    page = min(max(page, 1), pages)
    return Paged(list(rows[(page - 1) * size : page * size]), len(rows), page, pages, key, size)


@dataclass
class Lineage:
    """One direction of an entity's lineage as a tree: ``children`` maps an IRI to its next hops."""

    root: str
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    size: int = 0
    more: int = 0  # entities reached but not listed (over LINEAGE_LIMIT): at least this many more


class Site:
    """A build's store, read for the web pages."""

    def __init__(self, out_dir: str | os.PathLike[str]) -> None:
        self.out_dir = os.fspath(out_dir)
        self.store = open_store(store_path(out_dir))
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}
        self._answers: Recent[AskResult] = Recent(ASKED)

    # -- identifiers -------------------------------------------------------------------------

    @cached_property
    def base(self) -> str:
        """The build's base IRI, read from any entity or paper IRI (``--base-iri`` may differ)."""
        rows = (
            run_query(self.store, "SELECT ?s WHERE { ?s a kgo:Paper } LIMIT 1", limit=1).rows
            or run_query(self.store, "SELECT ?s WHERE { ?s a kgo:Entity } LIMIT 1", limit=1).rows
        )
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

    def named(self, name: str, limit: int | None = ROW_CAP, **bindings: str | Iterable[str]) -> QueryOutcome:
        """Run a named query with each parameter bound to one IRI or several, as leading VALUES.

        Oxigraph applies ``substitutions`` after planning, so a query planned with its target
        free scans the graph before the target filters it: the entity page's papers query took
        181 s on a 75k-paper build that way and 0.3 s with the target as a leading VALUES.
        """
        values = {
            k: ox.NamedNode(v) if isinstance(v, str) else [ox.NamedNode(i) for i in dict.fromkeys(v)]
            for k, v in bindings.items()
        }
        return run_query(self.store, load_query(name).sparql, bindings=values, limit=limit)

    def _batched(self, name: str, param: str, iris: Iterable[str]) -> list[dict[str, Any]]:
        """Rows of a lookup query for many IRIs, ``BATCH`` IRIs per query."""
        wanted = [i for i in dict.fromkeys(iris) if i]
        rows: list[dict[str, Any]] = []
        for at in range(0, len(wanted), BATCH):
            rows += _rows(self.named(name, ROW_CAP, **{param: wanted[at : at + BATCH]}))
        return rows

    def _cached(self, key: str, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    @property
    def names(self) -> NameIndex:
        """The build's name index (the one ``kgbuild ask`` uses): a lookup, never a read of all names."""
        return self._cached("names", lambda: NameIndex.for_build(self.out_dir, self.store))

    # -- lookups shared by the pages -------------------------------------------------------------

    def paper_meta(self, paper_iris: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Id, title, date, arXiv id and link of each paper, looked up together."""
        meta: dict[str, dict[str, Any]] = {}
        for row in self._batched("web-paper", "paper", paper_iris):
            iri = row["paper"]
            if iri in meta:
                continue
            row["href"] = self.local_path(iri)
            row["external"] = row.get("url") or (
                f"https://arxiv.org/abs/{row['arxiv_id']}" if row.get("arxiv_id") else None
            )
            meta[iri] = row
        return meta

    def labels_of(self, iris: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(entity label, or "" and what a paper proposes) per IRI, looked up together."""
        found: dict[str, tuple[list[str], list[str]]] = {}
        for row in self._batched("web-label", "target", iris):
            labels, own = found.setdefault(row["target"], ([], []))
            if row["label"]:
                labels.append(row["label"])
            if row["own_label"] and row["own_label"] not in own:
                own.append(row["own_label"])
        return {iri: (labels[0] if labels else "", ", ".join(own)) for iri, (labels, own) in found.items()}

    def metrics_of(self, iris: Iterable[str]) -> dict[str, tuple[str, bool]]:
        """(label, lower is better) per metric IRI: the direction is the build's ``kgo:lowerIsBetter``."""
        out: dict[str, tuple[str, bool]] = {}
        for row in self._batched("web-label", "target", iris):
            label, lower = out.get(row["target"], ("", False))
            out[row["target"]] = (label or str(row["label"] or ""), lower or row["lower"] in (True, "true", "1"))
        return out

    def evidence(self, evidence_iris: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Sentence and paper of each evidence node, looked up together."""
        return {row["ev"]: row for row in self._batched("web-evidence", "ev", evidence_iris)}

    # -- pages -----------------------------------------------------------------------------

    def home(self) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            compared = _rows(run_query(self.store, load_query("web-most-compared").sparql))
            benchmarks = _rows(run_query(self.store, load_query("web-benchmarks").sparql))
            newest = _rows(run_query(self.store, load_query("web-newest-papers").sparql, limit=HOME_LIMIT))
            counts = run_query(self.store, "SELECT (COUNT(?p) AS ?papers) WHERE { ?p a kgo:Paper }").rows[0]
            names = self.labels_of([r["entity"] for r in compared] + [r["benchmark"] for r in benchmarks])

            def top(rows: list[dict[str, Any]], column: str) -> list[dict[str, Any]]:
                named = [
                    {**r, f"{column}_label": names[r[column]][0], "href": self.local_path(r[column])}
                    for r in rows
                    if names.get(r[column], ("", ""))[0]
                ]
                named.sort(key=lambda r: (-r["papers"], r[f"{column}_label"].lower()))
                return named[:HOME_LIMIT]

            return {
                "compared": top(compared, "entity"),
                "benchmarks": top(benchmarks, "benchmark"),
                "newest": [self._paper_links(r) for r in newest],
                "papers": python_value(counts["papers"]),
            }

        return self._cached("home", compute)

    def sample_entity(self) -> str | None:
        """An entity for the console's examples: the most compared-against when the home page has
        been computed, else any compared entity (one bounded lookup)."""
        home = self._cache.get("home")
        if home and home["compared"]:
            return str(home["compared"][0]["entity"])
        rows = run_query(
            self.store, "SELECT ?e WHERE { ?st rdf:predicate kgo:comparesWith ; rdf:object ?e } LIMIT 1", limit=1
        ).rows
        return _text(rows[0]["e"]) if rows else None

    def _paper_links(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """A row about a paper with its page and its arXiv (or source) link."""
        out = dict(row)
        out["href"] = self.local_path(str(row.get("paper", ""))) if row.get("paper") else None
        out["external"] = row.get("url") or None
        return out

    def paper(self, segment: str) -> dict[str, Any]:
        iri = self.paper_iri(segment)
        meta = self.paper_meta([iri]).get(iri)
        if meta is None:
            raise NotFound(f"no paper {unquote(segment)!r} in this build")
        facts = _rows(run_query(self.store, load_query("paper-facts").sparql, bindings={"paper": ox.NamedNode(iri)}))
        for fact in facts:
            fact["relation_label"] = _relation_label(fact["relation"])
            fact["subject_href"] = self.local_path(fact["subject"])
            fact["object_href"] = self.local_path(fact["object"])
        return {"paper": meta, "facts": facts}

    def describe(self, iri: str) -> dict[str, Any] | None:
        """Label, kind, aliases and sizes of an entity; None when there is no such entity."""
        described = _rows(self.named("web-entity", target=iri))
        labels = [r["value"] for r in described if r["field"] == "label"]
        if not labels:
            return None
        types = [r["value"].rsplit("#", 1)[-1] for r in described if r["field"] == "type"]
        return {
            "iri": iri,
            "label": labels[0],
            "kind": next((KIND_NAMES[t] for t in types if t in KIND_NAMES), "entity"),
            "aliases": [r["value"] for r in described if r["field"] == "alias"],
            "params": [r["value"] for r in described if r["field"] == "params"],
        }

    def entity(self, segment: str, pages: Mapping[str, int] | None = None) -> dict[str, Any]:
        """An entity page: ``pages`` picks the page of each long list (``papers``, ``against``, ``by``, ``scores``)."""
        pages = pages or {}
        iri = self.entity_iri(segment)
        entity = self.describe(iri)
        if entity is None:
            raise NotFound(f"no entity {unquote(segment)!r} in this build")
        entity["papers"] = self._entity_papers(iri, pages.get("papers", 1))
        comparisons = _rows(self.named("web-comparisons", target=iri))
        comparisons.sort(key=lambda r: (-r["papers"], r["other"]))
        for direction in ("against", "by"):
            rows = [r for r in comparisons if r["direction"] == direction]
            entity[f"compared_{direction}"] = self._comparisons(iri, paged(rows, direction, pages.get(direction, 1)))
        entity["ancestors"] = self.lineage(iri, "up")
        entity["descendants"] = self.lineage(iri, "down")
        entity.update(self._evaluations(iri, pages.get("scores", 1)))
        if entity["kind"] in ("benchmark", "dataset") or self._has_results(iri):
            entity["leaderboard"] = self.leaderboard_of(iri, pages)
        return entity

    def _entity_papers(self, iri: str, page: int) -> Paged:
        rows = _rows(self.named("web-entity-papers", target=iri))
        rows.sort(key=lambda r: (-r["kinds"], r["paper"]))
        listed = paged(rows, "papers", page)
        meta = self.paper_meta(r["paper"] for r in listed.items)
        listed.items = [{**meta[r["paper"]], "relations": r["relations"]} for r in listed.items if r["paper"] in meta]
        return listed

    def _comparisons(self, iri: str, listed: Paged) -> Paged:
        """The page's comparisons with the other entity's name and one evidence sentence each."""
        others = [r["other"] for r in listed.items]
        examples = {
            (r["direction"], r["other"]): r["example"]
            for r in (_rows(self.named("web-comparison-evidence", target=iri, other=others)) if others else [])
        }
        for row in listed.items:
            row["example"] = examples.get((row["direction"], row["other"]), "")
        evidence = self.evidence(r["example"] for r in listed.items)
        meta = self.paper_meta(e["paper"] for e in evidence.values())
        names = self.labels_of(r["other"] for r in listed.items)
        for row in listed.items:
            found = evidence.get(row["example"], {})
            paper = meta.get(found.get("paper", ""), {})
            row.update({k: paper.get(k, "") for k in ("paper_id", "title", "published")})
            row["paper"] = found.get("paper", "")
            row["sentence"] = found.get("sentence", "")
            row["other_label"], row["own_label"] = names.get(row["other"], ("", ""))
            row["other_href"] = self.local_path(row["other"]) if row["other_label"] else None
            row["other_name"] = row["other_label"] or row["own_label"] or ""
        return listed

    def _has_results(self, iri: str) -> bool:
        return run_query(self.store, f"ASK {{ ?r kgo:resultBenchmark {ox.NamedNode(iri)} }}").boolean is True

    def _evaluations(self, iri: str, page: int) -> dict[str, Any]:
        """The scores reported for an entity (a page of them, most evaluated benchmarks first) and the
        benchmarks it was evaluated on, counted; only the benchmarks shown are looked up by name."""
        rows = _rows(self.named("web-evaluations", target=iri))
        papers: dict[str, set[str]] = {}
        for row in rows:
            papers.setdefault(row["benchmark"], set()).add(row["paper"])
        order = sorted(papers, key=lambda b: (-len(papers[b]), b))
        rank = {b: i for i, b in enumerate(order)}
        results = [r for r in rows if r["kind"] != "stated"]  # stated evaluations are counted in the summary
        results.sort(key=lambda r: (rank[r["benchmark"]], str(r["paper"]), str(r["score"])))
        listed = paged(results, "scores", page)
        shown = order[:BENCHMARKS_SHOWN]
        names = self.labels_of(shown + [r["benchmark"] for r in listed.items])

        def label(benchmark: str) -> str:
            return names.get(benchmark, ("", ""))[0] or entity_segment(benchmark)

        summary = [
            {
                "benchmark": b,
                "benchmark_label": label(b),
                "benchmark_href": self.local_path(b),
                "papers": len(papers[b]),
            }
            for b in shown
        ]
        evidence = self.evidence(r["ev"] for r in listed.items)
        meta = self.paper_meta(r["paper"] for r in listed.items)
        metrics = self.metrics_of(r["metric"] for r in listed.items if r["metric"])
        for row in listed.items:
            paper = meta.get(row["paper"], {})
            row.update({k: paper.get(k, "") for k in ("paper_id", "title", "published")})
            row["sentence"] = evidence.get(row["ev"], {}).get("sentence", "")
            row["benchmark_label"] = label(row["benchmark"])
            row["benchmark_href"] = self.local_path(row["benchmark"])
            row["metric_label"] = metrics.get(row["metric"], ("", False))[0] if row["metric"] else ""
        return {"scores": listed, "benchmarks": summary, "benchmarks_total": len(order)}

    def lineage(self, iri: str, direction: str) -> Lineage:
        """Ancestors (``up``) or descendants (``down``) as a tree, walked a hop at a time from the
        entity (each hop one query from the entities reached), at most ``LINEAGE_LIMIT`` entities."""
        name = "web-lineage-up" if direction == "up" else "web-lineage-down"
        tree = Lineage(iri)
        seen = {iri}
        frontier = [iri]
        edges: list[dict[str, Any]] = []
        for _hop in range(LINEAGE_HOPS):
            if not frontier:
                break
            reached = []
            hop = sorted(_rows(self.named(name, target=frontier)), key=lambda r: (-r["papers"], r["entity"]))
            for row in hop:
                if row["entity"] in seen:
                    continue
                seen.add(row["entity"])
                if len(edges) >= LINEAGE_LIMIT:
                    tree.more += 1
                    continue
                edges.append(row)
                reached.append(row["entity"])
            frontier = reached
        names = self.labels_of(e["entity"] for e in edges)
        evidence = self.evidence(e["example"] for e in edges)
        titles = {k: v["title"] for k, v in self.paper_meta(e["paper"] for e in evidence.values()).items()}
        for row in edges:
            found = evidence.get(row["example"], {})
            label, own = names.get(row["entity"], ("", ""))
            child = {
                "iri": row["entity"],
                "label": label or own or entity_segment(row["entity"]),  # a paper: what it proposes
                "href": self.local_path(row["entity"]),
                "relation": _relation_label(row["relation"]),
                "papers": row["papers"],
                "sentence": found.get("sentence", ""),
                "title": titles.get(found.get("paper", ""), ""),
            }
            tree.children.setdefault(row["target"], []).append(child)
        for kids in tree.children.values():
            kids.sort(key=lambda c: (-c["papers"], c["label"].lower()))
        tree.size = len(edges)
        return tree

    def leaderboard(self, segment: str, pages: Mapping[str, int] | None = None) -> dict[str, Any]:
        iri = self.entity_iri(segment)
        entity = self.describe(iri)
        if entity is None:
            raise NotFound(f"no benchmark {unquote(segment)!r} in this build")
        return {"iri": iri, "label": entity["label"], **self.leaderboard_of(iri, pages or {})}

    def leaderboard_of(self, iri: str, pages: Mapping[str, int]) -> dict[str, Any]:
        """Absolute results grouped by metric and sorted by the metric's direction (a page of each
        table shown); deltas apart. Only the shown rows are described (names, papers, sentences)."""
        rows = _rows(self.named("web-leaderboard", target=iri))
        metrics = self.metrics_of(r["metric"] for r in rows if r["metric"])
        boards: dict[str, list[dict[str, Any]]] = {}
        deltas = []
        for row in rows:
            row["metric_label"], row["lower"] = (
                metrics.get(row["metric"], ("", False)) if row["metric"] else ("", False)
            )
            if row["kind"] == "delta":
                deltas.append(row)
            else:
                boards.setdefault(row["metric_label"], []).append(row)
        tables: list[dict[str, Any]] = []
        for number, (metric, entries) in enumerate(
            sorted(boards.items(), key=lambda kv: (not kv[0], -len(kv[1]), kv[0].lower())),
            start=1,  # unstated last
        ):
            ascending = any(e["lower"] for e in entries)
            numeric = [e for e in entries if isinstance(e["value"], (int, float))]
            other = [e for e in entries if not isinstance(e["value"], (int, float))]
            numeric.sort(key=lambda e: (e["value"] if ascending else -e["value"], str(e["paper"])))
            key = f"m{number}"
            tables.append(
                {
                    "metric": metric or "(metric not stated)",
                    "metric_href": self.local_path(entries[0]["metric"]) if entries[0]["metric"] else None,
                    "lower_is_better": ascending,
                    "rows": paged(numeric + other, key, pages.get(key, 1)),
                }
            )
        listed_deltas = paged(deltas, "deltas", pages.get("deltas", 1))
        shown = [r for t in tables for r in t["rows"].items] + listed_deltas.items
        self._describe_results(shown)
        return {"tables": tables, "deltas": listed_deltas}

    def _describe_results(self, rows: list[dict[str, Any]]) -> None:
        meta = self.paper_meta(r["paper"] for r in rows)
        names = self.labels_of(r["model"] for r in rows)
        evidence = self.evidence(r["ev"] for r in rows)
        for row in rows:
            paper = meta.get(row["paper"], {})
            row.update({k: paper.get(k, "") for k in ("paper_id", "title", "published", "url")})
            row["model_label"], row["own_label"] = names.get(row["model"], ("", ""))
            row["model_name"] = row["model_label"] or row["own_label"] or ""
            row["model_href"] = self.local_path(row["model"]) if row["model_label"] else None
            row["paper_href"] = self.local_path(row["paper"])
            row["external"] = row.get("url") or None
            row["sentence"] = evidence.get(row["ev"], {}).get("sentence", "")

    # -- ask -------------------------------------------------------------------------------

    def ask(self, question: str, page: int = 1) -> AskResult:
        """``kgbuild ask``'s answer, one page of ``PAGE_SIZE`` answers: the same function, over the
        build's name index (a form whose query pages reads only the page's evidence)."""
        parse_question(question)  # an unsupported question fails before the name index is opened
        found = self._answers.get((question, page))
        if found is None:  # the page's JSON, or going back a page, asks the same question again
            found = ask(self.store, question, self.names, limit=PAGE_SIZE, offset=(max(page, 1) - 1) * PAGE_SIZE)
            self._answers.put((question, page), found)
        return found

    def aliases_of(self, iris: Iterable[str]) -> list[str]:
        names: list[str] = []
        for row in self._batched("web-entity", "target", iris):
            if row["field"] in ("label", "alias"):
                names.append(row["value"])
        return names


def _relation_label(relation: str) -> str:
    """``https://…#comparesWith`` -> ``compares with``."""
    local = relation.rsplit("#", 1)[-1]
    out = "".join(f" {c.lower()}" if c.isupper() else c for c in local)
    return out.strip()


def entity_segment(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]
