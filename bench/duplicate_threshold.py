"""Choose the similar-text threshold of likely duplicates on the training files only.

    .venv/bin/python bench/duplicate_threshold.py

Reads classifier/data/labelled/feedback_train*.jsonl (distinct opinions), builds each message's
vector with the classifier's own features (cases.domain.duplicates.text_vector over Classifier.features) and
prints the similarity percentiles of pairs of different messages about the same problem (the
hardest non-repeats) and of all pairs. The threshold is the 99.9th percentile of the same-problem
pairs rounded up to 0.05. It then reports, for information, how many synthetic repeats (a message
sent again with a greeting added and its last sentence dropped) reach it, on the same files.
"""

from __future__ import annotations

import itertools
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: the project root must come first
    sys.path.insert(0, str(ROOT))

from cases.domain.duplicates import bounded, cosine, text_vector  # noqa: E402
from classifier.evaluation import TRAINING_DATA, load_labelled, rules_classifier  # noqa: E402


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _repeat(text: str) -> str:
    sentences = [s for s in re.split(r"(?<=[。！？!?])", text) if s.strip()]
    kept = sentences[:-1] if len(sentences) > 2 else sentences
    return "你好，我之前反映过这个问题，再说一次：" + "".join(kept)


def main() -> int:
    """Print the percentiles and the chosen threshold."""
    classifier = rules_classifier()
    records = [r for path in sorted(TRAINING_DATA.glob("feedback_train*.jsonl")) for r in load_labelled(path)]
    texts = [f"{r.get('subject') or ''}。{r['text']}" for r in records]
    vectors = [text_vector(classifier.features(bounded(t))) for t in texts]
    same_problem, every = [], []
    for i, j in itertools.combinations(range(len(records)), 2):
        if texts[i] == texts[j]:
            continue  # a literal copy in the files is a repeat, not a distinct opinion
        score = cosine(vectors[i], vectors[j])
        every.append(score)
        if records[i].get("problem") and records[i].get("problem") == records[j].get("problem"):
            same_problem.append(score)
    print(f"{len(records)} training messages, {len(every)} pairs, {len(same_problem)} same-problem pairs")
    for share in (0.5, 0.9, 0.99, 0.999):
        print(f"  p{share * 100:g}: same problem {_percentile(same_problem, share):.3f}"
              f"  all pairs {_percentile(every, share):.3f}")
    print(f"  max: same problem {max(same_problem):.3f}  all pairs {max(every):.3f}")
    threshold = math.ceil(_percentile(same_problem, 0.999) * 20) / 20
    repeats = [cosine(vector, text_vector(classifier.features(bounded(_repeat(text)))))
               for text, vector in zip(texts, vectors, strict=True)]
    found = sum(score >= threshold for score in repeats)
    print(f"threshold (p99.9 of same-problem pairs, rounded up to 0.05): {threshold:.2f}")
    print(f"synthetic repeats at or above it: {found}/{len(repeats)}; median {_percentile(repeats, 0.5):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
