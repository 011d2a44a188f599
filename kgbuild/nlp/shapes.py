"""Names no gazetteer knows: found by their shape and by the cues around them.

Shapes: mixed case (``TinyViT``, ``mBERT``, ``FinMTEB``), a name with a version (``GPT-4``,
``UL2``, ``ResNet-50``, ``ERNIE 3.0``), size variants of known models (``Llama-2-70B``,
``GPT-3 175B``). Cues: an acronym defined in parentheses (``Finance Massive Text Embedding
Benchmark (FinMTEB)``), the title pattern ``X: …``, and naming cues (``named X``, ``we propose X,``).
Each candidate carries its rule and a confidence; the kind comes from the words around it.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from kgbuild.nlp.annotations import alias_of, write_notes
from kgbuild.nlp.batching import BatchedComponent
from kgbuild.nlp.gazetteer import PatternTable
from kgbuild.nlp.lexicon import (
    EVAL_CUES,
    GENERIC_NAMES,
    HEAD_NOUN_KIND,
    NAMING_WORDS,
    PROPOSE_VERBS,
    SENTENCE_WORDS,
    SIZE_TOKEN,
    TRAINED_ON_CUES,
)
from kgbuild.nlp.tasks import task_phrases
from kgbuild.nlp.tokens import (
    like_nums,
    lowers,
    puncts,
    sentence_bounds,
    sentence_starts,
    spaces,
    span_text,
    text_of,
    text_of_span,
    title_end,
    unsupported_caps_title_words,
    words,
)
from kgbuild.records import entity_key

# One candidate a shape rule found: the span, the rule's name, its confidence and, for a size
# variant, the entity id of the family it varies.
Found = tuple[Span, str, float, str | None]

MIXED_CASE = re.compile(
    r"^(?=.*[a-z])(?:[A-Za-z0-9]*[a-z][A-Za-z0-9]*[A-Z]|[A-Z]{2,}[a-z])[A-Za-z0-9]*(?:[-.+][A-Za-z0-9+]+)*\+*$"
)
VERSIONED = re.compile(r"^[A-Z][A-Za-z]*[-_]?v?\d+(?:\.\d+)*[A-Za-z]{0,2}(?:-[A-Za-z0-9]+)*$")
ALL_CAPS = re.compile(r"^[A-Z][A-Z0-9]{2,}(?:-[A-Z0-9]+)*\+*$")
VERSION_NUMBER = re.compile(r"^v?\d+(?:\.\d+)*$")
# GPUs, number formats, norms and rank metrics look like versioned names but are not entities.
HARDWARE = re.compile(
    r"^(?:[AHVPTLK]\d{2,4}|RTX\d*|GTX\d*|TPUv?\d*|(?:FP|BF|INT|fp|bf|int)\d+|L\d|"
    r"(?:Rank|Top|Hits|Recall|Precision|R|P|Pass|Acc)[-@]\d+)$"
)
DATA_HEAD_NOUNS = frozenset("dataset corpus benchmark suite leaderboard treebank".split())
FAMILY_WORDS = frozenset("family style type like series class".split())  # not "based": "RGB-based"
SURVEY_SUBTITLES = (
    "a review",
    "a survey",
    "an overview",
    "a tutorial",
    "a primer",
    "a systematic review",
    "a comprehensive survey",
    "a position",
)
PHRASE_OPENERS = frozenset(
    "Not Beyond Towards Toward Mind When Why How What Do Does Is Are Can Should Let Make".split()
)
GENERIC_HEAD_NOUNS = frozenset("framework frameworks approach approaches techniques algorithms".split())
SIZE_NAMES = frozenset("base large small tiny mini medium huge giant xl xxl xs".split())
VERSION_TAIL = re.compile(r"^v?\d+(?:\.\d+)*[A-Za-z]{0,2}$")
HYPHENATED_TITLE_WORDS = re.compile(r"^[A-Z][a-z]+(?:-[A-Z]?[a-z]+)+$")
# "SAEs", "CUAs", "GAMs": a plural acronym names a class of things ("sparse autoencoders"),
# unless the paper's title names it ("PANNs: Large-Scale Pretrained Audio Neural Networks").
PLURAL_ACRONYM = re.compile(r"^[A-Z][A-Z0-9-]*[A-Z]s$")
# "a Hierarchical Feature Cascade (HFC) module": parts of the paper's model are not entities.
COMPONENT_NOUNS = frozenset(
    "module modules block blocks layer layers head heads unit units branch component components".split()
)
# "humAns", "wOrds": one capital inside a lowercase word marks the letter an acronym took.
ACRONYM_HIGHLIGHT = re.compile(r"^(?:[a-z]+|[A-Z][a-z])[A-Z][a-z]{2,}$")  # also "PrOvable"


def _after_glued_hyphen(token: Token) -> bool:
    """ "training" in "Pre-training": part of a capitalised compound, not a lowercase word."""
    doc = token.doc
    return (
        token.i >= 2
        and doc[token.i - 1].text == "-"
        and not doc[token.i - 1].whitespace_
        and not doc[token.i - 2].whitespace_
    )


def glued_hyphen_word_after(doc: Doc, end: int) -> bool:
    """A lowercase word glued by a hyphen right after ``end``: "Pre|-training", "precision|-dimensionality"."""
    texts, gaps = words(doc), spaces(doc)
    return (
        end + 1 < len(texts) and texts[end] == "-" and not gaps[end - 1] and not gaps[end] and texts[end + 1].islower()
    )


# Memoised: the same words are tested again and again, in every abstract, by several rules.
@lru_cache(maxsize=1 << 16)
def is_generic(text: str) -> bool:
    return text in GENERIC_NAMES or text.rstrip("s") in GENERIC_NAMES or bool(HARDWARE.match(text))


def _may_hold_a_link(doc: Doc) -> bool:
    text = text_of(doc)
    return "/" in text or "www." in text or "http" in text


def inside_url(span: Span) -> bool:
    """A name-shaped piece of a link ("github.com/ZhiyinShao-H/…") is not a mention."""
    if not _may_hold_a_link(span.doc):  # most abstracts: no piece of their text can be a link
        return False
    texts, gaps = words(span.doc), spaces(span.doc)
    left, right = span.start, span.end
    while left > 0 and not gaps[left - 1]:
        left -= 1
    while right < len(texts) and not gaps[right - 1]:
        right += 1
    chunk = "".join(texts[left:right])
    return "/" in chunk or "www." in chunk or "http" in chunk


def compound_end(doc: Doc, start: int) -> int:
    """End of the hyphen-joined compound starting at ``start`` (``Cerebras-GPT`` is three tokens)."""
    texts, gaps = words(doc), spaces(doc)
    end = start + 1
    while (
        end + 1 < len(texts)
        and texts[end] == "-"
        and not gaps[end - 1]
        and not gaps[end]
        and texts[end + 1][:1].isalnum()
        # "BERT-based", "GPT-style": a lowercase word after the hyphen describes, it is not the name.
        and not (texts[end + 1].isalpha() and texts[end + 1].islower())
    ):
        end += 2
    return end


def shape_of(token: Token) -> str | None:
    return shape_of_text(token.text)


@lru_cache(maxsize=1 << 16)
def shape_of_text(text: str) -> str | None:
    """Classify a name's shape: 'mixed', 'versioned', 'caps', or None."""
    if is_generic(text) or HYPHENATED_TITLE_WORDS.match(text) or ACRONYM_HIGHLIGHT.match(text):
        return None
    if MIXED_CASE.match(text):
        return "mixed"
    parts = text.split("-")
    if len(parts) > 1 and parts[0][:1].isupper() and all(parts) and any(MIXED_CASE.match(p) for p in parts[1:]):
        return "mixed"  # "CXR-CounterFact": a prefix glued to a mixed-case name
    if len(parts) > 1 and parts[0][:1].isupper() and VERSION_TAIL.match(parts[-1]):
        return "versioned"  # "Mistral-Instruct-v2", "Llama-2-7B"
    if len(parts) == 2 and len(parts[0]) <= 2 and parts[0].islower() and ALL_CAPS.match(parts[1]):
        return "mixed"  # "h-MDS", "e-SNLI"
    if VERSIONED.match(text) and not text[:1].isdigit():
        return "versioned"
    if ALL_CAPS.match(text):
        return "caps"
    return None


