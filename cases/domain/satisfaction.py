"""The person's rating of a reply, and what it and their later messages do to the case.

Pure: the 好差评 scale, when a case closes, and when it goes to review (复查) or re-review (复核).
A case is answered once, reviewed at most once and re-reviewed at most once; after the re-review
the answer is final, and a message on the same facts is recorded but reopens nothing.
"""

from __future__ import annotations

from cases.domain import states

# 好差评: stored raw, 5 非常满意 … 1 非常不满意.
LEVELS: tuple[int, ...] = (5, 4, 3, 2, 1)
# 非常满意, 满意, 基本满意: the person accepts the answer.
SATISFIED_LEVELS = frozenset({5, 4, 3})

ORIGINAL, REVIEW_ROUND, RE_REVIEW_ROUND = 0, 1, 2

CLOSE = "close"
REQUEST_REVIEW = "request_review"
REQUEST_RE_REVIEW = "request_re_review"
RECORD = "record"  # recorded on the case, nothing else changes
FINAL = "final"  # recorded; the person is told the answer is final (after a re-review)


def is_satisfied(level: int) -> bool:
    """Whether a rating level accepts the answer (基本满意 or better)."""
    return level in SATISFIED_LEVELS


def next_review_action(review_round: int) -> str | None:
    """The transition that opens the next review round, or None after the re-review."""
    if review_round <= ORIGINAL:
        return REQUEST_REVIEW
    if review_round == REVIEW_ROUND:
        return REQUEST_RE_REVIEW
    return None


def round_after(action: str, review_round: int) -> int:
    """The review round a case is in after ``action``."""
    if action == REQUEST_REVIEW:
        return REVIEW_ROUND
    if action == REQUEST_RE_REVIEW:
        return RE_REVIEW_ROUND
    return review_round


def after_rating(level: int, review_round: int) -> str:
    """What a rating does to a replied case: close it, or open its review or re-review.

    A rating after the re-review closes the case whatever it is: the re-review is final.
    """
    if is_satisfied(level):
        return CLOSE
    return next_review_action(review_round) or CLOSE


def after_follow_up(status: str, review_round: int, within_reopen_window: bool) -> str:
    """What a message from the person does to their case (the web page and e-mail alike).

    On an open or replied case it is recorded (the handler sees it; a replied case can be rated).
    On a recently closed case it opens the next review round; after the re-review the answer is
    final; long after closing it is only recorded.
    """
    if status != states.CLOSED:
        return RECORD
    action = next_review_action(review_round)
    if action is None:
        return FINAL
    return action if within_reopen_window else RECORD
