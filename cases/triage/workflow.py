"""The one service through which a case changes status: the table decides, an event records it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cases.domain.clocks import rating_due, reply_due, report_back_due, review_due
from cases.domain.satisfaction import REQUEST_RE_REVIEW, REQUEST_REVIEW, round_after
from cases.domain.states import CLOSED, FINAL_STATUSES, IllegalTransition, is_sealed, transition
from cases.events import record_event
from cases.extensions import db
from cases.models import Case, CaseEvent, StaffUser
from cases.triage.calendar import configured_clocks, current_calendar, local_date


class TriageError(ValueError):
    """A decision that cannot be taken; the message is shown to the staff member as it is."""


def change_status(
    case: Case,
    action: str,
    *,
    actor: StaffUser | None,
    now: datetime,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    actor_label: str = "system",
) -> CaseEvent:
    """Apply ``action`` to ``case`` through the transition table and write the event. Flushes.

    The only writer of a case's status and of the clocks a transition moves (reply, review, rating,
    report back); it also releases the edit lock, since the case moves on to someone else.
    Raises IllegalTransition (a ValueError with a clear message) when the table forbids it.
    """
    step = transition(case.status, action)
    case.status = step.to_status
    case.updated_at = now
    detail = {**(detail or {}), **_move_clocks(case, step.action, step.to_status, now)} or None
    # The case changes hands or stage: whoever had it open for editing no longer blocks the next one.
    case.locked_by_id, case.locked_until = None, None
    entry = record_event(
        case,
        action,
        at=now,
        actor=actor,
        actor_label=actor_label,
        from_status=step.from_status,
        to_status=step.to_status,
        reason=reason.strip(),
        detail=detail,
    )
    db.session.flush()
    return entry


def _move_clocks(case: Case, action: str, to_status: str, now: datetime) -> dict[str, Any]:
    """Set the clocks a transition starts or stops (the one place they move); return what changed."""
    calendar, clocks, today = current_calendar(), configured_clocks(), local_date(now)
    changed: dict[str, Any] = {}
    if action == "accept":
        case.accepted_at = now
        due = reply_due(calendar, today, clocks)
        case.reply_due, case.due_estimated = due.due, case.due_estimated or due.estimated
    if action == "reopen":
        case.closed_at = None
    if action == "send_reply":
        case.replied_at = now
        case.rating_due = rating_due(calendar, today, clocks).due
        changed["rating_due"] = case.rating_due.isoformat()
    if action in (REQUEST_REVIEW, REQUEST_RE_REVIEW):
        case.review_round = round_after(action, case.review_round)
        due = review_due(calendar, today, clocks)
        case.reply_due, case.closed_at, case.rating_due = due.due, None, None
        case.due_estimated = case.due_estimated or due.estimated
        changed.update(review_round=case.review_round, reply_due=due.due.isoformat())
    if to_status in FINAL_STATUSES:
        case.closed_at, case.rating_due = now, None
    if to_status == CLOSED and is_sealed(case.kind, case.confidential) and not case.anonymous:
        # Discipline track: a named reporter hears back within its own clock after closing.
        due = report_back_due(calendar, today, clocks)
        case.report_back_due = due.due
        changed.update(report_back_due=due.due.isoformat(), estimated=due.estimated)
    return changed


def note_event(
    case: Case,
    action: str,
    *,
    actor: StaffUser | None,
    now: datetime,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    actor_label: str = "system",
    flush: bool = True,
) -> CaseEvent:
    """Record an event that changes no status (a link, a view, a kind). Flushes unless told not to
    (the mailbox writes a whole group of messages in one flush)."""
    entry = record_event(case, action, at=now, actor=actor, actor_label=actor_label, reason=reason.strip(),
                         detail=detail)
    if flush:
        db.session.flush()
    return entry


__all__ = ["IllegalTransition", "TriageError", "change_status", "note_event"]
