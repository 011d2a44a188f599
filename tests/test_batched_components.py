"""The shipped pipeline run batch by batch decides exactly what it decides one Doc at a time, and
the entity classifier's weight rows are exactly its string features'."""

from __future__ import annotations

import dataclasses

import pytest

from kgbuild.ingest import load_papers
from kgbuild.nlp.entity_classifier import EntityClassifier, entity_features
from kgbuild.nlp.extract import PaperText, doc_to_extraction, paper_text
from kgbuild.nlp.perceptron import AveragedPerceptron
from kgbuild.nlp.pipeline import build_pipeline
from kgbuild.records import Paper

PAPERS = 48


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


@pytest.fixture(scope="module")
def papers():
    # two papers that name nothing among real ones: a batch must keep every Doc in its place
    nameless = [Paper(f"nameless-{i}", "On the weather", "It rained today, and it may rain again.") for i in range(2)]
    found = load_papers(None).papers[:PAPERS]
    return [*found[:5], nameless[0], *found[5:], nameless[1]]


def _plain(extraction) -> list:
    return [
        [dataclasses.asdict(x) for x in found]
        for found in (extraction.entities, extraction.relations, extraction.results)
    ]


def test_pipe_in_batches_extracts_what_one_doc_at_a_time_does(nlp, papers):
    texts = [PaperText(p) for p in papers]
    batched = [
        doc_to_extraction(doc, t) for doc, t in nlp.pipe(((t.text, t) for t in texts), as_tuples=True, batch_size=16)
    ]
    # calling the pipeline on one text runs each component's __call__, never its pipe
    single = [doc_to_extraction(nlp(t.text), t) for t in texts]
    assert [_plain(e) for e in batched] == [_plain(e) for e in single]
    assert sum(len(e.entities) for e in single) > PAPERS  # the comparison is over real findings
    assert not single[5].entities and not single[-1].entities


def _compare_rows(nlp, papers, classifier: EntityClassifier) -> int:
    """Assert ``classifier.feature_rows`` are the rows of its string features; entities compared."""
    upstream = nlp.pipe_names[: nlp.pipe_names.index("kgbuild_entity_classifier")]
    index = classifier.model._frozen()[0]
    compared = 0
    with nlp.select_pipes(enable=upstream):
        for doc in nlp.pipe(paper_text(p) for p in papers):
            entities = doc._.kg_entities or []
            expected = [
                {index[f] for f in entity_features(doc, entity, classifier.clusters) if f in index}
                for entity in entities
            ]
            # twice: the second time every row comes from the memo
            assert classifier.feature_rows(doc) == expected
            assert classifier.feature_rows(doc) == expected
            compared += len(entities)
    return compared


def test_entity_classifier_rows_are_its_string_features(nlp, papers):
    classifier = nlp.get_pipe("kgbuild_entity_classifier")
    assert isinstance(classifier, EntityClassifier) and classifier.clusters is not None
    assert _compare_rows(nlp, papers, classifier) > PAPERS


def test_rows_follow_a_new_model_and_a_model_without_clusters(nlp, papers):
    shipped = nlp.get_pipe("kgbuild_entity_classifier")
    weights = shipped.model.weights
    # without clusters: only the features that read no cluster, three words either side
    plain = EntityClassifier("plain")
    plain.model = AveragedPerceptron(shipped.model.classes, {f: w for f, w in weights.items() if "~" not in f})
    assert _compare_rows(nlp, papers, plain) > PAPERS
    # a model swapped in after the memo is filled: the rows are the new model's
    plain.model = AveragedPerceptron(shipped.model.classes, dict(list(weights.items())[::2]))
    assert _compare_rows(nlp, papers, plain) > PAPERS
