"""Train the accusation and out-of-scope gates on the labelled files and write the model file.

    .venv/bin/python -m classifier train [--check]

Reads every classifier/data/labelled/*.jsonl, trains both models (deterministic: the same files and
code give the same weights) and writes classifier/data/model.json, which the application loads.
``--check`` writes nothing and fails when the shipped file differs from what training gives now (run
it after changing the rules, the features or the labelled files). Honest figures:
``python -m classifier evaluate --holdout``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from classifier.bundled import GATES_PATH, bundled_gates
from classifier.evaluation import rules_classifier, training_files
from classifier.gates import Gates
from classifier.heldout import gate_labels, load_labelled


def train(files: Sequence[Path] | None = None) -> Gates:
    """Gates trained on the labelled files (by default every training file), at the model file's
    thresholds."""
    classifier = rules_classifier()
    labels = [label for path in files or training_files() for label in gate_labels(load_labelled(path))]
    trained = classifier.train_gates(labels, bundled_gates()).gates
    assert trained is not None
    return trained


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def gates_text(gates: Gates) -> str:
    """The model file's text: keys sorted, one line per scalar (a threshold change is a one-line diff)
    and each model's weights on one line, so a retraining rewrites a line per model, not every line."""
    lines = ["{"]
    models = sorted(gates.as_json().items())
    for index, (name, value) in enumerate(models):
        tail = "," if index < len(models) - 1 else ""
        if not isinstance(value, dict):
            lines.append(f"{_compact(name)}:{_compact(value)}{tail}")
            continue
        lines.append(f"{_compact(name)}:{{")
        items = sorted(value.items())
        lines += [f"{_compact(k)}:{_compact(v)}," for k, v in items[:-1]]
        lines += [f"{_compact(k)}:{_compact(v)}" for k, v in items[-1:]]
        lines.append("}" + tail)
    return "\n".join(lines) + "\n}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Train and write (or, with ``--check``, compare) the bundled gates."""
    parser = argparse.ArgumentParser(prog="python -m classifier train", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file, write nothing")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    text = gates_text(train())
    print(f"trained in {time.perf_counter() - start:.2f} s")
    if args.check:
        same = GATES_PATH.read_text(encoding="utf-8") == text
        print(f"{GATES_PATH} is {'up to date' if same else 'out of date'}")
        return 0 if same else 1
    GATES_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {GATES_PATH} ({len(text.encode()) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
