"""The administration's audit log: every change is an event with who, when, before and after.

Snapshots are plain JSON built from named fields only; a key that could hold a secret (a password,
a hash, a token) is refused here, so no caller can write one by mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cases.extensions import db
from cases.models import AuditEvent, StaffUser
from cases.models.types import utcnow

STAFF_USER = "staff_user"
DEPARTMENT = "department"
ROUTING_RULE = "routing_rule"
HOLIDAY = "holiday_override"
DISCIPLINE_MEASURE = "discipline_measure"
API_TOKEN = "api_token"  # noqa: S105 - an entity name, not a secret
NOTICE_TEMPLATE = "notice_template"
ENTITIES: tuple[str, ...] = (STAFF_USER, DEPARTMENT, ROUTING_RULE, HOLIDAY, DISCIPLINE_MEASURE, API_TOKEN,
                             NOTICE_TEMPLATE)

# Substrings of a key that may never be written (session_token, password_hash, token_hash…).
_SECRET_WORDS = ("password", "token", "secret", "hash")
PAGE_SIZE = 50


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set | tuple):
        return sorted(value)
    return value


def snapshot(row: object, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of ``row`` as JSON values (dates as ISO text, sets as sorted lists)."""
    return {name: _plain(getattr(row, name)) for name in fields}


def _check_no_secret(values: Mapping[str, Any] | None) -> None:
    for key in values or {}:
        if any(word in key.lower() for word in _SECRET_WORDS):
            raise ValueError(f"audit snapshots never hold secrets: refused key {key!r}")


def record(
    entity: str,
    entity_id: object,
    action: str,
    *,
    actor: StaffUser | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent | None:
    """Append an event (None when an update changed nothing). Flushes."""
    _check_no_secret(before)
    _check_no_secret(after)
    if before is not None and after is not None and dict(before) == dict(after):
        return None
    event = AuditEvent(
        at=utcnow(),
        actor=actor,
        actor_label=actor_label or ("staff" if actor is not None else "system"),
        entity=entity,
        entity_id=str(entity_id),
        action=action,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


def delete_row(row: object, entity: str, entity_id: object, before: Mapping[str, Any], *,
               actor: StaffUser | None) -> None:
    """Delete ``row`` and append its removal with what it was. Flushes."""
    db.session.delete(row)
    db.session.flush()
    record(entity, entity_id, "deleted", actor=actor, before=before)


@dataclass(frozen=True)
class AuditPage:
    """One page of the log, newest first, and the id to continue below (None on the last page)."""

    events: list[AuditEvent]
    next_before: int | None


def events_page(entity: str | None = None, before_id: int | None = None, size: int = PAGE_SIZE) -> AuditPage:
    """The newest events (of one entity when given), below ``before_id`` when given (keyset)."""
    query = db.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(size + 1)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    rows = list(db.session.scalars(query))
    more = len(rows) > size
    rows = rows[:size]
    return AuditPage(rows, rows[-1].id if more and rows else None)


def changed_fields(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for every field the event changed (all fields of a creation or removal)."""
    before, after = event.before or {}, event.after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [(name, before.get(name), after.get(name)) for name in names
            if event.before is None or event.after is None or before.get(name) != after.get(name)]
