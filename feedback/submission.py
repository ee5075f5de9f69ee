"""Recording an opinion sent through the web form, with its due date and acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from cases.extensions import db
from cases.intake import IncomingFile, NewCase, RecordedCase, record_case
from cases.mailer import ACKNOWLEDGEMENT_MARKER, queue_outbound_message
from cases.models import Case
from feedback.uploads import CheckedFile


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


def submit_opinion(opinion: WebOpinion, *, now: datetime) -> RecordedCase:
    """Record a web opinion as a case, set its acceptance due date, queue the acknowledgement. Flushes."""
    recorded = record_case(
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
        now=now,
    )
    case = recorded.case  # the intake core has set the acceptance clock (its one rule for every channel)
    if case.submitter_email:
        queue_acknowledgement(case, recorded.tracking_code, now=now)
    db.session.flush()
    return recorded


def queue_acknowledgement(case: Case, code: str, *, now: datetime) -> None:
    """Queue the e-mail that confirms receipt, in the sender's language. Flushes."""
    with force_locale(case.language or "zh_Hans"):
        subject = f"{ACKNOWLEDGEMENT_MARKER}[{case.reference}] " + _("We have received your opinion")
        body = render_template(
            "email/web_acknowledgement.txt",
            case=case, code=code, due=case.acceptance_due, estimated=case.due_estimated,
            track_url=url_for("feedback.track", _external=True),
        )
    queue_outbound_message(case, subject, body, now=now)
