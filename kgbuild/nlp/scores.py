"""Numeric scores: ``84.8%``, ``+3.9 BLEU``, ``90.6 vs 89.8``, ``by 2.5%`` – absolute or delta.

A number is a score only when it reads like one (a percent, a decimal, or a signed value) and is
not a size, a count, a speed-up or a year. Which metric and benchmark it belongs to is decided by
the relation component, which knows the entities around it.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

NUMBER = re.compile(r"^(?P<sign>[+\-−±])?(?P<num>\d+(?:\.\d+)?)(?P<pct>\\?%)?$")
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
HEDGES = frozenset("about around roughly nearly approximately almost over up to an average of on average".split())
CHANGE_VERBS = frozenset(
    """improve improves improved improving boost boosts boosted increase increases increased reduce
    reduces reduced reducing save saves saved saving surpass surpasses surpassed outperform outperforms
    outperformed outperforming lift lifts raise raises cut cuts""".split()
)
ABSOLUTE_CUES = frozenset("achieve achieves achieved achieving reach reaches reached obtain obtains obtained attains score scores".split())
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


class ScoreFinder:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_scores = self.match(doc)
        return doc

    def match(self, doc: Doc) -> list[dict[str, Any]]:
        scores: list[dict[str, Any]] = []
        for token in doc:
            parsed = parse_number(token.text)
            if parsed is None:
                continue
            number, percent, signed = parsed
            end = token.i + 1
            if end < len(doc) and doc[end].text in ("%", "\\%"):
                percent = True
                end += 1
            if not (percent or signed or "." in token.text):
                continue
            if not self._reads_like_score(doc, token.i, end, number, percent):
                continue
            kind = "delta" if signed or self._is_delta(doc, token.i, end) else "absolute"
            if scores and scores[-1]["kind"] == "delta" and self._coordinated(doc, scores[-1]["token_end"], token.i):
                kind = "delta"  # "by 1.3% and 3.6%": the second value shares the first one's reading
            text = doc[token.i : end].text
            scores.append(
                {
                    "token_start": token.i,
                    "token_end": end,
                    "start": token.idx,
                    "end": token.idx + len(text),
                    "value": text.replace("\\%", "%"),
                    "number": number,
                    "kind": kind,
                }
            )
        return scores

    @staticmethod
    def _reads_like_score(doc: Doc, start: int, end: int, number: float, percent: bool) -> bool:
        following = doc[end] if end < len(doc) else None
        if following is not None and following.lower_ in NOT_A_SCORE_AFTER:
            return False
        if following is not None and following.text in ("-", "×", "x") and end + 1 < len(doc):
            return False
        if not percent and number >= 1000:
            return False
        sentence = doc[start].sent
        words = {t.lower_ for t in sentence}
        return bool(words & SCORE_CUES)

    @staticmethod
    def _coordinated(doc: Doc, previous_end: int, start: int) -> bool:
        between = [t.lower_ for t in doc[previous_end:start]]
        return 0 < len(between) <= 3 and set(between) <= {"and", ",", "or", "%", "respectively"}

    @staticmethod
    def _is_delta(doc: Doc, start: int, end: int) -> bool:
        sentence_start = doc[start].sent.start
        window = [t.lower_ for t in doc[max(start - 12, sentence_start) : start]]
        for word in reversed(window):
            if word in ABSOLUTE_CUES:
                break
            if word in CHANGE_VERBS:
                return True
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
        return bool(after) and after[0] in DELTA_AFTER
