"""Learned paper-level relations: for every entity, whether the paper proposes it, compares with it,
is evaluated on it, trains on it or builds on it.

The rule relations (``kgbuild_relations``) become features here, beside the kinds, where the entity
is mentioned, the cue classes near its mentions (lemma phrases in ``cues/relation_cues.jsonl``,
matched with spaCy's PhraseMatcher) and the lemmas around them. One binary averaged perceptron per role,
trained on the annotated corpus by ``kgbuild.training``; the facts of a role are then the rules' facts
the model confirms plus, for entities the model adds, a fact whose subject is the paper's main
proposed entity (or "paper").
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kgbuild.nlp.batching import PredictingComponent
from kgbuild.nlp.lemmas import LookupLemmas
from kgbuild.nlp.perceptron import AveragedPerceptron, read_weights, segment_sums, write_weights
from kgbuild.nlp.tokens import sentence_bounds, title_end
from kgbuild.records import PAPER_SUBJECT

ROLES = ("proposes", "compares_with", "evaluated_on", "trained_on", "based_on")
# The kinds each role takes as object (the guideline's: compares_with lists models only, …).
ROLE_KINDS = {
    "proposes": frozenset({"MODEL", "METHOD", "DATASET", "BENCHMARK"}),
    "compares_with": frozenset({"MODEL"}),
    "evaluated_on": frozenset({"BENCHMARK", "DATASET"}),
    "trained_on": frozenset({"DATASET", "BENCHMARK"}),
    "based_on": frozenset({"MODEL", "METHOD", "DATASET", "BENCHMARK"}),
}
YES, NO = "YES", "NO"
WEIGHTS_FILE = "relation_classifier.json"
WINDOW = 4
CUE_WINDOW = 6
LEARNED_RULE = "learned"
LEARNED_CONFIDENCE = 0.6


def default_cues_path() -> Path:
    return Path(str(resources.files("kgbuild.nlp") / "cues" / "relation_cues.jsonl"))


def read_cue_patterns(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                    rows.append({"label": str(row["label"]), "phrase": str(row["phrase"])})
                except (json.JSONDecodeError, KeyError, TypeError) as e:
                    raise ValueError(f"{path}:{number}: not a cue pattern row ({e})") from e
    return rows


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


class CueFinder:
    """Cue spans (label, start, end) in a Doc: phrases written as lemmas ("outperform", "build on"),
    matched by spaCy's PhraseMatcher on the Doc's lookup lemmas, so one row covers every inflection.
    (A PhraseMatcher, not a Matcher: it is one hash lookup per token, where token patterns with
    sets of words cost a predicate check per token and pattern.)"""

    def __init__(self, nlp: Language, patterns: list[dict[str, Any]]) -> None:
        self.lemmas = LookupLemmas(nlp.vocab)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        phrases: dict[str, list[Doc]] = {}
        for row in patterns:
            doc = nlp.make_doc(row["phrase"])
            self.lemmas.set_lemmas(doc)
            phrases.setdefault(row["label"], []).append(doc)
        for label, docs in phrases.items():
            self.matcher.add(label, docs)
        self.labels = {nlp.vocab.strings[label]: label for label in phrases}

    def __call__(self, doc: Doc) -> tuple[list[tuple[str, int, int]], list[str]]:
        """The cue spans and the Doc's lemmas."""
        lemmas = self.lemmas.set_lemmas(doc)
        return [(self.labels[match_id], start, end) for match_id, start, end in self.matcher(doc)], lemmas


def relation_facts_by_object(relations: list[dict[str, Any]]) -> dict[str, set[str]]:
    roles: dict[str, set[str]] = {}
    for fact in relations:
        roles.setdefault(fact["object"], set()).add(fact["kind"])
    return roles


