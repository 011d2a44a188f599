"""Per-Doc plain-string views, computed once and shared by the components.

Indexing a Doc builds a new ``Token`` object every time; the rule components scan every word
several times, so they scan these lists instead and touch spaCy objects only where a candidate
is found.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from spacy.attrs import IDX, IS_PUNCT, LIKE_NUM, ORTH, SENT_START, SPACY
from spacy.tokens import Doc, Span

_WORDS = "kgbuild.words"
_LOWERS = "kgbuild.lowers"
_SPACES = "kgbuild.spaces"
_TITLE_END = "kgbuild.title_end"
_PUNCTS = "kgbuild.puncts"
_SENTENCE_STARTS = "kgbuild.sentence_starts"
_TOKEN_STARTS = "kgbuild.token_starts"
_TEXT = "kgbuild.text"
_LIKE_NUMS = "kgbuild.like_nums"
_SENTENCE_BOUNDS = "kgbuild.sentence_bounds"
_CAPS_TITLE = "kgbuild.caps_title_unsupported"
CAPS_TITLE_SHARE = 0.6  # a title this share of whose words are upper-case is set in capitals


# ORTH id -> text. The id is the hash of the text, the same in every Vocab, and looking it up
# here is cheaper than the StringStore, which decodes a new string at every lookup. Grows with the
# vocabulary (each distinct word once), as the Vocab itself does.
_TEXT_OF_ORTH: dict[int, str] = {}


def words(doc: Doc) -> list[str]:
    """``[token.text for token in doc]``, cached on the Doc (read from the ORTH ids: no Token objects)."""
    cached = doc.user_data.get(_WORDS)
    if cached is None:
        orths = doc.to_array(ORTH).tolist()
        known = _TEXT_OF_ORTH
        try:
            cached = list(map(known.__getitem__, orths))
        except KeyError:  # words not seen before: learn them from the Doc's StringStore
            strings = doc.vocab.strings
            for orth in set(orths).difference(known):
                known[orth] = strings[orth]
            cached = list(map(known.__getitem__, orths))
        doc.user_data[_WORDS] = cached
    return cached


def lowers(doc: Doc) -> list[str]:
    """``[token.lower_ for token in doc]``, cached on the Doc."""
    cached = doc.user_data.get(_LOWERS)
    if cached is None:
        cached = doc.user_data[_LOWERS] = [word.lower() for word in words(doc)]
    return cached


def _flags(doc: Doc, key: str, attr: int) -> list[bool]:
    """A boolean token attribute for every token, read as one array and cached on the Doc."""
    cached = doc.user_data.get(key)
    if cached is None:
        cached = doc.user_data[key] = doc.to_array(attr).astype(bool).tolist()
    return cached


def spaces(doc: Doc) -> list[bool]:
    """Whether each token is followed by whitespace, cached on the Doc."""
    return _flags(doc, _SPACES, SPACY)


def puncts(doc: Doc) -> list[bool]:
    """``token.is_punct`` for every token, cached on the Doc."""
    return _flags(doc, _PUNCTS, IS_PUNCT)


def like_nums(doc: Doc) -> list[bool]:
    """``token.like_num`` for every token, cached on the Doc."""
    return _flags(doc, _LIKE_NUMS, LIKE_NUM)


def remember_text(doc: Doc, text: str) -> None:
    """For the tokenizer that made ``doc`` from ``text``: spaCy's tokenizer loses no character, so
    ``doc.text == text``, and ``text_of`` need not join it again from the words."""
    doc.user_data[_TEXT] = text


def text_of(doc: Doc) -> str:
    """``doc.text``, cached on the Doc (spaCy joins it from new Token objects at every access)."""
    cached = doc.user_data.get(_TEXT)
    if cached is None:
        texts, gaps = words(doc), spaces(doc)
        cached = doc.user_data[_TEXT] = "".join([t + " " if gap else t for t, gap in zip(texts, gaps)])
    return cached


def token_starts(doc: Doc) -> list[int]:
    """Where each token starts in ``text_of(doc)`` (``token.idx``), cached on the Doc."""
    cached = doc.user_data.get(_TOKEN_STARTS)
    if cached is None:
        cached = doc.user_data[_TOKEN_STARTS] = doc.to_array(IDX).tolist()
    return cached


def span_text(doc: Doc, start: int, end: int) -> str:
    """``doc[start:end].text`` (no Span, no Tokens): one slice of the Doc's text, where joining
    the span's words and spaces costs a string per word."""
    if end <= start:
        return ""
    starts = token_starts(doc)
    return text_of(doc)[starts[start] : starts[end - 1] + len(words(doc)[end - 1])]


def text_of_span(span: Span) -> str:
    """``span.text`` from the cached word lists (spaCy builds a Token per word for it)."""
    return span_text(span.doc, span.start, span.end)


def sentence_starts(doc: Doc) -> list[bool]:
    """``token.is_sent_start`` for every token: as the sentence segmenter recorded it when it set
    the boundaries (``remember_sentence_starts``), else read from the Doc as one array."""
    cached = doc.user_data.get(_SENTENCE_STARTS)
    if cached is not None:
        return cached
    return [value == 1 for value in doc.to_array(SENT_START).astype("int64").tolist()]


