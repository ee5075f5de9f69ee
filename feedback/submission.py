"""Taking in an opinion sent through the web form, with its due date and acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from cases.domain.filetypes import CheckedFile
from cases.domain.tracking import CODE_MASK
from cases.intake import IncomingFile, NewCase
from cases.mailer import ACKNOWLEDGEMENT_MARKER
from cases.staging import StagedReceipt, stage_case


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
        acknowledge=lambda receipt: acknowledgement(receipt, language=opinion.language),
    )


def acknowledgement(receipt: StagedReceipt, *, language: str) -> tuple[str, str]:
    """The e-mail that confirms receipt (subject, body), in the sender's language.

    The body shows CODE_MASK where the code goes: it is the copy kept on the case; the code itself
    is put in when the e-mail is sent (cases.mailer)."""
    with force_locale(language or "zh_Hans"):
        subject = f"{ACKNOWLEDGEMENT_MARKER}[{receipt.reference}] " + _("We have received your opinion")
        body = render_template(
            "email/web_acknowledgement.txt",
            case=receipt, code=CODE_MASK, due=receipt.acceptance_due,
            estimated=receipt.due_estimated, track_url=url_for("feedback.track", _external=True),
        )
    return subject, body
