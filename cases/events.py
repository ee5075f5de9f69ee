"""The audit trail: every change to a case is written here, and nothing is ever edited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cases.extensions import db
from cases.models import Case, CaseEvent, StaffUser


def record_event(
    case: Case,
    action: str,
    *,
    at: datetime,
    actor: StaffUser | None = None,
    actor_label: str = "system",
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one event to a case's trail (flushed with the caller's unit of work)."""
    entry = CaseEvent(
        case=case,
        at=at,
        actor=actor,
        actor_label=actor.email if actor is not None else actor_label,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        detail=detail,
    )
    db.session.add(entry)
    return entry
