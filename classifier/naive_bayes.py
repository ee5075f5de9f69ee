"""A small multinomial naive Bayes over problem codes, trained from staff-confirmed links.

Pure Python and deterministic. It learns the words the public uses that neither the notice nor the
hand-written lexicon knows (a new nickname for a building, a local place name): a handful of
confirmations is enough to move a prediction, and the classifier weighs it by how many it has seen.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

ALPHA = 0.5  # additive smoothing of the overall feature distribution
# Each class's distribution is smoothed towards the overall one with this many pseudo-features, so
# a class with few or no confirmations looks like "any message" rather than like a uniform
# distribution over the vocabulary (which would make every rare word look typical of it).
PRIOR_STRENGTH = 10.0


@dataclass(frozen=True)
class NaiveBayes:
    """Counts per class; ``posterior`` gives P(class | features) over ``classes``."""

    classes: tuple[str, ...]
    class_counts: dict[str, int]
    feature_counts: dict[str, Counter[str]]
    totals: dict[str, int]
    vocabulary: frozenset[str]
    size: int

    @classmethod
    def fit(cls, examples: Iterable[tuple[Sequence[str], str]], classes: Sequence[str]) -> NaiveBayes:
        """Train from ``(features, class)`` pairs; classes outside ``classes`` are ignored."""
        known = tuple(classes)
        class_counts = dict.fromkeys(known, 0)
        feature_counts: dict[str, Counter[str]] = {c: Counter() for c in known}
        size = 0
        for features, label in examples:
            if label not in class_counts:
                continue
            class_counts[label] += 1
            feature_counts[label].update(features)
            size += 1
        vocabulary = frozenset(f for counts in feature_counts.values() for f in counts)
        totals = {c: sum(feature_counts[c].values()) for c in known}
        return cls(known, class_counts, feature_counts, totals, vocabulary, size)

    @cached_property
    def _feature_totals(self) -> dict[str, int]:
        """How often each feature was seen over all classes (computed once, on first use)."""
        totals: Counter[str] = Counter()
        for counts in self.feature_counts.values():
            totals.update(counts)
        return dict(totals)

    @cached_property
    def _overall_denominator(self) -> float:
        return sum(self.totals.values()) + ALPHA * (len(self.vocabulary) + 1)

    def posterior(self, features: Sequence[str]) -> dict[str, float]:
        """P(class | features); features never seen in training are ignored (they say nothing)."""
        seen = Counter(f for f in features if f in self.vocabulary)
        if not seen or not self.size:
            return {}
        # Prior smoothed by one, so classes nobody confirmed yet stay possible.
        n = self.size + len(self.classes)
        logs = {c: math.log((self.class_counts[c] + 1) / n) for c in self.classes}
        for feature, repeats in seen.items():  # each distinct feature once, weighted by its count
            overall = self._overall(feature)
            for c in self.classes:
                likelihood = (self.feature_counts[c].get(feature, 0) + PRIOR_STRENGTH * overall) / (
                    self.totals[c] + PRIOR_STRENGTH
                )
                logs[c] += repeats * math.log(likelihood)
        # Naive Bayes multiplies dozens of dependent likelihoods and so claims near-certainty; dividing
        # the log-odds by sqrt(#features) gives posteriors that can be mixed with other scores.
        temperature = math.sqrt(sum(seen.values()))
        top = max(logs.values())
        exp = {c: math.exp((lp - top) / temperature) for c, lp in logs.items()}
        total = sum(exp.values())
        return {c: e / total for c, e in exp.items()}

    def _overall(self, feature: str) -> float:
        return (self._feature_totals.get(feature, 0) + ALPHA) / self._overall_denominator

    def _likelihood(self, feature: str, label: str) -> float:
        return (self.feature_counts[label].get(feature, 0) + PRIOR_STRENGTH * self._overall(feature)) / (
            self.totals[label] + PRIOR_STRENGTH
        )

    def evidence(self, features: Sequence[str], label: str, limit: int = 3) -> list[str]:
        """The features of a message that speak most for ``label`` (seen with it in training)."""
        counts = self.feature_counts.get(label)
        if not counts:
            return []
        others = [c for c in self.classes if c != label]

        def lift(feature: str) -> float:
            rest = sum(self._likelihood(feature, c) for c in others) / max(len(others), 1)
            return self._likelihood(feature, label) / rest

        candidates = sorted({f for f in features if counts.get(f)}, key=lambda f: (-lift(f), f))
        return [f for f in candidates if lift(f) > 2.0][:limit]
