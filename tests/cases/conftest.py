"""Fixtures of the classifier tests: built once per run (a second or so each), pure Python."""

from __future__ import annotations

import pytest

from classifier.engine import Classifier
from classifier.evaluation import HeldOut, default_classifier, rules_classifier, training_files


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    """The classifier as the application builds it: bundled notice, lexicon and gates."""
    return default_classifier()


@pytest.fixture(scope="session")
def held_out() -> HeldOut:
    """Gate inputs of every labelled file, to train gates without any one of them (~1 s each)."""
    return HeldOut(rules_classifier(), training_files())
