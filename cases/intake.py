"""Recording a new case from any channel: the one place a case is born."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from cases.catalogue import current_problems_by_code
from cases.domain.filenames import clean_filename
from cases.domain.filetypes import CheckedFile
from cases.domain.states import CHANNELS, RECEIVED
from cases.domain.text_input import clean_line, clean_text
from cases.domain.tracking import hash_code, new_tracking_code
from cases.events import record_event
from cases.extensions import db
from cases.models import Attachment, Case, CaseMessage, StaffUser
from cases.references import next_reference
from cases.triage.screening import apply_screening, ask_for_screening, set_acceptance_due
from cases.triage.suggest import screen_case


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
    # Given when the opinion was staged (cases.staging): its reference and code are already known.
    reference: str | None = None
    tracking_code_hash: str | None = None


# Column limits (cases.models.case): a value that does not fit is not what its column means.
_EMAIL_MAX, _PHONE_MAX, _TYPE_MAX, _MESSAGE_ID_MAX, _LANGUAGE_MAX = 254, 40, 255, 998, 10


def _clean_file(upload: IncomingFile) -> IncomingFile:
    content_type = clean_line(upload.content_type).strip()
    if len(content_type) > _TYPE_MAX or not content_type:
        content_type = "application/octet-stream"  # a header that long names no real type
    name = clean_filename(upload.filename) or "attachment"
    return IncomingFile(name, content_type, upload.data)


def clean_new_case(new: NewCase) -> NewCase:
    """``new`` fit to store, whatever the channel sent: no control characters, every value fits.

    The one gate in front of the database for a new opinion (the web form, the mailbox, staff
    entry and the quarantine all record through here or through staging, which calls it too).
    An address too long to be one is kept as the sender's text, not as the address we answer.
    """
    email = clean_line(new.submitter_email).strip().lower()
    phone = clean_line(new.submitter_phone).strip()
    message_id = clean_line(new.message_id).strip()[:_MESSAGE_ID_MAX] if new.message_id else new.message_id
    language = new.language if new.language and len(new.language) <= _LANGUAGE_MAX else "zh_Hans"
    return replace(
        new,
        body=clean_text(new.body),
        subject=clean_line(new.subject),
        submitter_name=clean_line(new.submitter_name),
        submitter_email=email if len(email) <= _EMAIL_MAX else "",
        submitter_phone=phone if len(phone) <= _PHONE_MAX else "",
        sender=clean_line(new.sender) or email,
        message_id=message_id or None,
        language=language,
        problem_codes=tuple(clean_line(code) for code in new.problem_codes),
        files=tuple(_clean_file(upload) for upload in new.files),
    )


@dataclass(frozen=True)
class RecordedCase:
    """The new case and its tracking code (shown once; only its hash is stored; empty for a staged
    opinion, whose code was shown when it was staged)."""

    case: Case
    tracking_code: str


def record_case(new: NewCase, *, now: datetime, actor: StaffUser | None = None,
                flush: bool = True, screen_later: bool = False) -> RecordedCase:
    """Record a new case with its first inbound message; flush once (unless told not to), never commit.

    ``flush=False`` is for a caller that adds more and flushes it all at once; ``screen_later``
    leaves the classifier to the screening job and holds the case until then (the mailbox).
    """
    if new.channel not in CHANNELS:
        raise ValueError(f"unknown channel {new.channel!r}")
    new = clean_new_case(new)
    code = "" if new.tracking_code_hash else new_tracking_code()
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
        verdict = None if screen_later else screen_case(case)
        # Late: the counter's row lock is held from here to the commit.
        case.reference = new.reference or next_reference(new.received_at.year)
        set_acceptance_due(case)
        if screen_later:
            ask_for_screening()
        else:
            apply_screening(case, verdict, now)
    if flush:
        db.session.flush()
    return RecordedCase(case=case, tracking_code=code)


def _new_case(new: NewCase, code: str, now: datetime) -> Case:
    case = Case(
        tracking_code_hash=new.tracking_code_hash or hash_code(code),
        channel=new.channel,
        status=RECEIVED,
        subject=new.subject,
        body=new.body,
        submitter_name="" if new.anonymous else new.submitter_name,
        submitter_email=new.submitter_email,
        submitter_phone=new.submitter_phone,
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
    attach_files(message, new.files)
    return case


def attach_files(message: CaseMessage, files: Iterable[IncomingFile | CheckedFile]) -> None:
    """Keep checked files with the message they came with (bytes, size and SHA-256)."""
    for upload in files:
        message.attachments.append(
            Attachment(
                filename=upload.filename,
                content_type=upload.content_type,
                size=len(upload.data),
                sha256=hashlib.sha256(upload.data).hexdigest(),
                data=upload.data,
            )
        )
