"""The accusation operating point: held-out precision, recall and false-seal rate over a grid of
the gate's thresholds.

    .venv/bin/python -m classifier sweep [labelled.jsonl …]

A message is sealed when the trained model's P(accusation) reaches one of three thresholds, chosen
by the rules' evidence: their own seal, a wrongdoing word they found without sealing, or none
(:func:`classifier.gates.accusation_flag`). Every message is scored by gates trained without its
file (leave one file out), the predictions are pooled, and the table shows precision/recall and the
false-seal rate (ordinary messages sealed, over all ordinary messages) for each pair of the last two
thresholds at the chosen first one; then the best point (:func:`best_point`), the shipped point, the
file by file figures there, the rules alone and the model alone.

The hand-written rules were written while reading most of these files, so their pooled figures
flatter them; hardneg2 and train11 were written blind to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from classifier.gates import Gates, accusation_flag, model_threshold
from classifier.rules.accusation import AccusationCheck

if TYPE_CHECKING:
    from classifier.evaluation import HeldOut

MIN_RECALL = 0.90  # pooled, hard cases included (they hold most of what the model still misses)
MIN_PRECISION = 0.85
# At most this share of the ordinary (not accusation) messages sealed, pooled over every file held
# out: a false seal hides a citizen's opinion from the triagers. The labelled files hold about 30 %
# accusations, what arrives nearer 8 %, so precision is also judged at that prevalence.
MAX_FALSE_SEAL = 0.01
PREVALENCE = 0.08
# The targets, which the operating point must also meet on every labelled file held out.
# (Recall per file was 95 % while precision alone was judged; sealing at most 1 % of ordinary mail
# costs recall on the files whose accusations carry no misconduct word: 85 % is the floor kept.)
FILE_MIN_RECALL = 0.85
FILE_MIN_PRECISION = 0.80
# Files of hard cases only, written to teach the gates: hardneg (names without an accusation, short
# or indirect accusations), train8 (accusations without a single misconduct word, innocent messages
# that sound suspicious), train9 (everyday matters that sound official, accusations against people
# outside the committee), train10 (careful writers who describe what they saw without judging it, and
# proper dealings described as carefully). Their own figures are no sample of what arrives, so they
# are not held to the per-file targets; they count in the pooled figures, and the README shows them.
# hardneg2 (ordinary opinions that sound like accusations, no accusation at all) and train11
# (accusations told as stories, in dialect, by role only: all accusations) have no precision or no
# recall of their own; they count in the pooled figures, hardneg2 most in the false-seal rate.
HARD_CASES = frozenset(
    {"feedback_hardneg.jsonl", "feedback_train8.jsonl", "feedback_train9.jsonl", "feedback_train10.jsonl",
     "feedback_hardneg2.jsonl", "feedback_train11.jsonl"}
)
WITH_WORD = tuple(round(0.05 * i, 2) for i in range(1, 17))  # 0.05 … 0.80
WITHOUT_WORD = (*(round(0.05 * i, 2) for i in range(6, 20)), 0.97, 0.99)  # 0.30 … 0.99
WITH_RULES = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)  # the model's veto of the rules' seal


@dataclass(frozen=True)
class Prediction:
    """One labelled message as a held-out gate saw it."""

    file: str
    accusation: bool
    check: AccusationCheck
    probability: float


@dataclass(frozen=True)
class Point:
    """Counts at one operating point."""

    threshold: float
    threshold_no_wrongdoing: float
    tp: int
    fp: int
    fn: int
    threshold_rules: float = 0.0
    negatives: int = 0  # ordinary messages counted

    @property
    def false_seal_rate(self) -> float:
        """Ordinary messages sealed, as a share of the ordinary messages."""
        return self.fp / self.negatives if self.negatives else 0.0

    def precision_at(self, prevalence: float = PREVALENCE) -> float:
        """The precision these recall and false-seal rates give when ``prevalence`` of mail accuses."""
        sealed = self.recall * prevalence + self.false_seal_rate * (1 - prevalence)
        return self.recall * prevalence / sealed if sealed else 1.0

    @property
    def precision(self) -> float:
        """Flagged messages that are accusations (1 when nothing is flagged)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Accusations that were flagged."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def cell(self) -> str:
        """``precision/recall`` in per cent, as the table shows it."""
        return f"{100 * self.precision:5.1f}/{100 * self.recall:5.1f}"

    def line(self) -> str:
        """The point in words."""
        return (
            f"rules' seal {self.threshold_rules:.2f}, with a wrongdoing word {self.threshold:.2f},"
            f" without {self.threshold_no_wrongdoing:.2f}: precision {100 * self.precision:.1f}%"
            f" recall {100 * self.recall:.1f}% false seals {100 * self.false_seal_rate:.2f}% of ordinary"
            f" (precision at {100 * PREVALENCE:.0f}% accusations {100 * self.precision_at():.1f}%)"
            f" (tp {self.tp}, fp {self.fp}, fn {self.fn})"
        )


