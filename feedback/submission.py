"""Taking in an opinion sent through the web form, with its due date and acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from cases.domain.filetypes import CheckedFile
from cases.domain.notice_templates import RECEIPT_WEB
from cases.domain.tracking import CODE_MASK
from cases.intake import IncomingFile, NewCase, record_case
from cases.mailer import queue_outbound_message
from cases.models.types import utcnow
from cases.notice_templates import ESTIMATE_NOTE, compose_in
from cases.reports.facts import refresh_marked_now
from cases.staging import StagedReceipt, stage_case
from cases.triage.calendar import local_date
from cases.triage.screening import acceptance_due_for


@dataclass(frozen=True)
class WebOpinion:
    """What the web form gives, already validated."""

    body: str
    subject: str = ""
    problem_code: str = ""
    anonymous: bool = False
    name: str = ""
    email: str = ""
    phone: str = ""
    consent: bool = False
    language: str = "zh_Hans"
    files: tuple[CheckedFile, ...] = ()


def _new_case(opinion: WebOpinion, now: datetime) -> NewCase:
    return NewCase(
        channel="web",
        body=opinion.body,
        received_at=now,
        subject=opinion.subject,
        submitter_name=opinion.name,
        submitter_email=opinion.email,
        submitter_phone=opinion.phone,
        anonymous=opinion.anonymous,
        consent=opinion.consent,
        language=opinion.language,
        problem_codes=(opinion.problem_code,) if opinion.problem_code else (),
        files=tuple(IncomingFile(f.filename, f.content_type, f.data) for f in opinion.files),
    )


def submit_opinion(opinion: WebOpinion, *, now: datetime) -> StagedReceipt:
    """Stage a web opinion (one row: reference, code, due date, acknowledgement). Never commits.

    The case itself is recorded seconds later by the staging job (cases.staging), which also
    queues the acknowledgement written here.
    """
    return stage_case(
        _new_case(opinion, now),
        acknowledge=lambda receipt: acknowledgement(receipt, language=opinion.language, received_at=now),
    )


def record_opinion(opinion: WebOpinion, *, now: datetime) -> StagedReceipt:
    """Record a web opinion as its case at once (embedded mode: no worker to record a staged row).

    Everything in the caller's one transaction: the case, its message and events, its screening,
    its report facts and, with an address, the acknowledgement and its outbox row. Flushes; never
    commits. The receipt is what staging would have shown: the due date of the ordinary track
    (a sealed case's own clock is not for the receipt to reveal).
    """
    recorded = record_case(_new_case(opinion, now), now=now)
    case = recorded.case
    due = acceptance_due_for(now, sealed=False) if case.confidential else None
    receipt = StagedReceipt(case.reference, recorded.tracking_code, due.due if due else case.acceptance_due,
                            due.estimated if due else bool(case.due_estimated))
    if case.submitter_email:
        subject, body, notice = acknowledgement(receipt, language=opinion.language, received_at=now)
        # The copy kept shows CODE_MASK; the code waits encrypted on the message until it is sent.
        queue_outbound_message(case, subject, body, now=utcnow(), secret=recorded.tracking_code,
                               purpose="acknowledgement", notice=notice)
    refresh_marked_now(case)  # flushes everything, then the facts in a savepoint
    return receipt


def acknowledgement(receipt: StagedReceipt, *, language: str,
                    received_at: datetime) -> tuple[str, str, tuple[str, int]]:
    """The e-mail that confirms receipt (subject, body, and the template and version it came from),
    in the sender's language.

    The body shows CODE_MASK where the code goes: it is the copy kept on the case; the code itself
    is put in when the e-mail is sent (cases.mailer)."""
    due = receipt.acceptance_due
    with force_locale(language or "zh_Hans"):
        note = " " + _(ESTIMATE_NOTE) if due and receipt.due_estimated else ""
    notice = compose_in(RECEIPT_WEB, language or "zh_Hans", {
        "reference": receipt.reference, "received_date": local_date(received_at).isoformat(),
        "tracking_url": url_for("feedback.track", _external=True), "tracking_code": CODE_MASK,
        "due_date": due.isoformat() if due else "", "estimate_note": note,
    })
    return notice.subject, notice.body, (notice.key, notice.version)