def remember_sentence_starts(doc: Doc, starts: list[bool]) -> None:
    """For the component that sets the boundaries: later readers get this list. Only that
    component may call it, and nothing after it in the pipeline moves a boundary."""
    doc.user_data[_SENTENCE_STARTS] = starts


def title_end(doc: Doc) -> int:
    """Token index where the title (the first sentence) ends, cached on the Doc: read only after
    the sentence boundaries are set."""
    cached = doc.user_data.get(_TITLE_END)
    if cached is None:
        starts = sentence_starts(doc)
        cached = doc.user_data[_TITLE_END] = next((i for i in range(1, len(starts)) if starts[i]), len(starts))
    return cached


def unsupported_caps_title_words(doc: Doc) -> frozenset[int]:
    """Title tokens whose capitals say nothing about them, cached on the Doc.

    A title set in capitals ("RESNETS VIA ENHANCED SHORTCUTS") makes every word look like an
    acronym, and the shape rules took "VIA", "WITH", "ENHANCED" for names. In such a title a word
    counts as name-like only if the text after the title writes it with a capital too ("PALM"
    where the abstract has "PaLM"; a capital opening a sentence does not count). Words the
    gazetteer knows are matched whatever their case, so they need no such support. Empty when
    the title is not set in capitals (most of its words upper-case, at least three of them).
    """
    cached = doc.user_data.get(_CAPS_TITLE)
    if cached is None:
        cached = doc.user_data[_CAPS_TITLE] = _unsupported_caps_title_words(doc)
    return cached


def _unsupported_caps_title_words(doc: Doc) -> frozenset[int]:
    texts, starts, end = words(doc), sentence_starts(doc), title_end(doc)
    lettered = [i for i in range(end) if any(c.isalpha() for c in texts[i])]
    upper = [i for i in lettered if texts[i].isupper()]
    if len(upper) < 3 or len(upper) < CAPS_TITLE_SHARE * len(lettered):
        return frozenset()
    named = {
        texts[i].lower()
        for i in range(end, len(texts))
        if any(c.isupper() for c in texts[i][1:]) or (texts[i][:1].isupper() and not starts[i])
    }
    return frozenset(i for i in upper if texts[i].lower() not in named)


def sentence_bounds(doc: Doc) -> SentenceBounds:
    """The Doc's ``SentenceBounds``, cached on the Doc: read only after the sentence boundaries are
    set (nothing after the segmenter moves them, see ``remember_sentence_starts``)."""
    cached = doc.user_data.get(_SENTENCE_BOUNDS)
    if cached is None:
        cached = doc.user_data[_SENTENCE_BOUNDS] = SentenceBounds(doc)
    return cached


class SentenceBounds:
    """The sentence(s) around a token range, found by bisection over the Doc's sentences (rather
    than a ``Span.sent`` per lookup). A range that runs over a sentence break gets both
    sentences: "Yahoo! Answers" when the segmenter ends a sentence after "Yahoo!".

    The sentences are ``doc.sents``: read from the starts the segmenter recorded when it did (no
    Span objects), else from ``doc.sents`` itself.
    """

    def __init__(self, doc: Doc) -> None:
        recorded = doc.user_data.get(_SENTENCE_STARTS)
        if recorded is None:
            sentences = list(doc.sents)
            self._starts = [s.start for s in sentences]
            self._ends = [s.end for s in sentences]
            self._chars = [(s.start_char, s.end_char) for s in sentences]
            return
        n = len(recorded)
        # as ``doc.sents`` splits: a sentence starts at token 0 and at every later recorded start
        self._starts = [0] + [i for i in range(1, n) if recorded[i]] if n else []
        self._ends = self._starts[1:] + [n] if n else []
        offsets, texts = token_starts(doc), words(doc)
        self._chars = [
            (offsets[start], offsets[end - 1] + len(texts[end - 1])) for start, end in zip(self._starts, self._ends)
        ]

    def spans(self) -> list[tuple[int, int]]:
        """Every sentence's ``(start, end)`` token range, in order."""
        return list(zip(self._starts, self._ends))

    def _first_and_last(self, token_start: int, token_end: int) -> tuple[int, int]:
        first = bisect_right(self._starts, token_start) - 1
        return first, max(first, bisect_left(self._starts, token_end) - 1)

    def sentence_of(self, token: int) -> tuple[int, int]:
        """``(doc[token].sent.start, doc[token].sent.end)``."""
        return self.tokens_around(token, token + 1)

    def sentence_chars_of(self, token: int) -> tuple[int, int]:
        """``(doc[token].sent.start_char, doc[token].sent.end_char)``."""
        return self.chars_around(token, token + 1)

    def tokens_around(self, token_start: int, token_end: int) -> tuple[int, int]:
        first, last = self._first_and_last(token_start, token_end)
        return self._starts[first], self._ends[last]

    def chars_around(self, token_start: int, token_end: int) -> tuple[int, int]:
        first, last = self._first_and_last(token_start, token_end)
        return self._chars[first][0], self._chars[last][1]
