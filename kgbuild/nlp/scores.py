"""Numeric scores: ``84.8%``, ``+3.9 BLEU``, ``90.6 vs 89.8``, ``by 2.5%`` – absolute or delta.

A number is a score only when it reads like one (a percent, a decimal, a signed value, a range
``90-95%``, a rank ``top 10%``, an integer after "a score of") and is not a size, a count, a setting
(``60% sparsity``) or a year. A multiplier (``3.25x``) is a delta only when it measures speed. Which metric and benchmark it belongs to is decided by
the relation component, which knows the entities around it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from kgbuild.nlp.batching import BatchedComponent
from kgbuild.nlp.tokens import lowers, span_text, words

AFFIX_LABELS = ("PREFIX", "SUFFIX", "RANGE")

NUMBER = re.compile(r"^(?P<sign>[+\-−±])?(?P<num>\d+(?:\.\d+)?)(?P<pct>\\?%)?$")
# A multiplier glued to its number: "3.25x", "2×".
MULTIPLIER = re.compile(r"^(?P<num>\d+(?:\.\d+)?)[x×]$")
DELTA_BEFORE = frozenset("by improvement improvements gain gains increase boost margin".split())
DELTA_AFTER = frozenset(
    "improvement improvements gain gains increase higher better boost points point pp absolute relative".split()
)
NOT_A_SCORE_AFTER = frozenset(
    """fewer less more smaller larger bigger faster slower times x × fold parameters params tokens
    samples examples images hours days minutes seconds gpus gpu tb gb mb languages layers epochs steps
    b m k billion million thousand trillion sparsity of the compression speedup speed-up memory cost
    compute flops reduction lower cheaper""".split()
)
# "60% unstructured sparsity", "50% random masking": a setting of the method, not a score.
SETTING_NOUNS = frozenset(
    "sparsity compression pruning masking dropout quantization noise corruption subsampling mask".split()
)
# A multiplier is a result only when it measures speed: "3.25x speedup", "2x faster", "speedups of 4.5x".
SPEED_WORDS = frozenset(
    "speedup speedups speed-up speed-ups faster acceleration accelerates accelerating throughput".split()
)
# "saves 98% of compute", "reduces 40% of the memory": a change verb right before "N% of" makes it a delta.
SHARE_CHANGE_VERBS = frozenset("save saves saved saving cut cuts cutting reduce reduces reduced reducing".split())
GAIN_NOUNS = frozenset("gain gains improvement improvements boost boosts increase increases".split())
RANK_WORDS = frozenset(
    "score scores scored scoring rank ranks ranked ranking place places placed placing among within around finish finishes finished".split()
)
HEDGES = frozenset("about around roughly nearly approximately almost over up to an average of on average".split())
CHANGE_VERBS = frozenset(
    """improve improves improved improving boost boosts boosted increase increases increased reduce
    reduces reduced reducing save saves saved saving surpass surpasses surpassed outperform outperforms
    outperformed outperforming lift lifts raise raises cut cuts""".split()
)
COMPARE_VERBS = frozenset(
    "surpass surpasses surpassed surpassing outperform outperforms outperformed outperforming".split()
)
ABSOLUTE_CUES = frozenset(
    """achieve achieves achieved achieving reach reaches reached obtain obtains obtained attains score scores
    retain retains retained retaining maintain maintains maintained maintaining preserve preserves preserved
    preserving keep keeps keeping""".split()
)
SCORE_CUES = frozenset(
    """accuracy acc score scores f1 bleu rouge map auroc auc perplexity ppl em exact match top-1 top-5
    achieves achieve achieving achieved reaches reach obtains obtain sets set records record attains
    outperforms outperform surpasses surpass improves improve improving improvement gain gains by
    state-of-the-art sota precision recall wer cer fid mrr ndcg hit correlation pass@1 win rate""".split()
)


def parse_number(text: str) -> tuple[float, bool, bool] | None:
    """(value, is_percent, is_signed) for a score-like token, else None."""
    match = NUMBER.match(text)
    if not match:
        return None
    return float(match["num"]), bool(match["pct"]), bool(match["sign"])


class ScoreFinder(BatchedComponent):
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_scores, doc._.kg_weak_scores = self.match_all(doc)
        return doc

    def match(self, doc: Doc) -> list[dict[str, Any]]:
        return self.match_all(doc)[0]

    def match_all(self, doc: Doc) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The scores, and the weak ones: percentages and decimals that fail only the rules'
        reading (no score cue in the sentence, a word after them that rarely follows a score).
        Weak scores are never results by themselves; the result classifier may keep them."""
        scores: list[dict[str, Any]] = []
        weak: list[dict[str, Any]] = []
        cues_by_sentence: dict[int, bool] = {}  # sentence start -> has a score cue word
        n = len(doc)
        skip_to = 0
        # a cheap filter on plain strings before building a Token: a number's first character
        numeric = [i for i, word in enumerate(words(doc)) if word[0].isdigit() or word[0] in "+-−±"]
        for i in numeric:
            if i < skip_to:
                continue
            token = doc[i]
            parsed = parse_number(token.text)
            if parsed is None:
                found = self._multiplier(doc, i, scores)
                if found is not None:
                    scores.append(found)
                continue
            number, percent, signed = parsed
            start, end = i, i + 1
            if end + 1 < n and doc[end].text in ("x", "×") and not signed:
                found = self._multiplier(doc, i, scores, end + 1)  # "3.1 x speedup"
                if found is not None:
                    scores.append(found)
                    skip_to = end + 1
                continue
            # "90-95%": a range is one value.
            if (
                end + 1 < n
                and doc[end].text in ("-", "–")
                and not token.whitespace_
                and not doc[end].whitespace_
                and doc[end + 1].text.isdigit()
            ):
                end += 2
            if end < n and doc[end].text in ("%", "\\%"):
                percent = True
                end += 1
            skip_to = end
            share = False
            if percent and start > 0 and doc[start - 1].lower_ == "top" and self._ranked(doc, start - 1):
                start -= 1  # "a score around the top 10% of test takers": a rank, and the "of" is part of it
                share = True
            elif (
                percent
                and end < n
                and doc[end].lower_ == "of"
                and start > 0
                and doc[start - 1].lower_ in SHARE_CHANGE_VERBS
            ):
                share = True
            integer_score = not (percent or signed or "." in token.text) and self._after_score_of(doc, start)
            if not (percent or signed or "." in token.text or integer_score):
                continue
            if not self._reads_like_score(doc, start, end, number, percent, share, cues_by_sentence):
                if percent or "." in token.text:
                    kind = "delta" if signed or self._is_delta(doc, i, end) else "absolute"
                    weak.append({**self._score(doc, start, end, number, kind), "weak": True})
                continue
            kind = "delta" if signed or self._is_delta(doc, i, end) else "absolute"
            if (
                kind == "absolute"
                and scores
                and scores[-1]["kind"] == "delta"
                and self._continues(doc, scores[-1]["token_end"], start)
            ):
                kind = "delta"  # "by 1.3% and 3.6%": the second value shares the first one's reading
            if (
                kind == "delta"
                and scores
                and scores[-1]["kind"] == "absolute"
                and self._joined(doc, scores[-1]["token_end"], start)
                and self._gain_noun_after(doc, end)
            ):
                scores[-1]["kind"] = "delta"  # "16.8% (…) and 40.1% (…) retrieval gains": both are gains
            scores.append(self._score(doc, start, end, number, kind))
        return keep_as_written(doc, scores), keep_as_written(doc, weak)

    @staticmethod
    def _joined(doc: Doc, previous_end: int, start: int) -> bool:
        """Only "and", "or", commas and one parenthesis between two values."""
        between = doc[previous_end:start]
        if len(between) > 10:
            return False
        depth = 0
        for token in between:
            if token.text == "(":
                depth += 1
            elif token.text == ")":
                depth -= 1
            elif depth == 0 and token.lower_ not in ("and", "or", ",") and not token.is_space:
                return False
        return depth == 0

    @staticmethod
    def _score(doc: Doc, start: int, end: int, number: float, kind: str) -> dict[str, Any]:
        span = doc[start:end]
        text = span.text
        return {
            "token_start": start,
            "token_end": end,
            "start": span.start_char,
            "end": span.start_char + len(text),
            "value": text.replace("\\%", "%"),
            "number": number,
            "kind": kind,
        }

    def _multiplier(
        self, doc: Doc, i: int, scores: list[dict[str, Any]], end: int | None = None
    ) -> dict[str, Any] | None:
        """ "3.25x" / "2×" / "3.1 x" as a speed-up (a delta), when the words around it speak of speed."""
        if end is None:
            match = MULTIPLIER.match(doc[i].text)
            end = i + 1
        else:
            match = NUMBER.match(doc[i].text)
        if match is None:
            return None
        sentence_start = doc[i].sent.start
        after = {t.lower_ for t in doc[end : end + 2]}
        before = {t.lower_ for t in doc[max(i - 8, sentence_start) : i]}
        previous = scores[-1] if scores else None
        chained = (
            previous is not None
            and previous["value"][-1:] in ("x", "×")
            and previous["token_end"] > sentence_start
            and self._continues(doc, previous["token_end"], i)
        )
        if not (after & SPEED_WORDS or before & SPEED_WORDS or chained):
            return None
        return self._score(doc, i, end, float(match["num"]), "delta")

    @staticmethod
    def _ranked(doc: Doc, top: int) -> bool:
        """ "ranks in the top 1%", "a score around the top 10%" – not "we keep the top 10% of tokens"."""
        return any(t.lower_ in RANK_WORDS for t in doc[max(top - 4, doc[top].sent.start) : top])

    @staticmethod
    def _after_score_of(doc: Doc, start: int) -> bool:
        """An integer right after "a score of": "gets a total score of 134"."""
        return start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in ("score", "scores")

    @staticmethod
    def _reads_like_score(
        doc: Doc, start: int, end: int, number: float, percent: bool, share: bool, cues_by_sentence: dict[int, bool]
    ) -> bool:
        following = doc[end] if end < len(doc) else None
        if following is not None and following.lower_ in NOT_A_SCORE_AFTER and not (share and following.lower_ == "of"):
            return False
        if following is not None and following.text in ("-", "×", "x", "\\times", "*") and end + 1 < len(doc):
            return False  # "4.2x larger", "4.77 \\times 10^{-68}"
        if following is not None and (
            following.lower_ in SETTING_NOUNS
            or (
                following.is_alpha
                and following.is_lower
                and end + 1 < len(doc)
                and doc[end + 1].lower_ in SETTING_NOUNS
            )
        ):
            return False  # "40% noise", "60% unstructured sparsity"
        if (
            following is not None
            and following.lower_ in ("to", "and", "-", "--")
            and end + 2 < len(doc)
            and doc[end + 1].like_num
            and doc[end + 2].lower_ in NOT_A_SCORE_AFTER
        ):
            return False  # "from 1.2 to 2.1 times": the range is of something that is not a score
        if (
            start >= 2
            and doc[start - 1].text in ("=", "<", ">", "≤", "<=")
            and doc[start - 2].lower_ in ("p", "$p", "χ^2", "$χ^2")
        ):
            return False  # a test statistic or p-value
        if not percent and number >= 1000:
            return False
        if any(t.lower_ == "performance" for t in doc[end : end + 4]):
            return True  # "maintains 90-95% zero-shot performance"
        sentence = doc[start].sent
        has_cue = cues_by_sentence.get(sentence.start)
        if has_cue is None:
            has_cue = cues_by_sentence[sentence.start] = any(t.lower_ in SCORE_CUES for t in sentence)
        return has_cue

    @staticmethod
    def _continues(doc: Doc, previous_end: int, start: int) -> bool:
        """The value continues a list begun by the previous one: "by 1.3% and 3.6%", "by 20% on X and
        up to 51.6% on Y" – joined by "and", "or" or a comma, with no verb of achieving in between."""
        between = [t.lower_ for t in doc[previous_end:start]]
        if not between or len(between) > 15:
            return False
        if doc[previous_end - 1].sent.start != doc[start].sent.start:
            return False
        if set(between) <= {"and", ",", "or", "%", "respectively"}:
            return True
        if set(between) & ABSOLUTE_CUES:
            return False
        while len(between) > 1 and between[-1] in HEDGES:
            between.pop()
        if len(between) > 2 and between[-2:] == ["up", "to"]:
            between = between[:-2]
        return between[-1] in ("and", ",", "or")

    @staticmethod
    def _is_delta(doc: Doc, start: int, end: int) -> bool:
        sentence_start = doc[start].sent.start
        window = [t.lower_ for t in doc[max(start - 12, sentence_start) : start]]
        for k, word in enumerate(reversed(window)):
            if word in ABSOLUTE_CUES:
                break
            if word in CHANGE_VERBS:
                # "outperforming the best previous system of 0.392" states the other system's score;
                # only "outperforms X by 2.1" makes the value a difference.
                return word not in COMPARE_VERBS or "by" in window[len(window) - k :]
        before = [t.lower_ for t in doc[max(start - 6, 0) : start]]
        while before and before[-1] in HEDGES:
            before.pop()
        before = before[-3:]
        if before and before[-1] in DELTA_BEFORE:
            return True
        if len(before) >= 2 and before[-2:] == ["up", "to"] and len(before) == 3 and before[0] == "by":
            return True
        if len(before) >= 2 and before[-1] == "of" and before[-2] in DELTA_BEFORE:
            return True
        after = [t.lower_ for t in doc[end : end + 2]]
        if after and after[0] in DELTA_AFTER:
            return True
        return ScoreFinder._gain_noun_after(doc, end)

    @staticmethod
    def _gain_noun_after(doc: Doc, end: int) -> bool:
        """ "16.8% (text-to-image) cross-modal retrieval gains": a gain noun ends the value's noun
        phrase, past one parenthesis and up to five words."""
        i = end
        while i < len(doc) and doc[i].is_space:
            i += 1  # abstracts keep their line breaks as tokens
        if i < len(doc) and doc[i].text == "(":
            close = next((j for j in range(i + 1, min(i + 10, len(doc))) if doc[j].text == ")"), None)
            if close is None:
                return False
            i = close + 1
        for token in doc[i : i + 6]:
            if token.is_space:
                continue
            if token.lower_ in GAIN_NOUNS:
                return True
            if not (token.is_alpha or token.text == "-"):
                return False
        return False


