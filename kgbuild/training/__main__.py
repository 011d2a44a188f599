"""``python -m kgbuild.training``: retrain the shipped learned components from the annotated corpus,
seeded: the entity tagger (``make train-tagger``; it takes part only in the "learned" ablation),
then the entity classifier over the candidates of the rules (``make train`` starts here with
``--skip-tagger``), then the relation classifier over its entities, then the result classifier over
the scores and the decided relations."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from functools import partial
from pathlib import Path

from kgbuild.nlp.pipeline import (
    build_pipeline,
    bundled_classifier_dir,
    bundled_relations_dir,
    bundled_results_dir,
    bundled_tagger_dir,
    bundled_vectors_dir,
)
from kgbuild.nlp.relation_classifier import RelationClassifier
from kgbuild.nlp.result_classifier import ResultClassifier
from kgbuild.nlp.vectors import WordClusters
from kgbuild.training.data import read_split
from kgbuild.training.entities import candidate_examples, train_classifier
from kgbuild.training.relations import train_relations
from kgbuild.training.results import train_results
from kgbuild.training.tagger import train_tagger


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kgbuild.training", description=__doc__)
    parser.add_argument("--annotated", type=Path, default=Path("eval/annotated"), help="train.jsonl and dev.jsonl")
    parser.add_argument("--model-dir", type=Path, default=None, help="default: the package's model directory")
    parser.add_argument("--tagger-epochs", type=int, default=20)
    parser.add_argument("--classifier-epochs", type=int, default=15)
    parser.add_argument("--tagger-policy", default="off", help="how the tagger's entities join the rules' candidates")
    parser.add_argument("--skip-tagger", action="store_true", help="keep the tagger on disk, retrain the classifiers")
    parser.add_argument("--tagger-only", action="store_true", help="retrain the tagger, keep the classifiers on disk")
    parser.add_argument(
        "--skip-entities", action="store_true", help="keep the tagger and entity classifier on disk, retrain relations"
    )
    parser.add_argument("--relation-epochs", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--no-word-clusters",
        action="store_true",
        help="train the entity classifier without the word clusters (the model's vectors directory)",
    )
    args = parser.parse_args(argv)
    if args.tagger_only and (args.skip_tagger or args.skip_entities):
        parser.error("--tagger-only trains nothing but the tagger: it cannot skip it (--skip-tagger/--skip-entities)")
    try:
        train_records = read_split(args.annotated / "train.jsonl")
        dev_records = read_split(args.annotated / "dev.jsonl")
    except (FileNotFoundError, ValueError) as e:
        parser.error(str(e))
    tagger_dir = args.model_dir / "tagger" if args.model_dir else bundled_tagger_dir()
    classifier_dir = args.model_dir / "entity_classifier" if args.model_dir else bundled_classifier_dir()
    relations_dir = args.model_dir / "relation_classifier" if args.model_dir else bundled_relations_dir()
    results_dir = args.model_dir / "result_classifier" if args.model_dir else bundled_results_dir()
    vectors_dir = args.model_dir / "vectors" if args.model_dir else bundled_vectors_dir()
    clusters = None
    if not (args.no_word_clusters or args.skip_entities or args.tagger_only):  # the tagger reads no clusters
        try:
            clusters = WordClusters.from_disk(vectors_dir)
        except FileNotFoundError as e:
            parser.error(f"{e}; or train with --no-word-clusters")
    # Each stage trains on the output of the stages before it: the same combined pipeline, grown by
    # the component just trained.
    combined_pipeline = partial(
        build_pipeline, mode="combined", tagger_dir=tagger_dir, tagger_policy=args.tagger_policy
    )
    if not (args.skip_tagger or args.skip_entities):
        tagger_report = train_tagger(train_records, dev_records, tagger_dir, epochs=args.tagger_epochs, seed=args.seed)
        print(json.dumps({"tagger": asdict(tagger_report)}), flush=True)
    if args.tagger_only:
        return 0
    candidates = combined_pipeline(
        use_classifier=False,
        use_ner=False,
        broad_candidates=True,
    )
    if not args.skip_entities:
        train = candidate_examples(candidates, train_records, clusters)
        dev = candidate_examples(candidates, dev_records, clusters)
        classifier_report = train_classifier(
            train, dev, classifier_dir, epochs=args.classifier_epochs, seed=args.seed, clusters=clusters
        )
        print(json.dumps({"entity_classifier": asdict(classifier_report)}), flush=True)
    with_entities = combined_pipeline(
        classifier_dir=classifier_dir,
        vectors_dir=vectors_dir,
        use_relation_classifier=False,
        use_result_classifier=False,
    )
    relations = RelationClassifier(with_entities, "kgbuild_relation_classifier")
    relation_report = train_relations(
        with_entities, relations, train_records, dev_records, epochs=args.relation_epochs, seed=args.seed
    )
    relations.to_disk(relations_dir)
    print(json.dumps({"relation_classifier": asdict(relation_report)}), flush=True)
    with_relations = combined_pipeline(
        classifier_dir=classifier_dir,
        vectors_dir=vectors_dir,
        relations_dir=relations_dir,
        use_result_classifier=False,
    )
    results = ResultClassifier("kgbuild_result_classifier")
    result_report = train_results(
        with_relations, results, train_records, dev_records, epochs=args.relation_epochs, seed=args.seed
    )
    results.to_disk(results_dir)
    print(json.dumps({"result_classifier": asdict(result_report)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
