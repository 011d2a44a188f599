"""The entity tagger: spaCy's transition-based NER over the whole title + abstract, trained on the
annotated corpus's gold mentions and chosen on its dev split.

A small hash-embedding CNN (word norm, prefix, suffix and shape, so the word's shape is a
feature) keeps the cost per word low enough to run on every word of 75k abstracts.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from kgbuild.nlp.pipeline import configure_tokenizer
from kgbuild.records import ENTITY_KINDS
from kgbuild.training.data import gold_doc

TAGGER_MODEL: dict[str, object] = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 64,
    "maxout_pieces": 2,
    "use_upper": True,
    "nO": None,
    "tok2vec": {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 96,
        "depth": 2,
        "embed_size": 4000,
        "window_size": 1,
        "maxout_pieces": 3,
        "subword_features": True,
    },
}


@dataclass
class TaggerReport:
    train_docs: int
    dev_docs: int
    misaligned_spans: int
    epochs: int
    best_epoch: int
    seconds: float
    losses: list[float] = field(default_factory=list)
    dev_f: list[float] = field(default_factory=list)
    best: dict[str, float] = field(default_factory=dict)


def blank_pipeline() -> Language:
    nlp = spacy.blank("en")
    configure_tokenizer(nlp)
    return nlp


def train_tagger(
    train_records: list[dict],
    dev_records: list[dict],
    out_dir: Path,
    *,
    epochs: int = 30,
    seed: int = 0,
    dropout: float = 0.2,
    batch_size: int = 8,
) -> TaggerReport:
    """Train on ``train_records``, keep the epoch with the best entity F1 on ``dev_records`` and
    save it (tokenizer + ner) to ``out_dir``."""
    started = time.perf_counter()
    fix_random_seed(seed)
    nlp = blank_pipeline()
    ner = cast(EntityRecognizer, nlp.add_pipe("ner", config={"model": TAGGER_MODEL}))
    for label in ENTITY_KINDS:
        ner.add_label(label)
    misaligned = 0
    train: list[Example] = []
    for record in train_records:
        doc, lost = gold_doc(nlp, record)
        misaligned += lost
        train.append(Example(nlp.make_doc(doc.text), doc))
    dev = [Example(nlp.make_doc(d.text), d) for d in (gold_doc(nlp, r)[0] for r in dev_records)]
    optimizer = nlp.initialize(lambda: train)
    report = TaggerReport(len(train), len(dev), misaligned, epochs, -1, 0.0)
    best_f = -1.0
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(train)
        losses: dict[str, float] = {}
        for batch in minibatch(train, size=batch_size):
            nlp.update(batch, sgd=optimizer, drop=dropout, losses=losses)
        report.losses.append(round(float(losses.get("ner", 0.0)), 1))
        with nlp.use_params(optimizer.averages):
            scores = nlp.evaluate(dev) if dev else {"ents_f": 0.0, "ents_p": 0.0, "ents_r": 0.0}
            f = float(scores.get("ents_f") or 0.0)
            report.dev_f.append(round(f, 4))
            if f > best_f:
                best_f = f
                report.best_epoch = epoch
                report.best = {k: round(float(scores.get(k) or 0.0), 4) for k in ("ents_p", "ents_r", "ents_f")}
                out_dir.mkdir(parents=True, exist_ok=True)
                nlp.to_disk(out_dir)
    report.seconds = round(time.perf_counter() - started, 1)
    return report
