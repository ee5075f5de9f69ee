"""Train the accusation and out-of-scope gates on the labelled files and write them to cases/data/.

    .venv/bin/python bench/train_gates.py [--check]

Reads every tests/data/*.jsonl, trains both models (deterministic: the same files and code give the
same weights) and writes cases/data/classifier_gates.json, which the application loads. ``--check``
writes nothing and fails when the shipped file differs from what training gives now (run it after
changing the rules, the features or the labelled files). Honest figures: classifier_eval.py --holdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: the project root must come first
    sys.path.insert(0, str(ROOT))

from bench.classifier_eval import gate_labels, load_labelled, rules_classifier, training_files  # noqa: E402
from cases.classifier_data import GATES_PATH  # noqa: E402
from cases.domain.gates import Gates  # noqa: E402


def train(files: Sequence[Path] | None = None) -> Gates:
    """Gates trained on the labelled files (by default every training file)."""
    classifier = rules_classifier()
    labels = [label for path in files or training_files() for label in gate_labels(load_labelled(path))]
    trained = classifier.train_gates(labels).gates
    assert trained is not None
    return trained


def gates_text(gates: Gates) -> str:
    """The JSON file's text: one weight per line, so that a retraining diffs readably."""
    return json.dumps(gates.as_json(), ensure_ascii=False, sort_keys=True, indent=0) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Train and write (or, with ``--check``, compare) the bundled gates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file, write nothing")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    text = gates_text(train())
    print(f"trained in {time.perf_counter() - start:.2f} s")
    if args.check:
        same = GATES_PATH.read_text(encoding="utf-8") == text
        print(f"{GATES_PATH.relative_to(ROOT)} is {'up to date' if same else 'out of date'}")
        return 0 if same else 1
    GATES_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {GATES_PATH.relative_to(ROOT)} ({len(text.encode()) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