def entity_role_features(
    doc: Doc,
    entity: dict[str, Any],
    cues: dict[int, list[tuple[str, int, int]]],  # by the first token of their sentence
    rule_roles: set[str],
    main: str,
    lemmas: list[str],
    proposed_names: tuple[str, ...] = (),
    doc_feats: Iterable[str] = (),
) -> list[str]:
    """Sparse features of one entity for every role (``lemmas``: the Doc's, set by the cue finder;
    ``proposed_names``: the names of what the rules say the paper proposes)."""
    kind = entity["kind"]
    sentences = sentence_bounds(doc)
    abstract_start = title_end(doc)
    feats = {
        "bias",
        f"kind={kind}",
        f"mentions={_bucket(len(entity['mentions']), (1, 2, 4))}",
        f"main={entity['id'] == main}",
        f"main_is_paper={main == PAPER_SUBJECT}",
        f"known={any(m['rule'] == 'gazetteer' for m in entity['mentions'])}",
    }
    feats.update(doc_feats)
    if name_inside(entity["name"], proposed_names):
        # "TrajMamba" / "LoRA-Edge" / "SIMFIT++": the proposed name is made from this one (lineage)
        feats.add("inside_proposed")
        feats.add(f"inside_proposed|kind={kind}")
    for role in rule_roles:
        feats.add(f"rule={role}")
        feats.add(f"rule={role}|kind={kind}")
    for mention in entity["mentions"]:
        start, end = mention["token_start"], mention["token_end"]
        in_title = start < abstract_start
        feats.add(f"in_title={in_title}")
        feats.add(f"in_title|kind={in_title}|{kind}")
        sentence_start, sentence_end = sentences.sentence_of(start)
        for label, cue_start, cue_end in cues.get(sentence_start, ()):
            feats.add(f"sent_cue={label}")
            feats.add(f"sent_cue={label}|kind={kind}")
            if cue_end <= start and start - cue_end < CUE_WINDOW:
                feats.add(f"cue_before={label}")
                feats.add(f"cue_before={label}|d={_bucket(start - cue_end, (0, 2))}")
            elif cue_start >= end and cue_start - end < CUE_WINDOW:
                feats.add(f"cue_after={label}")
                feats.add(f"cue_after={label}|d={_bucket(cue_start - end, (0, 2))}")
        for i in range(max(sentence_start, start - WINDOW), start):
            feats.add(f"lem_before={lemmas[i]}")
        for i in range(end, min(sentence_end, end + WINDOW)):
            feats.add(f"lem_after={lemmas[i]}")
        if start > sentence_start:
            feats.add(f"prev={lemmas[start - 1]}")
            if in_title:
                feats.add(f"title_prev={lemmas[start - 1]}")  # "Guidance for SAM", "with RieszNet"
        if end < sentence_end:
            feats.add(f"next={lemmas[end]}")
            if end + 1 < sentence_end:
                feats.add(f"next2={lemmas[end]}|{lemmas[end + 1]}")  # "Mamba-based", "CLIP-style"
        if start > 1 and lemmas[start - 1] == "(":
            feats.add("in_parens")
        if in_title and end < abstract_start and lemmas[end] == ":":
            feats.add(f"title_head={start == 0}|kind={kind}")  # "X: A … Model for …"
        if end + 1 < sentence_end and lemmas[end] == "," and lemmas[end + 1] in ("a", "an", "the"):
            feats.add(f"appositive|kind={kind}")  # "X, a benchmark of …"
    return list(feats)  # unordered: each feature weighs on its own


STUDY_WORDS = frozenset(
    "study survey review analysis analyze evaluate evaluating benchmarking comparison comparative "
    "investigate investigating understanding rethinking revisiting empirical case how why what when "
    "do does can is are toward towards".split()
)


def document_features(lemmas: list[str], title_stop: int) -> list[str]:
    """What the title says about the paper as a whole: a name before a colon, a question, a study
    word ("survey", "evaluating", "how") - papers that propose nothing read that way."""
    title = lemmas[:title_stop]
    feats = [f"doc_colon={':' in title}", f"doc_question={'?' in title}"]
    feats += [f"doc_word={w}" for w in sorted(STUDY_WORDS.intersection(title))]
    return feats


def name_inside(name: str, others: Iterable[str]) -> bool:
    """Whether ``name`` (two characters or more) is a proper part of one of ``others``."""
    return len(name) >= 2 and any(name in other and name != other for other in others)


def main_subject(entities: list[dict[str, Any]], proposed: set[str]) -> str:
    """The first proposed MODEL, else METHOD, else DATASET/BENCHMARK (by first mention); else "paper"."""
    ordered = sorted(
        (e for e in entities if e["id"] in proposed), key=lambda e: min(m["token_start"] for m in e["mentions"])
    )
    for kinds in (("MODEL",), ("METHOD",), ("DATASET", "BENCHMARK")):
        for entity in ordered:
            if entity["kind"] in kinds:
                return entity["id"]
    return PAPER_SUBJECT