def kind_from_context(span: Span) -> str | None:
    """Vote for a kind from the words right after or before a name."""
    # Plain word lists, not Tokens: this runs for every candidate name.
    doc = span.doc
    texts, lowered, punct = words(doc), lowers(doc), puncts(doc)
    after = []
    for i in range(span.end, min(span.end + 2, len(texts))):
        if punct[i] and texts[i] != "-":
            break  # "FooNet: Answering …" – the subtitle is not about the name's kind
        after.append(i)
    if after and lowered[after[0]] == "task":
        return "TASK"  # "the T2I-ReID task": a name for the task itself
    for i in after:
        kind = HEAD_NOUN_KIND.get(lowered[i])
        # Task words next to a name describe what it is for ("X question answering model").
        if kind and kind != "TASK":
            return kind
        if not (texts[i].islower() or texts[i] == "-"):
            break
    described = _appositive_kind(span) or _list_tail_kind(span)
    if described:
        return described
    sentence_start = sentence_bounds(doc).sentence_of(span.start)[0]
    for i in range(span.start - 1, max(span.start - 8, sentence_start) - 1, -1):
        kind = HEAD_NOUN_KIND.get(lowered[i])
        if kind in ("DATASET", "BENCHMARK") and i + 1 < len(texts):
            intro = span_text(doc, i + 1, min(i + 3, len(texts))).lower()
            if intro.startswith(("including", "such as", "like", ":", "(", ", including", ", such as", "e.g.")):
                return kind
    for i in range(span.start - 1, max(span.start - 3, 0) - 1, -1):
        if lowered[i] in ("on", "in", "across"):
            if i > 0 and lowered[i - 1] in TRAINED_ON_CUES:
                return "DATASET"
            if any(lowered[j] in EVAL_CUES and lowered[j] != "on" for j in range(sentence_start, i)):
                return "BENCHMARK"
            return None
        kind = HEAD_NOUN_KIND.get(lowered[i])
        if kind in ("DATASET", "BENCHMARK"):
            return kind
    return None


