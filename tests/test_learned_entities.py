"""The learned entity layer: gold Docs from annotated records, the tagger and the entity classifier
trained on tiny data, saved, loaded and run inside the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgbuild.annotated import mention_spans
from kgbuild.nlp.entity_classifier import EntityClassifier, coarse_shape
from kgbuild.nlp.perceptron import NONE, AveragedPerceptron
from kgbuild.nlp.pipeline import build_pipeline
from kgbuild.training.data import gold_char_spans, gold_doc
from kgbuild.training.entities import candidate_examples, gold_label, train_classifier
from kgbuild.training.tagger import blank_pipeline, train_tagger

PATTERNS = str(Path(__file__).parent / "fixtures" / "nlp" / "patterns")


def record(title: str, abstract: str, entities: list[dict]) -> dict:
    out = {
        "id": "0000.00000",
        "title": title,
        "abstract": abstract,
        "entities": entities,
        "proposes": [],
        "compares_with": [],
        "evaluated_on": [],
        "trained_on": [],
        "based_on": [],
        "results": [],
        "mentions": [],
        "notes": "",
    }
    out["spans"] = mention_spans(out)
    return out


RECORDS = [
    record(
        "FooNet: Fast Vision",
        "We propose FooNet. FooNet outperforms ResNet-50 on ImageNet-1k with 80.1% top-1 accuracy.",
        [
            {"name": "FooNet", "kind": "MODEL", "aliases": []},
            {"name": "ResNet-50", "kind": "MODEL", "aliases": []},
            {"name": "ResNet", "kind": "MODEL", "aliases": []},
            {"name": "ImageNet-1k", "kind": "BENCHMARK", "aliases": []},
            {"name": "ImageNet-1k", "kind": "DATASET", "aliases": []},
            {"name": "top-1 accuracy", "kind": "METRIC", "aliases": []},
        ],
    ),
    record(
        "BarLM for Question Answering",
        "We train BarLM on The Pile. BarLM beats RoBERTa on SuperGLUE in accuracy.",
        [
            {"name": "BarLM", "kind": "MODEL", "aliases": []},
            {"name": "The Pile", "kind": "DATASET", "aliases": []},
            {"name": "RoBERTa", "kind": "MODEL", "aliases": []},
            {"name": "SuperGLUE", "kind": "BENCHMARK", "aliases": []},
            {"name": "accuracy", "kind": "METRIC", "aliases": []},
        ],
    ),
]


def test_gold_spans_resolve_overlaps_longest_first_with_one_kind_per_paper():
    spans = gold_char_spans(RECORDS[0])
    text = RECORDS[0]["title"] + "\n\n" + RECORDS[0]["abstract"]
    found = [(text[s:e], kind) for s, e, kind in spans]
    assert ("ResNet-50", "MODEL") in found and ("ResNet", "MODEL") not in found  # "ResNet" lies inside it
    assert ("ImageNet-1k", "BENCHMARK") in found and ("ImageNet-1k", "DATASET") not in found
    assert found.count(("FooNet", "MODEL")) == 3  # title and both abstract mentions


def test_gold_doc_entities_sit_on_tokens():
    doc, misaligned = gold_doc(blank_pipeline(), RECORDS[1])
    assert misaligned == 0
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("BarLM", "MODEL"),
        ("BarLM", "MODEL"),
        ("The Pile", "DATASET"),
        ("BarLM", "MODEL"),
        ("RoBERTa", "MODEL"),
        ("SuperGLUE", "BENCHMARK"),
        ("accuracy", "METRIC"),
    ]


def test_gold_label_prefers_the_candidates_kind_when_gold_lists_two():
    kinds = {"imagenet1k": {"BENCHMARK", "DATASET"}, "barlm": {"MODEL"}}
    assert gold_label({"name": "ImageNet-1k", "kind": "DATASET", "aliases": []}, kinds) == "DATASET"
    assert gold_label({"name": "BarLM", "kind": "METHOD", "aliases": []}, kinds) == "MODEL"
    assert gold_label({"name": "Transformer", "kind": "MODEL", "aliases": []}, kinds) == NONE


def test_coarse_shape():
    assert coarse_shape("GPT-4o") == "X-dx"
    assert coarse_shape("ImageNet") == "XxXx"
    assert coarse_shape("accuracy") == "x"


def test_perceptron_learns_and_round_trips(tmp_path):
    model = AveragedPerceptron([NONE, "MODEL", "METRIC"])
    data = [(["bias", "shape=XxX"], "MODEL"), (["bias", "shape=x"], "METRIC"), (["bias", "shape=d"], NONE)] * 5
    for _ in range(5):
        for features, truth in data:
            model.update(truth, model.predict(features), features)
    model.average()
    assert [model.predict(f) for f, _ in data[:3]] == ["MODEL", "METRIC", NONE]
    classifier = EntityClassifier("c")
    classifier.model = model
    classifier.to_disk(tmp_path)
    loaded = EntityClassifier("c", tmp_path)
    assert loaded.model.weights == model.weights
    with pytest.raises(FileNotFoundError, match="make train"):
        EntityClassifier("c", tmp_path / "missing")


def test_trained_classifier_runs_in_the_pipeline_and_is_seeded(tmp_path):
    candidates = build_pipeline(PATTERNS, use_ner=False, use_classifier=False)
    examples = candidate_examples(candidates, RECORDS)
    assert examples and {label for _, label in examples} - {NONE}
    first = train_classifier(examples * 3, examples, tmp_path / "a", epochs=3, seed=1)
    second = train_classifier(examples * 3, examples, tmp_path / "b", epochs=3, seed=1)
    assert first.dev_kept_f1 == second.dev_kept_f1
    a, b = (tmp_path / d / "entity_classifier.json" for d in "ab")
    assert a.read_bytes() == b.read_bytes()
    nlp = build_pipeline(PATTERNS, use_ner=False, classifier_dir=tmp_path / "a")
    assert nlp.pipe_names.index("kgbuild_mentions") < nlp.pipe_names.index("kgbuild_entity_classifier")
    assert nlp.pipe_names.index("kgbuild_entity_classifier") < nlp.pipe_names.index("kgbuild_relations")
    doc = nlp(RECORDS[1]["title"] + "\n\n" + RECORDS[1]["abstract"])
    # fitted to these very papers, it keeps their gold names with their gold kinds
    kinds = {e["name"]: e["kind"] for e in doc._.kg_entities}
    assert kinds.get("SuperGLUE") == "BENCHMARK" and kinds.get("BarLM") == "MODEL"
    assert "kgbuild_entity_classifier" not in build_pipeline(PATTERNS, mode="rules").pipe_names


def test_tagger_trains_and_runs_as_the_learned_pipeline(tmp_path):
    report = train_tagger(RECORDS * 4, RECORDS, tmp_path / "tagger", epochs=2, seed=0)
    assert report.best_epoch >= 0 and len(report.dev_f) == 2
    nlp = build_pipeline(PATTERNS, mode="learned", tagger_dir=tmp_path / "tagger")
    assert "kgbuild_tagger" in nlp.pipe_names and "kgbuild_gazetteer" not in nlp.pipe_names
    doc = nlp(RECORDS[0]["title"] + "\n\n" + RECORDS[0]["abstract"])
    assert all(
        e["mentions"] and e["kind"] in {"MODEL", "DATASET", "BENCHMARK", "METRIC", "TASK", "METHOD"}
        for e in doc._.kg_entities
    )
    with pytest.raises(FileNotFoundError, match="make train-tagger"):
        build_pipeline(PATTERNS, mode="learned", tagger_dir=tmp_path / "missing")


def test_cue_patterns_match_inflections_through_lookup_lemmas():
    from kgbuild.nlp.relation_classifier import CueFinder, default_cues_path, read_cue_patterns

    nlp = blank_pipeline()
    finder = CueFinder(nlp, read_cue_patterns(default_cues_path()))
    doc = nlp("FooNet outperformed BarNet and was built upon BazNet.")
    cues, lemmas = finder(doc)
    assert lemmas[1] == "outperform"
    found = {(label, doc[start:end].text) for label, start, end in cues}
    assert ("COMPARE", "outperformed") in found
    assert ("LINEAGE", "built upon") in found
    bad = Path(__file__).parent / "bad_cues.jsonl"
    try:
        bad.write_text('{"label": "X", "pattern": []}\n', encoding="utf-8")
        with pytest.raises(ValueError, match="bad_cues.jsonl:1"):
            read_cue_patterns(bad)
    finally:
        bad.unlink()


def test_relation_classifier_trains_saves_and_rewrites_relations(tmp_path):
    from kgbuild.nlp.relation_classifier import RelationClassifier
    from kgbuild.training.relations import gold_role_names, train_relations

    records = [dict(r) for r in RECORDS]
    records[0].update(proposes=["FooNet"], compares_with=["ResNet-50"], evaluated_on=[["FooNet", "ImageNet-1k"]])
    records[1].update(proposes=["BarLM"], compares_with=["RoBERTa"], trained_on=[["BarLM", "The Pile"]])
    assert gold_role_names(records[0])["compares_with"] == {"resnet50"}
    nlp = build_pipeline(PATTERNS, use_ner=False, use_classifier=False, use_relation_classifier=False)
    classifier = RelationClassifier(nlp, "rel")
    report = train_relations(nlp, classifier, records * 3, records, epochs=4, seed=0)
    assert report.positives["compares_with"] == 6
    classifier.to_disk(tmp_path)
    loaded = RelationClassifier(nlp, "rel", tmp_path)
    assert {r: m.weights for r, m in loaded.models.items()} == {r: m.weights for r, m in classifier.models.items()}
    full = build_pipeline(
        PATTERNS, use_ner=False, use_classifier=False, relations_dir=tmp_path, use_result_classifier=False
    )
    assert full.pipe_names[-1] == "kgbuild_relation_classifier"
    doc = full(records[1]["title"] + "\n\n" + records[1]["abstract"])
    facts = {(f["kind"], f["object"]) for f in doc._.kg_relations}
    assert ("compares_with", "roberta") in facts  # fitted to these papers, it finds their gold relations
    with pytest.raises(FileNotFoundError, match="make train"):
        RelationClassifier(nlp, "rel", tmp_path / "missing")


def test_capitalised_runs_skip_covered_words_and_sentence_openers():
    from kgbuild.nlp.candidates import capitalised_runs

    nlp = build_pipeline(PATTERNS, mode="rules")
    doc = nlp("T\n\nThe UCSD Ped2 set and VoxelMorph help. However, Derm7pt-Lite works with ImageNet here.")
    texts = [t.text for t in doc]
    covered = {texts.index("ImageNet")}
    found = [" ".join(texts[s:e]) for s, e in capitalised_runs(doc, covered)]
    assert "UCSD Ped2" in found and "VoxelMorph" in found and "Derm7pt - Lite" in found
    assert not any(f.startswith(("The", "However")) or "ImageNet" in f for f in found)


def test_tagger_only_trains_the_tagger_alone_and_cannot_skip_it(tmp_path, monkeypatch):
    import kgbuild.training.__main__ as training_main

    annotated = Path(__file__).resolve().parents[1] / "eval" / "annotated"
    calls = []
    monkeypatch.setattr(training_main, "train_tagger", lambda *args, **kwargs: calls.append(args[2]) or {})
    monkeypatch.setattr(training_main, "asdict", lambda report: report)
    # no vectors under --model-dir: the tagger reads none, so none are needed
    assert training_main.main(["--tagger-only", "--annotated", str(annotated), "--model-dir", str(tmp_path)]) == 0
    assert calls == [tmp_path / "tagger"]
    assert not (tmp_path / "entity_classifier").exists()
    for skip in ("--skip-tagger", "--skip-entities"):
        with pytest.raises(SystemExit) as raised:
            training_main.main(["--tagger-only", skip, "--annotated", str(annotated), "--model-dir", str(tmp_path)])
        assert raised.value.code == 2
    assert len(calls) == 1
