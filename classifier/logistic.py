"""A small binary logistic regression over sparse features, in pure Python and deterministic.

Trained by stochastic gradient descent with per-feature step sizes (AdaGrad) and L2 shrinkage, in
an order fixed by a seed, so the same examples always give the same weights. It is meant for a few
thousand examples with a few hundred features each (a second or two to train).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Features = Mapping[str, float]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class LogisticModel:
    """Weights per feature name and a bias; ``probability`` gives P(positive | features)."""

    weights: Mapping[str, float]
    bias: float = 0.0

    def score(self, features: Features) -> float:
        """The log-odds of the positive class."""
        weights = self.weights
        return self.bias + sum(weights.get(f, 0.0) * v for f, v in features.items())

    def probability(self, features: Features) -> float:
        """P(positive | features)."""
        return _sigmoid(self.score(features))

    @classmethod
    def fit(
        cls,
        examples: Sequence[tuple[Features, bool]],
        *,
        epochs: int = 10,
        rate: float = 0.3,
        l2: float = 1e-4,
        positive_weight: float = 1.0,
        min_count: int = 1,
        seed: int = 0,
    ) -> LogisticModel:
        """Train on ``(features, label)`` pairs.

        ``positive_weight`` > 1 makes a missed positive cost more than a false alarm (recall over
        precision); features seen in fewer than ``min_count`` examples are dropped (they are mostly
        one-off n-grams that only memorise their example and would bloat the stored weights).
        """
        if min_count > 1:
            seen: dict[str, int] = {}
            for features, _ in examples:
                for f in features:
                    seen[f] = seen.get(f, 0) + 1
            examples = [({f: v for f, v in x.items() if seen[f] >= min_count}, y) for x, y in examples]
        weights: dict[str, float] = {}
        squares: dict[str, float] = {}
        bias, bias_square = 0.0, 1e-8
        order = list(range(len(examples)))
        shuffle = random.Random(seed).shuffle
        for _ in range(epochs):
            shuffle(order)
            for i in order:
                features, label = examples[i]
                z = bias + sum(weights.get(f, 0.0) * v for f, v in features.items())
                error = _sigmoid(z) - (1.0 if label else 0.0)
                if label:
                    error *= positive_weight
                bias_square += error * error
                bias -= rate * error / math.sqrt(bias_square)
                for f, v in features.items():
                    w = weights.get(f, 0.0)
                    gradient = error * v + l2 * w
                    square = squares.get(f, 1e-8) + gradient * gradient
                    squares[f] = square
                    weights[f] = w - rate * gradient / math.sqrt(square)
        return cls(weights, bias)

    def as_json(self, digits: int = 4) -> dict[str, Any]:
        """The weights as JSON, rounded; weights that round to zero are left out."""
        weights = {f: round(w, digits) for f, w in sorted(self.weights.items())}
        return {"bias": round(self.bias, digits), "weights": {f: w for f, w in weights.items() if w}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LogisticModel:
        """The model back from :meth:`as_json`."""
        return cls({str(f): float(w) for f, w in data["weights"].items()}, float(data["bias"]))
