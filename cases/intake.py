"""Recording a new case from any channel: the one place a case is born."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from cases.catalogue import current_problems_by_code
from cases.domain import clocks as clock_rules
from cases.domain.classifier import Classification
from cases.domain.states import ACCUSATION, CHANNELS, RECEIVED
from cases.domain.tracking import hash_code, new_tracking_code
from cases.events import record_event
from cases.extensions import db
from cases.models import Attachment, Case, CaseMessage, StaffUser
from cases.references import next_reference
from cases.triage.calendar import configured_clocks, current_calendar, local_date
from cases.triage.suggest import refresh_search_text, screen_case


@dataclass(frozen=True)
class IncomingFile:
    """A file that came with an opinion (a web upload, an e-mail attachment, a scan)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class NewCase:
    """Everything an intake channel knows about a new opinion."""

    channel: str
    body: str
    received_at: datetime
    subject: str = ""
    submitter_name: str = ""
    submitter_email: str = ""
    submitter_phone: str = ""
    anonymous: bool = False
    consent: bool = False
    language: str = "zh_Hans"
    problem_codes: tuple[str, ...] = ()
    files: tuple[IncomingFile, ...] = field(default_factory=tuple)
    message_id: str | None = None
    sender: str = ""


@dataclass(frozen=True)
class RecordedCase:
    """The new case and its tracking code (shown once; only its hash is stored)."""

    case: Case
    tracking_code: str


def record_case(new: NewCase, *, now: datetime, actor: StaffUser | None = None) -> RecordedCase:
    """Record a new case with its first inbound message; flush once, never commit."""
    if new.channel not in CHANNELS:
        raise ValueError(f"unknown channel {new.channel!r}")
    code = new_tracking_code()
    # No autoflush: the case is built, screened and dated in memory and written in one flush
    # (the busiest path of the web form and the mailbox).
    with db.session.no_autoflush:
        case = _new_case(new, code, now)
        db.session.add(case)
        record_event(
            case, "received", at=now, actor=actor,
            actor_label="public" if actor is None else "staff",
            to_status=RECEIVED, detail={"channel": new.channel},
        )
        verdict = screen_case(case)
        # Late: the counter's row lock is held from here to the commit.
        case.reference = next_reference(new.received_at.year)
        _prepare_for_triage(case, verdict, now)
    db.session.flush()
    return RecordedCase(case=case, tracking_code=code)


def _new_case(new: NewCase, code: str, now: datetime) -> Case:
    case = Case(
        tracking_code_hash=hash_code(code),
        channel=new.channel,
        status=RECEIVED,
        subject=new.subject,
        body=new.body,
        submitter_name="" if new.anonymous else new.submitter_name,
        submitter_email=new.submitter_email.strip().lower(),
        submitter_phone=new.submitter_phone.strip(),
        anonymous=new.anonymous,
        consent=new.consent,
        language=new.language,
        received_at=new.received_at,
        created_at=now,
        updated_at=now,
    )
    if new.problem_codes:
        case.problems = current_problems_by_code(new.problem_codes)
    message = CaseMessage(
        case=case,
        direction="inbound",
        subject=new.subject,
        body_text=new.body,
        sender=new.sender or new.submitter_email,
        message_id=new.message_id,
        created_at=now,
    )
    for upload in new.files:
        message.attachments.append(
            Attachment(
                filename=upload.filename,
                content_type=upload.content_type,
                size=len(upload.data),
                sha256=hashlib.sha256(upload.data).hexdigest(),
                data=upload.data,
            )
        )
    return case


def _prepare_for_triage(case: Case, verdict: Classification | None, now: datetime) -> None:
    """Search words, suggestions and the acceptance clock; a suspected accusation is sealed at once."""
    refresh_search_text(case)
    if verdict is not None:
        case.suggestions = {**verdict.as_dict(case.reference), "at": now.isoformat()}
    if verdict is not None and verdict.accusation:
        # Sealed until an inspector or supervisor says otherwise: a false alarm costs a day,
        # a leak to the accused cannot be undone.
        case.kind, case.confidential = ACCUSATION, True
        record_event(case, "sealed_on_intake", at=now, actor_label="system",
                     reason="the classifier flagged a possible accusation")
    # Letters: received_at is the postmark date, which starts the clock.
    due = clock_rules.acceptance_due(current_calendar(), local_date(case.received_at), configured_clocks(),
                                     sealed=case.confidential)
    case.acceptance_due, case.due_estimated = due.due, due.estimated
