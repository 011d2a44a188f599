"""The shipped pipeline run batch by batch decides exactly what it decides one Doc at a time, and
the entity classifier's weight rows are exactly its string features'."""

from __future__ import annotations

import dataclasses

import pytest

from kgbuild.ingest import load_papers
from kgbuild.nlp.entity_classifier import EntityClassifier, entity_features
from kgbuild.nlp.extract import PaperText, doc_to_extraction, paper_text
from kgbuild.nlp.pipeline import build_pipeline

PAPERS = 48


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


@pytest.fixture(scope="module")
def papers():
    return load_papers(None).papers[:PAPERS]


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


def test_entity_classifier_rows_are_its_string_features(nlp, papers):
    classifier = nlp.get_pipe("kgbuild_entity_classifier")
    assert isinstance(classifier, EntityClassifier) and classifier.clusters is not None
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
            # twice: the second time every context word's rows come from the memo
            assert classifier.feature_rows(doc) == expected
            assert classifier.feature_rows(doc) == expected
            compared += len(entities)
    assert compared > PAPERS
