"""Learned results: which scores are results, and whose each one is.

The rules (``kgbuild_relations``) read every score and name an owner, or none ("an unnamed
baseline's number"); their reading is a feature here. For each score two trained decisions follow:

* keep: is the value a result the paper reports (its shape, kind, the words around it, the rule);
* owner: which of the candidates is it for - "paper", the paper's main proposed entity (as the
  relation classifier decided it), any model or method named in its sentence, or the rules' choice.
  Each candidate is scored (order, distance, the cue words between it and the value, whether it
  opens the clause, whether the paper proposes it, whether the paper proposes nothing) and the
  best-scoring one owns the value.

Two binary averaged perceptrons trained on the annotated corpus by ``kgbuild.training``. Modelled on
spaCy's components: factory with config, ``__call__`` = ``predict`` then ``set_annotations``,
``to_disk``/``from_disk``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy
from spacy.tokens import Doc

from kgbuild.nlp.batching import PredictingComponent
from kgbuild.nlp.entity_classifier import coarse_shape
from kgbuild.nlp.lemmas import lemma_of
from kgbuild.nlp.perceptron import AveragedPerceptron, read_weights, segment_sums, write_weights
from kgbuild.nlp.relation_classifier import main_subject
from kgbuild.nlp.tokens import lowers, sentence_bounds, title_end
from kgbuild.records import PAPER_SUBJECT

YES, NO = "YES", "NO"
WEIGHTS_FILE = "result_classifier.json"
OWNER_KINDS = frozenset({"MODEL", "METHOD"})
BETWEEN = 8  # words between a candidate's mention and the value read as cue words
CLAUSE_BREAKS = frozenset({",", ";", ":", "while", "whereas", "but", "although"})
OWN_WORDS = frozenset({"we", "our", "ours", "proposed"})
LEARNED_RULE = "learned-owner"


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def value_features(doc: Doc, result: dict[str, Any], main_is_paper: bool) -> list[str]:
    """Whether a score is a result: its shape and reading, and the words around it."""
    lowered = lowers(doc)
    start, end = result["token_start"], result["token_end"]
    value = result["value"]
    sentence_start, sentence_end = sentence_bounds(doc).sentence_of(start)
    sentence = set(lowered[sentence_start:sentence_end])
    feats = {
        "bias",
        f"kind={result['kind']}",
        f"rule={result['rule']}",
        f"owned={result['model'] is not None}",
        f"weak={result.get('weak', False)}",
        f"weak={result.get('weak', False)}|kind={result['kind']}",
        f"shape={coarse_shape(value)}",
        f"percent={'%' in value}",
        f"words={_bucket(len(value.split()), (1, 2, 3))}",
        f"own_sentence={not OWN_WORDS.isdisjoint(sentence)}",
        f"in_title={start < title_end(doc)}",
        f"main_is_paper={main_is_paper}",
        f"metric={result['metric'] is not None}",
        f"benchmark={result['benchmark'] is not None}",
    }
    for offset in (1, 2, 3):
        if start - offset >= sentence_start:
            feats.add(f"w-{offset}={lemma_of(lowered[start - offset])}")
        if end - 1 + offset < sentence_end:
            feats.add(f"w+{offset}={lemma_of(lowered[end - 1 + offset])}")
    return list(feats)


def owner_candidates(doc: Doc, result: dict[str, Any], main: str) -> dict[str, list[dict[str, Any]]]:
    """Candidate owner id -> its mentions in the value's sentence (none for "paper" and for a main
    entity named elsewhere)."""
    start = result["token_start"]
    sentence_start, sentence_end = sentence_bounds(doc).sentence_of(start)
    found: dict[str, list[dict[str, Any]]] = {PAPER_SUBJECT: []}
    if main != PAPER_SUBJECT:
        found[main] = []
    if result["model"] is not None:
        found.setdefault(result["model"], [])
    for entity in doc._.kg_entities or []:
        if entity["kind"] not in OWNER_KINDS:
            continue
        for mention in entity["mentions"]:
            if sentence_start <= mention["token_start"] < sentence_end and not (
                mention["token_start"] <= start < mention["token_end"]
            ):
                found.setdefault(entity["id"], []).append(mention)
    return found


def owner_features(
    doc: Doc,
    result: dict[str, Any],
    candidate: str,
    mentions: list[dict[str, Any]],
    main: str,
    proposed: set[str],
    kinds: dict[str, str],
) -> list[str]:
    """One (value, candidate owner) pair."""
    lowered = lowers(doc)
    start, end = result["token_start"], result["token_end"]
    if candidate == PAPER_SUBJECT:
        role = "paper"
    elif candidate == main:
        role = "main"
    elif candidate in proposed:
        role = "proposed"
    else:
        role = "other"
    rule_choice = candidate == result["model"]
    kind = result["kind"]
    feats = {
        f"role={role}",
        f"role={role}|kind={kind}",
        f"role={role}|rule_choice={rule_choice}",
        f"role={role}|rule={result['rule']}",
        f"role={role}|main_is_paper={main == PAPER_SUBJECT}",
        f"role={role}|entity_kind={kinds.get(candidate, '')}",
        f"rule_choice={rule_choice}|kind={kind}",
    }
    sentence_start, _ = sentence_bounds(doc).sentence_of(start)
    own = not OWN_WORDS.isdisjoint(lowered[sentence_start:start])
    feats.add(f"role={role}|own_before={own}")
    if not mentions:
        feats.add(f"role={role}|in_sentence=False")
        return list(feats)
    nearest = min(mentions, key=lambda m: min(abs(m["token_start"] - end), abs(start - m["token_end"])))
    before = nearest["token_end"] <= start
    gap = start - nearest["token_end"] if before else nearest["token_start"] - end
    between = lowered[nearest["token_end"] : start] if before else lowered[end : nearest["token_start"]]
    broken = not CLAUSE_BREAKS.isdisjoint(between)
    feats |= {
        f"role={role}|in_sentence=True",
        f"role={role}|before={before}",
        f"role={role}|before={before}|d={_bucket(gap, (0, 2, 5, 10))}",
        f"role={role}|before={before}|clause_break={broken}",
        f"before={before}|kind={kind}|d={_bucket(gap, (2, 6))}",
        f"opens_clause={nearest['token_start'] == sentence_start or lowered[nearest['token_start'] - 1] in CLAUSE_BREAKS}",
        f"mentions={_bucket(len(mentions), (1, 2))}",
    }
    if gap <= BETWEEN:
        for word in between:
            feats.add(f"between={lemma_of(word)}|before={before}")
    if nearest["token_start"] > 0:
        feats.add(f"prev={lemma_of(lowered[nearest['token_start'] - 1])}")
    return list(feats)


class ResultClassifier(PredictingComponent):
    """Re-decides ``doc._.kg_results`` from the rules' candidates (``doc._.kg_result_candidates``)."""

    def __init__(self, name: str, model_dir: str | Path | None = None) -> None:
        self.name = name
        self.keep = AveragedPerceptron([NO, YES])
        self.owner = AveragedPerceptron([NO, YES])
        if model_dir is not None:
            self.from_disk(model_dir)

    def features(
        self, doc: Doc
    ) -> tuple[list[dict[str, Any]], list[list[str]], list[list[str]], list[list[list[str]]]]:
        """The candidates, each one's value features, candidate owners and their features."""
        entities = doc._.kg_entities or []
        proposed = {f["object"] for f in doc._.kg_relations or [] if f["kind"] == "proposes"}
        main = main_subject(entities, proposed)
        kinds = {e["id"]: e["kind"] for e in entities}
        results = doc._.kg_result_candidates or []
        keep_feats, owners, owner_feats = [], [], []
        for result in results:
            keep_feats.append(value_features(doc, result, main == PAPER_SUBJECT))
            candidates = owner_candidates(doc, result, main)
            owners.append(list(candidates))
            owner_feats.append(
                [owner_features(doc, result, c, m, main, proposed, kinds) for c, m in candidates.items()]
            )
        return results, keep_feats, owners, owner_feats

    @staticmethod
    def _margins(model: AveragedPerceptron, feature_lists: list[list[str]]) -> list[float]:
        if not feature_lists:
            return []
        index, matrix, ordered = model._frozen()
        sums = segment_sums(index, matrix, feature_lists)
        return (sums[:, ordered.index(YES)] - sums[:, ordered.index(NO)]).tolist()

    def predict(self, docs: list[Doc]) -> list[list[str | None]]:
        """Per Doc, per candidate: its owner, or None when it is not kept (one matrix sum per model
        for all ``docs``)."""
        per_doc = [self.features(doc) for doc in docs]
        keep = iter(self._margins(self.keep, [f for _, keep_feats, _, _ in per_doc for f in keep_feats]))
        flat = [f for _, _, _, owner_feats in per_doc for per_result in owner_feats for f in per_result]
        scores = self._margins(self.owner, flat)
        at = 0
        out = []
        for results, _, owners, _ in per_doc:
            decided: list[str | None] = []
            for i in range(len(results)):
                n = len(owners[i])
                best = int(numpy.argmax(scores[at : at + n])) if n else 0
                decided.append(owners[i][best] if next(keep) > 0 and n else None)
                at += n
            out.append(decided)
        return out

    def set_annotations(self, docs: list[Doc], predictions: list[list[str | None]]) -> None:
        for doc, owners in zip(docs, predictions):
            kept = []
            for result, owner in zip(doc._.kg_result_candidates or [], owners):
                if owner is None:
                    continue
                if owner != result["model"]:
                    result = {**result, "model": owner, "rule": LEARNED_RULE}
                kept.append(result)
            doc._.kg_results = kept

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        data = {name: {"classes": m.classes, "weights": m.weights} for name, m in self._models().items()}
        write_weights(path, WEIGHTS_FILE, data)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ResultClassifier:
        data = read_weights(path, WEIGHTS_FILE, "result classifier")
        self.keep = AveragedPerceptron(data["keep"]["classes"], data["keep"]["weights"])
        self.owner = AveragedPerceptron(data["owner"]["classes"], data["owner"]["weights"])
        return self

    def _models(self) -> dict[str, AveragedPerceptron]:
        return {"keep": self.keep, "owner": self.owner}