Decide = Callable[[Prediction, float, float, float], bool]


def _flag(p: Prediction, threshold: float, threshold_no_wrongdoing: float, threshold_rules: float) -> bool:
    return accusation_flag(p.check, p.probability, threshold, threshold_no_wrongdoing, threshold_rules)


def held_out_predictions(held_out: HeldOut, files: Iterable[str | Path]) -> list[Prediction]:
    """Every message of ``files`` with the P(accusation) of gates trained without its file."""
    out = []
    for path in files:
        gates = held_out.without(path).gates
        assert gates is not None
        for inp, accusation, _ in held_out.examples(path):
            probability = gates.accusation_probability(inp)
            out.append(Prediction(Path(path).name, accusation, inp.accusation, probability))
    return out


def count(
    predictions: Iterable[Prediction],
    threshold: float,
    threshold_no_wrongdoing: float,
    decide: Decide = _flag,
    threshold_rules: float = 0.0,
) -> Point:
    """Counts of the flag ``decide`` gives at the three thresholds."""
    tp = fp = fn = negatives = 0
    for p in predictions:
        flagged = decide(p, threshold, threshold_no_wrongdoing, threshold_rules)
        tp += flagged and p.accusation
        fp += flagged and not p.accusation
        fn += p.accusation and not flagged
        negatives += not p.accusation
    return Point(threshold, threshold_no_wrongdoing, tp, fp, fn, threshold_rules, negatives)


def best_point(predictions: Sequence[Prediction], min_recall: float = MIN_RECALL) -> Point | None:
    """The operating point: the best pooled recall among the grid points that seal at most
    :data:`MAX_FALSE_SEAL` of the ordinary messages, keep precision ≥ :data:`MIN_PRECISION` at the
    prevalence of real mail, reach ``min_recall``, and meet the issue's targets on every file but
    the hard cases (a point that the pooled figures like can still fail one writer's set).

    Then the fewest false seals; ties go to the lower thresholds (a missed accusation is the worse
    harm). The false-seal rate is what the older files, a third of them accusations, hid: on new
    sets with 8 % accusations 4–5 % of ordinary opinions were sealed at a pooled precision of 90 %.
    """
    by_file: dict[str, list[Prediction]] = {}
    for p in predictions:
        if p.file not in HARD_CASES:
            by_file.setdefault(p.file, []).append(p)

    def every_file_meets_the_targets(point: Point) -> bool:
        t, tn, tr = point.threshold, point.threshold_no_wrongdoing, point.threshold_rules
        points = (count(rows, t, tn, threshold_rules=tr) for rows in by_file.values())
        return all(pt.recall >= FILE_MIN_RECALL and pt.precision >= FILE_MIN_PRECISION for pt in points)

    # No order is imposed between the two: the model sees the misdeed words itself, and praise or a
    # question that uses them (一分钱好处没要过, 算不算收礼) is what the held-out files seal wrongly.
    grid = ((w, n, r) for r in WITH_RULES for w in WITH_WORD for n in WITHOUT_WORD)
    points = [count(predictions, w, n, threshold_rules=r) for w, n, r in grid]
    eligible = [
        p
        for p in points
        if p.false_seal_rate <= MAX_FALSE_SEAL
        and p.precision_at() >= MIN_PRECISION
        and p.recall >= min_recall
    ]
    eligible.sort(key=lambda p: (-p.recall, p.fp, p.threshold_rules, p.threshold, p.threshold_no_wrongdoing))
    return next((p for p in eligible if every_file_meets_the_targets(p)), None)


def _model_alone(p: Prediction, threshold: float, threshold_no_wrongdoing: float, _rules: float) -> bool:
    return p.probability >= model_threshold(p.check, threshold, threshold_no_wrongdoing)


def _rules_alone(p: Prediction, _threshold: float, _no_wrongdoing: float, _rules: float) -> bool:
    return p.check.accusation


def _summary(point: Point) -> str:
    return (f"{point.cell()}  false seals {100 * point.false_seal_rate:.2f}%  (tp {point.tp}, fp {point.fp},"
            f" fn {point.fn})")


