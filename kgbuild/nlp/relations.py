"""Paper-level relations from cue words and sentence structure.

proposes: the title pattern ``X: …``, the object of "we propose/introduce/present …", "named X",
and new names in the title. compares_with: models after "outperforms / surpass / than / compared
to / vs". based_on: models after "fine-tuned from / built on / distilled from / extension of".
evaluated_on / trained_on: benchmarks and datasets in sentences with evaluation or training cues.
results: each score with the nearest metric and benchmark in its sentence.

The output is plain dicts in ``doc._.kg_relations`` and ``doc._.kg_results``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from spacy.tokens import Doc

from kgbuild.nlp.batching import BatchedComponent
from kgbuild.nlp.lexicon import (
    BASED_ON_CUES,
    COMPARE_CUES,
    DATA_HEAD_NOUNS,
    EVAL_CUES,
    PROPOSE_VERBS,
    TRAINING_PREPOSITIONS,
    TRAINING_VERBS,
)
from kgbuild.nlp.shapes import title_name_end
from kgbuild.nlp.tokens import like_nums, sentence_bounds, sentence_starts, spaces, span_text, title_end
from kgbuild.nlp.tokens import lowers as doc_lowers
from kgbuild.nlp.tokens import words as doc_words
from kgbuild.records import PAPER_SUBJECT

# Words after which a name is used, not introduced ("we propose to fine-tune BERT on ...").
USE_MARKERS = frozenset("such as including like e.g. than with from on using of over to by via and".split())
CLAUSE_BREAKS = frozenset(
    """which that where while whereas using by on with from than to . ; : encompassing comprising containing
    covering including spanning consisting across among such""".split()
)
PROPOSER_WORDS = frozenset("we i paper work study this article report".split())
USED_BY_WORDS = frozenset("by from using via with".split())
# "Empirically, …" / "Experimentally, …" open sentences that report this paper's experiments.
OWN_WORK_WORDS = frozenset("we our ours proposed it empirically experimentally".split())
OVER_COMPARATIVES = frozenset(
    """improvement improvements gains gain outperforms outperform improves improve improved improving
    advantage advantages superiority""".split()
)
CONTRAST_OWN_WORDS = frozenset("we our ours proposed".split())
# Rules whose names are distinctive enough that a new one in the title is what the paper is about.
NAME_SHAPE_RULES = frozenset({"shape-mixed", "shape-versioned", "acronym-definition", "named-by-cue"})
NEW_WORDS = frozenset("new novel our first named called dubbed termed".split())
# A value right after these (in the same clause, with no verb of its own between) is the compared
# system's: "outperforming the best previous system of 0.392", "(134 vs. 108)".
COMPARATOR_CUES = frozenset(
    """outperform outperforms outperformed outperforming surpass surpasses surpassed surpassing beat beats
    beating exceed exceeds exceeded exceeding than vs vs. v.s. versus compared against""".split()
)
# Words that end the compared system's noun phrase: after them the value is the subject's again
# ("outperforms GPT-3 with 85.1%", "surpasses X by 2.5%").
COMPARED_PHRASE_ENDS = frozenset(
    """with by at on in across achieving achieves achieve reaching reaches obtaining obtains scoring scores
    while whereas which that when""".split()
)
# A clause whose subject is someone else's work: "while prior methods obtain 71.2%".
BASELINE_WORDS = frozenset("previous prior existing baseline baselines competing competitor competitors al".split())
# Openers of a contrasting clause: "…, while X obtains 0.87", "whereas Y reduces it by 0.8".
CONTRAST_OPENERS = frozenset("while whereas although though but".split())
CLAUSE_PUNCTUATION = frozenset(", ; :".split())
BASED_ON_FIRST_WORDS = frozenset(cue[0] for cue in BASED_ON_CUES)
# Between a training verb and its "on D" these end the clause: "pre-training domains is superior to
# using Wikipedia" is not training on Wikipedia.
TRAINING_CLAUSE_BREAKS = frozenset(
    "which that while whereas and is are was were than evaluate evaluated test tested compared".split()
)


class Sentence(NamedTuple):
    """A sentence's token range (what the rules read of ``doc.sents``, without building Spans)."""

    doc: Doc
    start: int
    end: int


