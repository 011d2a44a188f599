"""Fixtures shared by the extraction tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgbuild.nlp.extract import Extractor
from kgbuild.nlp.pipeline import build_pipeline

FIXTURE_PATTERNS = str(Path(__file__).parent / "fixtures" / "nlp" / "patterns")


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The rule pipeline over the small fixture gazetteer, without the NER: known answers, fast.
    A module that needs another pipeline defines its own ``extractor``."""
    return Extractor(build_pipeline(FIXTURE_PATTERNS, mode="rules"))
