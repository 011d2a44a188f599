"""Training the relation classifier: the pipeline up to the rule relations runs over the annotated
papers; each entity is labelled, per role, by whether the gold record relates it that way (any of
its names matching a gold name or alias). Epochs are chosen per role by cross-validation over the
training papers; a role's model is shipped only where it beats the rule relations on the dev split.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language

from kgbuild.annotated import norm
from kgbuild.nlp.relation_classifier import NO, ROLE_KINDS, ROLES, YES, RelationClassifier
from kgbuild.nlp.sections import compose_text
from kgbuild.training.entities import _fit, kept_f1

FOLDS = 5

Example = tuple[list[str], str]


@dataclass
class RelationReport:
    examples: dict[str, int] = field(default_factory=dict)
    positives: dict[str, int] = field(default_factory=dict)
    best_epoch: dict[str, int] = field(default_factory=dict)
    cv_f1: dict[str, list[float]] = field(default_factory=dict)  # per epoch, over folds of train
    dev_f1: dict[str, float] = field(default_factory=dict)
    rules_dev_f1: dict[str, float] = field(default_factory=dict)
    learned_roles: list[str] = field(default_factory=list)
    seconds: float = 0.0


def gold_role_names(record: dict[str, Any]) -> dict[str, set[str]]:
    """Role -> the normal forms of every name and alias of the gold entities in that role."""
    aliases: dict[str, set[str]] = {}
    for entity in record["entities"]:
        names = {norm(n) for n in [entity["name"], *entity.get("aliases", [])]}
        for name in names:
            aliases.setdefault(name, set()).update(names)
    objects = {
        "proposes": list(record["proposes"]),
        "compares_with": list(record["compares_with"]),
        "evaluated_on": [pair[1] for pair in record["evaluated_on"]],
        "trained_on": [pair[1] for pair in record["trained_on"]],
        "based_on": [pair[1] for pair in record["based_on"]],
    }
    out: dict[str, set[str]] = {}
    for role, role_names in objects.items():
        found: set[str] = set()
        for name in role_names:
            found |= aliases.get(norm(name), {norm(name)})
        out[role] = found
    return out


def role_examples(
    nlp: Language,
    classifier: RelationClassifier,
    records: list[dict[str, Any]],
    papers: dict[str, list[int]] | None = None,
) -> dict[str, list[Example]]:
    """Per role, one example per entity of a fitting kind; ``papers`` (when given) receives, per
    role, the index of the paper each example comes from."""
    examples: dict[str, list[Example]] = {role: [] for role in ROLES}
    texts = [compose_text(r["title"], r["abstract"]) for r in records]
    for number, (doc, record) in enumerate(zip(nlp.pipe(texts, batch_size=32), records)):
        gold = gold_role_names(record)
        _, features = classifier.features(doc)
        for entity, feats in zip(doc._.kg_entities or [], features):
            names = {norm(n) for n in [entity["name"], *entity["aliases"]]}
            for role in ROLES:
                if entity["kind"] in ROLE_KINDS[role]:
                    examples[role].append((feats, YES if names & gold[role] else NO))
                    if papers is not None:
                        papers.setdefault(role, []).append(number)
    return examples


def cross_validated_epochs(
    examples: list[Example], papers: list[int], *, epochs: int, seed: int, folds: int = FOLDS
) -> tuple[int, list[float]]:
    """The epoch count (0-based) with the best mean F1 over ``folds`` folds of the training papers
    (each paper's entities in one fold), and the mean F1 per epoch. The dev split is small (a role
    has a handful of positives there), so choosing the epoch count on it alone follows its noise."""
    totals = [0.0] * epochs
    for fold in range(folds):
        held = [e for e, p in zip(examples, papers) if p % folds == fold]
        kept = [e for e, p in zip(examples, papers) if p % folds != fold]
        _, trace = _fit(kept, [NO, YES], epochs, seed, held, NO)
        totals = [t + f / folds for t, f in zip(totals, trace)]
    best = max(range(epochs), key=lambda e: (totals[e], -e))
    return best, [round(t, 4) for t in totals]


def rules_f1(role: str, examples: list[Example]) -> float:
    """F1 of the rule relations alone on the same examples (the entity has the rule feature)."""
    feature = f"rule={role}"
    tp = predicted = gold = 0
    for features, truth in examples:
        guess = feature in features
        predicted += guess
        gold += truth == YES
        tp += guess and truth == YES
    return 2 * tp / (predicted + gold) if predicted + gold else 0.0


def train_relations(
    nlp: Language,
    classifier: RelationClassifier,
    train_records: list[dict[str, Any]],
    dev_records: list[dict[str, Any]],
    *,
    epochs: int = 12,
    seed: int = 0,
) -> RelationReport:
    """Fit one perceptron per role into ``classifier.models`` (save it with ``to_disk``)."""
    started = time.perf_counter()
    papers: dict[str, list[int]] = {}
    train = role_examples(nlp, classifier, train_records, papers)
    dev = role_examples(nlp, classifier, dev_records)
    report = RelationReport()
    classifier.models = {}
    for role in ROLES:
        best_epoch, report.cv_f1[role] = cross_validated_epochs(
            train[role], papers.get(role, []), epochs=epochs, seed=seed
        )
        model, _ = _fit(train[role], [NO, YES], best_epoch + 1, seed, None, NO)
        f1 = kept_f1(model, dev[role], NO)
        report.examples[role] = len(train[role])
        report.positives[role] = sum(label == YES for _, label in train[role])
        report.best_epoch[role] = best_epoch
        report.dev_f1[role] = round(f1, 4)
        report.rules_dev_f1[role] = round(rules_f1(role, dev[role]), 4)
        # The rules keep a role where the model does not beat them on dev (they are one of its features).
        if f1 > report.rules_dev_f1[role]:
            classifier.models[role] = model
            report.learned_roles.append(role)
    report.seconds = round(time.perf_counter() - started, 1)
    return report
