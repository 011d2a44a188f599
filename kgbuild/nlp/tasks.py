"""Task phrases no gazetteer lists: "for ad-hoc retrieval", "tasks such as text ranking".

A task is named by a noun phrase that ends in a task noun ("… retrieval", "… segmentation",
"… learning") and sits where a text names what a method is for: after "for", "in", "on", "to",
"of", in a list ("such as", "including", ",", "and"), or right before "task(s)". Without a
tagger the phrase is read backwards from the task noun over words that can modify it, stopping
at function words and at evaluative adjectives ("efficient retrieval" is retrieval done well, not
a task called that), and it must start right after one of those frames, so that the whole phrase
is known to be there.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kgbuild.nlp.lexicon import HEAD_NOUN_KIND, SENTENCE_WORDS, TASK_HEADS
from kgbuild.nlp.tokens import lowers, sentence_starts, spaces, title_end, words

# Task nouns besides the kind-bearing ones in the lexicon.
MORE_TASK_HEADS = frozenset("adaptation estimation clustering ranking completion localization tracking editing".split())
HEADS = TASK_HEADS | MORE_TASK_HEADS
# Too vague to be a task on their own: only with a modifier ("continual learning").
VAGUE_HEADS = frozenset(
    "learning reasoning understanding generation identification adaptation estimation editing answering".split()
)
# Not "to": "to tackle audio pattern recognition" is a verb's object, and the verb would be read
# as part of the task.
FRAMES = frozenset("for in on of such as including e.g. , and or like".split())
# Fields and training regimes, not tasks a paper addresses.
FIELDS = frozenset("deep machine supervised unsupervised self-supervised semi-supervised contrastive".split())
NOT_MODIFIERS = frozenset(
    """a an the this that these those our their its his her we they it which what whose such
    for in on to of with by from via as at into over under between across and or but not no
    is are was were be been being has have had do does did can could may might will would should
    efficient effective robust accurate better improved strong stronger new novel existing
    various different multiple many several diverse downstream general generic standard
    traditional conventional challenging difficult complex simple large-scale state-of-the-art
    more most less further other same both each all any recent previous current prior
    including e.g. like during within through without among while when where also only even then
    thus hence however here there despite related enhance enhances improve improves lack lacks
    achieve achieves enable enables support supports require requires use uses perform performs
    show shows provide provides one two three four five six seven eight nine ten""".split()
)
MAX_MODIFIERS = 4


def _glued(gaps: list[bool], texts: list[str], i: int) -> bool:
    """Token i is a hyphen inside a compound ("text-to-video")."""
    return texts[i] == "-" and i > 0 and not gaps[i - 1] and not gaps[i]


def task_phrases(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of task phrases, outside any range in which a name already sits."""
    texts, lowered, gaps, starts = words(doc), lowers(doc), spaces(doc), sentence_starts(doc)
    found: list[tuple[int, int]] = []
    abstract_start = title_end(doc)
    for head in [head for head, word in enumerate(lowered) if word in HEADS]:  # few: look there only
        if head + 1 < len(texts) and texts[head + 1] == "-" and not gaps[head]:
            continue  # "retrieval-augmented": the task noun modifies something else
        start, modifiers = head, 0
        while start > 0 and modifiers < MAX_MODIFIERS and not starts[start]:
            previous = start - 1
            if _glued(gaps, texts, previous):
                start = previous - 1  # take the whole compound ("text-to-video")
                continue
            word = lowered[previous]
            if word in NOT_MODIFIERS or not word.replace("-", "").isalpha() or texts[previous] in SENTENCE_WORDS:
                break
            if (word.endswith("ing") and word not in HEADS) or word.endswith("ly"):
                break  # "encompassing retrieval", "often lack …": a verb or an adverb, not a modifier
            if previous >= abstract_start and word != texts[previous]:
                break  # a capital in the abstract is a name ("COCO object detection"): not part of the task
            start, modifiers = previous, modifiers + 1
        before = lowered[start - 1] if start > 0 else ""
        after = lowered[head + 1] if head + 1 < len(texts) else ""
        if HEAD_NOUN_KIND.get(after) not in (None, "TASK"):
            continue  # "question answering model": the phrase describes the model
        framed = before in FRAMES or after in ("task", "tasks")
        if not framed or (start == head and lowered[head] in VAGUE_HEADS):
            continue
        if "".join(lowered[start:head]) in FIELDS:
            continue  # "semi-supervised learning" is a regime, "deep learning" a field
        if start == head and not (
            before in ("for", "such", "including", ",", "and", "as") or after in ("task", "tasks")
        ):
            continue  # a bare task noun is a task only in a purpose or a list
        found.append((start, head + 1))
    return found
