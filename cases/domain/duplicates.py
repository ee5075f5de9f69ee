"""Likely duplicates: which cases look like a repeat of another, and why. Pure Python, clock passed in.

Three signals, each a reason a person can check at a glance: the same sender (e-mail address or
phone number, compared and never shown here), a case reference quoted in the text (HQ-YYYY-NNNNNN),
and similar text: the cosine of the two messages' vectors over the classifier's own features
(jieba words and CJK character bigrams, :meth:`classifier.engine.Classifier.features`).

TEXT_THRESHOLD was chosen on the training files only (classifier/data/labelled/feedback_train6-10.jsonl, 1 200
messages written as distinct opinions, see bench/duplicate_threshold.py): it is the 99.9th
percentile of the similarity between two different messages about the same rectification
problem, the hardest pairs that are not repeats, rounded up to 0.05. A repeat (the same opinion
sent again, reworded at the edges) scores far above it: 1 063 of 1 200 synthetic repeats
of the training messages (a greeting added, the last sentence dropped) reach it, median 0.84.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cases.domain.states import DUPLICATE, OPEN_STATUSES, allowed_actions

TEXT_THRESHOLD = 0.65  # bench/duplicate_threshold.py: p99.9 of same-problem pairs 0.633
WINDOW_DAYS = 90  # a closed case stays a candidate this long after it closed
MAX_SHOWN = 5
# Only the start and end of a long text are compared (like the classifier: bounded work per case).
HEAD_CHARS = 1000
TAIL_CHARS = 300

QUOTED_REFERENCE = re.compile(r"HQ[-－—_ ]?(\d{4})[-－—_ ]?(\d{6})", re.IGNORECASE)
_DIGITS = re.compile(r"\d")


def bounded(text: str) -> str:
    """The part of a text that is compared: all of it, or its head and tail when it is long."""
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return f"{text[:HEAD_CHARS]}。{text[-TAIL_CHARS:]}"


def quoted_references(*texts: str) -> frozenset[str]:
    """The case references quoted in ``texts``, written the canonical way (HQ-2026-000123)."""
    found = set()
    for text in texts:
        for year, number in QUOTED_REFERENCE.findall(text or ""):
            found.add(f"HQ-{year}-{number}")
    return frozenset(found)


def sender_keys(email: str, phone: str) -> frozenset[str]:
    """What identifies a sender: the e-mail address (case-folded) and the phone's last 11 digits."""
    keys = set()
    address = (email or "").strip().lower()
    if "@" in address:
        keys.add(f"email:{address}")
    digits = "".join(_DIGITS.findall(phone or ""))
    if len(digits) >= 7:  # shorter is an extension or a typo, not a person
        keys.add(f"phone:{digits[-11:]}")
    return frozenset(keys)


def text_vector(features: Iterable[str]) -> dict[str, float]:
    """A message's vector: each feature counted, damped (1 + log n) so that repeats weigh less."""
    counts = Counter(features)
    return {feature: 1.0 + math.log(n) for feature, n in counts.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """The cosine similarity of two vectors (0 when either is empty)."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(weight * b.get(feature, 0.0) for feature, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


@dataclass(frozen=True)
class Profile:
    """What the rule compares of one case."""

    reference: str
    status: str
    received_at: datetime
    closed_at: datetime | None = None
    senders: frozenset[str] = frozenset()
    quoted: frozenset[str] = frozenset()
    vector: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """Why ``reference`` looks like a repeat: the signals found, and a rank to sort by."""

    reference: str
    same_sender: bool
    quoted: str  # the reference one of the two quotes of the other ("" when none)
    similarity: float  # rounded to two decimals; 0 when below the threshold

    @property
    def rank(self) -> float:
        """Higher first: a quoted reference is near-proof, the same sender strong, text graded."""
        return 2.0 * bool(self.quoted) + 1.0 * self.same_sender + self.similarity


def is_candidate(status: str, closed_at: datetime | None, now: datetime,
                 window_days: int = WINDOW_DAYS) -> bool:
    """Open cases always; finished ones (not a merged duplicate) until ``window_days`` after closing."""
    if status == DUPLICATE:
        return False
    if status in OPEN_STATUSES:
        return True
    return closed_at is not None and closed_at >= now - timedelta(days=window_days)


def match(this: Profile, other: Profile, threshold: float = TEXT_THRESHOLD) -> Match | None:
    """How ``other`` resembles ``this``; None when no signal is found."""
    if other.reference == this.reference:
        return None
    same_sender = bool(this.senders & other.senders)
    if other.reference in this.quoted:
        quoted = other.reference
    elif this.reference in other.quoted:
        quoted = this.reference
    else:
        quoted = ""
    similarity = cosine(this.vector, other.vector)
    similarity = round(similarity, 2) if similarity >= threshold else 0.0
    if not (same_sender or quoted or similarity):
        return None
    return Match(other.reference, same_sender, quoted, similarity)


def likely_duplicates(
    this: Profile,
    others: Iterable[Profile],
    now: datetime,
    *,
    window_days: int = WINDOW_DAYS,
    threshold: float = TEXT_THRESHOLD,
    limit: int = MAX_SHOWN,
) -> list[Match]:
    """The ``limit`` cases most like ``this`` among ``others`` (those still candidates now), best first."""
    found = []
    for other in others:
        if not is_candidate(other.status, other.closed_at, now, window_days):
            continue
        result = match(this, other, threshold)
        if result is not None:
            found.append((result, other.received_at))
    found.sort(key=lambda pair: (-pair[0].rank, -pair[1].timestamp(), pair[0].reference))
    return [result for result, _received in found[:limit]]


def merge_direction(this: Profile, other: Profile) -> str | None:
    """Which of the two a merge would fold into the other: "this", "other", or None (neither may be).

    Only a case still at triage (received or accepted) can be merged; when both can, the newer one
    goes into the older one, which keeps the older one's clocks. A finished target means the repeat
    is linked to it and the finished case stays closed (cases.triage.decisions.merge).
    """
    this_may = "merge" in allowed_actions(this.status)
    other_may = "merge" in allowed_actions(other.status)
    if this_may and other_may:
        newer_is_this = (this.received_at, this.reference) > (other.received_at, other.reference)
        return "this" if newer_is_this else "other"
    if this_may:
        return "this"
    return "other" if other_may else None
