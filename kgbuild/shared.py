"""Research material kept outside the package (the arXiv listings, TDMSci), found through one
environment variable, ``KGBUILD_SHARED``, naming the folder that holds it.

Nothing is looked for beside the checkout: a command that needs such a file takes it as an
argument, or reads it under ``KGBUILD_SHARED`` and says clearly when neither is given.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "KGBUILD_SHARED"
# Paths inside the shared folder.
ARXIV_LISTINGS = "corpus/arxiv-listings-2025/listings.jsonl.gz"
TDMSCI_TRAIN = "corpora/tdmsci/train_1500_v2.conll"


class SharedDataError(RuntimeError):
    """A shared file was needed and is not there (variable unset, or the file missing under it)."""


def shared_file(relative: str, *, required: bool) -> Path | None:
    """``$KGBUILD_SHARED/relative``; None when the variable is unset and the file is optional.

    Raises ``SharedDataError`` when the variable is set but the file is missing under it, or when
    the file is required and the variable is unset."""
    root = os.environ.get(ENV)
    if not root:
        if required:
            raise SharedDataError(f"{ENV} is not set: set it to the folder holding {relative}, or pass the file")
        return None
    path = Path(root) / relative
    if not path.is_file():
        raise SharedDataError(f"{path} not found ({ENV}={root})")
    return path
