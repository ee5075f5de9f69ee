"""Telling the person: an e-mail through the outbox when we have a deliverable address."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from cases.i18n import N_  # noqa: F401  (re-exported for the services that tell the person)
from cases.mailer import queue_outbound_message
from cases.models import Case, StaffUser
from cases.notice_templates import compose


def _queue(case: Case, subject: str, body: str, now: datetime, actor: StaffUser | None,
           notice: tuple[str, int] | None = None) -> str:
    if not case.submitter_email or case.email_undeliverable:
        return "no_email"
    queue_outbound_message(case, subject, body, now=now, author=actor, notice=notice)
    return "email"


def tell_person(case: Case, what: str, body: str, *, now: datetime, actor: StaffUser | None) -> str:
    """Queue a message to the sender; return "email" or "no_email" (then staff tell them by post or phone)."""
    return _queue(case, f"[{case.reference}] {what}", body, now, actor)


def tell_by_template(case: Case, key: str, *, now: datetime, actor: StaffUser | None,
                     **values: str) -> dict[str, object]:
    """Send the notice ``key`` from its stored template, in the person's language, like tell_person.

    Returns the event detail that records it on the case: how the person was told ("email" or
    "no_email"), which notice, and the template version and language used.
    """
    notice = compose(case, key, **values)
    told = _queue(case, notice.subject, notice.body, now, actor, (key, notice.version))
    return {"told": told, "notice": key, "template_version": notice.version, "language": notice.language}


def in_person_language(case: Case, message: str, **values: object) -> str:
    """``message`` translated into the language the person wrote in, with ``values`` filled in."""
    with force_locale(case.language or "zh_Hans"):
        return _(message, **values)
