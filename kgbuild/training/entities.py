"""Training the entity classifier: the candidate pipeline (rules + tagger, no classifier) runs over
the annotated papers; each entity it groups is labelled with its gold kind, or ``NONE`` when no gold
entity shares one of its names. The perceptron's epoch count is chosen on the dev split.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from kgbuild.annotated import norm
from kgbuild.nlp.entity_classifier import EntityClassifier
from kgbuild.nlp.perceptron import NONE, AveragedPerceptron
from kgbuild.nlp.sections import compose_text
from kgbuild.nlp.vectors import WordClusters
from kgbuild.records import ENTITY_KINDS
from kgbuild.training.data import KIND_PRIORITY

Example = tuple[list[str], str]
LENIENT = {"DATASET": "DATA", "BENCHMARK": "DATA"}


@dataclass
class ClassifierReport:
    train_entities: int
    dev_entities: int
    epochs: int
    best_epoch: int
    seconds: float
    dev_kept_f1: list[float] = field(default_factory=list)


def gold_kinds(record: dict[str, Any]) -> dict[str, set[str]]:
    """Normal form of every gold name and alias -> the kinds it is annotated with."""
    out: dict[str, set[str]] = {}
    for entity in record["entities"]:
        for name in [entity["name"], *entity.get("aliases", [])]:
            out.setdefault(norm(name), set()).add(entity["kind"])
    return out


def gold_label(entity: dict[str, Any], kinds_by_name: dict[str, set[str]]) -> str:
    found: set[str] = set()
    for name in [entity["name"], *entity["aliases"]]:
        found |= kinds_by_name.get(norm(name), set())
    if not found:
        return NONE
    if entity["kind"] in found:
        return entity["kind"]
    return min(found, key=KIND_PRIORITY.index)


def candidate_examples(
    nlp: Language, records: list[dict[str, Any]], clusters: WordClusters | None = None
) -> list[Example]:
    """(features, gold label) of every entity the candidate pipeline groups in ``records``."""
    features_of = EntityClassifier("kgbuild_entity_classifier", clusters=clusters).features
    examples = []
    texts = [compose_text(r["title"], r["abstract"]) for r in records]
    for doc, record in zip(nlp.pipe(texts, batch_size=32), records):
        kinds_by_name = gold_kinds(record)
        for entity, features in zip(doc._.kg_entities or [], features_of(doc)):
            examples.append((features, gold_label(entity, kinds_by_name)))
    return examples


def kept_f1(model: AveragedPerceptron, examples: list[Example], negative: str = NONE) -> float:
    """F1 of the positive decisions with the right label (DATASET and BENCHMARK count as one, as
    the scorer's lenient entity rows do)."""
    tp = predicted = gold = 0
    for features, truth in examples:
        guess = model.predict(features)
        predicted += guess != negative
        gold += truth != negative
        tp += guess != negative and LENIENT.get(guess, guess) == LENIENT.get(truth, truth)
    return 2 * tp / (predicted + gold) if predicted + gold else 0.0


def _fit(train: list[Example], classes: list[str], epochs: int, seed: int, dev: list[Example] | None, negative: str):
    """Averaged perceptron over ``epochs`` seeded passes; with ``dev``, also the dev F1 after each."""
    model = AveragedPerceptron(classes)
    rng = random.Random(seed)
    order = list(train)
    trace = []
    for _ in range(epochs):
        rng.shuffle(order)
        for features, truth in order:
            model.update(truth, model.predict(features), features)
        if dev is not None:
            trace.append(kept_f1(model.averaged_copy(), dev, negative))
    model.average()
    return model, trace


def train_perceptron(
    train: list[Example], dev: list[Example], classes: list[str], *, epochs: int, seed: int, negative: str
) -> tuple[AveragedPerceptron, int, float]:
    """The model retrained to the epoch count with the best dev F1 (averaging makes the weights
    depend on when training stops), that epoch (0-based) and its dev F1."""
    _, trace = _fit(train, classes, epochs, seed, dev, negative)
    best_epoch = max(range(len(trace)), key=lambda e: (trace[e], -e)) if trace else 0
    model, _ = _fit(train, classes, best_epoch + 1, seed, None, negative)
    return model, best_epoch, trace[best_epoch] if trace else 0.0


def train_classifier(
    train: list[Example],
    dev: list[Example],
    out_dir: Path,
    *,
    epochs: int = 15,
    seed: int = 0,
    clusters: WordClusters | None = None,
) -> ClassifierReport:
    """Train on ``train`` (features made with ``clusters``, or without when None), choose the epoch
    count on ``dev``, save to ``out_dir``."""
    started = time.perf_counter()
    classes = [NONE, *ENTITY_KINDS]
    _, trace = _fit(train, classes, epochs, seed, dev, NONE)
    model, best_epoch, _ = train_perceptron(train, dev, classes, epochs=epochs, seed=seed, negative=NONE)
    classifier = EntityClassifier("kgbuild_entity_classifier", clusters=clusters)
    classifier.model = model
    classifier.to_disk(out_dir)
    return ClassifierReport(
        len(train),
        len(dev),
        epochs,
        best_epoch,
        round(time.perf_counter() - started, 1),
        dev_kept_f1=[round(f, 4) for f in trace],
    )
