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
# spaCy also splits "100M" into "100" + "M" (a unit); for us "HowTo100M", "WebVid-2M" and "21M"
# (parameters) are single tokens. The percent sign is still split off.


def _is_unit_suffix(pattern: str) -> bool:
    """spaCy's rule that splits "100M" into "100" + "M"; it also broke names like HowTo100M."""
    return pattern.startswith("(?<=[0-9])(?:km|")


def _split_stop_after_name_letter(nlp: Language) -> None:
    kept = [p for p in nlp.Defaults.suffixes or [] if not _is_unit_suffix(p)]
    suffixes = kept + [r"(?<=[0-9])%", NAME_FINAL_STOP]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search


def build_pipeline(patterns_dir: str | None = None) -> Language:
    """A fresh pipeline; ``patterns_dir`` overrides the bundled gazetteer patterns."""
    nlp = spacy.blank("en")
    _split_stop_after_name_letter(nlp)
    for name in PIPE_NAMES:
        config = {"patterns_dir": patterns_dir} if name in ("kgbuild_gazetteer", "kgbuild_name_shapes", "kgbuild_mentions") else {}
        nlp.add_pipe(name, config=config)
    return nlp
