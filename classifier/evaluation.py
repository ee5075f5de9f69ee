"""Evaluate the suggestion classifier on labelled JSON Lines files and print the figures.

    .venv/bin/python -m classifier evaluate classifier/data/labelled/feedback_dev.jsonl [more.jsonl …]
        [--notice shared/seed/000_….txt] [--train confirmed.jsonl] [--holdout | --rules-only] [--errors]
    .venv/bin/python -m classifier sweep [labelled.jsonl …]

A labelled line is {"id", "subject", "text", "problem": "1.1"…"4.2" | "general" | "out_of_scope",
"accusation": bool, "notes"}. Top-1/top-3 count only lines whose label is a problem code.

The accusation and out-of-scope gates are trained on the labelled files in classifier/data/labelled/
(the shipped copy is classifier/data/model.json, written by ``python -m classifier train``), so their
figures on those files flatter them. ``--holdout`` gives the honest figures: for each file
evaluated, gates trained on every *other* training file (classifier/heldout.py, cached on disk).
``--rules-only`` shows the hand-written rules alone. ``--train`` first
teaches the problem ranking's learned part with the problem-labelled lines of another file (to see
what confirmations add). ``sweep`` prints the held-out precision/recall of the accusation flag over
a grid of its thresholds (classifier/sweep.py; by default over every labelled file), which is how
the shipped thresholds were chosen. The time to classify a 10,000-character text is printed
too: the work per message is bounded, and this is where that shows (tests check the bound, not the
time). tests/cases/test_classifier.py asserts the targets with :func:`evaluate`, the same function this
script prints, on held-out gates.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cases.domain.catalogue_parser import parse_notice
from classifier.bundled import bundled_gates
from classifier.engine import Classifier
from classifier.heldout import HeldOut, gate_labels, load_labelled

__all__ = ["HeldOut", "gate_labels", "load_labelled"]  # re-exported: the figures' callers use them
from classifier.sweep import held_out_predictions, scope_rows, scope_sweep_report, sweep_report

PACKAGE = Path(__file__).resolve().parent
# The notice the application ships (its catalogue is the app's): the problems the classifier ranks.
DEFAULT_NOTICE = PACKAGE.parent / "cases" / "data" / "notice_2023_hqcbd.txt"
TRAINING_DATA = PACKAGE / "data" / "labelled"  # the labelled files the gates are trained on
NON_PROBLEM_LABELS = ("general", "out_of_scope")
WARM_UP = 5
LONG_TEXT_CHARS = 10_000


@dataclass
class Figures:
    """What one evaluation measured; rates are None when their denominator is zero."""

    messages: int = 0
    problem_labelled: int = 0
    top1_hits: int = 0
    top3_hits: int = 0
    accusation_tp: int = 0
    accusation_fp: int = 0
    accusation_fn: int = 0
    oos_tp: int = 0
    oos_fp: int = 0
    oos_fn: int = 0
    timings_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def _rate(num: int, den: int) -> float | None:
        return num / den if den else None

    @property
    def top1(self) -> float | None:
        """Share of problem-labelled messages whose first suggestion is right."""
        return self._rate(self.top1_hits, self.problem_labelled)

    @property
    def top3(self) -> float | None:
        """Share of problem-labelled messages with the right problem among the suggestions."""
        return self._rate(self.top3_hits, self.problem_labelled)

    @property
    def accusation_precision(self) -> float | None:
        """Flagged accusations that are accusations."""
        return self._rate(self.accusation_tp, self.accusation_tp + self.accusation_fp)

    @property
    def accusation_recall(self) -> float | None:
        """Accusations that were flagged."""
        return self._rate(self.accusation_tp, self.accusation_tp + self.accusation_fn)

    @property
    def ordinary(self) -> int:
        """Messages that are not accusations."""
        return self.messages - self.accusation_tp - self.accusation_fn

    @property
    def false_seal_rate(self) -> float | None:
        """Ordinary messages sealed as accusations, as a share of the ordinary messages: what a
        precision figure on a set rich in accusations hides."""
        return self._rate(self.accusation_fp, self.ordinary)

    @property
    def oos_recall(self) -> float | None:
        """Out-of-scope messages that were flagged out of scope."""
        return self._rate(self.oos_tp, self.oos_tp + self.oos_fn)

    @property
    def oos_precision(self) -> float | None:
        """Messages flagged out of scope that are."""
        return self._rate(self.oos_tp, self.oos_tp + self.oos_fp)

    @property
    def median_ms(self) -> float:
        """Median time to classify one message, after warm-up."""
        return statistics.median(self.timings_ms) if self.timings_ms else 0.0


def training_files() -> list[Path]:
    """The labelled files the gates learn from."""
    return sorted(TRAINING_DATA.glob("*.jsonl"))


def rules_classifier(notice_path: str | Path = DEFAULT_NOTICE) -> Classifier:
    """The classifier of the notice and the default lexicon, with the hand-written rules alone."""
    return Classifier.from_notice(parse_notice(Path(notice_path).read_text(encoding="utf-8")))


def default_classifier(notice_path: str | Path = DEFAULT_NOTICE) -> Classifier:
    """The classifier as the application builds it: rules plus the bundled trained gates."""
    return rules_classifier(notice_path).with_gates(bundled_gates())


def evaluate(classifier: Classifier, records: Sequence[dict[str, Any]]) -> Figures:
    """Classify every record and count hits against its labels; times each call."""
    figures = Figures()
    for record in records[:WARM_UP]:  # first calls fill caches (regex, jieba); do not time them
        classifier.classify(record["text"], record.get("subject") or "")
    for record in records:
        start = time.perf_counter()
        result = classifier.classify(record["text"], record.get("subject") or "")
        figures.timings_ms.append((time.perf_counter() - start) * 1000)
        figures.messages += 1
        label, rid = record["problem"], record.get("id")
        codes = [s.problem for s in result.suggestions]
        if label not in NON_PROBLEM_LABELS:
            figures.problem_labelled += 1
            figures.top1_hits += codes[:1] == [label]
            figures.top3_hits += label in codes
            if codes[:1] != [label]:
                figures.errors.append(f"{rid}: {label} → {codes} {result.suggestions[0].reason}")
        expected_acc = bool(record.get("accusation"))
        figures.accusation_tp += expected_acc and result.accusation
        figures.accusation_fp += (not expected_acc) and result.accusation
        figures.accusation_fn += expected_acc and not result.accusation
        if expected_acc != result.accusation:
            figures.errors.append(f"{rid}: accusation expected {expected_acc}")
        expected_oos = label == "out_of_scope"
        figures.oos_tp += expected_oos and result.out_of_scope
        figures.oos_fp += (not expected_oos) and result.out_of_scope
        figures.oos_fn += expected_oos and not result.out_of_scope
        if expected_oos != result.out_of_scope:
            figures.errors.append(f"{rid}: out_of_scope expected {expected_oos} ({label})")
    return figures


def long_text_ms(classifier: Classifier, chars: int = LONG_TEXT_CHARS, runs: int = 5) -> tuple[float, float]:
    """Best and median time (ms) to classify a ``chars``-long text made of the labelled messages."""
    text = "".join(r["text"] for path in training_files() for r in load_labelled(path))[:chars]
    classifier.classify(text)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        classifier.classify(text)
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def _pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{100 * value:5.1f}%"


def report(name: str, figures: Figures) -> str:
    """One block of figures, as printed."""
    return "\n".join(
        [
            f"{name}: {figures.messages} messages, {figures.problem_labelled} with a problem code",
            f"  top-1 {_pct(figures.top1)}   top-3 {_pct(figures.top3)}",
            f"  accusation precision {_pct(figures.accusation_precision)}"
            f"   recall {_pct(figures.accusation_recall)}"
            f"   (tp {figures.accusation_tp}, fp {figures.accusation_fp}, fn {figures.accusation_fn})",
            f"  false seals {_pct(figures.false_seal_rate)} of ordinary messages"
            f" ({figures.accusation_fp} of {figures.ordinary})",
            f"  out-of-scope recall {_pct(figures.oos_recall)}   precision {_pct(figures.oos_precision)}",
            f"  median {figures.median_ms:.2f} ms per message"
            f" (max {max(figures.timings_ms, default=0.0):.2f} ms)",
        ]
    )


def confirmed_examples(records: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """``(text, problem)`` pairs of the problem-labelled records, as staff confirmations would be."""
    return [
        (f"{r.get('subject') or ''}。{r['text']}", r["problem"])
        for r in records
        if r["problem"] not in NON_PROBLEM_LABELS
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures for every labelled file given."""
    parser = argparse.ArgumentParser(prog="python -m classifier evaluate",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="labelled JSON Lines files (--sweep: every labelled file)")
    parser.add_argument("--notice", default=str(DEFAULT_NOTICE), help="notice to build the catalogue from")
    parser.add_argument("--train", help="labelled file whose problem-labelled lines train the learned part")
    gates = parser.add_mutually_exclusive_group()
    gates.add_argument("--holdout", action="store_true",
                       help="for each file, gates trained on every other labelled file (honest figures)")
    gates.add_argument("--rules-only", action="store_true", help="no trained gates: the rules alone")
    gates.add_argument("--sweep", action="store_true",
                       help="held-out precision/recall of both flags over grids of their thresholds")
    parser.add_argument("--errors", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    if not args.files and not args.sweep:
        parser.error("give at least one labelled file")

    start = time.perf_counter()
    classifier = rules_classifier(args.notice)
    if not args.rules_only:
        classifier = classifier.with_gates(bundled_gates())
    print(f"classifier built in {time.perf_counter() - start:.2f} s")
    if args.sweep:
        held_out = HeldOut(classifier, training_files())
        files = args.files or training_files()
        print(sweep_report(held_out_predictions(held_out, files), bundled_gates()))
        print(scope_sweep_report(scope_rows(held_out, files), bundled_gates()))
        return 0
    best, median = long_text_ms(classifier)
    print(f"a {LONG_TEXT_CHARS:,}-character text: {best:.1f} ms (best of 5), median {median:.1f} ms")
    if args.train:
        classifier = classifier.train(confirmed_examples(load_labelled(args.train)))
        print(f"trained on {classifier.naive_bayes.size if classifier.naive_bayes else 0} confirmed links")
    held_out = HeldOut(classifier, training_files()) if args.holdout else None
    for path in args.files:
        name = Path(path).name
        if held_out is not None:
            figures = evaluate(held_out.without(path), load_labelled(path))
            name += " (held out: gates trained on the other files)"
        else:
            figures = evaluate(classifier, load_labelled(path))
        print(report(name, figures))
        if args.errors:
            print("\n".join(f"    {e}" for e in figures.errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
