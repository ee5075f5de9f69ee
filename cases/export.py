"""The case archive format: one JSON object per case, one case per line (JSON Lines).

This is the archive and migration format and what the end-to-end checks read, so it is
versioned (``format``) and only ever grows. Each line holds:

format ("hqcbd-case/1"), reference, channel, kind, status, subject, body, submitter
{name, email, phone, anonymous, consent}, received_at (ISO 8601, UTC), confidential,
problems (linked problem codes), tasks (linked task headlines), department (code or null),
acceptance_due, reply_due (ISO dates or null), closed_at, duplicate_of (reference or null),
messages [{direction, subject, text, sender, recipients, message_id, in_reply_to, created_at,
attachments [{name, content_type, size, sha256}]}], events [{at, actor, action, from, to,
reason}].

Sealed cases (accusations, 检举控告, and anything marked confidential) and held cases (not yet
screened, so possibly accusations) are left out unless the caller asks for them explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, not_
from sqlalchemy.orm import selectinload

from cases.extensions import db
from cases.models import Case, CaseMessage
from cases.triage.access import restricted_condition

FORMAT = "hqcbd-case/1"


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_to_dict(case: Case) -> dict[str, Any]:
    """The archive record of one case."""
    return {
        "format": FORMAT,
        "reference": case.reference,
        "channel": case.channel,
        "kind": case.kind,
        "status": case.status,
        "subject": case.subject,
        "body": case.body,
        "submitter": {
            "name": case.submitter_name,
            "email": case.submitter_email,
            "phone": case.submitter_phone,
            "anonymous": case.anonymous,
            "consent": case.consent,
        },
        "received_at": _iso(case.received_at),
        "confidential": case.confidential,
        "problems": [problem.code for problem in case.problems],
        "tasks": [task.headline for task in case.tasks],
        "department": case.department.code if case.department else None,
        "acceptance_due": _iso(case.acceptance_due),
        "reply_due": _iso(case.reply_due),
        "closed_at": _iso(case.closed_at),
        "duplicate_of": _duplicate_reference(case),
        "messages": [_message_to_dict(message) for message in case.messages],
        "events": [
            {
                "at": _iso(event.at),
                "actor": event.actor_label,
                "action": event.action,
                "from": event.from_status,
                "to": event.to_status,
                "reason": event.reason,
            }
            for event in case.events
        ],
    }


def _duplicate_reference(case: Case) -> str | None:
    if case.duplicate_of_id is None:
        return None
    return db.session.scalar(db.select(Case.reference).where(Case.id == case.duplicate_of_id))


def _message_to_dict(message: CaseMessage) -> dict[str, Any]:
    return {
        "direction": message.direction,
        "subject": message.subject,
        "text": message.body_text,
        "sender": message.sender,
        "recipients": message.recipients,
        "message_id": message.message_id,
        "in_reply_to": message.in_reply_to,
        "created_at": _iso(message.created_at),
        "attachments": [
            {
                "name": attachment.filename,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
            for attachment in message.attachments
        ],
    }


def _exported(include_sealed: bool) -> list[Any]:
    """SQL conditions on the cases an export writes."""
    # Held cases too: nobody has screened them yet, and any of them may be an accusation.
    return [] if include_sealed else [not_(restricted_condition())]


def count_export(include_sealed: bool = False) -> int:
    """How many cases an export with the same option writes (the length of its progress bar)."""
    return db.session.scalar(db.select(func.count()).select_from(Case).where(*_exported(include_sealed))) or 0


def iter_export(include_sealed: bool = False, batch: int = 500) -> Iterator[dict[str, Any]]:
    """Every case as an archive record, oldest first, streamed in batches."""
    query = db.select(Case).where(*_exported(include_sealed)).order_by(Case.id)
    query = query.options(
        selectinload(Case.problems),
        selectinload(Case.tasks),
        selectinload(Case.department),
        selectinload(Case.events),
        # Attachment bytes are deferred by not being loaded here: only their metadata is exported.
        selectinload(Case.messages).selectinload(CaseMessage.attachments),
    )
    last_id = 0
    while True:
        page = list(db.session.scalars(query.where(Case.id > last_id).limit(batch)))
        if not page:
            return
        for case in page:
            yield case_to_dict(case)
        last_id = page[-1].id
        db.session.expunge_all()  # keep memory flat on large archives
