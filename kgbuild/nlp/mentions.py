"""Candidates -> entity mentions: resolve overlaps, then group mentions into per-paper entities.

Overlaps are settled by (length, trust): a longer span wins (``GPT-3 175B`` over ``GPT-3``), and
on equal spans the gazetteer is trusted over shape rules for the kind. The per-paper entity table
is stored as plain dicts in ``doc._.kg_entities`` so nothing downstream needs spaCy objects.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from spacy.tokens import Doc, Span

from kgbuild.nlp.annotations import alias_of, notes_of, rule_of, write_notes
from kgbuild.nlp.batching import BatchedComponent
from kgbuild.nlp.gazetteer import GAZETTEER_COMPONENT, PatternTable
from kgbuild.nlp.lexicon import LANGUAGES, SENTENCE_WORDS
from kgbuild.nlp.shapes import (
    PLURAL_ACRONYM,
    coordinated_kind,
    glued_hyphen_word_after,
    inside_url,
    is_generic,
    kind_from_context,
    list_head_kind,
    names_a_component,
    shape_of_text,
)
from kgbuild.nlp.tokens import (
    lowers,
    puncts,
    sentence_bounds,
    sentence_starts,
    spaces,
    span_text,
    text_of,
    text_of_span,
    title_end,
    words,
)
from kgbuild.records import entity_key, normalise_name

ENTITIES_KEY = "kg_entities"

RULE_TRUST = {
    "gazetteer": 3,
    "size-variant": 3,
    "acronym-definition": 2,
    "title-name": 2,
    "named-by-cue": 2,
    "listed-after-kind": 2,
    "tagger": 3,
}


def rule_trust(rule: str | None) -> int:
    return RULE_TRUST.get(rule or "", 1)


def trust(span: Span) -> int:
    return rule_trust(rule_of(span))


def resolve_overlaps(candidates: list[Span]) -> list[Span]:
    ranked = sorted(candidates, key=lambda s: (-(s.end - s.start), -trust(s), s.start))
    taken: set[int] = set()
    kept: list[Span] = []
    for span in ranked:
        if any(i in taken for i in range(span.start, span.end)):
            continue
        kept.append(span)
        taken.update(range(span.start, span.end))
    return sorted(kept, key=lambda s: s.start)


def prefer_alternative_kinds(mentions: list[Span], table: PatternTable) -> list[Span]:
    """A gazetteer name used as two kinds ("DINO" the model family and the self-supervised method)
    takes its second kind where the sentence says so: "methods such as MoCo-v2, SwAV and DINO"."""
    out = []
    for span in mentions:
        row = table.lookup(text_of_span(span)) if rule_of(span) == GAZETTEER_COMPONENT else None
        if row is not None and row.alt_label and row.alt_label != span.label_:
            if (list_head_kind(span) or kind_from_context(span)) == row.alt_label:
                relabelled = Span(span.doc, span.start, span.end, label=row.alt_label, span_id=span.id_)
                notes = notes_of(span)
                write_notes(
                    relabelled,
                    rule=notes.rule,
                    confidence=notes.confidence,
                    alias=notes.alias,
                    variant_of=notes.variant_of,
                )
                span = relabelled
        out.append(span)
    return out


def _fold_plural_acronyms(by_id: dict[str, list[Span]]) -> None:
    """ "PANNs" and "our best PANN system": an acronym and its plural are one entity."""
    by_text = {text_of_span(spans[0]): entity_id for entity_id, spans in by_id.items()}
    for text, entity_id in by_text.items():
        plural = by_text.get(text + "s")
        if (
            plural
            and plural != entity_id
            and sum(c.isupper() for c in text) >= 2
            and plural in by_id
            and entity_id in by_id
        ):
            by_id[plural].extend(by_id.pop(entity_id))


def _fold_defined_aliases(by_id: dict[str, list[Span]]) -> None:
    """Fold an id into the entity that defines it as an alias ("Three Towers" into "3T")."""
    alias_owner: dict[str, str] = {}
    for entity_id, spans in by_id.items():
        for span in spans:
            alias = alias_of(span)
            if alias:
                alias_owner.setdefault(normalise_name(alias), entity_id)
    for entity_id in list(by_id):
        owner = alias_owner.get(normalise_name(text_of_span(by_id[entity_id][0])))
        if owner and owner != entity_id and owner in by_id:
            by_id[owner].extend(by_id.pop(entity_id))


# What the statistical NER is trusted with on its own: names (they carry a capital or a digit).
# Descriptive METRIC/TASK phrases come from the lowercase gazetteer, where the NER learned from
# TDMSci's much broader idea of a task ("prediction") would add noise.
NER_KINDS = frozenset({"MODEL", "DATASET", "BENCHMARK", "METHOD"})
NER_CONFIDENCE = 0.5


def _continues_a_name(doc: Doc, i: int) -> bool:
    """Word ``i`` (when there is one) is capitalised and not the first of a sentence."""
    if not 0 <= i < len(doc):
        return False
    text = words(doc)[i]
    # a Doc's first token always opens a sentence
    return text[:1].isupper() and text not in SENTENCE_WORDS and not (i == 0 or sentence_starts(doc)[i])


def _cut_from_a_longer_name(span: Span) -> bool:
    """ "Instant Gaussian" out of "Instant Gaussian Stream (IGS)": a capitalised neighbour, or a
    glued hyphen, means the NER stopped inside the name."""
    doc = span.doc
    texts, gaps = words(doc), spaces(doc)
    glued = (span.end < len(texts) and texts[span.end] == "-" and not gaps[span.end - 1]) or (
        span.start > 0 and texts[span.start - 1] == "-" and not gaps[span.start - 1]
    )
    return glued or _continues_a_name(doc, span.end) or _continues_a_name(doc, span.start - 1)


def _abbreviates_a_plain_phrase(span: Span) -> bool:
    """ "high-level synthesis (HLS)": the rules already turned down an acronym whose long form is
    a lowercase phrase (a generic term), and the NER gets no second opinion on it, here or at any
    other mention of the acronym in the paper."""
    doc = span.doc
    texts = words(doc)
    if span.start >= 2 and span.end < len(texts) and texts[span.start - 1] == "(" and texts[span.end] == ")":
        return texts[span.start - 2].islower()
    # Defined once, generic everywhere: "… pre-training (Med-VLP) …", later "to facilitate Med-VLP".
    text = text_of(doc)
    at = text.find(f"({text_of_span(span)})")
    before = text[:at].split()[-1:] if at > 0 else []
    return bool(before) and before[0].islower()


def ner_span_is_name(span: Span) -> bool:
    """The NER's own finds must look like names: a name shape (``SYNTH-PEDES``, ``GPT``) or a
    phrase of capitalised words (``Chatbot Arena``); generic acronyms and licences are out."""
    doc = span.doc
    text = text_of_span(span)
    if span.label_ not in NER_KINDS or span.start == 0 or sentence_starts(doc)[span.start] or len(span) > 6:
        return False
    texts, punct = words(doc), puncts(doc)
    if any((punct[i] and texts[i] not in "-.+") or "/" in texts[i] for i in range(span.start, span.end)) or is_generic(
        text
    ):
        return False
    if text.startswith("CC-"):
        return False  # Creative Commons licences look like acronyms
    if inside_url(span) or _cut_from_a_longer_name(span) or _abbreviates_a_plain_phrase(span):
        return False
    if PLURAL_ACRONYM.match(text) or names_a_component(span):
        return False
    alphabetic = [word for word in texts[span.start : span.end] if word.isalpha()]
    # In a title every word is capitalised, so there a capitalised phrase says nothing.
    in_title = span.start < title_end(doc)
    capitalised_phrase = not in_title and len(alphabetic) > 1 and all(word[:1].isupper() for word in alphabetic)
    return shape_of_text(text) is not None or capitalised_phrase


def ner_kind(ent: Span, labelled: dict[int, str]) -> str:
    """The kind of a name only the NER found: what the words around it say, as for the rules'
    own unknown names; else the NER's label, except that data kinds need such a cue. On the dev
    set the NER called "Causal Tracing" and "MSLT" datasets with nothing around them saying so:
    a capitalised unknown without a data cue is more often a technique."""
    kind = kind_from_context(ent) or coordinated_kind(ent, labelled)
    if kind and kind != "TASK":
        return kind
    return "METHOD" if ent.label_ in ("DATASET", "BENCHMARK") else ent.label_


def add_ner_mentions(rule_mentions: list[Span], doc: Doc, take_all: bool = False) -> list[Span]:
    """Rules win on overlap; the NER adds names where no rule fired."""
    taken = {i for span in rule_mentions for i in range(span.start, span.end)}
    labelled = {span.end: span.label_ for span in rule_mentions}
    added = []
    for ent in doc.ents:
        if any(i in taken for i in range(ent.start, ent.end)) or not (take_all or ner_span_is_name(ent)):
            continue
        label = ent.label_ if take_all else ner_kind(ent, labelled)
        span = Span(doc, ent.start, ent.end, label=label, span_id=entity_key(text_of_span(ent)))
        write_notes(span, rule="ner", confidence=NER_CONFIDENCE)
        added.append(span)
    return sorted(rule_mentions + added, key=lambda s: s.start)


# Everyday words that are metrics only when the text reports or evaluates with them: "accuracy
# of 84.8% on X" is a metric, "improved efficiency and accuracy" is not (the guideline's METRIC is
# "attached to a reported result or evaluation").
PLAIN_METRIC_WORDS = frozenset("accuracy accuracies precision recall error errors".split())
# Cost and speed words are everyday words in abstracts ("the high computational cost of LLMs");
# they are metrics only when the sentence puts a number on them ("saves 45% computational cost").
EFFICIENCY_METRIC_IDS = frozenset(
    "computational-cost training-cost inference-cost throughput speedup latency memory-footprint "
    "energy-consumption compression-ratio flops".split()
)
OWN_WORK_WORDS = frozenset("we our us".split())
EVALUATION_WORDS = frozenset(
    "measured metric metrics terms evaluated evaluate evaluation reaching reaches achieves achieving".split()
)


def extend_metric_modifiers(spans: list[Span]) -> list[Span]:
    """ "last-incremental accuracy", "Rank-1 accuracy", "mean-average-precision": a hyphenated
    modifier glued to a metric is part of its name."""
    out = []
    # Span extension values are keyed by offsets and label, so never build a span that already exists.
    ranges = {(s.start, s.end) for s in spans}
    for span in spans:
        # "pre-training costs" is still a cost: efficiency measures keep their own name (and id).
        if span.label_ == "METRIC" and rule_of(span) == GAZETTEER_COMPONENT and span.id_ not in EFFICIENCY_METRIC_IDS:
            doc = span.doc
            texts, gaps = words(doc), spaces(doc)
            start = span.start
            while start >= 2 and texts[start - 1] == "-" and not gaps[start - 2] and not gaps[start - 1]:
                start -= 2  # glued: "mean-average-precision"
            if start == span.start and start >= 1 and "-" in texts[start - 1] and texts[start - 1][0].isalnum():
                start -= 1  # one token with an inner hyphen: "Rank-1", "last-incremental"
            if start != span.start and (start, span.end) not in ranges:
                wider = Span(doc, start, span.end, label="METRIC", span_id=entity_key(span_text(doc, start, span.end)))
                write_notes(wider, rule="metric-modifier", confidence=0.8)
                span = wider
        out.append(span)
    return out


def extend_language_pairs(spans: list[Span]) -> list[Span]:
    """ "WMT18 zh-en", "WMT'17 English-Chinese": a translation direction after a test set names
    one of its parts, a variant of the whole set."""
    out = []
    ranges = {(s.start, s.end) for s in spans}
    for span in spans:
        doc = span.doc
        end = span.end
        if span.label_ not in ("DATASET", "BENCHMARK") or end + 2 >= len(doc):
            out.append(span)
            continue
        texts, lowered, gaps = words(doc), lowers(doc), spaces(doc)
        if (
            lowered[end] in LANGUAGES
            and texts[end + 1] == "-"
            and lowered[end + 2] in LANGUAGES
            and not gaps[end]
            and not gaps[end + 1]
            and (span.start, end + 3) not in ranges
        ):
            wider = Span(
                doc, span.start, end + 3, label=span.label_, span_id=entity_key(span_text(doc, span.start, end + 3))
            )
            notes = notes_of(span)
            write_notes(wider, rule=notes.rule, confidence=notes.confidence, variant_of=span.id_)
            span = wider
        out.append(span)
    return out


def keep_reported_metrics(mentions: list[Span], doc: Doc) -> list[Span]:
    """Drop plain metric words that no score, benchmark or evaluation wording goes with."""
    if not any(s.label_ == "METRIC" for s in mentions):
        return mentions
    score_tokens = [score["token_start"] for score in doc._.kg_scores or []]
    data_tokens = [s.start for s in mentions if s.label_ in ("DATASET", "BENCHMARK")]
    kept = []
    for span in mentions:
        if span.label_ == "METRIC" and glued_hyphen_word_after(doc, span.end):
            continue  # "precision-dimensionality tradeoff": the first half of a compound
        if span.label_ == "METRIC" and span.id_ in EFFICIENCY_METRIC_IDS:
            sentence_start, sentence_end = sentence_bounds(doc).tokens_around(span.start, span.end)  # span.sent
            if not any(sentence_start <= i < sentence_end for i in score_tokens):
                continue
        elif span.label_ == "METRIC" and text_of_span(span).lower() in PLAIN_METRIC_WORDS:
            sentence_start, sentence_end = sentence_bounds(doc).tokens_around(span.start, span.end)  # span.sent
            inside = range(sentence_start, sentence_end)
            sentence_words = lowers(doc)[sentence_start:sentence_end]
            # The paper's own claims ("we … at minimal loss of accuracy") are evaluations too;
            # background remarks ("methods often lead to degraded accuracy") are not.
            evaluated = (
                any(i in inside for i in score_tokens)
                or any(i in inside for i in data_tokens)
                or any(w in EVALUATION_WORDS or w in OWN_WORK_WORDS for w in sentence_words)
            )
            if not evaluated:
                continue
        kept.append(span)
    return kept


def group_entities(mentions: list[Span], table: PatternTable) -> list[dict[str, Any]]:
    """One dict per entity id: display name, kind by weighted vote, aliases, and its mentions."""
    by_id: dict[str, list[Span]] = defaultdict(list)
    for span in mentions:
        by_id[span.id_].append(span)
    _fold_defined_aliases(by_id)
    _fold_plural_acronyms(by_id)
    entities = []
    for entity_id, spans in by_id.items():
        notes = [notes_of(s) for s in spans]
        # The guideline names an entity as this text spells it; the gazetteer's display name for
        # the canonical id becomes an alias ("WebVid-2M" in the text, "WebVid" canonical).
        surface_forms = [text_of_span(s) for s in spans]
        labels = [s.label_ for s in spans]
        if len(spans) == 1:  # most entities: nothing to vote on
            name, kind = surface_forms[0], labels[0]
        else:  # the most trusted kind and the most frequent spelling, the first on a tie
            kinds: dict[str, float] = {}
            for label, note in zip(labels, notes):
                kinds[label] = kinds.get(label, 0) + rule_trust(note.rule)
            kind = max(kinds, key=kinds.__getitem__)
            spellings: dict[str, int] = {}
            for form in surface_forms:
                spellings[form] = spellings.get(form, 0) + 1
            name = max(spellings, key=spellings.__getitem__)
        canonical = table.display_name(entity_id)
        aliases = sorted(
            (
                {t for t in surface_forms}
                | {note.alias for note in notes if note.alias}
                | ({canonical} if canonical else set())
            )
            - {name}
        )
        variant_of = next((note.variant_of for note in notes if note.variant_of), None)
        entities.append(
            {
                "id": entity_id,
                "name": name,
                "kind": kind,
                "aliases": aliases,
                "variant_of": variant_of,
                "mentions": [
                    {
                        "start": s.start_char,
                        "end": s.end_char,
                        "token_start": s.start,
                        "token_end": s.end,
                        "text": text,
                        "rule": note.rule or GAZETTEER_COMPONENT,
                        "confidence": note.confidence if note.confidence is not None else 0.95,
                    }
                    for s, text, note in zip(spans, surface_forms, notes)
                ],
            }
        )
    return entities


def _overlaps_any(span: Span, taken: set[int]) -> bool:
    return any(i in taken for i in range(span.start, span.end))


def with_canonical_ids(tagged: list[Span], table: PatternTable) -> list[Span]:
    """The tagger decides where a name is and its kind; the gazetteer still gives a name it knows
    its canonical id (so "GPT4" and "GPT-4" are one entity, with the gazetteer's aliases)."""
    out = []
    for span in tagged:
        row = table.lookup(text_of_span(span))
        if row is not None and row.entity_id != span.id_:
            renamed = Span(span.doc, span.start, span.end, label=span.label_, span_id=row.entity_id)
            notes = notes_of(span)
            write_notes(renamed, rule=notes.rule, confidence=notes.confidence)
            span = renamed
        out.append(span)
    return out


def merge_tagged(rule_candidates: list[Span], tagged: list[Span], policy: str) -> list[Span]:
    """The rules' candidates and the tagger's entities as one candidate list.

    "only": the tagger's alone; "first": the tagger's, plus rule candidates where it found nothing;
    "fill": the rules', plus tagger entities where no rule fired; "off": the rules' alone.
    """
    if policy == "off":
        return rule_candidates
    if policy == "only":
        return tagged
    first, second = (tagged, rule_candidates) if policy == "first" else (rule_candidates, tagged)
    taken = {i for span in first for i in range(span.start, span.end)}
    return first + [span for span in second if not _overlaps_any(span, taken)]


class MentionResolver(BatchedComponent):
    """``ner_policy``: "fill" – NER names only where no rule fired (the product); "all" – every NER
    entity of any kind (the NER-only ablation). ``tagger_policy`` says how the learned tagger's
    entities and the rules' candidates combine (see ``merge_tagged``)."""

    def __init__(
        self,
        name: str,
        candidates_key: str,
        table: PatternTable,
        ner_policy: str = "fill",
        tagger_policy: str = "off",
        tagged_key: str = "kg_tagged",
    ) -> None:
        if ner_policy not in ("fill", "all"):
            raise ValueError(f"unknown ner_policy {ner_policy!r}")
        if tagger_policy not in ("off", "only", "first", "fill"):
            raise ValueError(f"unknown tagger_policy {tagger_policy!r}")
        self.name = name
        self.candidates_key = candidates_key
        self.table = table
        self.ner_policy = ner_policy
        self.tagger_policy = tagger_policy
        self.tagged_key = tagged_key

    def __call__(self, doc: Doc) -> Doc:
        candidates = list(doc.spans[self.candidates_key]) if self.candidates_key in doc.spans else []
        for span in candidates:
            if rule_of(span) is None:
                write_notes(span, rule=GAZETTEER_COMPONENT)
        if self.tagger_policy != "off":
            tagged = with_canonical_ids(
                list(doc.spans[self.tagged_key]) if self.tagged_key in doc.spans else [], self.table
            )
            candidates = merge_tagged(candidates, tagged, self.tagger_policy)
        if self.tagger_policy == "only":  # the learned ablation: no rule edits the tagger's entities
            mentions = resolve_overlaps(candidates)
        else:
            mentions = add_ner_mentions(
                resolve_overlaps(extend_language_pairs(extend_metric_modifiers(candidates))),
                doc,
                self.ner_policy == "all",
            )
            mentions = prefer_alternative_kinds(keep_reported_metrics(mentions, doc), self.table)
        doc.spans[ENTITIES_KEY] = mentions
        doc._.kg_entities = group_entities(mentions, self.table)
        return doc
