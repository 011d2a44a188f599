"""The extraction pipeline: ``spacy.blank("en")`` plus kgbuild's own components and trained NER."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language

import kgbuild.nlp.components  # noqa: F401  (registers the factories when not installed as a package)

RULE_PIPES = ("kgbuild_sentences", "kgbuild_gazetteer", "kgbuild_name_shapes", "kgbuild_scores")
RESOLVE_PIPES = ("kgbuild_mentions", "kgbuild_relations")
PIPE_NAMES = RULE_PIPES + RESOLVE_PIPES
PATTERN_PIPES = ("kgbuild_gazetteer", "kgbuild_name_shapes", "kgbuild_mentions")

# spaCy keeps "B." as one token (an initial); in abstracts it is far more often a name ending a
# sentence ("… than Swin-B.", "… ROUGE-L.", "… model, CompoundE."), which the gazetteer and the
# shape rules must see as "B" + ".".
NAME_FINAL_STOP = r"(?<=[-0-9a-z][A-Z])\.$"  # also "… Llama-2-70B."


def _is_unit_suffix(pattern: str) -> bool:
    """spaCy's rule that splits "100M" into "100" + "M" (a unit). For us "HowTo100M", "WebVid-2M"
    and "21M" (parameters) are single tokens; the percent sign is still split off."""
    return pattern.startswith("(?<=[0-9])(?:km|")


def configure_tokenizer(nlp: Language) -> None:
    kept = [p for p in nlp.Defaults.suffixes or [] if not _is_unit_suffix(p)]
    suffixes = kept + [r"(?<=[0-9])%", NAME_FINAL_STOP]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search


def bundled_ner_dir() -> Path:
    return Path(str(resources.files("kgbuild.nlp") / "model" / "ner"))


MODES = ("combined", "rules", "ner")


# The product runs rules + NER. On the dev set the NER adds one correct name and one wrong one
# (entities_all 0.724 vs 0.722, core 0.837 vs 0.840: a wash); on 400 unseen arXiv abstracts it
# adds 18 names the rules missed, about 13 of them right. See the README's ablation.
DEFAULT_MODE = "combined"


def build_pipeline(
    patterns_dir: str | None = None,
    *,
    use_ner: bool = True,
    ner_dir: str | Path | None = None,
    mode: str = DEFAULT_MODE,
) -> Language:
    """A fresh pipeline. ``patterns_dir`` overrides the bundled gazetteer patterns; the trained
    NER (shipped in the package) runs between the rule components and the resolver.

    ``mode`` is for ablations: "rules" drops the NER, "ner" drops the gazetteer and name shapes
    and takes every NER entity; "combined" is the product.
    """
    if mode not in MODES:
        raise ValueError(f"unknown pipeline mode {mode!r}; expected one of {MODES}")
    use_ner = use_ner and mode != "rules"
    nlp = spacy.blank("en")
    configure_tokenizer(nlp)
    for name in RULE_PIPES:
        if mode == "ner" and name in ("kgbuild_gazetteer", "kgbuild_name_shapes"):
            continue
        nlp.add_pipe(name, config={"patterns_dir": patterns_dir} if name in PATTERN_PIPES else {})
    if use_ner:
        source_dir = Path(ner_dir) if ner_dir else bundled_ner_dir()
        if not (source_dir / "config.cfg").exists():
            if ner_dir is not None or mode == "ner":
                raise FileNotFoundError(f"no trained NER at {source_dir} (run `make train`)")
        elif mode == "ner":
            nlp.add_pipe("ner", source=spacy.load(source_dir))  # every word: the NER-only ablation
        else:
            nlp.add_pipe("kgbuild_ner", config={"model_dir": str(source_dir)})
    for name in RESOLVE_PIPES:
        config: dict[str, object] = {"patterns_dir": patterns_dir} if name in PATTERN_PIPES else {}
        if name == "kgbuild_mentions":
            config["ner_policy"] = "all" if mode == "ner" else "fill"
        nlp.add_pipe(name, config=config)
    empty_tokenizer_cache(nlp)
    return nlp


def empty_tokenizer_cache(nlp: Language) -> None:
    """Start the tokenizer on an empty cache (same rules, same output).

    The components tokenize their ~6,500 gazetteer patterns while loading, which fills the
    tokenizer's cache with pattern words. A tokenizer left in that state ran 25-50% slower on
    abstracts than a fresh one (spaCy 3.8, measured over 4,000 abstracts). Setting ``rules`` is
    spaCy's way to rebuild the cache and the special cases from scratch.
    """
    nlp.tokenizer.rules = dict(nlp.tokenizer.rules or {})
