"""The extraction pipeline: ``spacy.blank("en")`` plus kgbuild's own components."""

from __future__ import annotations

import spacy
from spacy.language import Language

import kgbuild.nlp.components  # noqa: F401  (registers the factories when not installed as a package)

PIPE_NAMES = (
    "kgbuild_sentences",
    "kgbuild_gazetteer",
    "kgbuild_name_shapes",
    "kgbuild_mentions",
    "kgbuild_scores",
    "kgbuild_relations",
)


# spaCy keeps "B." as one token (an initial); in abstracts it is far more often a name ending a
# sentence ("… than Swin-B.", "… ROUGE-L."), which the gazetteer must see as "B" + ".".
NAME_FINAL_STOP = r"(?<=-[A-Z])\.$"


def _split_stop_after_name_letter(nlp: Language) -> None:
    suffixes = list(nlp.Defaults.suffixes or []) + [NAME_FINAL_STOP]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search


def build_pipeline(patterns_dir: str | None = None) -> Language:
    """A fresh pipeline; ``patterns_dir`` overrides the bundled gazetteer patterns."""
    nlp = spacy.blank("en")
    _split_stop_after_name_letter(nlp)
    for name in PIPE_NAMES:
        config = {"patterns_dir": patterns_dir} if name in ("kgbuild_gazetteer", "kgbuild_name_shapes", "kgbuild_mentions") else {}
        nlp.add_pipe(name, config=config)
    return nlp
