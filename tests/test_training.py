"""NER training end to end on tiny data: silver docs from the rules, TDMSci reading, seeded
training, and the trained NER plugged into the pipeline behind the rules."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import spacy

from kgbuild.nlp.pipeline import build_pipeline, configure_tokenizer
from kgbuild.nlp.training import arxiv_texts, silver_docs, tdmsci_docs, train_ner

pytestmark = pytest.mark.slow  # training: make test-fast skips it

PATTERNS = str(Path(__file__).parent / "fixtures" / "nlp" / "patterns")
ABSTRACTS = [
    ("FooNet: A Model", "We propose FooNet. FooNet outperforms GPT-3 on MMLU with a top-1 accuracy of 80.1%."),
    ("BarLM: Another Model", "We train BarLM on The Pile. It beats RoBERTa and Llama-2 on SuperGLUE."),
    ("BazNet and more", "Our BazNet surpasses BERT on ImageNet-1k, reaching 84.2% accuracy."),
]


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    path = tmp_path / "listing.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for title, summary in ABSTRACTS:
            handle.write(json.dumps({"title": title, "summary": summary}) + "\n")
        handle.write("{broken\n")
    return path


def blank():
    nlp = spacy.blank("en")
    configure_tokenizer(nlp)
    return nlp


def test_silver_docs_carry_the_rules_entities(listing):
    rule_nlp = build_pipeline(PATTERNS, mode="rules")
    docs = list(silver_docs(rule_nlp, arxiv_texts(listing, limit=10, seed=0), blank()))
    labelled = {(e.text, e.label_) for d in docs for e in d.ents}
    assert ("GPT-3", "MODEL") in labelled
    assert ("MMLU", "BENCHMARK") in labelled
    assert ("The Pile", "DATASET") in labelled
    assert docs and all("\n\n" not in d.text for d in docs)  # one sentence per doc, never title+abstract


def test_tdmsci_reader(tmp_path):
    conll = tmp_path / "t.conll"
    conll.write_text(
        "We\t0\tO\nuse\t3\tO\nPenn\t7\tB-DATASET\nTreebank\t12\tI-DATASET\nfor\t21\tO\n"
        "parsing\t25\tB-TASK\n\nBLEU\t0\tB-METRIC\nrises\t5\tO\n"
    )
    docs = list(tdmsci_docs(conll, blank()))
    assert [[(e.text, e.label_) for e in d.ents] for d in docs] == [
        [("Penn Treebank", "DATASET"), ("parsing", "TASK")],
        [("BLEU", "METRIC")],
    ]


def test_training_is_seeded_and_the_model_plugs_in(listing, tmp_path):
    rule_nlp = build_pipeline(PATTERNS, mode="rules")
    docs = list(silver_docs(rule_nlp, arxiv_texts(listing, limit=10, seed=0), blank())) * 4
    first = train_ner(docs, tmp_path / "a", epochs=2, seed=3)
    second = train_ner(docs, tmp_path / "b", epochs=2, seed=3)
    assert first.losses == second.losses
    assert (tmp_path / "a" / "ner" / "model").read_bytes() == (tmp_path / "b" / "ner" / "model").read_bytes()
    nlp = build_pipeline(PATTERNS, ner_dir=tmp_path / "a", mode="combined", use_classifier=False)
    assert "kgbuild_ner" in nlp.pipe_names  # the trained NER, run around possible names
    assert nlp.pipe_names.index("kgbuild_ner") < nlp.pipe_names.index("kgbuild_mentions")
    doc = nlp("T\n\nWe propose FooNet and compare it with GPT-3.")
    assert all(isinstance(e["name"], str) for e in doc._.kg_entities)


def test_ner_only_mode_requires_a_model(tmp_path):
    with pytest.raises(FileNotFoundError, match="make train-silver-ner"):
        build_pipeline(PATTERNS, mode="ner", ner_dir=tmp_path / "missing")
    with pytest.raises(ValueError, match="unknown pipeline mode"):
        build_pipeline(PATTERNS, mode="bogus")
