"""Training the result classifier: the pipeline up to the relation classifier runs over the annotated
papers; each score candidate is labelled kept when its value (normal form) is a gold result's value,
and each of its candidate owners is labelled YES when it is that gold result's model (any of its
names matching a gold name or alias; "paper" for the paper itself). Epochs are chosen by
cross-validation over the training papers, as for the relation classifier; the dev split reports.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language

from kgbuild.annotated import norm
from kgbuild.nlp.result_classifier import NO, YES, ResultClassifier
from kgbuild.nlp.sections import compose_text
from kgbuild.records import PAPER_SUBJECT
from kgbuild.training.entities import _fit, kept_f1
from kgbuild.training.relations import cross_validated_epochs

Example = tuple[list[str], str]


@dataclass
class ResultReport:
    keep_examples: int = 0
    keep_positives: int = 0
    owner_examples: int = 0
    owner_positives: int = 0
    best_epoch: dict[str, int] = field(default_factory=dict)
    cv_f1: dict[str, list[float]] = field(default_factory=dict)
    dev_f1: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


def _aliases(record: dict[str, Any]) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for entity in record["entities"]:
        group = {norm(n) for n in [entity["name"], *entity.get("aliases", [])]}
        for name in group:
            names.setdefault(name, set()).update(group)
    return names


def result_examples(
    nlp: Language, classifier: ResultClassifier, records: list[dict[str, Any]]
) -> tuple[list[Example], list[int], list[Example], list[int]]:
    """Keep examples and owner examples, each with the index of its paper."""
    keep: list[Example] = []
    keep_papers: list[int] = []
    owner: list[Example] = []
    owner_papers: list[int] = []
    texts = [compose_text(r["title"], r["abstract"]) for r in records]
    for number, (doc, record) in enumerate(zip(nlp.pipe(texts, batch_size=32), records)):
        aliases = _aliases(record)
        gold: dict[str, set[str]] = {}
        for result in record["results"]:
            model = norm(result["model"])
            gold.setdefault(norm(result["value"]), set()).update(aliases.get(model, {model}))
        names = {e["id"]: {norm(n) for n in [e["name"], *e["aliases"]]} for e in doc._.kg_entities or []}
        names[PAPER_SUBJECT] = {norm(PAPER_SUBJECT)}
        results, keep_feats, owners, owner_feats = classifier.features(doc)
        for result, feats, candidates, candidate_feats in zip(results, keep_feats, owners, owner_feats):
            models = gold.get(norm(result["value"]))
            keep.append((feats, YES if models else NO))
            keep_papers.append(number)
            if not models:
                continue
            for candidate, features in zip(candidates, candidate_feats):
                owner.append((features, YES if names.get(candidate, set()) & models else NO))
                owner_papers.append(number)
    return keep, keep_papers, owner, owner_papers


def train_results(
    nlp: Language,
    classifier: ResultClassifier,
    train_records: list[dict[str, Any]],
    dev_records: list[dict[str, Any]],
    *,
    epochs: int = 12,
    seed: int = 0,
) -> ResultReport:
    """Fit the keep and owner models into ``classifier`` (save it with ``to_disk``)."""
    started = time.perf_counter()
    keep, keep_papers, owner, owner_papers = result_examples(nlp, classifier, train_records)
    dev_keep, _, dev_owner, _ = result_examples(nlp, classifier, dev_records)
    report = ResultReport(
        keep_examples=len(keep),
        keep_positives=sum(label == YES for _, label in keep),
        owner_examples=len(owner),
        owner_positives=sum(label == YES for _, label in owner),
    )
    for name, train, papers, dev in (("keep", keep, keep_papers, dev_keep), ("owner", owner, owner_papers, dev_owner)):
        best, report.cv_f1[name] = cross_validated_epochs(train, papers, epochs=epochs, seed=seed)
        model, _ = _fit(train, [NO, YES], best + 1, seed, None, NO)
        report.best_epoch[name] = best
        report.dev_f1[name] = round(kept_f1(model, dev, NO), 4)
        setattr(classifier, name, model)
    report.seconds = round(time.perf_counter() - started, 1)
    return report
