"""``kgbuild ask``: plain-English lineage questions, each mapped to one named query.

A question is matched against a few phrasings per question form; the entity it names is resolved
through labels and aliases (``gpt3`` finds GPT-3); the form's named query runs with that entity
bound; every answer carries the paper and the evidence sentence. Nothing here guesses: a question
that fits no form, or a name the graph does not know, is an ``AskError`` listing what would work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kgbuild.query.library import load_query
from kgbuild.query.names import Match, NameIndex, UnknownName
from kgbuild.query.results import python_value, term_text
from kgbuild.query.run import QueryOutcome, run_query


class AskError(LookupError):
    """An unsupported question or an unknown name; the message says what would work instead."""


@dataclass(frozen=True)
class Form:
    """One kind of question: how it is phrased, which named query answers it, how rows read."""

    name: str
    query: str
    phrasings: tuple[str, ...]  # regexes with a group ``x`` for the entity name
    example: str
    heading: str  # "{target}" is the resolved label
    entity_column: str
    extras: tuple[str, ...] = ()
    bind: str = "target"  # the query parameter the named entity fills
    lineage: str | None = None  # "up" (ancestors) or "down" (descendants): hop counts from edges


_WHO = r"(?:who|what|which(?: \w+)?)"
_BE = r"(?:is|are|was|were|has been|have been)"
_BASED = r"(?:based on|derived from|built on|built upon|derived|descended from)"

FORMS: tuple[Form, ...] = (
    Form(
        "compares-against",
        "compares-against",
        (
            rf"{_WHO} (?:\w+ )?(?:compares?|compared|benchmarks?|benchmarked) (?:itself |themselves |their \w+ )?(?:against|with|to) (?P<x>.+)",
            rf"{_WHO} (?:outperforms?|beats?|surpass(?:es)?) (?P<x>.+)",
            r"who uses (?P<x>.+?) as (?:a )?baseline",
        ),
        "who compares against GPT-3?",
        "Compare against {target}",
        "by",
        ("compared",),
    ),
    Form(
        "compared-by",
        "comparisons",
        (
            r"what does (?P<x>.+?) compare (?:against|with|to)",
            r"what (?:is|was|are|were) (?P<x>.+?) compared (?:against|with|to)",
        ),
        "what does FooNet compare against?",
        "{target} is compared against",
        "compared_label",
        bind="source",
    ),
    Form(
        "derived-from",
        "lineage-descendants",
        (
            rf"(?:what|which(?: \w+)?) {_BE} {_BASED} (?P<x>.+)",
            r"(?:what|which(?: \w+)?) (?:builds? on|derives? from|extends?) (?P<x>.+)",
            r"(?:descendants|derivatives|successors) of (?P<x>.+)",
        ),
        "what is derived from GPT-3?",
        "Derived from {target}",
        "entity_label",
        ("via", "relation", "hops"),
        lineage="down",
    ),
    Form(
        "based-on",
        "lineage-ancestors",
        (
            rf"what {_BE} (?P<x>.+?) {_BASED}",
            r"what does (?P<x>.+?) (?:build on|build upon|derive from|extend|come from)",
            r"(?:lineage|ancestors|ancestry|origins?) of (?P<x>.+)",
            r"where does (?P<x>.+?) come from",
        ),
        "what is FooNet based on?",
        "{target} is based on",
        "entity_label",
        ("via", "relation", "hops"),
        lineage="up",
    ),
    Form(
        "evaluated-on",
        "evaluations",
        (
            rf"(?:which|what) (?:benchmarks?|datasets?|tasks?) {_BE} (?P<x>.+?) (?:evaluated|tested|benchmarked|assessed) on",
            rf"(?:what|where) {_BE} (?P<x>.+?) (?:evaluated|tested|benchmarked)(?: on)?",
            r"(?:on )?which benchmarks? (?:was|were|is|are) (?P<x>.+?) (?:evaluated|tested)",
            r"how (?:well )?(?:does|did) (?P<x>.+?) (?:score|perform)",
            r"(?:scores|results) (?:of|for) (?P<x>.+)",
        ),
        "which benchmarks was FooNet evaluated on?",
        "{target} was evaluated on",
        "benchmark_label",
        ("score", "value", "metric", "kind"),
    ),
    Form(
        "proposed-by",
        "proposers",
        (
            r"(?:who|which papers?|what papers?) (?:first )?(?:proposed|proposes|introduced|introduces|presented|presents|created|invented|released) (?P<x>.+)",
            rf"where {_BE} (?P<x>.+?) (?:proposed|introduced|presented)",
            r"who (?:made|built|developed) (?P<x>.+)",
        ),
        "who proposed FooNet?",
        "{target} was proposed in",
        "proposed_label",
    ),
    Form(
        "trained-on",
        "trained-on",
        (
            rf"(?:which|what)(?: \w+)? {_BE} (?:pre-?)?trained (?:on|with) (?P<x>.+)",
            r"(?:who|what) (?:\w+ )?(?:trains?|trained|pretrains?|pre-trains?) on (?P<x>.+)",
            r"(?:which|what) models? (?:use|uses|used) (?P<x>.+?) (?:for|as) (?:pre-?)?training(?: data)?",
        ),
        "which models were trained on ImageNet-1k?",
        "Trained on {target}",
        "model_label",
    ),
)


@dataclass
class Answer:
    paper_id: str
    title: str
    entity: str | None
    evidence: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "paper_id": self.paper_id,
            "title": self.title,
            "entity": self.entity,
            "evidence": self.evidence,
            **self.details,
        }


@dataclass
class AskResult:
    question: str
    form: Form
    targets: list[Match]
    answers: list[Answer]
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "query": self.form.query,
            "answers": [a.to_dict() for a in self.answers],
            "form": self.form.name,
            "targets": [{"label": t.label, "iri": t.iri} for t in self.targets],
        }


def supported_forms() -> list[str]:
    return [form.example for form in FORMS]


def _normalise_question(question: str) -> str:
    text = " ".join(question.strip().split())
    return re.sub(r"[?.!]+$", "", text).strip()


def parse_question(question: str) -> tuple[Form, str]:
    """The question's form and the entity name in it; AskError when no form fits."""
    text = _normalise_question(question)
    for form in FORMS:
        # phrasings are matched case-insensitively; the captured name comes from the original text
        for phrasing in form.phrasings:
            found = re.fullmatch(phrasing, text, flags=re.IGNORECASE)
            if found:
                name = found["x"].strip().strip("\"'“”‘’")
                if name:
                    return form, name
    forms = "\n  ".join(supported_forms())
    raise AskError(f"cannot answer {question!r}: it fits none of the supported questions, e.g.\n  {forms}")


