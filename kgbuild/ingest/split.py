"""Split "Title Abstract" text that was glued together with a single space.

The one-paper-per-line listing layout (``- Title Abstract … N authors · Mon D, YYYY``) loses the
boundary between a title and its abstract. This module recovers it, in order of trust:

1. ``known``: a prefix of the text is, after ``normalise_name``, a title already read from an
   unambiguous source in the same load. Exact, so always trusted.
2. ``heuristic``: titles are short runs in Title Case (or sentence case with no later capitals),
   abstracts start with a sentence: a capitalised word followed by lowercase words ("… Video
   Streams Prior work has …"). Every capitalised word is a candidate boundary, scored on how
   sentence-like the words after it are, minus a cost for each lowercase content word it would
   leave in the title (so a boundary that eats into the abstract loses). The best score wins;
   it is trusted only with a clear lead and a Title Case title.
3. ``fallback``: nothing after any capital reads like a sentence, so the whole text is kept as
   the title. Like an unsure heuristic split, it is flagged so the caller can report it instead
   of silently inventing a boundary.

It is pure string logic with no I/O so it can be tested exhaustively on its own.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from kgbuild.records import normalise_name

# Words that Title Case leaves in lowercase; a lowercase one of these after a candidate boundary
# says little about whether a sentence started there.
SMALL_WORDS = frozenset(
    """a an the and but or nor for so yet as at by in of off on per to up via vs vs. with from into
    onto over than between through without within toward towards using under upon across against
    about beyond versus is are be""".split()
)

# Words that open an abstract far more often than they sit capitalised inside a title. A strong
# starter may be followed by a capitalised name ("While Language Models have …").
STRONG_STARTERS = frozenset(
    """we our this these while although though despite however recently since existing prior
    previous current currently traditional traditionally nowadays today here""".split()
)
WEAK_STARTERS = frozenset("""in the recent large many most to with as it modern""".split())
# "Recently, …" is an opener; "Bonito, an open-source model" is an appositive.
_ADVERB_COMMA = re.compile(r"^(?:[A-Z][a-z]+ly|However|Nowadays|Today|Here|Thus|Overall),$")

# Labels of structured abstracts ("Disclaimer: Samples in this paper …").
ABSTRACT_LABELS = frozenset(
    """abstract background context disclaimer introduction motivation objective objectives purpose
    summary""".split()
)

# A title cannot end on these: the boundary would cut a phrase in half.
_BAD_TITLE_END = re.compile(r"[:,;(\-–—/&]$")
_ACRONYM = re.compile(r"^[(\[]([A-Za-z0-9-]{2,12})[)\]][.,;:]?$")

# Cost of one plain lowercase content word left in the title: Title Case has none, while an
# abstract is full of them, so a boundary that is too late pays for every abstract word it eats.
TITLE_LOWER_COST = 1.0
# Cost of a boundary that cuts a capitalised pair of words the text repeats later.
REPEATED_NAME_COST = 1.5
# The best boundary needs at least SURE and a lead of MARGIN over the runner-up to be trusted.
SURE = 3.0
MARGIN = 1.5
# Below this sentence score at every candidate, the text is taken to be a title alone.
MIN_SENTENCE = 1.0
# Titles longer than this many words are not considered (the longest real title seen is ~25).
MAX_TITLE_WORDS = 45

Method = Literal["known", "heuristic", "fallback", "none"]


@dataclass(frozen=True)
class Split:
    """Result of splitting glued text; ``confident`` is False when a human should check it."""

    title: str
    abstract: str
    method: Method
    confident: bool
    reason: str = ""


def _strip_punct(word: str) -> str:
    return word.strip("\"'“”‘’()[]{}.,;:!?*")


def _is_plain_lower(word: str) -> bool:
    """A plain lowercase word ("text", "pre-trained"), not a name like "mGPT" or "bert2BERT"."""
    core = _strip_punct(word)
    return bool(core) and core[0].isalpha() and core.islower() and not any(c.isdigit() for c in core)


def _is_lower_content(word: str) -> bool:
    return _is_plain_lower(word) and _strip_punct(word) not in SMALL_WORDS


def _starts_capital(word: str) -> bool:
    core = word.lstrip("\"'“‘([")
    return bool(core) and (core[0].isupper() or core[0].isdigit())


def _is_parenthetical(word: str) -> bool:
    return word.startswith(("(", "["))


def _initials(word: str) -> list[str]:
    """Initials a word contributes to an acronym: "Pre-Training" -> P, T; "Pre-trained" -> P."""
    parts = [p for p in _strip_punct(word).split("-") if p]
    if not parts:
        return []
    caps = [p[0] for p in parts if p[0].isupper()]
    return caps or [parts[0][0].upper()]


def _term_spans(words: list[str]) -> dict[int, int]:
    """Defined terms such as "Large Language Models (LLMs)", as {first word index: gloss index}.

    A boundary strictly inside such a term would cut it from its acronym; a boundary at its start
    is judged by the words after the gloss.
    """
    spans: dict[int, int] = {}
    for j, word in enumerate(words):
        m = _ACRONYM.match(word)
        if not m:
            continue
        letters = [c for c in m.group(1) if c.isupper()]
        if len(letters) < 2:
            continue
        initials: list[tuple[int, str]] = []  # (word index, initial), collected backwards
        for i in range(j - 1, max(-1, j - 1 - len(letters)), -1):
            initials[:0] = [(i, c) for c in _initials(words[i])]
            if len(initials) >= len(letters):
                break
        if [c for _, c in initials[-len(letters) :]] == letters and len(initials) >= len(letters):
            spans[initials[-len(letters)][0]] = j
    return spans


def _sentence_score(words: list[str], k: int, terms: dict[int, int]) -> float:
    """How much ``words[k:]`` reads like the start of a sentence rather than more title."""
    first = _strip_punct(words[k]).lower()
    rest = k + 1
    if k in terms:  # "Large Language Models (LLMs) have …": judge what follows the gloss
        rest = terms[k] + 1
    elif first in STRONG_STARTERS:  # "While Language Models have …"
        while rest < min(len(words), k + 5) and _starts_capital(words[rest]):
            if _strip_punct(words[rest]).lower() in STRONG_STARTERS:
                break
            rest += 1
    following = [w for w in words[rest:] if not _is_parenthetical(w)]  # skip "(PT)" glosses
    score = 0.0
    for word in following[:3]:
        if _is_plain_lower(word):
            score += 0.5 if _strip_punct(word) in SMALL_WORDS else 1.0
    if following and _is_plain_lower(following[0]):  # "Prior work …", "We present …"
        score += 1.0
    if first in STRONG_STARTERS:
        score += 2.0
    elif first in WEAK_STARTERS and score >= 1.0:
        score += 1.0
    if first in ABSTRACT_LABELS and words[k].endswith(":"):
        score += 2.0
    if _ADVERB_COMMA.match(words[k]):  # "Recently, pre-trained …"
        score += 1.0
    if words[k - 1].endswith(("?", "!")):  # "… Data? Out-of-distribution …"
        score += 1.5
    elif words[k - 1].endswith("."):  # a sentence ended, so k starts one
        score += 1.0
    return score


def _known_split(words: list[str], known_titles: Collection[str]) -> int | None:
    """Largest k such that the first k words normalise to a known title.

    The abstract must then start like a sentence (capital, digit or quote): a known title
    "Graph Language Models" must not cut "Graph Language Models for Molecules …" short.
    """
    best = None
    prefix = ""
    for k, word in enumerate(words[:MAX_TITLE_WORDS], start=1):
        prefix += normalise_name(word)
        if prefix and prefix in known_titles and (k == len(words) or _starts_capital(words[k])):
            best = k
    return best


def _join(words: list[str]) -> str:
    return " ".join(words)


def _candidates(words: list[str]) -> list[tuple[float, int, int, float]]:
    """Every plausible boundary ``k`` (title = ``words[:k]``).

    Each comes as ``(score, k, lowercase content words in the title, sentence score)``.
    """
    terms = _term_spans(words)
    bigrams: dict[tuple[str, str], list[int]] = {}
    for i in range(len(words) - 1):
        bigrams.setdefault((_strip_punct(words[i]), _strip_punct(words[i + 1])), []).append(i + 1)
    inside_terms = {i for start, gloss in terms.items() for i in range(start + 1, gloss + 1)}
    scored = []
    lower_in_title = 0
    for k in range(1, min(len(words), MAX_TITLE_WORDS + 1)):
        if _is_lower_content(words[k - 1]):
            lower_in_title += 1
        if not _starts_capital(words[k]) or _is_parenthetical(words[k]) or k in inside_terms:
            continue
        if _BAD_TITLE_END.search(words[k - 1]) or _strip_punct(words[k - 1]).lower() in SMALL_WORDS:
            continue
        sentence = _sentence_score(words, k, terms)
        score = sentence - TITLE_LOWER_COST * lower_in_title
        # "… Models Forget Stable Diffusion revolutionised …": a name the abstract repeats
        # ("Stable Diffusion") is not split by the boundary, so cutting it is penalised.
        if any(j > k for j in bigrams[(_strip_punct(words[k - 1]), _strip_punct(words[k]))]):
            score -= REPEATED_NAME_COST
        scored.append((score, k, lower_in_title, sentence))
    return scored


def split_title_abstract(text: str, known_titles: Collection[str] = ()) -> Split:
    """Split ``"Title Abstract…"`` into title and abstract.

    ``known_titles`` holds titles already normalised with ``normalise_name``. Whitespace in
    ``text`` is collapsed first; the returned parts are whitespace-normalised.
    """
    words = text.split()
    if not words:
        return Split("", "", "none", False, "empty text")
    if known_titles:
        k = _known_split(words, known_titles)
        if k is not None:
            return Split(_join(words[:k]), _join(words[k:]), "known", True, "matched a known title")

    scored = _candidates(words)
    if not scored or max(c[3] for c in scored) < MIN_SENTENCE:
        # Nothing after any capital reads like a sentence: most likely a title on its own.
        reason = "no sentence start found; kept everything as the title"
        return Split(_join(words), "", "fallback", False, reason)
    ranked = sorted(scored, key=lambda c: (-c[0], c[1]))
    best, k, lower_in_title, _ = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else float("-inf")
    title, abstract = _join(words[:k]), _join(words[k:])
    # A title with lowercase content words is in sentence case, where the boundary has no
    # typographic cue at all: never trust it without a known title.
    if best >= SURE and best - runner_up >= MARGIN and lower_in_title == 0:
        return Split(title, abstract, "heuristic", True, f"sentence start scored {best:g}")
    if lower_in_title:
        reason = "the title is in sentence case, so nothing marks where it ends"
    else:
        reason = f"best boundary scored {best:g}"
        if len(ranked) > 1:
            other = _join(words[: ranked[1][1]])
            reason += f", runner-up {runner_up:g} would end the title at …{other[-40:]!r}"
    return Split(title, abstract, "heuristic", False, reason)