class Mention:
    """A plain view of one entity mention: token range, char range, entity id and kind."""

    __slots__ = ("entity_id", "kind", "start", "end", "char_start", "char_end", "rule", "known")

    def __init__(self, entity: dict[str, Any], mention: dict[str, Any]) -> None:
        self.entity_id: str = entity["id"]
        self.kind: str = entity["kind"]
        self.start: int = mention["token_start"]
        self.end: int = mention["token_end"]
        self.char_start: int = mention["start"]
        self.char_end: int = mention["end"]
        self.rule: str = mention["rule"]
        self.known = mention["rule"] == "gazetteer"


class RelationFinder(BatchedComponent):
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        mentions = sorted(
            (Mention(entity, m) for entity in doc._.kg_entities for m in entity["mentions"]),
            key=lambda m: m.start,
        )
        mentions = self._with_repeats(doc, mentions)
        relations: list[dict[str, Any]] = []
        proposed = self._proposes(doc, mentions, relations)
        main = self._main_subject(doc, proposed)
        self._compares(doc, mentions, proposed, relations)
        self._based_on(doc, mentions, proposed, main, relations)
        self._evaluated_and_trained(doc, mentions, main, relations)
        doc._.kg_results = self._results(doc, mentions, proposed, main, relations)
        doc._.kg_relations = self._dedupe(relations)
        return doc

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _with_repeats(doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """Later occurrences of a name the entity component found once: "We introduce Bonito … We
        train Bonito on D" – the relation cues are often in the sentences that repeat the name.

        Matches the exact token sequence of a found mention, outside other mentions, and not glued
        into a longer hyphenated name ("CQ-DINO"). One pass over the tokens.
        """
        if not mentions:
            return mentions
        forms: dict[str, list[tuple[tuple[str, ...], Mention]]] = {}
        covered = bytearray(len(doc))
        for m in mentions:
            texts = tuple(doc_words(doc)[m.start : m.end])
            forms.setdefault(texts[0], []).append((texts, m))
            covered[m.start : m.end] = b"\x01" * (m.end - m.start)
        for candidates in forms.values():
            candidates.sort(key=lambda c: -len(c[0]))
        extra = []
        n = len(doc)
        words = doc_words(doc)
        gaps = spaces(doc)
        for i in [i for i, word in enumerate(words) if word in forms and not covered[i]]:
            candidates = forms[words[i]]
            if i > 0 and not gaps[i - 1] and (words[i - 1] == "-" or words[i - 1].isalpha()):
                continue
            for texts, source in candidates:
                end = i + len(texts)
                if end > n or any(covered[i:end]) or tuple(words[i:end]) != texts:
                    continue
                if end < n and not gaps[end - 1] and words[end] == "-" and end + 1 < n and not words[end + 1].islower():
                    continue  # "Bonito-7B" is another name
                repeat = Mention.__new__(Mention)
                repeat.entity_id, repeat.kind = source.entity_id, source.kind
                repeat.start, repeat.end = i, end
                repeat.char_start = doc[i].idx
                repeat.char_end = doc[end - 1].idx + len(doc[end - 1].text)
                repeat.rule = "gazetteer" if source.known else "repeat"
                repeat.known = source.known
                covered[i:end] = b"\x01" * (end - i)
                extra.append(repeat)
                break
        if not extra:
            return mentions
        return sorted(mentions + extra, key=lambda m: m.start)

    @staticmethod
    def _fact(doc: Doc, kind: str, subject: str, mention: Mention, rule: str, confidence: float) -> dict[str, Any]:
        sentence_start, sentence_end = sentence_bounds(doc).sentence_chars_of(mention.start)
        return {
            "kind": kind,
            "subject": subject,
            "object": mention.entity_id,
            "start": mention.char_start,
            "end": mention.char_end,
            "sentence_start": sentence_start,
            "sentence_end": sentence_end,
            "rule": rule,
            "confidence": confidence,
        }

    @staticmethod
    def _dedupe(relations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: set[tuple[str, str, str]] = set()
        kept = []
        for fact in relations:
            key = (fact["kind"], fact["subject"], fact["object"])
            if key in seen or fact["subject"] == fact["object"]:
                continue
            seen.add(key)
            kept.append(fact)
        return kept

    @staticmethod
    def _sentence_words(doc: Doc, token: int) -> list[str]:
        """The lowercased words of the sentence the token is in."""
        start, end = sentence_bounds(doc).sentence_of(token)
        return doc_lowers(doc)[start:end]

    @staticmethod
    def _in_title(doc: Doc, mention: Mention) -> bool:
        return mention.start < title_end(doc)

    def _title_entity_ids(self, doc: Doc, mentions: list[Mention]) -> set[str]:
        return {m.entity_id for m in mentions if self._in_title(doc, m)}

    # -- proposes ------------------------------------------------------------------------------
    def _proposes(self, doc: Doc, mentions: list[Mention], relations: list[dict[str, Any]]) -> list[Mention]:
        proposed: dict[str, Mention] = {}
        title_ids = self._title_entity_ids(doc, mentions)

        def add(mention: Mention, rule: str, confidence: float) -> None:
            if mention.kind == "METRIC" or mention.kind == "TASK":
                return
            if mention.entity_id not in proposed:
                proposed[mention.entity_id] = mention
                relations.append(self._fact(doc, "proposes", PAPER_SUBJECT, mention, rule, confidence))

        title_colon = title_name_end(doc)
        for mention in mentions:
            if mention.rule == "title-name" or (
                mention.start == 0 and self._names_the_title(doc, mention, title_colon)
            ):
                add(mention, "title-name", 0.9)
            elif mention.rule == "named-by-cue" and doc_lowers(doc)[mention.start - 1] in (
                "named",
                "called",
                "dubbed",
                "termed",
                "coined",
            ):
                add(mention, "named-by-cue", 0.9)
        by_start = {m.start: m for m in mentions}
        for start, end in sentence_bounds(doc).spans():
            sentence = Sentence(doc, start, end)
            if sentence.start == 0:
                continue
            cues = self._proposer_cues(sentence)
            for cue in cues:
                for mention in self._introduced_after(doc, cue, by_start):
                    if self._names_a_task(doc, mention):
                        continue  # "designed for the T2I-ReID task": the task is not proposed
                    if (
                        not mention.known
                        or mention.entity_id in title_ids
                        or self._introduced_as_new(doc, cue, mention)
                    ):
                        add(mention, "propose-verb", 0.8)
            for mention in self._appositive_new(doc, sentence, mentions):
                add(mention, "appositive-new", 0.7)
            if cues:
                for mention in self._defined_in(sentence, mentions):
                    add(mention, "defined-in-proposal", 0.7)
            elif self._we_train(sentence):
                # "We pre-train two models: a BERT trained from scratch (BERTu), and …": the models
                # the paper trains and names in parentheses are its own.
                for mention in self._defined_in(sentence, mentions):
                    if mention.kind == "MODEL":
                        add(mention, "defined-in-training", 0.65)
        for mention in mentions:
            if self._in_title(doc, mention) and mention.rule in NAME_SHAPE_RULES and mention.kind != "METRIC":
                add(mention, "new-name-in-title", 0.6)
        return list(proposed.values())

    @staticmethod
    def _names_the_title(doc: Doc, mention: Mention, colon: int | None) -> bool:
        """``X: subtitle`` or ``X Technical Report``: the title is about X."""
        if colon is not None and mention.end == colon:
            return True
        rest = doc_lowers(doc)[mention.end : mention.end + 3]
        return rest[:2] == ["technical", "report"] or rest[:1] == ["report"]

    @staticmethod
    def _introduced_as_new(doc: Doc, cue: int, mention: Mention) -> bool:
        """A gazetteer name is still this paper's when the cue calls it new: "a new dataset X"."""
        between = set(doc_lowers(doc)[cue + 1 : mention.start])
        return bool(between & NEW_WORDS) or between <= {"a", "an", "the"}

    @staticmethod
    def _proposer_cues(sentence: Sentence) -> list[int]:
        lowered = doc_lowers(sentence.doc)  # word lists, not Tokens: this reads every word of every sentence
        cues = []
        for i in [i for i in range(sentence.start, sentence.end) if lowered[i] in PROPOSE_VERBS]:
            window = set(lowered[max(i - 4, sentence.start) : i])
            if window & PROPOSER_WORDS or lowered[i] in ("named", "called", "dubbed", "termed"):
                cues.append(i)
        return cues

    @staticmethod
    def _introduced_after(doc: Doc, cue: int, by_start: dict[int, Mention]) -> list[Mention]:
        """Mentions (``by_start``: keyed by first token) in the noun phrase(s) the cue verb
        introduces, up to a clause break."""
        lowered, gaps = doc_lowers(doc), spaces(doc)
        found = []
        limit = min(cue + 16, sentence_bounds(doc).sentence_of(cue)[1])
        i = cue + 1
        while i < limit:
            if i in by_start:
                mention = by_start[i]
                previous = lowered[i - 1]
                if previous not in USE_MARKERS or previous == "and":
                    found.append(mention)
                i = mention.end
                continue
            # "Learning-to-Modulate": a break word inside a hyphenated name does not end the phrase.
            if lowered[i] in CLAUSE_BREAKS and i > cue + 1 and gaps[i - 1]:
                break
            i += 1
        return found

    @staticmethod
    def _names_a_task(doc: Doc, mention: Mention) -> bool:
        return mention.end < len(doc) and doc_lowers(doc)[mention.end] in ("task", "tasks", "problem", "problems")

    @staticmethod
    def _we_train(sentence: Sentence) -> bool:
        """ "We (pre-)train / fine-tune …" within the first words of the sentence."""
        words = doc_lowers(sentence.doc)[sentence.start : min(sentence.start + 8, sentence.end)]
        return "we" in words and any(w in TRAINING_VERBS for w in words[words.index("we") + 1 :])

    @staticmethod
    def _defined_in(sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
        """New names given in parentheses in a proposing sentence: "… from scratch (BERTu)"."""
        texts = doc_words(sentence.doc)
        return [
            m
            for m in mentions
            if sentence.start < m.start
            and m.end < sentence.end
            and not m.known
            and m.rule != "repeat"
            and texts[m.start - 1] == "("
            and texts[m.end] == ")"
        ]

    @staticmethod
    def _appositive_new(doc: Doc, sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
        """``X, a new/novel …`` or ``X is a new …`` at the start of a sentence."""
        out = []
        for mention in mentions:
            if mention.start != sentence.start or mention.known:
                continue
            following = doc_lowers(doc)[mention.end : mention.end + 4]
            if following[:1] == [","] and following[1:2] in (["a"], ["an"]):
                out.append(mention)
            elif following[:2] in (["is", "a"], ["is", "an"]) and following[2:3] in (["new"], ["novel"]):
                out.append(mention)
        return out

    @staticmethod
    def _main_subject(doc: Doc, proposed: list[Mention]) -> str:
        for kinds in (("MODEL",), ("METHOD",), ("DATASET", "BENCHMARK")):
            for mention in proposed:
                if mention.kind in kinds:
                    return mention.entity_id
        return PAPER_SUBJECT

    # -- compares_with / based_on --------------------------------------------------------------
    def _compares(
        self, doc: Doc, mentions: list[Mention], proposed: list[Mention], relations: list[dict[str, Any]]
    ) -> None:
        own = {m.entity_id for m in proposed}
        lowered = doc_lowers(doc)
        sentences = sentence_bounds(doc)
        for mention in mentions:
            # Baselines are models or named methods ("improves over LiT", "than StackBERT").
            if mention.kind not in ("MODEL", "METHOD") or mention.entity_id in own or self._in_title(doc, mention):
                continue
            sentence_start, sentence_end = sentences.sentence_of(mention.start)
            cue = next(
                (
                    i
                    for i in range(mention.start - 1, max(mention.start - 10, sentence_start) - 1, -1)
                    if lowered[i] in COMPARE_CUES
                ),
                None,
            )
            if cue is None:
                continue
            cue_word = lowered[cue]
            if cue_word == "over" and not any(w in OVER_COMPARATIVES for w in lowered[sentence_start:sentence_end]):
                continue  # "over" compares only with a word of improvement: "improves over LiT"
            if mention.start > 0 and lowered[mention.start - 1] in USED_BY_WORDS:
                continue  # "explanations generated by GPT-3": the model is used, not compared with
            in_sentence = [m for m in mentions if sentence_start <= m.start < sentence_end]
            if not self._made_by_own_work(lowered[sentence_start:sentence_end], in_sentence, own):
                continue  # "LLM-based models are beginning to outperform BERT": background, not this paper
            if self._between_others(cue, in_sentence, own):
                continue  # "GPT-4 is more trustworthy than GPT-3.5": two baselines compared
            relations.append(self._fact(doc, "compares_with", PAPER_SUBJECT, mention, f"compare-cue:{cue_word}", 0.75))
        self._contrasted(doc, mentions, own, relations)

    def _contrasted(self, doc: Doc, mentions: list[Mention], own: set[str], relations: list[dict[str, Any]]) -> None:
        """ "GPT-3 solves only 18.8% of these questions. In contrast, our …": a baseline's score,
        then a sentence that opens by contrasting it, is a comparison across two sentences."""
        texts, numeric = doc_words(doc), like_nums(doc)
        sentences = sentence_bounds(doc)
        for mention in mentions:
            if mention.kind != "MODEL" or mention.entity_id in own or self._in_title(doc, mention):
                continue
            sentence_start, sentence_end = sentences.sentence_of(mention.start)
            # Any percentage or decimal counts here: "solves only 18.8% of these" is a result
            # even though the score finder leaves "N% of …" out as a likely proportion.
            scored = any(
                (numeric[i] and "." in texts[i]) or texts[i] in ("%", "\\%")
                for i in range(sentence_start, sentence_end)
            )
            if not scored or sentence_end >= len(doc):
                continue
            opening = span_text(doc, sentence_end, min(sentence_end + 2, len(doc))).lower()
            if opening.startswith(("in contrast", "by contrast", "conversely")):
                relations.append(
                    self._fact(doc, "compares_with", PAPER_SUBJECT, mention, "contrast-next-sentence", 0.6)
                )

    @staticmethod
    def _made_by_own_work(sentence_words: list[str], in_sentence: list[Mention], own: set[str]) -> bool:
        return not OWN_WORK_WORDS.isdisjoint(sentence_words) or any(m.entity_id in own for m in in_sentence)

    @staticmethod
    def _between_others(cue: int, in_sentence: list[Mention], own: set[str]) -> bool:
        """The closest name before the cue is a model this paper did not propose."""
        subject = next((m for m in reversed(in_sentence) if m.end <= cue), None)
        return (
            subject is not None and cue - subject.end <= 6 and subject.kind == "MODEL" and subject.entity_id not in own
        )

    def _based_on(
        self, doc: Doc, mentions: list[Mention], proposed: list[Mention], main: str, relations: list[dict[str, Any]]
    ) -> None:
        own = {m.entity_id for m in proposed}
        lowers = doc_lowers(doc)
        positions: dict[str, list[int]] = {}
        for i in [i for i, word in enumerate(lowers) if word in BASED_ON_FIRST_WORDS]:
            positions.setdefault(lowers[i], []).append(i)
        for cue in BASED_ON_CUES:
            n = len(cue)
            for i in positions.get(cue[0], ()):
                if i + n > len(lowers) or tuple(lowers[i : i + n]) != cue:
                    continue
                sentence_end = sentence_bounds(doc).sentence_of(i)[1]
                first = next(
                    (
                        m
                        for m in mentions
                        if i + n <= m.start < min(i + n + 8, sentence_end)
                        and m.kind == "MODEL"
                        and m.entity_id not in own
                    ),
                    None,
                )
                if first is None:
                    continue
                for target in self._coordinated(doc, mentions, first):
                    subject = self._named_after(doc, target, mentions, own) or main
                    if subject != PAPER_SUBJECT:
                        relations.append(
                            self._fact(doc, "based_on", subject, target, "based-on-cue:" + " ".join(cue), 0.7)
                        )

    @staticmethod
    def _coordinated(doc: Doc, mentions: list[Mention], first: Mention) -> list[Mention]:
        """The mention and those joined to it by "and", "or" or commas: "ViT and Timesformer"."""
        chain = [first]
        lowered = doc_lowers(doc)
        for mention in mentions:
            if mention.start <= chain[-1].start or mention.kind != first.kind:
                continue
            between = set(lowered[chain[-1].end : mention.start])
            if between and between <= {"and", "or", ",", "the"}:
                chain.append(mention)
            elif mention.start > chain[-1].end:
                break
        return chain

    @staticmethod
    def _named_after(doc: Doc, target: Mention, mentions: list[Mention], own: set[str]) -> str | None:
        """ "further pre-trained mBERT (mBERTu)": the derived model named in parentheses – one of the
        paper's, or a new name (not a known one, not the same name with a suffix like "-large")."""
        texts = doc_words(doc)
        if target.end + 2 < len(doc) and texts[target.end] == "(":
            inner = next((m for m in mentions if m.start == target.end + 1), None)
            if inner is None or texts[inner.end] != ")" or inner.entity_id == target.entity_id:
                return None
            if inner.entity_id in own:
                return inner.entity_id
            if (
                inner.kind == target.kind
                and not inner.known
                and inner.rule != "repeat"
                and not span_text(doc, inner.start, inner.end).startswith(span_text(doc, target.start, target.end))
            ):
                return inner.entity_id
        return None

    def _evaluated_and_trained(
        self, doc: Doc, mentions: list[Mention], main: str, relations: list[dict[str, Any]]
    ) -> None:
        trained_chain_end = -1
        for mention in mentions:
            if mention.kind == "DATASET" and mention.start > trained_chain_end:
                trained = self._trained_on(doc, mentions, mention, main)
                if trained is not None:
                    subject, rule = trained
                    for target in self._coordinated(doc, mentions, mention):
                        relations.append(self._fact(doc, "trained_on", subject, target, rule, 0.65))
                        trained_chain_end = target.start
            if mention.kind not in ("BENCHMARK", "DATASET") or self._in_title(doc, mention):
                continue
            if mention.kind == "BENCHMARK" and not EVAL_CUES.isdisjoint(self._sentence_words(doc, mention.start)):
                relations.append(self._fact(doc, "evaluated_on", main, mention, "eval-cue", 0.7))
        self._models_on_proposed_benchmark(doc, mentions, main, relations)

    @staticmethod
    def _trained_on(doc: Doc, mentions: list[Mention], dataset: Mention, main: str) -> tuple[str, str] | None:
        """ "We pre-train PLIP on D", "X is fine-tuned on the D dataset", "trained with D": a training
        verb, then "on/with/using/from" before the dataset in the same clause. The model trained is
        the one named between verb and preposition, else the one right before the verb, else the
        paper's own model. "training data such as D" or "a pretraining dataset D" use the verb as a
        modifier and say nothing about what was trained on D."""
        sentence_start = sentence_bounds(doc).sentence_of(dataset.start)[0]
        lowered = doc_lowers(doc)
        preposition = None
        for i in range(dataset.start - 1, max(dataset.start - 10, sentence_start) - 1, -1):
            word = lowered[i]
            if word in TRAINING_PREPOSITIONS and preposition is None:
                preposition = i
                continue
            if word in TRAINING_VERBS:
                if preposition is None or (i + 1 < len(doc) and lowered[i + 1] in DATA_HEAD_NOUNS):
                    return None
                between = [m for m in mentions if i < m.start and m.end <= preposition and m.kind == "MODEL"]
                if between:
                    return between[-1].entity_id, "trained-on-verb"
                before = next(
                    (
                        m
                        for m in reversed(mentions)
                        if m.end <= i and i - m.end <= 2 and m.start >= sentence_start and m.kind == "MODEL"
                    ),
                    None,
                )
                if before is not None:
                    return before.entity_id, "trained-on-verb"
                return (main, "trained-on-verb") if main != PAPER_SUBJECT else None
            if word in CLAUSE_PUNCTUATION or word in TRAINING_CLAUSE_BREAKS:
                if not (word in (",", "and") and preposition is not None):
                    return None  # "trained on A, B and D" lists; other breaks end the clause
        return None

    def _models_on_proposed_benchmark(
        self, doc: Doc, mentions: list[Mention], main: str, relations: list[dict[str, Any]]
    ) -> None:
        """A paper that proposes a benchmark evaluates the models it names on it."""
        benchmark = next((m for m in mentions if m.entity_id == main and m.kind in ("BENCHMARK", "DATASET")), None)
        if benchmark is None:
            return
        for mention in mentions:
            if mention.kind != "MODEL" or self._in_title(doc, mention):
                continue
            if not EVAL_CUES.isdisjoint(self._sentence_words(doc, mention.start)):
                fact = self._fact(doc, "evaluated_on", mention.entity_id, mention, "models-on-proposed-benchmark", 0.6)
                fact["object"] = main
                relations.append(fact)

    # -- results -------------------------------------------------------------------------------
    def _results(
        self, doc: Doc, mentions: list[Mention], proposed: list[Mention], main: str, relations: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Each score with the model it belongs to (see ``_score_owner``) and the nearest metric and
        benchmark in its sentence. A score on a benchmark named after "on"/"in" also says that the
        model was evaluated on it."""
        results: list[dict[str, Any]] = []
        unowned: list[dict[str, Any]] = []  # scores the rules give no owner: candidates for the result classifier
        own = {m.entity_id for m in proposed}
        main_mention = next((m for m in proposed if m.entity_id == main), None)
        main_first = next((m.start for m in mentions if m.entity_id == main), None)
        # The proposed name stands for "our …" only once the text has named it and only if it is a
        # model or method: a score before the name appears, or a dataset paper's score, is the paper's.
        main_owns = main_mention is not None and main_mention.kind in ("MODEL", "METHOD") and main_first is not None
        by_sentence: dict[int, list[Mention]] = {}
        sentences = sentence_bounds(doc)
        weak = doc._.kg_weak_scores or []
        for score in (
            sorted([*doc._.kg_scores, *weak], key=lambda found: found["token_start"]) if weak else doc._.kg_scores
        ):
            position = score["token_start"]
            sentence_start, sentence_end = sentences.sentence_of(position)
            in_sentence = by_sentence.get(sentence_start)
            if in_sentence is None:
                in_sentence = by_sentence[sentence_start] = [
                    m for m in mentions if sentence_start <= m.start < sentence_end
                ]
            if self._part_of_a_name(doc, score, in_sentence):
                continue
            fallback = main if main_owns and main_first < position else PAPER_SUBJECT
            model, rule = self._score_owner(doc, score, sentence_start, in_sentence, own, fallback)
            benchmark = self._nearest(in_sentence, position, ("BENCHMARK", "DATASET"))
            metric = self._nearest(in_sentence, position, ("METRIC",))
            sentence_start_char, sentence_end_char = sentences.sentence_chars_of(position)
            # an unnamed baseline's or another method's number, or a weak score: a candidate only
            is_candidate = model is None or score.get("weak", False)
            (unowned if is_candidate else results).append(
                {
                    **score,
                    "model": model,
                    "benchmark": benchmark.entity_id if benchmark else None,
                    "metric": metric.entity_id if metric else None,
                    "sentence_start": sentence_start_char,
                    "sentence_end": sentence_end_char,
                    "rule": rule,
                    "confidence": 0.6,
                }
            )
            if is_candidate:
                continue
            if benchmark is not None and benchmark.start > 0 and doc_lowers(doc)[benchmark.start - 1] in ("on", "in"):
                subject = model if model is not None and model != PAPER_SUBJECT else main
                relations.append(self._fact(doc, "evaluated_on", subject, benchmark, "score-on-benchmark", 0.65))
        doc._.kg_result_candidates = sorted(results + unowned, key=lambda r: r["token_start"])
        return results

    @staticmethod
    def _part_of_a_name(doc: Doc, score: dict[str, Any], in_sentence: list[Mention]) -> bool:
        """ "Yuan 1.0", "Claude Opus 4.6": a version number inside or right after a model's name."""
        start = score["token_start"]
        if any(m.start <= start < m.end for m in in_sentence):
            return True
        if (
            "%" in score["value"]
            or start < 2
            or not doc_words(doc)[start - 1][:1].isupper()
            or sentence_starts(doc)[start - 1]
        ):
            return False
        return any(m.end == start - 1 and m.kind == "MODEL" for m in in_sentence)

    def _score_owner(
        self,
        doc: Doc,
        score: dict[str, Any],
        sentence_start: int,
        in_sentence: list[Mention],
        own: set[str],
        fallback: str,
    ) -> tuple[str | None, str]:
        """Whose number is it? ``(None, …)`` when it belongs to something the paper does not name.

        Reads the clause the score is in (from the last comma, semicolon or contrasting "while" /
        "whereas"): a value inside the noun phrase after a comparison cue is the compared system's;
        a named model of the paper, or "our/we", makes it the paper's; a contrasting clause or one
        about prior work without a name is dropped; another named model as the clause's subject gets
        its own absolute score ("LLaMA-2 reaches 45.3%").
        """
        position = score["token_start"]
        absolute = score["kind"] == "absolute"
        clause_start, opener = self._clause_start(doc, sentence_start, position)
        before = [m for m in in_sentence if m.end <= position]
        clause = [m for m in before if m.start >= clause_start]
        others = [m for m in clause if m.kind == "MODEL" and m.entity_id not in own]
        if absolute:
            compared = self._compared_value(doc, clause_start, position)
            if compared is not None:
                named = [m for m in others if m.start > compared]
                after = next(
                    (
                        m
                        for m in in_sentence
                        if score["token_end"] <= m.start <= score["token_end"] + 1
                        and m.kind == "MODEL"
                        and m.entity_id not in own
                    ),
                    None,
                )
                owner = named[-1] if named else after
                return (owner.entity_id if owner else None), "score-of-compared"
        own_mention = next((m for m in reversed(clause) if m.entity_id in own and m.kind in ("MODEL", "METHOD")), None)
        if own_mention is not None:
            return own_mention.entity_id, "score-in-clause"
        words = set(doc_lowers(doc)[clause_start:position])
        if opener in CONTRAST_OPENERS and not words & CONTRAST_OWN_WORDS:
            # "whereas naive augmentation lowers it by 1.2%": "it" is the object here, not our work
            return (others[-1].entity_id if absolute and others else None), "score-in-contrast"
        if not words & OWN_WORK_WORDS:
            if absolute and others:
                return others[-1].entity_id, "score-of-named-model"
            if absolute and words & BASELINE_WORDS:
                return None, "score-of-prior-work"
        last_own = next((m for m in reversed(before) if m.entity_id in own and m.kind in ("MODEL", "METHOD")), None)
        return (last_own.entity_id if last_own else fallback), "score-in-sentence"

    @staticmethod
    def _clause_start(doc: Doc, sentence_start: int, position: int) -> tuple[int, str | None]:
        texts, lowered = doc_words(doc), doc_lowers(doc)
        for i in range(position - 1, sentence_start - 1, -1):
            if texts[i] in CLAUSE_PUNCTUATION:
                return i + 1, texts[i]
            word = lowered[i]
            if word in CONTRAST_OPENERS:
                following = lowered[i + 1] if i + 1 < len(doc) else ""
                if word == "while" and following.endswith("ing"):
                    continue  # "while preserving 95% of …": same subject
                if word == "but" and following in ("also", "still", "even"):
                    continue  # "not only …, but also achieves …"
                return i, word
        return sentence_start, None

    @staticmethod
    def _compared_value(doc: Doc, clause_start: int, position: int) -> int | None:
        """The cue's index when the value sits in the noun phrase a comparison cue introduces."""
        lowered = doc_lowers(doc)
        for i in range(position - 1, clause_start - 1, -1):
            word = lowered[i]
            if word in COMPARATOR_CUES:
                first = i + 1
                if word in ("compared", "comparison") and first < position and lowered[first] in ("to", "with"):
                    first += 1
                if not COMPARED_PHRASE_ENDS.isdisjoint(lowered[first:position]):
                    return None
                return i
            if word in COMPARED_PHRASE_ENDS:
                return None
        return None

    @staticmethod
    def _nearest(mentions: list[Mention], position: int, kinds: tuple[str, ...]) -> Mention | None:
        candidates = [m for m in mentions if m.kind in kinds]
        if not candidates:
            return None
        return min(candidates, key=lambda m: abs(m.start - position))
