"""How the API shows a case: the same facts, labels and access rules as the staff case page, as JSON.

Every code travels with its label in the reader's language (``status`` and ``status_label``…), so a
program can switch on the code and a person can read the label. Contact details only for the roles
that must contact the person (access.can_see_contact), exactly as the case page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from cases.extensions import db
from cases.handling.actions import Action, available_actions
from cases.handling.ratings import may_record_rating
from cases.models import Case, CaseEvent, CaseMessage, Department, StaffUser
from cases.staff.case_views import department_name
from cases.staff.labels import (
    actor_label,
    channel_label,
    delivery_label,
    event_label,
    event_reason,
    kind_label,
    purpose_label,
    rating_label,
    status_label,
)
from cases.triage import access
from cases.triage.calendar import local_date
from cases.triage.inbox import overdue_condition

# The case page's steps that are places on the page rather than forms, by their API action name.
API_NAMES = {"write": "draft_reply", "send": "send_reply"}
RATE = "rate"  # the reply panel's form for a rating the person gave by phone


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _department(department: Department | None) -> dict[str, str] | None:
    if department is None:
        return None
    return {"code": department.code, "name": department_name(department)}


def _person(user: StaffUser | None, label: str = "") -> dict[str, Any]:
    if user is None:
        return {"id": None, "name": actor_label(label or "system")}
    return {"id": user.id, "name": user.display_name or user.email}


def overdue_ids(case_ids: list[int], today: date) -> set[int]:
    """Which of these cases are overdue, by the inbox's own overdue condition (one query)."""
    if not case_ids:
        return set()
    return set(db.session.scalars(select(Case.id).where(Case.id.in_(case_ids), overdue_condition(today))))


def case_summary(case: Case, overdue: bool, rating: int | None = None) -> dict[str, Any]:
    """One row of the case list: what the inbox shows of a case."""
    return {
        "reference": case.reference,
        "status": case.status,
        "status_label": status_label(case.status),
        "kind": case.kind,
        "kind_label": kind_label(case.kind),
        "channel": case.channel,
        "channel_label": channel_label(case.channel),
        "subject": case.subject,
        "received_at": _moment(case.received_at),
        "department": _department(case.department),
        "problems": [problem.code for problem in case.problems],
        "acceptance_due": _day(case.acceptance_due),
        "reply_due": _day(case.reply_due),
        "overdue": overdue,
        "sealed": access.case_is_sealed(case),
        "held": access.case_is_held(case),
        "rating": rating,
        "rating_label": rating_label(rating) if rating else None,
    }


def api_actions(user: StaffUser, case: Case, now: datetime) -> list[Action]:
    """The steps the case page offers this user now, named as the API's actions (the main one first)."""
    offered = available_actions(user, case, now)
    steps = [Action(API_NAMES.get(step.code, step.code), step.label) for step in offered]
    if may_record_rating(user, case):
        steps.insert(len(steps) - 1, Action(RATE, _("Record the rating")))
    return steps


def _message(message: CaseMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "direction": message.direction,
        "purpose": message.purpose,
        "purpose_label": purpose_label(message.purpose) if message.direction == "outbound" else None,
        "created_at": _moment(message.created_at),
        "author": _person(message.author) if message.direction == "note" and message.author else None,
        "subject": message.subject,
        "body_text": message.body_text,
        "delivery_status": message.delivery_status,
        "delivery_label": delivery_label(message.delivery_status) or None,
        "attachments": [{"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}
                        for a in message.attachments],
    }


def _event(event: CaseEvent) -> dict[str, Any]:
    return {
        "at": _moment(event.at),
        "action": event.action,
        "label": event_label(event.action),
        "actor": _person(event.actor, event.actor_label),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "reason": event_reason(event.action, event.reason, event.detail),
    }


def case_detail(user: StaffUser, case: Case, now: datetime) -> dict[str, Any]:
    """The case as its page shows it to ``user`` (the caller has checked access.can_view)."""
    messages = db.session.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id)
                                  .order_by(CaseMessage.created_at, CaseMessage.id))
    duplicate_of = db.session.get(Case, case.duplicate_of_id) if case.duplicate_of_id else None
    shown = {
        **case_summary(case, case.id in overdue_ids([case.id], local_date(now))),
        "tasks": [{"id": task.id, "headline": task.headline} for task in case.tasks],
        "handler": _person(case.handler) if case.handler else None,
        "extension_days": case.extension_days,
        "review_round": case.review_round,
        "referred_to": case.referred_to or None,
        "duplicate_of": duplicate_of.reference
        if duplicate_of is not None and access.can_view(user, duplicate_of) else None,
        "due_estimated": case.due_estimated,
        "contact": None,
        "messages": [_message(m) for m in access.shown_messages(user, case, messages)],
        "events": [_event(e) for e in access.shown_events(user, case, case.events)],
        "allowed_actions": [{"action": a.code, "label": a.label} for a in api_actions(user, case, now)],
    }
    if access.can_see_contact(user, case):
        shown["contact"] = {"anonymous": case.anonymous, "name": case.submitter_name,
                            "email": case.submitter_email, "phone": case.submitter_phone,
                            "email_undeliverable": case.email_undeliverable}
    return shown
