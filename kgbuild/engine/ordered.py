"""Submit chunks to a pool, keep a bounded number in flight, and hand results back in order.

Both ``concurrent.futures`` and Dask futures have ``result()``, so the local pool and the Dask
engine share this loop. The window bounds memory: results a slow consumer has not taken yet are
never more than ``window`` chunks, whatever the corpus size.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
CHUNK = 64  # papers per task and per spaCy batch: the NER runs faster on 64 windows at once than on 32


class Future(Protocol):
    def result(self) -> Any: ...


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def ordered_results(
    submit: Callable[[Sequence[T]], Future], parts: Iterable[Sequence[T]], window: int
) -> Iterator[tuple[Sequence[T], Any]]:
    """``(part, result)`` for each part, in input order, with at most ``window`` parts in flight."""
    pending: deque[tuple[Sequence[T], Future]] = deque()
    for part in parts:
        pending.append((part, submit(part)))
        if len(pending) >= window:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()
