"""Training the statistical NER: silver data from the rule components, plus TDMSci, seeded.

Silver annotations come from running the rule pipeline (gazetteer + name shapes) over arXiv
listing abstracts. The founding corpus is never used for training, so the dev set, which is cut
from it, stays unseen. TDMSci (Hou et al., 2021) adds human TASK/DATASET/METRIC labels.

The NER learns the rules' decisions *and* the contexts they occur in, which is what lets it find
names no gazetteer lists ("… outperforms Chinchilla …").
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import filter_spans, fix_random_seed, minibatch

from kgbuild.nlp.pipeline import build_pipeline, configure_tokenizer
from kgbuild.nlp.sections import compose_text
from kgbuild.records import ENTITY_KINDS

# Rules whose mentions are precise enough to teach from.
SILVER_RULES = frozenset(
    {"gazetteer", "size-variant", "acronym-definition", "title-name", "named-by-cue", "shape-mixed", "shape-versioned"}
)
TDMSCI_LABELS = {"TASK": "TASK", "DATASET": "DATASET", "METRIC": "METRIC"}


@dataclass
class TrainingReport:
    examples: int
    held_out: int
    epochs: int
    losses: list[float]
    scores: dict[str, float]


def arxiv_texts(path: Path, limit: int, seed: int) -> list[tuple[str, str]]:
    """(title, abstract) of up to ``limit`` listing records, a seeded sample of the file."""
    opener = gzip.open if path.suffix == ".gz" else open
    rows: list[tuple[str, str]] = []
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            title, summary = record.get("title"), record.get("summary") or record.get("abstract")
            if isinstance(title, str) and isinstance(summary, str):
                rows.append((" ".join(title.split()), " ".join(summary.split())))
    random.Random(seed).shuffle(rows)
    return rows[:limit]


def silver_docs(rule_nlp: Language, texts: Iterable[tuple[str, str]], blank: Language) -> Iterator[Doc]:
    """Docs (per sentence) whose ``ents`` are the rule pipeline's confident mentions."""
    for doc in rule_nlp.pipe((compose_text(t, a) for t, a in texts), batch_size=64):
        spans = [s for s in doc.spans["kg_entities"] if (s._.kg_rule or "gazetteer") in SILVER_RULES]
        kinds = {e["id"]: e["kind"] for e in doc._.kg_entities}
        for sentence in doc.sents:
            text = sentence.text.rstrip()  # the title "sentence" ends in the section separator
            if not text.strip():
                continue
            sent_doc = blank.make_doc(text)
            ents = []
            for span in spans:
                if sentence.start <= span.start and span.end <= sentence.end:
                    start = span.start_char - sentence.start_char
                    char_span = sent_doc.char_span(
                        start, start + len(span.text), label=kinds.get(span.id_, span.label_)
                    )
                    if char_span is not None:
                        ents.append(char_span)
            sent_doc.ents = filter_spans(ents)
            yield sent_doc


def tdmsci_docs(path: Path, blank: Language) -> Iterator[Doc]:
    """TDMSci CoNLL (token, offset, BIO tag) as Docs with entities."""
    words: list[str] = []
    tags: list[str] = []

    def flush() -> Doc | None:
        if not words:
            return None
        doc = Doc(blank.vocab, words=list(words))
        spans: list[Span] = []
        start: int | None = None
        label = ""
        for i, tag in enumerate([*tags, "O"]):
            if start is not None and not tag.startswith("I-"):
                spans.append(Span(doc, start, i, label=label))
                start = None
            if tag.startswith("B-") and tag[2:] in TDMSCI_LABELS:
                start, label = i, TDMSCI_LABELS[tag[2:]]
        doc.ents = spans
        return doc

    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3:
                doc = flush()
                if doc is not None:
                    yield doc
                words, tags = [], []
                continue
            words.append(parts[0])
            tags.append(parts[2])
    doc = flush()
    if doc is not None:
        yield doc