@lru_cache(maxsize=1)
def value_affixes() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Words that belong to a value as written (``cues/value_affixes.jsonl``): qualifiers before it
    ("up to", "over", "about"), units after it ("points", "pp"), and what joins a range ("to").
    Longest phrases first, so "up to a" wins over "up to"."""
    path = resources.files("kgbuild.nlp") / "cues" / "value_affixes.jsonl"
    found: dict[str, list[tuple[str, ...]]] = {label: [] for label in AFFIX_LABELS}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            found[row["label"]].append(tuple(row["phrase"].lower().split()))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise ValueError(f"{path}:{number}: not a value affix row ({e})") from e
    return {label: tuple(sorted(phrases, key=len, reverse=True)) for label, phrases in found.items()}


def _phrase_before(lowered: list[str], start: int, phrases: tuple[tuple[str, ...], ...], floor: int) -> int:
    for phrase in phrases:
        begin = start - len(phrase)
        if begin >= floor and tuple(lowered[begin:start]) == phrase:
            return begin
    return start


def _phrase_after(lowered: list[str], end: int, phrases: tuple[tuple[str, ...], ...], ceiling: int) -> int:
    for phrase in phrases:
        stop = end + len(phrase)
        if stop <= ceiling and tuple(lowered[end:stop]) == phrase:
            return stop
    return end


def keep_as_written(doc: Doc, scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Values as the paper writes them: "8.38% to 38.6%" one range (but "from 72.45% to 98.32%" two
    values: a change), "up to 17.9 percentage points" with its qualifier and unit (what the
    annotation keeps, and what changes a value's meaning)."""
    if not scores:
        return scores
    affixes = value_affixes()
    lowered = lowers(doc)
    merged: list[dict[str, Any]] = []
    for score in scores:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and score["token_start"] - previous["token_end"] == 1
            and (lowered[previous["token_end"]],) in affixes["RANGE"]
            and not (previous["token_start"] > 0 and lowered[previous["token_start"] - 1] == "from")
        ):
            previous["token_end"] = score["token_end"]
            previous["joined"] = True
            if score["kind"] == "delta":
                previous["kind"] = "delta"
            continue
        merged.append(dict(score))
    out = []
    floor = 0
    for k, score in enumerate(merged):
        ceiling = merged[k + 1]["token_start"] if k + 1 < len(merged) else len(doc)
        start = _phrase_before(lowered, score["token_start"], affixes["PREFIX"], floor)
        end = _phrase_after(lowered, score["token_end"], affixes["SUFFIX"], ceiling)
        floor = end
        if score.pop("joined", False) or (start, end) != (score["token_start"], score["token_end"]):
            text = span_text(doc, start, end)
            score.update(
                token_start=start,
                token_end=end,
                start=doc[start].idx,
                end=doc[start].idx + len(text),
                value=text.replace("\\%", "%"),
            )
        out.append(score)
    return out
