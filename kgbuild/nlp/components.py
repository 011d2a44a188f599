"""spaCy factories for kgbuild's components, registered through the ``spacy_factories`` entry point.

Each factory declares what it assigns and requires, so ``nlp.analyze_pipes()`` can check the
pipeline, and takes its settings from the config, so a pipeline is reproducible from its config.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from kgbuild.nlp.annotations import NOTES
from kgbuild.nlp.candidates import CapitalisedCandidates
from kgbuild.nlp.entity_classifier import EntityClassifier
from kgbuild.nlp.focused_ner import FocusedNER
from kgbuild.nlp.gazetteer import CANDIDATES_KEY, Gazetteer, load_pattern_table
from kgbuild.nlp.mentions import MentionResolver
from kgbuild.nlp.relation_classifier import RelationClassifier
from kgbuild.nlp.relations import RelationFinder
from kgbuild.nlp.result_classifier import ResultClassifier
from kgbuild.nlp.scores import ScoreFinder
from kgbuild.nlp.sections import SentenceSegmenter
from kgbuild.nlp.shapes import NameShapes
from kgbuild.nlp.tagger import TAGGED_KEY, EntityTagger


def register_extensions() -> None:
    """Custom attributes hold plain values only (strings, numbers, lists of dicts)."""
    for name in ("kg_entities", "kg_scores", "kg_relations", "kg_results", "kg_result_candidates", "kg_weak_scores"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name in NOTES:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


@Language.factory("kgbuild_sentences", assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str) -> SentenceSegmenter:
    return SentenceSegmenter(name)


@Language.factory(
    "kgbuild_gazetteer",
    assigns=["doc.spans"],
    default_config={"patterns_dir": None, "spans_key": CANDIDATES_KEY},
)
def make_gazetteer(nlp: Language, name: str, patterns_dir: str | None, spans_key: str) -> Gazetteer:
    register_extensions()
    return Gazetteer(nlp, name, patterns_dir, spans_key)


@Language.factory(
    "kgbuild_name_shapes",
    assigns=["doc.spans"],
    requires=["token.is_sent_start"],
    default_config={"patterns_dir": None, "spans_key": CANDIDATES_KEY},
)
def make_name_shapes(nlp: Language, name: str, patterns_dir: str | None, spans_key: str) -> NameShapes:
    register_extensions()
    return NameShapes(name, spans_key, load_pattern_table(patterns_dir))


@Language.factory(
    "kgbuild_mentions",
    assigns=["doc.spans", "doc._.kg_entities"],
    requires=["doc.spans", "doc._.kg_scores"],
    default_config={
        "patterns_dir": None,
        "candidates_key": CANDIDATES_KEY,
        "ner_policy": "fill",
        "tagger_policy": "off",
        "tagged_key": TAGGED_KEY,
    },
)
def make_mentions(
    nlp: Language,
    name: str,
    patterns_dir: str | None,
    candidates_key: str,
    ner_policy: str,
    tagger_policy: str,
    tagged_key: str,
) -> MentionResolver:
    register_extensions()
    return MentionResolver(
        name, candidates_key, load_pattern_table(patterns_dir), ner_policy, tagger_policy, tagged_key
    )


@Language.factory(
    "kgbuild_scores", assigns=["doc._.kg_scores", "doc._.kg_weak_scores"], requires=["token.is_sent_start"]
)
def make_scores(nlp: Language, name: str) -> ScoreFinder:
    register_extensions()
    return ScoreFinder(name)


@Language.factory(
    "kgbuild_relations",
    assigns=["doc._.kg_relations", "doc._.kg_results", "doc._.kg_result_candidates"],
    requires=["doc._.kg_entities", "doc._.kg_scores"],
)
def make_relations(nlp: Language, name: str) -> RelationFinder:
    register_extensions()
    return RelationFinder(name)


@Language.factory(
    "kgbuild_ner",
    assigns=["doc.ents"],
    requires=["doc.spans", "token.is_sent_start"],
    default_config={"model_dir": None, "candidates_key": CANDIDATES_KEY, "context": 3, "batch_size": 64},
)
def make_focused_ner(
    nlp: Language, name: str, model_dir: str | None, candidates_key: str, context: int, batch_size: int
) -> FocusedNER:
    """The trained NER (the bundled one unless ``model_dir``), run only around possible names."""
    from kgbuild.nlp.pipeline import bundled_ner_dir  # the pipeline module imports this one

    component = FocusedNER(name, model_dir or bundled_ner_dir(), candidates_key, context, batch_size)
    for label in component.ner.labels:  # the NER labels pieces made with this pipeline's vocab
        nlp.vocab.strings.add(label)
    return component


@Language.factory(
    "kgbuild_tagger",
    assigns=["doc.spans"],
    default_config={"model_dir": None, "spans_key": TAGGED_KEY, "batch_size": 64},
)
def make_tagger(nlp: Language, name: str, model_dir: str | None, spans_key: str, batch_size: int) -> EntityTagger:
    """The entity tagger trained on the annotated corpus (the bundled one unless ``model_dir``)."""
    from kgbuild.nlp.pipeline import bundled_tagger_dir  # the pipeline module imports this one

    register_extensions()
    component = EntityTagger(name, model_dir or bundled_tagger_dir(), spans_key, batch_size)
    for label in component.labels:
        nlp.vocab.strings.add(label)
    return component


@Language.factory(
    "kgbuild_entity_classifier",
    assigns=["doc._.kg_entities"],
    requires=["doc._.kg_entities"],
    default_config={"model_dir": None, "vectors_dir": None},
)
def make_entity_classifier(
    nlp: Language, name: str, model_dir: str | None, vectors_dir: str | None
) -> EntityClassifier:
    """Keeps or drops each resolved entity and decides its kind (the bundled model and word
    clusters unless ``model_dir``/``vectors_dir``)."""
    from kgbuild.nlp.pipeline import bundled_classifier_dir, bundled_vectors_dir  # that module imports this one

    register_extensions()
    return EntityClassifier(
        name, model_dir or bundled_classifier_dir(), vectors_dir=vectors_dir or bundled_vectors_dir()
    )


@Language.factory(
    "kgbuild_relation_classifier",
    assigns=["doc._.kg_relations", "token.lemma"],
    requires=["doc._.kg_entities", "doc._.kg_relations"],
    default_config={"model_dir": None, "cues_path": None},
)
def make_relation_classifier(
    nlp: Language, name: str, model_dir: str | None, cues_path: str | None
) -> RelationClassifier:
    """Re-decides the paper-level relations (the bundled model unless ``model_dir``)."""
    from kgbuild.nlp.pipeline import bundled_relations_dir  # the pipeline module imports this one

    register_extensions()
    return RelationClassifier(nlp, name, model_dir or bundled_relations_dir(), cues_path)


@Language.factory(
    "kgbuild_result_classifier",
    assigns=["doc._.kg_results"],
    requires=["doc._.kg_entities", "doc._.kg_relations", "doc._.kg_result_candidates"],
    default_config={"model_dir": None},
)
def make_result_classifier(nlp: Language, name: str, model_dir: str | None) -> ResultClassifier:
    """Keeps or drops each score and decides its owner (the bundled model unless ``model_dir``)."""
    from kgbuild.nlp.pipeline import bundled_results_dir  # the pipeline module imports this one

    register_extensions()
    return ResultClassifier(name, model_dir or bundled_results_dir())


@Language.factory(
    "kgbuild_capitalised_candidates",
    assigns=["doc.spans"],
    requires=["doc.spans", "token.is_sent_start"],
    default_config={"spans_key": CANDIDATES_KEY},
)
def make_capitalised_candidates(nlp: Language, name: str, spans_key: str) -> CapitalisedCandidates:
    """Broad name candidates for the entity classifier to accept or reject."""
    register_extensions()
    return CapitalisedCandidates(name, spans_key)