# A smaller CNN than spaCy's default (width 96, depth 4, hidden 64): about 3.5x faster, and
# the resolver only asks it about short windows around possible names, where two layers of
# +-1-token convolution see all the context that matters (issue 6's speed budget).
NER_MODEL: dict[str, object] = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 32,
    "maxout_pieces": 2,
    "use_upper": True,
    "nO": None,
    "tok2vec": {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 64,
        "depth": 2,
        "embed_size": 2000,
        "window_size": 1,
        "maxout_pieces": 3,
        "subword_features": True,
    },
}


def train_ner(
    docs: list[Doc], out_dir: Path, *, epochs: int = 8, seed: int = 0, held_out: float = 0.1
) -> TrainingReport:
    """Train a CNN NER on ``docs`` and save the pipeline (tokenizer + ner only) to ``out_dir``."""
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    configure_tokenizer(nlp)
    ner = cast(EntityRecognizer, nlp.add_pipe("ner", config={"model": NER_MODEL}))
    for label in ENTITY_KINDS:
        ner.add_label(label)
    examples = [Example(nlp.make_doc(d.text), d) for d in docs]
    random.Random(seed).shuffle(examples)
    cut = int(len(examples) * held_out)
    dev, train = examples[:cut], examples[cut:]
    optimizer = nlp.initialize(lambda: train)
    losses_per_epoch: list[float] = []
    for _ in range(epochs):
        random.Random(seed + len(losses_per_epoch)).shuffle(train)
        losses: dict[str, float] = {}
        for batch in minibatch(train, size=64):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        losses_per_epoch.append(round(float(losses.get("ner", 0.0)), 2))
    scores = nlp.evaluate(dev)
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return TrainingReport(
        examples=len(train),
        held_out=len(dev),
        epochs=epochs,
        losses=losses_per_epoch,
        scores={k: round(float(scores[k]), 4) for k in ("ents_p", "ents_r", "ents_f") if scores.get(k) is not None},
    )


def build_training_docs(arxiv_path: Path, tdmsci_path: Path | None, *, limit: int, seed: int) -> list[Doc]:
    rule_nlp = build_pipeline(use_ner=False)
    blank = spacy.blank("en")
    configure_tokenizer(blank)
    docs = list(silver_docs(rule_nlp, arxiv_texts(arxiv_path, limit, seed), blank))
    if tdmsci_path is not None and tdmsci_path.exists():
        docs.extend(tdmsci_docs(tdmsci_path, blank))
    return docs


def main(argv: list[str] | None = None) -> None:
    """``python -m kgbuild.nlp.training``: rebuild the shipped NER (``make train-silver-ner``)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--arxiv", type=Path, default=None, help="arXiv listings (default: under $KGBUILD_SHARED)")
    parser.add_argument(
        "--tdmsci", type=Path, default=None, help="TDMSci CoNLL (default: under $KGBUILD_SHARED if set)"
    )
    parser.add_argument("--limit", type=int, default=1500, help="arXiv abstracts to annotate with the rules")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="default: the package's model/ner directory")
    args = parser.parse_args(argv)
    from kgbuild.shared import ARXIV_LISTINGS, TDMSCI_TRAIN, SharedDataError, shared_file

    try:
        args.arxiv = args.arxiv or shared_file(ARXIV_LISTINGS, required=True)
        args.tdmsci = args.tdmsci or shared_file(TDMSCI_TRAIN, required=False)
    except SharedDataError as e:
        parser.error(str(e))
    if not args.arxiv.exists():
        parser.error(f"arXiv listings not found: {args.arxiv}")
    docs = build_training_docs(args.arxiv, args.tdmsci, limit=args.limit, seed=args.seed)
    print(f"training on {len(docs)} sentences ({sum(len(d.ents) for d in docs)} entities)")
    from kgbuild.nlp.pipeline import bundled_ner_dir

    report = train_ner(docs, args.out or bundled_ner_dir(), epochs=args.epochs, seed=args.seed)
    print(json.dumps(report.__dict__))


if __name__ == "__main__":
    main()
