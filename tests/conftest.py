"""Fixtures shared by the tests: the extraction pipeline, the shared folder, a real browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kgbuild.nlp.extract import Extractor
from kgbuild.nlp.pipeline import build_pipeline

FIXTURE_PATTERNS = str(Path(__file__).parent / "fixtures" / "nlp" / "patterns")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (Playwright), one per test module; skips where there is none (fails under CI)."""
    from fixtures.browser import launched_chromium

    with launched_chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The rule pipeline over the small fixture gazetteer, without the NER: known answers, fast.
    A module that needs another pipeline defines its own ``extractor``."""
    return Extractor(build_pipeline(FIXTURE_PATTERNS, mode="rules"))


REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The read-only material beside the repository (corpora, guideline, scorer): the
    ``KGBUILD_SHARED`` environment variable or ``../shared``. Tests that need it skip where it is
    absent, except under CI, where its absence is a failure."""
    path = Path(os.environ.get("KGBUILD_SHARED", REPO.parent / "shared"))
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI runs with the shared folder beside the repository")
        pytest.skip(f"{path} is missing (set KGBUILD_SHARED)")
    return path


# Hypothesis profiles: "ci" (the default) keeps the property tests near a minute in all (over
# 10,000 generated cases); "nightly" runs about fifteen times as many. Choose with HYPOTHESIS_PROFILE.
def _hypothesis_profiles() -> None:
    from hypothesis import HealthCheck, settings

    quiet = [HealthCheck.too_slow, HealthCheck.filter_too_much]
    settings.register_profile("ci", max_examples=1_300, deadline=None, suppress_health_check=quiet, derandomize=True)
    settings.register_profile("nightly", max_examples=20_000, deadline=None, suppress_health_check=quiet)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


_hypothesis_profiles()
