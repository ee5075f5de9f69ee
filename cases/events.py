"""The audit trail: every change to a case is written here, and nothing is ever edited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import g, has_app_context

from cases.extensions import db
from cases.models import Case, CaseEvent, ReportDirty, StaffUser
from cases.transaction_info import transaction_key

# session.info, for the transaction: the cases whose report facts it made stale (the outbox's
# commit_and_dispatch refreshes them after the commit: see cases.reports.facts).
REPORT_DIRTY_MARKED = transaction_key("report_dirty_marked")


def act_through_token(token_id: int, name: str) -> None:
    """Mark the events of this request as made through an API token (kept in each event's detail)."""
    g.acting_through = {"api_token": token_id, "name": name}


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
    through = g.get("acting_through") if has_app_context() else None
    if through is not None:  # the trail says the change came through the API, and which token
        detail = {**(detail or {}), "via": through}
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
    mark_report_dirty(case)
    return entry


def mark_report_dirty(case: Case) -> None:
    """The case's report facts are out of date: mark it, in this transaction (once).

    The mark is the durable record of the work: refreshed after the commit, or by the sweep; until
    then the reports read the case from its events, so a figure is never stale.
    """
    marked = db.session.info.setdefault(REPORT_DIRTY_MARKED, set())
    if case not in marked:
        marked.add(case)
        db.session.add(ReportDirty(case=case))