class RelationClassifier(PredictingComponent):
    """Re-decides the paper-level relations in ``doc._.kg_relations`` with trained models."""

    def __init__(
        self, nlp: Language, name: str, model_dir: str | Path | None = None, cues_path: str | Path | None = None
    ):
        self.name = name
        self.cues = CueFinder(nlp, read_cue_patterns(Path(cues_path) if cues_path else default_cues_path()))
        self.models: dict[str, AveragedPerceptron] = {}
        self._combined: tuple[dict[str, int], numpy.ndarray, list[str]] | None = None
        self._combined_for: tuple[tuple[str, int], ...] = ()
        if model_dir is not None:
            self.from_disk(model_dir)

    def features(self, doc: Doc) -> tuple[str, list[list[str]]]:
        """The rules' main subject and each entity's features."""
        entities = doc._.kg_entities or []
        relations = doc._.kg_relations or []
        cues, lemmas = self.cues(doc)
        rule_roles = relation_facts_by_object(relations)
        proposed = {f["object"] for f in relations if f["kind"] == "proposes"}
        main = main_subject(entities, proposed)
        proposed_names = tuple(e["name"] for e in entities if e["id"] in proposed)
        doc_feats = document_features(lemmas, title_end(doc))
        sentences = sentence_bounds(doc)
        by_sentence: dict[int, list[tuple[str, int, int]]] = {}
        for cue in cues:
            by_sentence.setdefault(sentences.sentence_of(cue[1])[0], []).append(cue)
        return main, [
            entity_role_features(
                doc, e, by_sentence, rule_roles.get(e["id"], set()), main, lemmas, proposed_names, doc_feats
            )
            for e in entities
        ]

    def _margins(self) -> tuple[dict[str, int], numpy.ndarray, list[str]]:
        """All roles' models as one (features x roles) matrix of YES-minus-NO weights, built once:
        one gather and sum per batch scores every entity for every role."""
        built_for = tuple((role, id(model)) for role, model in self.models.items())
        if self._combined is None or self._combined_for != built_for:
            self._combined_for = built_for
            roles = list(self.models)
            index: dict[str, int] = {}
            for model in self.models.values():
                for feature in model.weights:
                    index.setdefault(feature, len(index))
            matrix = numpy.zeros((len(index) + 1, len(roles)), dtype="float32")  # last row: unknown
            for j, role in enumerate(roles):
                for feature, row in self.models[role].weights.items():
                    matrix[index[feature], j] = row.get(YES, 0.0) - row.get(NO, 0.0)
            self._combined = (index, matrix, roles)
        return self._combined

    def predict(self, docs: list[Doc]) -> list[list[set[str]]]:
        """Per Doc, per entity: the roles it is decided to hold (one matrix sum for all ``docs``)."""
        if not self.models:
            return [[set() for _ in doc._.kg_entities or []] for doc in docs]
        per_doc = [self.features(doc)[1] if doc._.kg_entities else [] for doc in docs]
        features = [f for entities in per_doc for f in entities]
        if not features:
            return [[] for _ in docs]
        index, matrix, roles = self._margins()
        margins = iter(segment_sums(index, matrix, features).tolist())
        return [
            [
                # YES only when it scores above NO (a tie is NO, as the model's ``best`` says)
                {
                    role
                    for role, margin in zip(roles, next(margins))
                    if margin > 0 and entity["kind"] in ROLE_KINDS[role]
                }
                for entity in doc._.kg_entities or []
            ]
            for doc in docs
        ]

    def set_annotations(self, docs: list[Doc], predictions: list[list[set[str]]]) -> None:
        for doc, roles in zip(docs, predictions):
            entities = doc._.kg_entities or []
            decided = {e["id"]: r for e, r in zip(entities, roles)}
            kept = [
                fact
                for fact in doc._.kg_relations or []
                if fact["kind"] not in self.models or fact["kind"] in decided.get(fact["object"], set())
            ]
            proposed = (
                {e["id"] for e, r in zip(entities, roles) if "proposes" in r} if "proposes" in self.models else set()
            )
            proposed = proposed or {f["object"] for f in kept if f["kind"] == "proposes"}
            main = main_subject(entities, proposed)
            by_proposal = [e for e in entities if e["id"] in proposed]
            have = {(f["kind"], f["object"]) for f in kept}
            sentences = sentence_bounds(doc)
            for entity, entity_roles in zip(entities, roles):
                for role in sorted(entity_roles):
                    if (role, entity["id"]) in have:
                        continue
                    subject = PAPER_SUBJECT if role == "proposes" else main
                    if role == "based_on":
                        # "SepGRPO" builds on "GRPO": the proposed name made from this one is the
                        # subject; lineage needs a subject the paper proposes, never the paper
                        subject = next(
                            (e["id"] for e in by_proposal if name_inside(entity["name"], (e["name"],))), main
                        )
                        if subject == PAPER_SUBJECT:
                            continue
                    if subject == entity["id"]:
                        continue
                    first = min(entity["mentions"], key=lambda m: m["token_start"])
                    sentence_start, sentence_end = sentences.sentence_chars_of(first["token_start"])
                    kept.append(
                        {
                            "kind": role,
                            "subject": subject,
                            "object": entity["id"],
                            "start": first["start"],
                            "end": first["end"],
                            "sentence_start": sentence_start,
                            "sentence_end": sentence_end,
                            "rule": LEARNED_RULE,
                            "confidence": LEARNED_CONFIDENCE,
                        }
                    )
            doc._.kg_relations = kept

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        data = {role: {"classes": m.classes, "weights": m.weights} for role, m in self.models.items()}
        write_weights(path, WEIGHTS_FILE, data)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RelationClassifier:
        data = read_weights(path, WEIGHTS_FILE, "relation classifier")
        self.models = {role: AveragedPerceptron(d["classes"], d["weights"]) for role, d in data.items()}
        return self
