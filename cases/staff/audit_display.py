"""The audit log in the reader's words: labels for entities, actions and fields, values made readable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from cases.admin import audit
from cases.extensions import db
from cases.models import AuditEvent, Department, StaffUser, Task
from cases.notice_templates import LANGUAGE_NAMES, TITLES
from cases.staff.labels import (
    AUDIT_ACTION_LABELS,
    AUDIT_ENTITY_LABELS,
    AUDIT_FIELD_LABELS,
    audit_label,
    department_kind_label,
    role_label,
)
from cases.web import local_time

_FLAGS = frozenset({"active", "must_change", "office_approval", "concludes"})


@dataclass(frozen=True)
class EventRow:
    """One event as the audit page shows it."""

    event: AuditEvent
    actor: str
    entity: str
    subject: str
    action: str
    changes: list[str]  # "field: before → after" in words (only the value for a creation or removal)


def _department_names(codes: list[str]) -> str:
    names = {d.code: d for d in db.session.scalars(db.select(Department).where(Department.code.in_(codes)))}
    chinese = get_locale().language == "zh"
    return "、".join((names[c].name_zh if chinese else names[c].name_en) if c in names else c for c in codes)


def _value(field: str, value: Any) -> str:
    """A snapshot value in words."""
    if value is None or value == []:
        return "—"
    if field in _FLAGS:
        return _("Yes") if value else _("No")
    if field == "is_working_day":
        return _("Working day") if value else _("Holiday")
    if field == "roles":
        return "、".join(role_label(role) for role in value)
    if field == "departments":
        return _department_names(list(value))
    if field == "department":
        return _department_names([value])
    if field == "kind":
        return department_kind_label(value)
    if field == "task":
        task = db.session.get(Task, value) if isinstance(value, int) else None
        return task.headline if task else str(value)
    if field == "key" and value in TITLES:
        return _(TITLES[value])
    if field == "language" and value in LANGUAGE_NAMES:
        return _(LANGUAGE_NAMES[value])
    if field == "expires_at":
        return local_time(datetime.fromisoformat(value))
    return str(value)


def _subject(event: AuditEvent) -> str:
    """What the event was about, in a few words (the account, the department, the date…)."""
    values = event.after or event.before or {}
    if event.entity == "notice_template" and values.get("key") in TITLES:
        return f"{_value('key', values['key'])} · {_value('language', values.get('language'))}"
    if event.entity == "routing_rule":
        if values.get("task") is not None:
            return _value("task", values["task"])
        return values.get("problem") or _("The default rule")
    for key in ("email", "name_zh" if get_locale().language == "zh" else "name_en", "day"):
        if values.get(key):
            return str(values[key])
    if event.entity == "staff_user" and event.entity_id.isdigit():  # a password event names no e-mail
        user = db.session.get(StaffUser, int(event.entity_id))
        if user is not None:
            return user.email
    return f"#{event.entity_id}"


def _change(event: AuditEvent, name: str, before: Any, after: Any) -> str:
    field = audit_label(AUDIT_FIELD_LABELS, name)
    if event.before is None or event.after is None:  # a creation or a removal: the values it had
        value = after if event.before is None else before
        return _("%(field)s: %(value)s", field=field, value=_value(name, value))
    return _("%(field)s: %(before)s → %(after)s", field=field, before=_value(name, before),
             after=_value(name, after))


def describe_event(event: AuditEvent) -> EventRow:
    """The event in the reader's language (no codes)."""
    if event.actor is not None:
        actor = event.actor.display_name or event.actor.email
    else:
        actor = _("Command line") if event.actor_label == "command line" else _("System")
    changes = [_change(event, name, before, after) for name, before, after in audit.changed_fields(event)]
    return EventRow(event, actor, audit_label(AUDIT_ENTITY_LABELS, event.entity), _subject(event),
                    audit_label(AUDIT_ACTION_LABELS, event.action), changes)

