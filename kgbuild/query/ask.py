"""``kgbuild ask``: plain-English lineage questions, each mapped to one named query.

A question is matched against a few phrasings per question form; the entity it names is resolved
through labels and aliases (``gpt3`` finds GPT-3); the form's named query runs with that entity
bound; every answer carries the paper and the evidence sentence. Nothing here guesses: a question
that fits no form, or a name the graph does not know, is an ``AskError`` listing what would work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kgbuild.query.library import load_query
from kgbuild.query.names import Match, NameIndex, UnknownName
from kgbuild.query.page import pageable
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
    unit: tuple[str, str] = ("answer", "answers")  # what the total counts (a paged query counts its keys)


_WHO = r"(?:who|what|which(?: \w+)?)"
_BE = r"(?:is|are|was|were|has been|have been)"
_BASED = r"(?:based on|derived from|built on|built upon|derived|descended from)"

FORMS: tuple[Form, ...] = (
    Form(
        "leaderboard",
        "leaderboard",
        (
            r"(?:what|which) (?:is|are|was|were) the (?:best|top|strongest|leading) (?:models?|systems?|methods?|results?|scores?) (?:on|for|in) (?P<x>.+)",
            r"(?:the )?(?:best|top|strongest) (?:models?|systems?|methods?|results?|scores?) (?:on|for) (?P<x>.+)",
            r"(?:the )?(?:leaderboard|ranking|state of the art|sota) (?:for|of|on|in) (?P<x>.+)",
            r"(?P<x>.+?) leaderboard",
            r"(?:scores|results) on (?P<x>.+)",
            r"who (?:is|was) (?:best|the best|state of the art|sota) on (?P<x>.+)",
        ),
        "what is the best model on FooBench?",
        "Leaderboard for {target}",
        "model_label",
        ("metric", "value", "unit", "score", "lower"),
        unit=("result", "results"),
    ),
    Form(
        "papers-on-task",
        "papers-on-task",
        (
            r"(?:which|what) papers? (?:address|addresses|tackle|tackles|work on|works on|study|studies|are about|is about) (?P<x>.+)",
            r"who (?:works?|worked|is working) on (?P<x>.+)",
            r"papers (?:on|about|for) (?P<x>.+)",
        ),
        "which papers address question answering?",
        "Papers addressing {target}",
        "proposed_label",
        unit=("paper", "papers"),
    ),
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
        "compared-with",
        (
            r"what does (?P<x>.+?) compare (?:against|with|to)",
            r"what (?:is|was|are|were) (?P<x>.+?) compared (?:against|with|to)",
            r"(?:what|which models?) (?:does|did) (?P<x>.+?) (?:outperform|beat|surpass)",
            r"(?:baselines|comparisons) (?:of|for) (?P<x>.+)",
        ),
        "what does FooNet compare against?",
        "{target} is compared against",
        "compared_label",
        ("stated_by",),
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
        unit=("descendant", "descendants"),
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
    entity: str | None  # for people: the names joined with ", " (None: the paper itself)
    evidence: str
    details: dict[str, Any] = field(default_factory=dict)
    published: str | None = None  # the paper's date (ISO), when known
    entities: list[str] = field(default_factory=list)  # each name apart (a name may hold a comma)
    key: str = ""  # what the total counts this answer as (its rows share it: a descendant's edges)

    def to_dict(self) -> dict[str, Any]:
        return {
            "paper_id": self.paper_id,
            "title": self.title,
            "entity": list(self.entities),
            "evidence": self.evidence,
            "published": self.published,
            **self.details,
        }


@dataclass
class AskResult:
    question: str
    form: Form
    targets: list[Match]
    answers: list[Answer]  # one page of them (all when no limit was asked)
    seconds: float = 0.0
    period: Period | None = None
    total: int = 0  # answers in all, in the form's unit (papers, results, descendants…)
    offset: int = 0  # answers before this page
    shown: int = 0  # how many of the total this page holds (an answer may take several rows)

    @property
    def more(self) -> bool:
        """Whether answers exist after this page."""
        return self.offset + self.shown < self.total

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "query": self.form.query,
            "total": self.total,
            "unit": self.form.unit[1],
            "offset": self.offset,
            "more": self.more,
            "answers": [a.to_dict() for a in self.answers],
            "form": self.form.name,
            "targets": [{"label": t.label, "iri": t.iri} for t in self.targets],
            "period": self.period.to_dict() if self.period else None,
        }


@dataclass(frozen=True)
class Period:
    """Which paper dates a question is about ("in 2025", "since 2024"): ISO bounds, end exclusive."""

    text: str
    start: str | None = None
    end: str | None = None

    def holds(self, published: str | None) -> bool:
        if not published:
            return False  # undated papers cannot be placed in a period
        return (self.start is None or published >= self.start) and (self.end is None or published < self.end)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "from": self.start, "before": self.end}


_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_PERIOD = re.compile(
    r"\s*,?\s+(?P<text>(?P<how>in|during|since|from|after|before|until)\s+"
    r"(?:(?P<month>[a-z]+)\s+)?(?P<year>(?:19|20)\d\d)(?:-(?P<mm>\d\d))?)$",
    re.IGNORECASE,
)


def split_period(text: str) -> tuple[str, Period | None]:
    """The question without a trailing time scope, and that scope (None when there is none)."""
    found = _PERIOD.search(text)
    if not found:
        return text, None
    year = int(found["year"])
    month = int(found["mm"]) if found["mm"] else _MONTHS.get((found["month"] or "").lower())
    if found["month"] and month is None:
        return text, None  # "in Foo 2025" is part of a name, not a date
    if month:
        start, end = f"{year}-{month:02d}-01", f"{year + month // 12}-{month % 12 + 1:02d}-01"
    else:
        start, end = f"{year}-01-01", f"{year + 1}-01-01"
    how = found["how"].lower()
    if how in ("since", "from"):
        period = Period(found["text"], start=start)
    elif how == "after":
        period = Period(found["text"], start=end)
    elif how in ("before", "until"):
        period = Period(found["text"], end=start if how == "before" else end)
    else:
        period = Period(found["text"], start, end)
    return text[: found.start()].strip(), period


def supported_forms() -> list[str]:
    return [form.example for form in FORMS]


def _normalise_question(question: str) -> str:
    text = " ".join(question.strip().split())
    return re.sub(r"[?.!]+$", "", text).strip()


def parse_question(question: str) -> tuple[Form, str]:
    """The question's form and the entity name in it; AskError when no form fits."""
    return _parse(split_period(_normalise_question(question))[0], question)


