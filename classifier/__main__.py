"""The classifier's commands: ``python -m classifier evaluate|sweep|train …`` (``--help`` on each)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

USAGE = (
    "usage: python -m classifier {evaluate FILE… [--holdout|--rules-only] [--errors]"
    " | sweep [FILE…] | train [--check]}"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command of the classifier: evaluate labelled files, sweep the thresholds, train the model."""
    args = list(sys.argv[1:] if argv is None else argv)
    command, rest = (args[0], args[1:]) if args else ("", [])
    if command == "evaluate":
        from classifier.evaluation import main as evaluate

        return evaluate(rest)
    if command == "sweep":
        from classifier.evaluation import main as evaluate

        return evaluate(["--sweep", *rest])
    if command == "train":
        from classifier.training import main as train

        return train(rest)
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
