"""The one service through which a case changes status: the table decides, an event records it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cases.domain.clocks import report_back_due
from cases.domain.states import CLOSED, IllegalTransition, is_sealed, transition
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

    Raises IllegalTransition (a ValueError with a clear message) when the table forbids it.
    """
    step = transition(case.status, action)
    case.status = step.to_status
    case.updated_at = now
    if step.to_status == CLOSED and is_sealed(case.kind, case.confidential):
        # Discipline track: the reporter hears back within its own clock after closing.
        due = report_back_due(current_calendar(), local_date(now), configured_clocks())
        detail = {**(detail or {}), "report_back_due": due.due.isoformat(), "estimated": due.estimated}
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


def note_event(
    case: Case,
    action: str,
    *,
    actor: StaffUser | None,
    now: datetime,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> CaseEvent:
    """Record an event that changes no status (a link, a view, a kind). Flushes."""
    entry = record_event(case, action, at=now, actor=actor, reason=reason.strip(), detail=detail)
    db.session.flush()
    return entry


__all__ = ["IllegalTransition", "TriageError", "change_status", "note_event"]
