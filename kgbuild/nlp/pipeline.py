"""The extraction pipeline: ``spacy.blank("en")`` plus kgbuild's own components and trained NER."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import cast

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

import kgbuild.nlp.components  # noqa: F401  (registers the factories when not installed as a package)
from kgbuild.nlp.tokens import remember_text

RULE_PIPES = ("kgbuild_sentences", "kgbuild_gazetteer", "kgbuild_name_shapes", "kgbuild_scores")
RESOLVE_PIPES = ("kgbuild_mentions", "kgbuild_relations")
PIPE_NAMES = RULE_PIPES + RESOLVE_PIPES
PATTERN_PIPES = ("kgbuild_gazetteer", "kgbuild_name_shapes", "kgbuild_mentions")

# spaCy keeps "B." as one token (an initial); in abstracts it is far more often a name ending a
# sentence ("… than Swin-B.", "… ROUGE-L.", "… model, CompoundE."), which the gazetteer and the
# shape rules must see as "B" + ".".
NAME_FINAL_STOP = r"(?<=[-0-9a-z][A-Z])\.$"  # also "… Llama-2-70B."


def _is_unit_suffix(pattern: object) -> bool:
    """spaCy's rule that splits "100M" into "100" + "M" (a unit). For us "HowTo100M", "WebVid-2M"
    and "21M" (parameters) are single tokens; the percent sign is still split off."""
    return isinstance(pattern, str) and pattern.startswith("(?<=[0-9])(?:km|")


class TextKeepingTokenizer(Tokenizer):
    """spaCy's tokenizer, same rules and same tokens, that also keeps the text each Doc was made
    from (``remember_text``): the components read the Doc's text often, and spaCy's ``doc.text``
    (or any other way back from the tokens) joins it again word by word."""

    def __call__(self, string: str) -> Doc:
        doc = super().__call__(string)
        remember_text(doc, string)
        return doc


def configure_tokenizer(nlp: Language) -> None:
    """kgbuild's tokenizer in ``nlp``: spaCy's English rules with the suffix changes above."""
    old = cast(Tokenizer, nlp.tokenizer)  # a blank pipeline's is always spaCy's Tokenizer
    kept = [p for p in nlp.Defaults.suffixes or [] if not _is_unit_suffix(p)]
    suffixes = kept + [r"(?<=[0-9])%", NAME_FINAL_STOP]
    nlp.tokenizer = TextKeepingTokenizer(
        nlp.vocab,
        rules=old.rules,
        prefix_search=old.prefix_search,
        suffix_search=spacy.util.compile_suffix_regex(suffixes).search,
        infix_finditer=old.infix_finditer,
        token_match=old.token_match,
        url_match=old.url_match,
        faster_heuristics=old.faster_heuristics,
    )


def bundled_ner_dir() -> Path:
    return Path(str(resources.files("kgbuild.nlp") / "model" / "ner"))


def bundled_classifier_dir() -> Path:
    """The entity classifier trained on the annotated corpus (``make train``)."""
    return Path(str(resources.files("kgbuild.nlp") / "model" / "entity_classifier"))


def bundled_relations_dir() -> Path:
    """The relation classifier trained on the annotated corpus (``make train``)."""
    return Path(str(resources.files("kgbuild.nlp") / "model" / "relation_classifier"))


def bundled_results_dir() -> Path:
    """The result classifier trained on the annotated corpus (``make train``)."""
    return Path(str(resources.files("kgbuild.nlp") / "model" / "result_classifier"))


def bundled_tagger_dir() -> Path:
    """The entity tagger trained on the annotated corpus (``make train-tagger``)."""
    return Path(str(resources.files("kgbuild.nlp") / "model" / "tagger"))


def bundled_vectors_dir() -> Path:
    """The word vectors and clusters trained on arXiv abstracts (``make train-vectors``)."""
    return Path(str(resources.files("kgbuild.nlp") / "model" / "vectors"))


MODES = ("combined", "rules", "learned", "ner")
TAGGER_POLICIES = ("off", "only", "first", "fill")
TAGGER_POLICY_OF_MODE = {"combined": "off", "rules": "off", "learned": "only", "ner": "off"}


DEFAULT_MODE = "combined"


def build_pipeline(
    patterns_dir: str | None = None,
    *,
    use_ner: bool = True,
    ner_dir: str | Path | None = None,
    mode: str = DEFAULT_MODE,
    tagger_dir: str | Path | None = None,
    tagger_policy: str | None = None,
    classifier_dir: str | Path | None = None,
    vectors_dir: str | Path | None = None,
    use_classifier: bool = True,
    relations_dir: str | Path | None = None,
    use_relation_classifier: bool = True,
    results_dir: str | Path | None = None,
    use_result_classifier: bool = True,
    broad_candidates: bool = False,
) -> Language:
    """A fresh pipeline. ``patterns_dir`` overrides the bundled gazetteer patterns.

    ``mode`` is for ablations: "rules" runs the rule components only; "learned" the entity tagger
    (trained on the annotated corpus) without the gazetteer and name-shape rules; "combined" (the
    product) runs the rules, adds broad capitalised candidates, and lets the trained entity and
    relation classifiers decide, and the result classifier keeps scores and names their owners
    (``use_classifier``/``use_relation_classifier``/``use_result_classifier`` turn them off);
    ``tagger_policy`` says whether and how the tagger's entities join the candidates (see
    ``merge_tagged``; off in the product: on dev it did not pay for its cost); ``vectors_dir``
    overrides the bundled word clusters the entity classifier reads. "ner" is the older
    silver-trained NER taking every word; that NER fills the rules' gaps only when no entity
    classifier is used.
    """
    if mode not in MODES:
        raise ValueError(f"unknown pipeline mode {mode!r}; expected one of {MODES}")
    policy = tagger_policy or TAGGER_POLICY_OF_MODE[mode]
    if policy not in TAGGER_POLICIES:
        raise ValueError(f"unknown tagger policy {policy!r}; expected one of {TAGGER_POLICIES}")
    tagger_path = Path(tagger_dir) if tagger_dir else bundled_tagger_dir()
    if policy != "off" and not (tagger_path / "config.cfg").exists():
        if tagger_dir is not None or mode == "learned":
            raise FileNotFoundError(f"no trained entity tagger at {tagger_path} (run `make train-tagger`)")
        policy = "off"
    classifier_path = Path(classifier_dir) if classifier_dir else bundled_classifier_dir()
    use_classifier = use_classifier and mode == "combined" and (classifier_path / "entity_classifier.json").exists()
    # With the entity classifier, the broad candidates cover every word the silver NER would look at
    # (on the annotated dev split it then added nothing), so it no longer runs.
    use_ner = use_ner and mode in ("combined", "ner") and policy == "off" and not use_classifier
    nlp = spacy.blank("en")
    configure_tokenizer(nlp)
    for name in RULE_PIPES:
        if mode in ("ner", "learned") and name in ("kgbuild_gazetteer", "kgbuild_name_shapes"):
            continue
        nlp.add_pipe(name, config={"patterns_dir": patterns_dir} if name in PATTERN_PIPES else {})
    if policy != "off":
        nlp.add_pipe("kgbuild_tagger", config={"model_dir": str(tagger_path)})
    if use_ner:
        source_dir = Path(ner_dir) if ner_dir else bundled_ner_dir()
        if not (source_dir / "config.cfg").exists():
            if ner_dir is not None or mode == "ner":
                raise FileNotFoundError(f"no trained NER at {source_dir} (run `make train-silver-ner`)")
        elif mode == "ner":
            nlp.add_pipe("ner", source=spacy.load(source_dir))  # every word: the NER-only ablation
        else:
            nlp.add_pipe("kgbuild_ner", config={"model_dir": str(source_dir)})
    if use_classifier or broad_candidates:
        nlp.add_pipe("kgbuild_capitalised_candidates")
    for name in RESOLVE_PIPES:
        config: dict[str, object] = {"patterns_dir": patterns_dir} if name in PATTERN_PIPES else {}
        if name == "kgbuild_mentions":
            config["ner_policy"] = "all" if mode == "ner" else "fill"
            config["tagger_policy"] = policy
        nlp.add_pipe(name, config=config)
        if name == "kgbuild_mentions" and use_classifier:
            vectors = str(vectors_dir) if vectors_dir else None
            nlp.add_pipe(
                "kgbuild_entity_classifier", config={"model_dir": str(classifier_path), "vectors_dir": vectors}
            )
    relations_path = Path(relations_dir) if relations_dir else bundled_relations_dir()
    if use_relation_classifier and mode == "combined" and (relations_path / "relation_classifier.json").exists():
        nlp.add_pipe("kgbuild_relation_classifier", config={"model_dir": str(relations_path)})
    results_path = Path(results_dir) if results_dir else bundled_results_dir()
    if use_result_classifier and mode == "combined" and (results_path / "result_classifier.json").exists():
        nlp.add_pipe("kgbuild_result_classifier", config={"model_dir": str(results_path)})
    empty_tokenizer_cache(nlp)
    return nlp


def empty_tokenizer_cache(nlp: Language) -> None:
    """Start the tokenizer on an empty cache (same rules, same output).

    The components tokenize their ~6,500 gazetteer patterns while loading, which fills the
    tokenizer's cache with pattern words. A tokenizer left in that state ran 25-50% slower on
    abstracts than a fresh one (spaCy 3.8, measured over 4,000 abstracts). Setting ``rules`` is
    spaCy's way to rebuild the cache and the special cases from scratch.
    """
    tokenizer = cast(Tokenizer, nlp.tokenizer)  # spaCy's Tokenizer, or kgbuild's subclass of it
    tokenizer.rules = dict(tokenizer.rules or {})