LIST_OPENERS = ("such as", "including", "namely", "like", "e.g.")


def _in_name_list(texts: list[str], lowered: list[str], i: int) -> bool:
    """Word ``i`` can belong to a list of names: a name part (capital, digit, or glued after a
    hyphen as in "MoCo-v2") or a list joint."""
    return (
        lowered[i] in (",", "and", "or", "-") or texts[i][:1].isupper() or texts[i][:1].isdigit() or texts[i - 1] == "-"
    )


def list_head_kind(span: Span) -> str | None:
    """ "methods such as MoCo-v2, SwAV and DINO": the kind noun that opens the list a name is in.
    Walks back over the list's other names to its opener, so every item gets the same answer."""
    texts, lowered = words(span.doc), lowers(span.doc)
    sentence_start = sentence_bounds(span.doc).sentence_of(span.start)[0]
    i = span.start - 1
    floor = max(sentence_start, span.start - 16)
    while i > floor and (lowered[i] == "/" or _in_name_list(texts, lowered, i)):
        i -= 1
    for opener in LIST_OPENERS:
        parts = opener.split()
        at = i - len(parts) + 1
        if at > floor and lowered[at : i + 1] == parts:
            noun = at - 1 if lowered[at - 1] != "," else at - 2
            kind = HEAD_NOUN_KIND.get(lowered[noun]) if noun >= sentence_start else None
            return kind if kind != "TASK" and lowered[noun].endswith("s") else None
    return None


def _list_tail_kind(span: Span) -> str | None:
    """ "On the VisDrone2021, DOTA1.0, and WiderPerson datasets": the plural noun closing a list of
    names gives every name in it its kind."""
    texts, lowered = words(span.doc), lowers(span.doc)
    i, stop = span.end, min(len(texts), span.end + 16)
    saw_list = False
    # Plain word lists, not Tokens: this runs for every candidate name.
    while i < stop and _in_name_list(texts, lowered, i):
        saw_list = saw_list or lowered[i] in (",", "and", "or")
        i += 1
    if not saw_list or i >= stop or not lowered[i].endswith("s"):
        return None
    kind = HEAD_NOUN_KIND.get(lowered[i])
    return kind if kind in ("DATASET", "BENCHMARK", "MODEL") else None


APPOSITION_STOPS = frozenset("for to of with that which by on in from via using .".split())


def _first_head_noun(doc: Doc, start: int, end: int) -> str | None:
    """The kind of the first head noun among words ``start:end``, up to a stop word or punctuation."""
    texts, lowered, punct = words(doc), lowers(doc), puncts(doc)
    for i in range(start, min(end, len(texts))):
        if lowered[i] in APPOSITION_STOPS or (punct[i] and texts[i] != "-"):
            return None
        kind = HEAD_NOUN_KIND.get(lowered[i])
        if kind and kind != "TASK":
            return kind
    return None


NAMING_WORDS_OR_COMMA = NAMING_WORDS | {","}


def _appositive_kind(span: Span) -> str | None:
    """ "X, a new pruning method …" / "a simple method, called X": the noun that describes X."""
    doc = span.doc
    texts, lowered, punct = words(doc), lowers(doc), puncts(doc)
    end = span.end
    if end + 1 < len(texts) and texts[end] == "," and lowered[end + 1] in ("a", "an", "the"):
        return _first_head_noun(doc, end + 2, end + 9)
    start = span.start
    if start >= 2 and lowered[start - 1] in NAMING_WORDS_OR_COMMA:
        back = start - 2 if texts[start - 2] != "," else start - 3
        sentence_start = sentence_bounds(doc).sentence_of(span.start)[0]
        for i in range(back, max(back - 8, sentence_start) - 1, -1):
            if lowered[i] in ("for", "with", "of", "on", "in") and i > 0:
                # "a … framework for person representation learning, termed PLIP": the noun
                # before the preposition heads the phrase, not the words after it.
                head = HEAD_NOUN_KIND.get(lowered[i - 1])
                return head if head != "TASK" else None
            kind = HEAD_NOUN_KIND.get(lowered[i])
            if kind and kind != "TASK":
                return kind
            if (punct[i] and texts[i] != "-") or lowered[i] in ("we", "propose", "introduce", "present"):
                break
    return None