def _parse(text: str, question: str) -> tuple[Form, str]:
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


def ask(
    store: ox.Store,
    question: str,
    index: NameIndex | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> AskResult:
    """Answer one question from the store (a trailing "in 2025" keeps papers of that period).

    ``limit`` and ``offset`` pick a page of the answers (all of them when ``limit`` is None); the
    result's ``total`` counts them all. A question about one entity whose query pages (papers on a
    task, descendants, leaderboards) reads only the page's evidence, so a page answers in
    milliseconds however many answers there are.
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise AskError("a page needs a limit and an offset of at least 0")
    text, period = split_period(_normalise_question(question))
    form, name = _parse(text, question)
    index = index or NameIndex(store)
    try:
        targets = index.resolve(name)
    except UnknownName as e:
        hint = f"; close names in the graph: {', '.join(e.suggestions)}" if e.suggestions else ""
        raise AskError(f"{e}{hint}") from e
    sparql = _names_apart(load_query(form.query).sparql)
    split = pageable(sparql)
    keyed = split.key_variables if split else []  # what an answer is, where the query pages
    if len(targets) == 1 and period is None and form.name != "evaluated-on" and split is not None:
        # the query pages itself: only this page's rows are read
        outcome = run_query(
            store, sparql, bindings={form.bind: ox.NamedNode(targets[0].iri)}, limit=limit, offset=offset
        )
        answers = _answers(form, outcome, targets[0], keyed, several=False)
        total = outcome.total if outcome.total is not None else len(answers)
        shown = outcome.keys if outcome.keys is not None else len(answers)
        return AskResult(question, form, targets, answers, outcome.seconds, period, total, offset, shown)
    answers = []
    seconds = 0.0
    for target in targets:
        outcome = run_query(store, sparql, bindings={form.bind: ox.NamedNode(target.iri)})
        answers.extend(_answers(form, outcome, target, keyed, several=len(targets) > 1))
        seconds += outcome.seconds
    if form.name == "evaluated-on":
        answers = _scored_evaluations(answers, index)
    if period is not None:
        answers = [a for a in answers if period.holds(a.published)]
    keys = list(dict.fromkeys(a.key for a in answers))
    kept = set(keys[offset : None if limit is None else offset + limit])
    page = [a for a in answers if a.key in kept]
    return AskResult(question, form, targets, page, seconds, period, len(keys), offset, len(kept))


def _scored_evaluations(answers: list[Answer], index: NameIndex) -> list[Answer]:
    """Evaluations with their scores: a stated evaluation is left out where the same paper reports a
    result on that benchmark (the result says more), and metrics (IRIs in the query) get labels."""
    scored = {(a.paper_id, a.entity) for a in answers if a.details.get("kind") != "stated"}
    kept = []
    for answer in answers:
        if answer.details.get("kind") == "stated":
            if (answer.paper_id, answer.entity) in scored:
                continue
            answer.details = {k: v for k, v in answer.details.items() if k != "kind"}
        metric = answer.details.get("metric")
        if metric and "://" in metric:
            found = index.label_of(metric)
            answer.details["metric"] = found.label if found else None
        kept.append(answer)
    return kept


# Several names of one answer (the models a paper trained on D) come GROUP_CONCAT-ed; the shipped
# queries join them with ", ", which a name may contain. ask joins them with the unit separator,
# a control character no label holds (ingest turns control characters into spaces), and splits.
_JOINED_BY_COMMA = 'separator=", "'
_NAME_SEPARATOR = "\x1f"


def _names_apart(sparql: str) -> str:
    return sparql.replace(_JOINED_BY_COMMA, 'separator="\\u001F"')


def _text(value: Any) -> str | None:
    text = term_text(value) if value is not None else ""
    return text or None


def _answers(form: Form, outcome: QueryOutcome, target: Match, keyed: list[str], several: bool) -> list[Answer]:
    """The rows as answers in the query's order; the ``keyed`` columns (a paged query's keys) name
    what the total counts, else each row is an answer of its own."""
    answers = []
    for i, row in enumerate(outcome.rows):
        answer = _answer(form, row, target, several)
        key = " ".join(term_text(row.get(v)) for v in keyed) if keyed else str(i)
        answer.key = f"{target.iri} {key}"
        answers.append(answer)
    return answers


def _answer(form: Form, row: dict[str, Any], target: Match, several: bool) -> Answer:
    details: dict[str, Any] = {}
    for extra in form.extras:
        details.update(_extra(extra, row, target))
    if several:
        details["target"] = target.label
    joined = _text(row.get(form.entity_column))
    names = sorted({name for name in joined.split(_NAME_SEPARATOR) if name}) if joined else []
    return Answer(
        paper_id=term_text(row["paper_id"]),
        title=term_text(row["title"]),
        entity=", ".join(names) or None,
        evidence=term_text(row["sentence"]),
        details=details,
        published=_text(row.get("published")),
        entities=names,
    )


def _extra(name: str, row: dict[str, Any], target: Match) -> dict[str, Any]:
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
        return {"hops": python_value(row.get("hops"))}
    if name == "score":
        return {"score": _text(row.get("score"))}
    if name == "value":
        return {"value": python_value(row.get("value"))}
    if name == "metric":
        return {"metric": _text(row.get("metric_label") or row.get("metric"))}
    if name == "kind":
        return {"kind": _text(row.get("kind"))}
    if name == "unit":
        return {"unit": term_text(row.get("unit"))}
    if name == "lower":
        return {"lower_is_better": term_text(row.get("lower_is_better")) in ("true", "1")}
    if name == "stated_by":
        return {"stated_by": _text(row.get("stated_by"))}
    raise KeyError(name)


def format_answer(result: AskResult) -> str:
    """The answer as text for a terminal: a heading, then one numbered block per answer."""
    labels = " / ".join(t.label for t in result.targets)
    one, many = result.form.unit
    count = f"{result.total} {one if result.total == 1 else many}"
    if result.offset or result.more:
        count += f", {result.offset + 1}–{result.offset + result.shown} shown" if result.shown else ", none shown here"
    scope = f" ({result.period.text})" if result.period else ""
    lines = [f"{result.form.heading.format(target=labels)}{scope}: {count}  [query: {result.form.query}]"]
    if not result.total:
        lines.append("  (nothing in the graph)")
    number, last_key = result.offset, None
    for answer in result.answers:
        if answer.key != last_key:  # rows of one answer (a descendant's edges) share its number
            number, last_key = number + 1, answer.key
            label = f"{number:>3}."
        else:
            label = "    "
        who = answer.entity or "(the paper itself)"
        extra = _describe_details(answer.details)
        lines.append(f"{label} {who}{extra}")
        date = f" ({answer.published})" if answer.published else ""
        lines.append(f"     paper {answer.paper_id}{date}: {answer.title}")
        lines.append(f"     evidence: \u201c{answer.evidence}\u201d")
    if result.more:
        rest = result.total - result.offset - result.shown
        lines.append(f"… {rest} more: --offset {result.offset + result.shown} for the next page, --all for every one")
    return "\n".join(lines)


def _describe_details(details: dict[str, Any]) -> str:
    parts = []
    if details.get("score"):
        metric = f" {details['metric']}" if details.get("metric") else ""
        parts.append(f"score {details['score']}{metric}" + (" (delta)" if details.get("kind") == "delta" else ""))
        if details.get("lower_is_better"):
            parts.append("lower is better")
    if "hops" in details:
        via = f" via {details['via']}" if details.get("hops", 1) > 1 and details.get("via") else ""
        parts.append(f"{details['relation']}, {details['hops']} hop{'s' if details['hops'] != 1 else ''}{via}")
    if details.get("compared"):
        parts.append(f"compared with {details['compared']}")
    if details.get("stated_by") == "proposing paper":
        parts.append("stated by the paper that proposes it")
    if details.get("target"):
        parts.append(f"for {details['target']}")
    return f"  ({'; '.join(parts)})" if parts else ""