def sweep_report(predictions: Sequence[Prediction], shipped: Gates, min_recall: float = MIN_RECALL) -> str:
    """The table and the lines below it, as printed."""
    files = list(dict.fromkeys(p.file for p in predictions))
    positives = sum(p.accusation for p in predictions)
    rules = count(predictions, 0, 0, _rules_alone)
    here = count(predictions, shipped.accusation_threshold, shipped.accusation_threshold_no_wrongdoing,
                 threshold_rules=shipped.accusation_threshold_rules)
    best = best_point(predictions, min_recall)
    veto = best.threshold_rules if best else shipped.accusation_threshold_rules
    lines = [
        f"accusation flag, held out: {len(predictions)} messages of {len(files)} files,"
        f" {positives} accusations, {len(predictions) - positives} ordinary,"
        " each scored by gates trained on the other files",
        f"rules alone: {_summary(rules)}",
        f"flag = P(model) >= a threshold: {veto:.2f} when the rules seal; rows with a wrongdoing word found"
        " by the rules, columns without; cells precision/recall % and false seals % of ordinary",
        "with \\ without " + " ".join(f"{n:>17.2f}" for n in WITHOUT_WORD),
    ]
    for w in WITH_WORD:
        cells = []
        for n in WITHOUT_WORD:
            point = count(predictions, w, n, threshold_rules=veto)
            cells.append(f"{point.cell()} {100 * point.false_seal_rate:4.1f}")
        lines.append(f"{w:>15.2f} " + " ".join(f"{c:>17}" for c in cells))
    lines.append(f"shipped (classifier/data/model.json) {here.line()}")
    if best is None:
        lines.append(f"no grid point seals at most {100 * MAX_FALSE_SEAL:.0f}% of ordinary messages with"
                     f" recall >= {100 * min_recall:.0f}% and the per-file targets")
        return "\n".join(lines)
    lines.append(f"best recall with false seals <= {100 * MAX_FALSE_SEAL:.0f}%: {best.line()}")
    t, tn = best.threshold, best.threshold_no_wrongdoing
    lines.append("  file by file there:")
    for name in files:
        point = count([p for p in predictions if p.file == name], t, tn, threshold_rules=veto)
        lines.append(f"    {name:<28} {_summary(point)}")
    alone = count(predictions, t, tn, _model_alone)
    lines.append(f"  model alone, the rules' verdict ignored: {_summary(alone)}")
    return "\n".join(lines)


SCOPE_THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7)
MIN_SCOPE_PRECISION = 0.85
ScopeRow = tuple[bool, bool, float]  # (out of scope, the rules' verdict, the held-out P(model))


def scope_rows(held_out: HeldOut, files: Iterable[str | Path]) -> list[ScopeRow]:
    """Every message of ``files`` but the hard-case ones with the P(out of scope) of gates trained
    without its file (the hard cases were written to confuse; they are no sample of what arrives)."""
    rows = []
    for path in (p for p in files if Path(p).name not in HARD_CASES):
        gates = held_out.without(path).gates
        assert gates is not None
        for inp, _, oos in held_out.examples(path):
            rows.append((oos, inp.scope.rule, gates.scope_probability(inp)))
    return rows


def scope_counts(rows: Sequence[ScopeRow], threshold: float) -> tuple[int, int, int]:
    """``(tp, fp, fn)`` of the out-of-scope flag (rules OR P(model) ≥ ``threshold``)."""
    tp = sum(oos and (rule or p >= threshold) for oos, rule, p in rows)
    fp = sum(not oos and (rule or p >= threshold) for oos, rule, p in rows)
    return tp, fp, sum(oos for oos, _, _ in rows) - tp


def best_scope_threshold(rows: Sequence[ScopeRow]) -> float:
    """The lowest grid threshold whose held-out precision is at least :data:`MIN_SCOPE_PRECISION`:
    the flag is a hint a triager confirms, and unseen sets lose recall, not precision."""
    for threshold in SCOPE_THRESHOLDS:
        tp, fp, _ = scope_counts(rows, threshold)
        if tp / max(1, tp + fp) >= MIN_SCOPE_PRECISION:
            return threshold
    return SCOPE_THRESHOLDS[-1]


def scope_sweep_report(rows: Sequence[ScopeRow], shipped: Gates) -> str:
    """Held-out precision/recall of the out-of-scope flag for each threshold, as printed."""
    lines = [f"out-of-scope flag, held out: {len(rows)} messages of the files but the hard-case ones,"
             f" {sum(r[0] for r in rows)} out of scope; flag = rules OR P(model) >= threshold"]
    for threshold in sorted({*SCOPE_THRESHOLDS, shipped.scope_threshold}):
        tp, fp, fn = scope_counts(rows, threshold)
        mark = "  (shipped)" if threshold == shipped.scope_threshold else ""
        lines.append(f"  {threshold:.2f}: precision {100 * tp / max(1, tp + fp):5.1f}%"
                     f" recall {100 * tp / max(1, tp + fn):5.1f}% (fp {fp}, fn {fn}){mark}")
    best = best_scope_threshold(rows)
    lines.append(f"lowest threshold with precision >= {100 * MIN_SCOPE_PRECISION:.0f}%: {best:.2f}")
    return "\n".join(lines)