PROCESS_SUFFIXES = ("ing", "tion", "sion", "ment", "ance", "ence", "ize", "ise", "ate")


# "Unnecessary Path Ratio (UPR)", "Identity Bias Coefficient (IBC)": a measure, named.
MEASURE_HEADS = frozenset("ratio rate coefficient index score distance gap error divergence".split())


def long_form_kind(long_form: Span) -> str | None:
    """Kind of an acronym from its spelled-out form: the head noun ("… Benchmark"), a measure
    ("… Ratio"), a process noun ("… Pre-training", "… Prediction": a method), or the noun
    describing it ("a novel method, …")."""
    head = long_form[-1].lower_
    if head in MEASURE_HEADS:
        return "METRIC"
    kind = HEAD_NOUN_KIND.get(head)
    if kind:
        return kind
    if head.endswith(PROCESS_SUFFIXES):
        return "METHOD"
    return _appositive_kind(long_form)


DATA_NAME_ENDINGS = re.compile(r"(?:Bench|Benchmark|Arena|Eval|QA|Corpus|Dataset)(?:[-_ ]?v?\d+(?:\.\d+)*)?$")
EVALUATION_GERUNDS = frozenset(
    "evaluating assessing benchmarking measuring testing probing quantifying diagnosing".split()
)


def kind_from_name(text: str) -> str | None:
    """Names that say what they are: "ResearchBench", "V2P-Bench", "Chatbot Arena", "SimpleQA"."""
    match = DATA_NAME_ENDINGS.search(text)
    if match is None or match.start() == 0:
        return None
    return "DATASET" if text[match.start() :].startswith(("Corpus", "Dataset")) else "BENCHMARK"


SUBTITLE_STOPS = frozenset("for with via to from by on in of as that which using".split())  # punctuation stops too


def subtitle_head_kind(doc: Doc, colon: int) -> str | None:
    """What the subtitle of "Name: …" says the name is, from the head of its first phrase:
    "A Domain Adaptation Framework via …", "Modular Decomposition for …", "Harvesting …" name
    methods; "… Audio Neural Networks for …" names models. Task words ("Object Detection") say
    what it is for, not what it is."""
    texts, lowered, gaps, punct, starts = words(doc), lowers(doc), spaces(doc), puncts(doc), sentence_starts(doc)
    head: int | None = None
    for i in range(colon + 1, min(colon + 10, len(texts))):
        if texts[i] == "-" and not gaps[i] and head is not None and not gaps[head]:
            continue  # "Pre-training": the compound's head is its last part
        if starts[i] or lowered[i] in SUBTITLE_STOPS or punct[i]:
            break
        if head is None and texts[i].endswith("ing") and texts[i][:1].isupper() and texts[i].isalpha():
            if lowered[i] in EVALUATION_GERUNDS:
                return "BENCHMARK"  # "Evaluating LLMs on …": the name is a test
            return "METHOD"  # "Harvesting Knowledge Graphs …": the name is a way of doing it
        head = i
    if head is None:
        return None
    head_word = lowered[head]
    kind = HEAD_NOUN_KIND.get(head_word)
    if head_word == "learning":
        return "METHOD"  # "Flexible Contrastive Learning with …": a way to learn, named
    if kind and kind != "TASK":
        return kind
    if kind is None and head_word.endswith(("tion", "sion", "ing")):
        return "METHOD"  # "… Decomposition for", "… Pre-training with": a process, not a thing
    return None


def names_a_component(span: Span) -> bool:
    """ "the HFC module", "a Lightweight Gated Center Head (LGCH) that …": a named part of a model."""
    texts, lowered = words(span.doc), lowers(span.doc)
    end = span.end + 1 if span.end < len(texts) and texts[span.end] == ")" else span.end
    if end < len(texts) and lowered[end] in COMPONENT_NOUNS:
        return True
    if span.start >= 2 and texts[span.start - 1] == "(":
        return lowered[span.start - 2] in COMPONENT_NOUNS  # "… Center Head (LGCH)"
    return False


def listed_with(start: int, doc: Doc, ends: set[int]) -> bool:
    """ "BERT, GPT and …": a name coordinated right after a known one."""
    return start >= 2 and (start - 1) in ends and lowers(doc)[start - 1] in (",", "and", "or", "/")


def coordinated_kind(span: Span, labelled: dict[int, str]) -> str | None:
    """ "on CUHK-PEDES, ICFG-PEDES and RSTPReid": a name listed with others shares their kind."""
    lowered = lowers(span.doc)
    for end in range(max(span.start - 3, 0), span.start):
        between = set(lowered[end : span.start])
        if end in labelled and between and between <= {",", "and", "or"}:
            return labelled[end]
    return None


