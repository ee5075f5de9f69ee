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
from cases.intake import IncomingFile, NewCase
from cases.notice_templates import ESTIMATE_NOTE, compose_in
from cases.staging import StagedReceipt, stage_case
from cases.triage.calendar import local_date


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


def submit_opinion(opinion: WebOpinion, *, now: datetime) -> StagedReceipt:
    """Stage a web opinion (one row: reference, code, due date, acknowledgement). Never commits.

    The case itself is recorded seconds later by the staging job (cases.staging), which also
    queues the acknowledgement written here.
    """
    return stage_case(
        NewCase(
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
        ),
        acknowledge=lambda receipt: acknowledgement(receipt, language=opinion.language, received_at=now),
    )


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