def ask(store: ox.Store, question: str, index: NameIndex | None = None) -> AskResult:
    """Answer one question from the store."""
    form, name = parse_question(question)
    index = index or NameIndex(store)
    try:
        targets = index.resolve(name)
    except UnknownName as e:
        hint = f"; close names in the graph: {', '.join(e.suggestions)}" if e.suggestions else ""
        raise AskError(f"{e}{hint}") from e
    query = load_query(form.query)
    answers: list[Answer] = []
    seconds = 0.0
    for target in targets:
        outcome = run_query(store, query.sparql, bindings={form.bind: ox.NamedNode(target.iri)})
        seconds += outcome.seconds
        answers.extend(_answers(form, outcome, target, several=len(targets) > 1))
    return AskResult(question, form, targets, answers, seconds)


def _text(value: Any) -> str | None:
    text = term_text(value) if value is not None else ""
    return text or None


def _answers(form: Form, outcome: QueryOutcome, target: Match, several: bool) -> list[Answer]:
    rows = outcome.rows
    hops: dict[str, int] = _hop_counts(rows, target.iri, form.lineage) if form.lineage else {}
    answers = []
    for row in rows:
        details: dict[str, Any] = {}
        for extra in form.extras:
            details.update(_extra(extra, row, target, hops))
        if several:
            details["target"] = target.label
        answers.append(
            Answer(
                paper_id=term_text(row["paper_id"]),
                title=term_text(row["title"]),
                entity=_text(row.get(form.entity_column)),
                evidence=term_text(row["sentence"]),
                details=details,
            )
        )
    if form.lineage:
        answers.sort(key=lambda a: (a.details.get("hops", 0), a.entity or "", a.paper_id))
    return answers


