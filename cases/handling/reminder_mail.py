"""The texts of reminders and digests to staff, and the job that e-mails them.

Written in the interface's default language (Chinese unless configured otherwise). A sealed case is
named by its reference only: no subject, no text, no names, not even its department.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mail import Message

from cases.domain.reminders import ACCEPTANCE, EIGHTY, HALF, OVERDUE, REPLY, REPORT_BACK, THREE_DAYS
from cases.extensions import db, mail
from cases.i18n import N_
from cases.jobs import job
from cases.mailer import LOOP_HEADER, sender_domain
from cases.models import Case, Department, Reminder
from cases.models.types import utcnow
from cases.triage.access import case_is_sealed

SEND_REMINDER_JOB = "send_reminder"
SUBJECT_CHARS = 80

CLOCK_NAMES = {
    ACCEPTANCE: N_("acceptance decision"),
    REPLY: N_("reply"),
    REPORT_BACK: N_("report back to the reporter"),
}
SUBJECTS = {
    HALF: N_("[%(reference)s] Reminder: half of the time for the %(clock)s has passed"),
    EIGHTY: N_("[%(reference)s] Reminder: 80%% of the time for the %(clock)s has passed"),
    THREE_DAYS: N_("[%(reference)s] Reminder: the %(clock)s is due in %(days)s working day(s)"),
    OVERDUE: N_("[%(reference)s] Overdue: the %(clock)s was due on %(due)s"),
}


@dataclass(frozen=True)
class DigestLine:
    """One running clock in a digest."""

    case: Case
    clock: str
    due: date
    left: int  # working days left, negative once overdue


def _locale() -> str:
    return str(current_app.config.get("BABEL_DEFAULT_LOCALE") or "zh_Hans")


def _department_name(department: Department | None) -> str:
    if department is None:
        return _("not assigned yet")
    return department.name_en if _locale() == "en" else department.name_zh


def _left_words(left: int) -> str:
    if left < 0:
        return _("overdue by %(days)s working day(s)", days=-left)
    return _("%(days)s working day(s) left", days=left)


def _case_lines(case: Case) -> list[str]:
    """What identifies the case in a staff e-mail: the reference, and for an ordinary case its subject
    and department (a sealed case: the reference only)."""
    lines = [_("Case: %(reference)s", reference=case.reference)]
    if not case_is_sealed(case):
        lines.append(_("Subject: %(subject)s", subject=(case.subject or "")[:SUBJECT_CHARS]))
        lines.append(_("Department: %(department)s", department=_department_name(case.department)))
    return lines


def reminder_text(case: Case, clock: str, threshold: str, due: date, left: int) -> tuple[str, str]:
    """The subject and body of one reminder about ``clock`` of ``case``."""
    with force_locale(_locale()):
        clock_name = _(CLOCK_NAMES[clock])
        subject = _(SUBJECTS[threshold], reference=case.reference, clock=clock_name, days=max(left, 0),
                    due=due.isoformat())
        lines = [*_case_lines(case),
                 _("Due date of the %(clock)s: %(due)s (%(left)s)", clock=clock_name, due=due.isoformat(),
                   left=_left_words(left))]
        if threshold == OVERDUE:
            lines.append(_("The case is overdue: the head of the department and the party office are told."))
        lines += ["", _("Open the case in the staff pages to act on it. This e-mail was sent automatically; "
                        "do not reply to it.")]
        return subject, "\n".join(lines) + "\n"


def digest_text(department: Department | None, lines: list[DigestLine], today: date) -> tuple[str, str]:
    """The subject and body of one day's digest (the party office's when ``department`` is None)."""
    with force_locale(_locale()):
        if department is None:
            subject = _("Daily digest of the party office, %(day)s: %(count)s clock(s) overdue or nearly due",
                        day=today.isoformat(), count=len(lines))
        else:
            subject = _("Daily digest of %(department)s, %(day)s: %(count)s running clock(s)",
                        department=_department_name(department), day=today.isoformat(), count=len(lines))
        body = []
        for line in lines:
            what = _("%(reference)s, %(clock)s due %(due)s (%(left)s)", reference=line.case.reference,
                     clock=_(CLOCK_NAMES[line.clock]), due=line.due.isoformat(), left=_left_words(line.left))
            if not case_is_sealed(line.case):
                what += " " + (line.case.subject or "")[:SUBJECT_CHARS]
            body.append(f"- {what}")
        body += ["", _("This e-mail was sent automatically; do not reply to it.")]
        return subject, "\n".join(body) + "\n"


def _not_sent(error: BaseException, *, attempts: int, final: bool, reminder_id: int) -> None:
    """A try to send a reminder failed: count it, and show it as failed once no try is left."""
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None or reminder.state == "sent":
        return
    reminder.attempts = attempts
    if final:
        reminder.state = "failed"


@job(SEND_REMINDER_JOB, on_failure=_not_sent)
def send_reminder(reminder_id: int) -> str:
    """E-mail one recorded reminder or digest to its staff recipients (a sent one is not sent again)."""
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None:
        return "missing"
    if reminder.state == "sent":
        return "already sent"
    addresses = [address for address in reminder.recipients.split(",") if address]
    if not addresses:
        reminder.state = "no_recipients"
        return "no recipients"
    # RFC 3834: an automatic message, which other robots must not answer.
    mail.send(Message(subject=reminder.subject, recipients=addresses, body=reminder.body,
                      extra_headers={LOOP_HEADER: sender_domain(), "Auto-Submitted": "auto-generated"}))
    reminder.state, reminder.sent_at = "sent", utcnow()
    reminder.attempts += 1
    return "sent"