def title_name_end(doc: Doc) -> int | None:
    """Token index of ':' in the title when the title reads ``Name: subtitle``."""
    title = words(doc)[: title_end(doc)]
    colon = title.index(":") if ":" in title else None
    return colon if colon is not None and 1 <= colon <= 4 else None


class NameShapes(BatchedComponent):
    def __init__(self, name: str, spans_key: str, table: PatternTable) -> None:
        self.name = name
        self.spans_key = spans_key
        self.table = table

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[Found]:
        """Candidates as (span, rule, confidence, variant_of canonical id)."""
        found: list[Found] = []
        found.extend(self._size_variants(doc))
        found.extend(self._title_name(doc))
        plain: set[str] = set()
        found.extend(self._acronym_definitions(doc, plain))
        found.extend(c for c in self._shaped_names(doc) if text_of_span(c[0]) not in plain)
        titled = {text_of_span(span) for span, rule, *_ in found if rule == "title-name"}
        found = [
            c
            for c in found
            if not (PLURAL_ACRONYM.match(text_of_span(c[0])) and text_of_span(c[0]) not in titled)
            and not names_a_component(c[0])
        ]
        found.extend(self._named_by_cue(doc))
        found.extend(self._listed_names(doc))
        found.extend(
            (self._candidate(doc, start, end, label="TASK"), "task-phrase", 0.6, None)
            for start, end in task_phrases(doc)
        )
        return found

    def _listed_names(self, doc: Doc) -> list[Found]:
        """ "benchmarks, namely Meta-World and DMControl", "models such as BERT and GPT": capitalised
        names listed after a kind noun take that kind; a list that holds a known model is a list
        of models."""
        out: list[Found] = []
        texts, lowered = words(doc), lowers(doc)
        n = len(texts)
        kind_nouns = [at for at, word in enumerate(lowered[:-2]) if word in HEAD_NOUN_KIND]  # few: look there only
        for at in kind_nouns:
            kind = HEAD_NOUN_KIND.get(lowered[at])
            if kind not in ("DATASET", "BENCHMARK", "MODEL") or not lowered[at].endswith("s"):
                continue
            if at < title_end(doc):
                continue  # "Talking Models: Distill …" – a title's colon opens a subtitle, not a list
            i = at + 1
            if i < n and texts[i] == ",":
                i += 1
            intro = span_text(doc, i, min(i + 2, n))
            for opener in ("such as", "including", "namely", "like", ":", "(e.g.", "e.g."):
                if intro.lower().startswith(opener):
                    i += len(intro[: len(opener)].split()) if opener != ":" else 1
                    break
            else:
                continue
            while i < n and lowered[i] in (",", "the", "namely", "e.g.", ","):
                i += 1
            while i < n:
                end = compound_end(doc, i)
                if end < n and VERSION_NUMBER.match(texts[end]):
                    end += 1
                name = span_text(doc, i, end)
                if not name[:1].isupper() or name in SENTENCE_WORDS or is_generic(name):
                    break
                out.append((self._candidate(doc, i, end, label=kind), "listed-after-kind", 0.7, None))
                i = end
                if i < n and texts[i] in (",", "and", "or", "/"):
                    i += 1
                    if i < n and lowered[i] in ("and", "or"):
                        i += 1
                else:
                    break
        return out

    def set_annotations(self, doc: Doc, found: list[Found]) -> None:
        group = list(doc.spans[self.spans_key]) if self.spans_key in doc.spans else []
        votes: dict[str, Counter[str]] = {}
        for span, rule, _conf, _variant in found:
            kind = kind_from_context(span)
            if kind is None and rule == "title-name":
                kind = subtitle_head_kind(doc, span.end)
            if kind:
                votes.setdefault(entity_key(text_of_span(span)), Counter())[kind] += 1
        # A span the gazetteer already found keeps the gazetteer's rule: span extension values are
        # keyed by offsets, label and id, so annotating an identical span would overwrite it.
        known = {(s.start, s.end) for s in group}
        # Keyed by where each name ends, to find the name listed just before another.
        labelled = {s.end: s.label_ for s in group}
        labelled.update({s.end: s.label_ for s, *_ in found if s.label_ != "UNKNOWN"})
        for span, rule, confidence, variant_of in sorted(found, key=lambda f: f[0].start):
            if (span.start, span.end) in known or inside_url(span):
                continue
            known.add((span.start, span.end))
            label = span.label_
            if label == "UNKNOWN":
                label = kind_from_name(text_of_span(span)) or "UNKNOWN"
            if label == "UNKNOWN":
                counter = votes.get(entity_key(text_of_span(span)))
                label = counter.most_common(1)[0][0] if counter else coordinated_kind(span, labelled) or "MODEL"
            labelled.setdefault(span.end, label)
            final = Span(doc, span.start, span.end, label=label, span_id=span.id_ or entity_key(text_of_span(span)))
            write_notes(final, rule=rule, confidence=confidence, variant_of=variant_of, alias=alias_of(span))
            group.append(final)
        doc.spans[self.spans_key] = group

    def _candidate(self, doc: Doc, start: int, end: int, label: str = "UNKNOWN") -> Span:
        text = span_text(doc, start, end)
        row = self.table.lookup(text)
        if row is not None:
            return Span(doc, start, end, label=row.label, span_id=row.entity_id)
        return Span(doc, start, end, label=label, span_id=entity_key(text))

    def _size_variants(self, doc: Doc) -> list[Found]:
        """``Llama-2-70B`` / ``GPT-3 175B``: a known model name followed by a parameter count."""
        out: list[Found] = []
        texts = words(doc)
        # "GPT_BASE", "BERT_LARGE": the LaTeX-subscript spelling, one token
        for i, text in [(i, text) for i, text in enumerate(texts) if "_" in text]:
            family, _, size = text.rpartition("_")
            row = self.table.lookup(family)
            known_model = row.entity_id if row is not None and row.label == "MODEL" else None
            if (known_model or shape_of_text(family)) and (size.lower() in SIZE_NAMES or SIZE_TOKEN.match(size)):
                variant_of = known_model or entity_key(family)
                out.append(
                    (Span(doc, i, i + 1, label="MODEL", span_id=entity_key(text)), "size-variant", 0.9, variant_of)
                )
        n = len(texts)
        # the size after the name is the rare part, so look for it before the name; a size
        # starts with a digit or follows a hyphen, cheaper tests than the regex for every word
        sized = [i for i, following in enumerate(texts[1:]) if following[0].isdigit() or following == "-"]
        for i in sized:
            following = texts[i + 1]
            if following == "-":
                if i + 2 >= n:
                    continue
                size = texts[i + 2]
                if not ((size[:1].isdigit() and SIZE_TOKEN.match(size)) or size.lower() in SIZE_NAMES):
                    continue
            elif not SIZE_TOKEN.match(following):  # it starts with a digit: see ``sized``
                continue
            row = self.table.lookup(texts[i])
            if row is None or row.label != "MODEL":
                continue
            token, nxt = doc[i], doc[i + 1]
            end = None
            if (
                nxt.text == "-"
                and token.i + 2 < len(doc)
                and (SIZE_TOKEN.match(doc[token.i + 2].text) or doc[token.i + 2].lower_ in SIZE_NAMES)
            ):
                end = token.i + 3
            elif SIZE_TOKEN.match(nxt.text) and nxt.idx == token.idx + len(token.text) + len(token.whitespace_):
                end = token.i + 2
            if end is not None:
                span = Span(doc, token.i, end, label="MODEL", span_id=entity_key(doc[token.i : end].text))
                out.append((span, "size-variant", 0.9, row.entity_id))
        return out

    def _title_name(self, doc: Doc) -> list[Found]:
        colon = title_name_end(doc)
        if colon is None:
            return []
        span = doc[:colon]
        words = [t for t in span if not t.is_punct]
        if not words or words[0].text in SENTENCE_WORDS or not words[0].text[:1].isupper():
            return []
        multiword = any(t.whitespace_ for t in span[:-1])
        if (multiword and words[-1].lower_ in HEAD_NOUN_KIND) or any(
            t.text.endswith("'s") or t.text == "'s" for t in span
        ):
            return []
        if len(words) > 1 and not any(shape_of(t) for t in words) and len(words) > 3:
            return []
        if (
            len(words) > 1
            and not any(shape_of(t) for t in words)
            and (any(t.is_lower for t in words) or words[0].text.endswith("ing") or words[0].text in PHRASE_OPENERS)
            and subtitle_head_kind(doc, colon) in (None, "METHOD")
        ):
            # "Seeing What Matters: …", "Learning from Future: A … Framework" – a catchphrase; but
            # "Frozen in Time: A Joint Video and Image Encoder" names the encoder.
            return []
        if len(words) == 1 and is_generic(words[0].text):
            return []
        if doc[colon + 1 : colon + 4].text.lower().startswith(SURVEY_SUBTITLES):
            return []  # "Diffusion Model Quantization: A Review" names a topic, not a thing
        candidate = self._candidate(doc, span.start, span.end)
        if candidate.label_ == "UNKNOWN":
            subtitle_kind = self._subtitle_kind(doc, colon)
            if subtitle_kind:
                candidate = self._candidate(doc, span.start, span.end, label=subtitle_kind)
        return [(candidate, "title-name", 0.85, None)]

    @staticmethod
    def _subtitle_kind(doc: Doc, colon: int) -> str | None:
        for token in doc[colon + 1 : colon + 12]:
            if token.is_sent_start:
                break
            kind = HEAD_NOUN_KIND.get(token.lower_)
            if kind in ("DATASET", "BENCHMARK"):
                return kind
            if token.lower_ in ("for", "with", "via", "to", "from", "by", "on", ":"):
                break
        return None

    def _acronym_definitions(self, doc: Doc, plain: set[str]) -> list[Found]:
        """``Long Form Name (LFN)``: the acronym is the name, the long form its alias. Acronyms of
        lowercase phrases go into ``plain``: they abbreviate a generic term, not a name."""
        out: list[Found] = []
        texts = words(doc)
        for at in range(1, len(texts) - 1):
            if texts[at - 1] != "(" or texts[at + 1] != ")":
                continue
            token = doc[at]
            acronym = token.text
            digit_led = bool(re.match(r"^\d[A-Z]{1,4}$", acronym))
            if not (shape_of(token) or ALL_CAPS.match(acronym) or digit_led) or is_generic(acronym):
                continue
            long_form = self._long_form(doc, token.i - 1, acronym)
            if long_form is None:
                continue
            mixed = bool(MIXED_CASE.match(acronym))
            if not mixed and any(
                t.is_lower and len(t) > 3 and not _after_glued_hyphen(t) for t in long_form if not t.is_punct
            ):
                plain.add(acronym)  # "knowledge graph embedding (KGE)": a generic term's abbreviation
                continue
            candidate = self._candidate(doc, token.i, token.i + 1)
            if candidate.label_ == "UNKNOWN":
                kind = long_form_kind(long_form)
                if kind:
                    candidate = self._candidate(doc, token.i, token.i + 1, label=kind)
            write_notes(candidate, alias=long_form.text)
            out.append((candidate, "acronym-definition", 0.8, None))
        return out

    @staticmethod
    def _long_form(doc: Doc, paren: int, acronym: str) -> Span | None:
        """The capitalised words before ``(`` whose initials spell the acronym's capitals."""
        capitals = "".join(c for c in acronym if c.isupper())
        if len(capitals) < 2:
            return None
        start = paren
        every_word: list[str] = []
        capitalised: list[str] = []  # "Learning-to-Modulate (L2M)": function words carry no letter
        while start > 0 and len(every_word) < len(capitals) + 3:
            word = doc[start - 1]
            if word.is_punct and word.text != "-":
                break
            if word.text != "-":
                # "KG embedding (KGE)": an acronym inside the long form gives all its letters
                inner = word.text.isalpha() and word.text.isupper() and len(word.text) < len(capitals)
                every_word.insert(0, word.text if inner else word.text[0].upper())
                if word.text[0].isupper():
                    capitalised.insert(0, word.text[0])
            start -= 1
            if doc[start].text[:1].isupper() and capitals in ("".join(every_word), "".join(capitalised)):
                return doc[start:paren]
        return None

    def _shaped_names(self, doc: Doc) -> list[Found]:
        out: list[Found] = []
        known = list(doc.spans[self.spans_key]) if self.spans_key in doc.spans else []
        model_ends = {s.end for s in known if s.label_ == "MODEL"}
        texts, lowered, starts = words(doc), lowers(doc), sentence_starts(doc)
        n = len(texts)
        # Every shape below needs a capital letter somewhere in the compound; most words have
        # none, and slicing the Doc for them is what used to make this the slowest component.
        may_start_a_name = [i for i in range(n) if texts[i] != lowered[i] or (i + 1 < n and texts[i + 1] == "-")]
        taken_until = 0
        unsupported = unsupported_caps_title_words(doc)
        for i in may_start_a_name:
            if i < taken_until:
                continue  # inside the name found last
            end = compound_end(doc, i) if i + 1 < n and texts[i + 1] == "-" else i + 1  # most have no hyphen
            if unsupported and not unsupported.isdisjoint(range(i, end)):
                continue  # a word of a title set in capitals that nothing else writes as a name
            text = texts[i] if end == i + 1 else "".join(texts[i:end])  # a compound's parts are glued
            shape = shape_of_text(text)
            if shape is None and not starts[i]:  # neither reads a word that opens its sentence
                shape = self._named_by_head_noun(doc, text, i, end, False) or self._capitalised_in_model_list(
                    doc, text, i, model_ends, False
                )
            if shape is None or (
                shape == "caps" and not self._caps_is_name(doc, i, end) and not listed_with(i, doc, model_ends)
            ):
                continue
            # "ERNIE 3.0", "Llama 2": a version number right after the name belongs to it.
            if end < n and VERSION_NUMBER.match(texts[end]) and "." in texts[end]:
                end += 1
            elif shape == "head-noun" and texts[end][:1].isupper():
                end += 1  # "the Gaokao Benchmark": a capitalised head noun is part of the name
            out.append((self._candidate(doc, i, end), f"shape-{shape}", 0.6, None))
            taken_until = end
        return out

    @staticmethod
    def _capitalised_in_model_list(
        doc: Doc, text: str, i: int, model_ends: set[int], sentence_start: bool
    ) -> str | None:
        """ "the recent ViT and Timesformer architectures": a capitalised word listed right after a
        known model is a model too."""
        if sentence_start or not text[:1].isupper() or not text.isalpha() or len(text) < 3:
            return None
        if text in SENTENCE_WORDS or is_generic(text) or not listed_with(i, doc, model_ends):
            return None
        return "coordinated"

    @staticmethod
    def _named_by_head_noun(doc: Doc, text: str, i: int, end: int, sentence_start: bool) -> str | None:
        """ "the challenging Nordland dataset": a capitalised word right before a data noun."""
        if end >= len(doc) or sentence_start or not text[:1].isupper() or not text.replace("-", "").isalpha():
            return None
        if text in SENTENCE_WORDS or is_generic(text) or lowers(doc)[end] not in DATA_HEAD_NOUNS:
            return None
        return "head-noun"

    @staticmethod
    def _caps_is_name(doc: Doc, i: int, end: int) -> bool:
        """An all-caps token is a name only with support: a version after it, a head noun next to
        it, or a place where results are reported ("… 68.5% on CUHK-PEDES")."""
        texts, lowered, gaps = words(doc), lowers(doc), spaces(doc)
        previous = lowered[i - 1] if i > 0 else None
        if previous is not None and HEAD_NOUN_KIND.get(previous) in ("DATASET", "BENCHMARK", "MODEL"):
            return True  # "the dataset PASS", "benchmark CUHK"
        # Walk back over a list ("on CUHK-PEDES, ICFG-PEDES and …") to the "on" that opens it.
        j = i - 1
        while j >= 1 and i - j <= 10 and (texts[j] in (",", "and", "-") or texts[j][:1].isupper()):
            j -= 1
        if j >= 1 and lowered[j] == "on" and (like_nums(doc)[j - 1] or texts[j - 1] == "%"):
            return True
        if end >= len(texts):
            return False
        following = lowered[end]
        if (
            texts[end] == "-"
            and end + 1 < len(texts)
            and not gaps[end - 1]
            and not gaps[end]
            and lowered[end + 1] in FAMILY_WORDS
        ):
            return True  # "GPT-family models", "GPT-style decoders": the family is named by its model
        # "XAI approaches", "RL algorithms": nouns this generic follow generic acronyms too, so
        # they name only what the paper owns ("our LAE framework", "the proposed X approach").
        owned = previous in ("our", "proposed")
        named_by_noun = following in HEAD_NOUN_KIND and (owned or following not in GENERIC_HEAD_NOUNS)
        return bool(VERSION_NUMBER.match(texts[end]) and "." in texts[end]) or named_by_noun

    def _named_by_cue(self, doc: Doc) -> list[Found]:
        """``named ERNIE 3.0``, ``we propose TinyViT,`` ``we introduce SPDF`` – caps or capitalised words."""
        out: list[Found] = []
        lowered = lowers(doc)
        for at in [at for at, word in enumerate(lowered[:-1]) if word in PROPOSE_VERBS]:
            token = doc[at]
            nxt = doc[token.i + 1]
            label = "UNKNOWN"
            head_kind = HEAD_NOUN_KIND.get(nxt.lower_)
            if token.lower_ == "proposed" and head_kind not in (None, "TASK") and at + 2 < len(doc):
                nxt, label = doc[at + 2], head_kind  # "the proposed system Qin achieves …"
            if nxt.is_punct or nxt.lower_ in ("a", "an", "the", "to", "that", "how", "in", "our", "two", "three"):
                continue
            if not nxt.text[:1].isupper() or is_generic(nxt.text) or nxt.text in SENTENCE_WORDS:
                continue
            end = compound_end(doc, nxt.i)
            if HYPHENATED_TITLE_WORDS.match(doc[nxt.i : end].text) or glued_hyphen_word_after(doc, end):
                continue  # "we propose Pre-training with …": a word, not a name
            if end < len(doc) and VERSION_NUMBER.match(doc[end].text):
                end += 1
            if end < len(doc) and (doc[end].text[:1].isupper() or doc[end].lower_ in HEAD_NOUN_KIND):
                continue  # "called Foundation Models", "named Maximizing Multi-modal …": not one name
            naming = token.lower_ in NAMING_WORDS
            closed = (
                end >= len(doc)
                or doc[end].is_punct
                or doc[end].lower_ in ("for", "to", "which", "that", "with", "as", "and", "in", "by", "on")
            )
            if naming or closed or label != "UNKNOWN":
                out.append((self._candidate(doc, nxt.i, end, label=label), "named-by-cue", 0.75, None))
        return out