def _extra(name: str, row: dict[str, Any], target: Match, hops: dict[str, int]) -> dict[str, Any]:
    if name == "compared":
        compared = _text(row.get("compared_label"))
        # only worth saying when the paper compared against a variant (GPT-3 175B for GPT-3)
        return {"compared": compared} if compared and compared != target.label else {}
    if name == "via":
        return {"via": _text(row.get("via_label"))}
    if name == "relation":
        relation = term_text(row.get("relation"))
        return {"relation": "variant of" if relation.endswith("variantOf") else "based on"}
    if name == "hops":
        return {"hops": hops.get(term_text(row.get("entity")), 1)}
    if name == "score":
        return {"score": _text(row.get("score"))}
    if name == "value":
        return {"value": python_value(row.get("value"))}
    if name == "metric":
        return {"metric": _text(row.get("metric_label"))}
    if name == "kind":
        return {"kind": _text(row.get("kind"))}
    raise KeyError(name)


def _hop_counts(rows: Sequence[dict[str, Any]], start: str, direction: str | None) -> dict[str, int]:
    """Shortest number of lineage hops from the target to each entity, from the rows' edges.

    Rows are hops ``via -> entity`` ("entity is based on via" going down, "via is based on
    entity" going up); a breadth-first walk from the target numbers them.
    """
    edges: dict[str, set[str]] = {}
    for row in rows:
        edges.setdefault(term_text(row["via"]), set()).add(term_text(row["entity"]))
    depth = {start: 0}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(edges.get(node, ())):
                if nxt not in depth:
                    depth[nxt] = depth[node] + 1
                    following.append(nxt)
        frontier = following
    return depth


def format_answer(result: AskResult) -> str:
    """The answer as text for a terminal: a heading, then one numbered block per answer."""
    labels = " / ".join(t.label for t in result.targets)
    n = len(result.answers)
    count = f"{n} answer{'s' if n != 1 else ''}"
    lines = [f"{result.form.heading.format(target=labels)}: {count}  [query: {result.form.query}]"]
    if not result.answers:
        lines.append("  (nothing in the graph)")
    for i, answer in enumerate(result.answers, start=1):
        who = answer.entity or "(the paper itself)"
        extra = _describe_details(answer.details)
        lines.append(f"{i:>3}. {who}{extra}")
        lines.append(f"     paper {answer.paper_id}: {answer.title}")
        lines.append(f"     evidence: \u201c{answer.evidence}\u201d")
    return "\n".join(lines)


def _describe_details(details: dict[str, Any]) -> str:
    parts = []
    if details.get("score"):
        metric = f" {details['metric']}" if details.get("metric") else ""
        parts.append(f"score {details['score']}{metric}" + (" (delta)" if details.get("kind") == "delta" else ""))
    if "hops" in details:
        via = f" via {details['via']}" if details.get("hops", 1) > 1 and details.get("via") else ""
        parts.append(f"{details['relation']}, {details['hops']} hop{'s' if details['hops'] != 1 else ''}{via}")
    if details.get("compared"):
        parts.append(f"compared with {details['compared']}")
    if details.get("target"):
        parts.append(f"for {details['target']}")
    return f"  ({'; '.join(parts)})" if parts else ""
