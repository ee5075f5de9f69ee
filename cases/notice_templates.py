"""Notice templates in the database: today's texts as defaults, staff edits checked and audited,
and each notice composed for a case in the person's language (cases.domain.notice_templates)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from cases.admin import AdminError, audit
from cases.domain import notice_templates as rules
from cases.domain.tracking import CODE_MASK
from cases.extensions import db
from cases.i18n import N_
from cases.models import Case, NoticeTemplate, StaffUser
from cases.models.types import utcnow
from cases.transaction_info import transaction_key
from cases.triage.access import case_is_sealed
from cases.triage.calendar import local_date

_IN_FORCE = transaction_key("notice_templates")  # session.info: the templates read in this transaction
_FIELDS = ("key", "language", "subject", "body", "version")

_CODE_LINES = (N_("Case reference: %(reference)s"), N_("Tracking code: %(code)s"), "")
_CLOSING_LINES = (
    N_("This message was sent automatically; please do not forward the tracking code to anyone."), "",
    N_("Hongqiao International CBD Management Committee"))
Line = str | tuple[str, str]  # a message, or a message and what follows it untranslated
# Today's texts (subject words, body), as they were written in code: the defaults each template
# is seeded with, in both languages, so nothing changes until someone edits.
_DEFAULTS: dict[str, tuple[str, str | tuple[Line, ...]]] = {
    rules.ACCEPTED: (N_("Your report has been accepted"),
                     N_("Your report %(reference)s has been accepted and will be handled according to "
                        "the rules.")),
    rules.ACCEPTED_CASE: (N_("Your opinion has been accepted"),
                          N_("Your opinion %(reference)s has been accepted and passed to %(department)s, "
                             "which will reply by %(due)s. You can follow it on the tracking page with "
                             "your reference and tracking code.")),
    rules.NOT_ACCEPTED: (N_("Your opinion was not accepted"),
                         N_("Your opinion %(reference)s was not accepted. The reason: %(reason)s")),
    rules.REFERRED: (N_("Your opinion has been referred"),
                     N_("Your opinion %(reference)s is not about the rectification of the "
                        "committee. It has been referred to: %(where)s")),
    rules.MERGED: (N_("Your opinion has been merged"),
                   N_("Your opinion %(reference)s concerns the same matter as case %(target)s. It has been "
                      "merged into that case and is handled with it.")),
    rules.REPEAT_LINKED: (N_("Your opinion has been merged"),
                          N_("Your opinion %(reference)s concerns the same matter as case %(target)s, "
                             "which has already been answered. It has been linked to that case.")),
    rules.EXTENSION: (N_("Your case needs more time"),
                      N_("We need more time to answer your opinion %(reference)s. The reply is now due by "
                         "%(due)s. The reason: %(reason)s")),
    rules.REVIEW: (N_("Your case is being reviewed"),
                   N_("Your case %(reference)s is being reviewed (复查), as you asked. You will receive the "
                      "answer of the review by %(due)s.")),
    rules.RE_REVIEW: (N_("Your case is being re-reviewed"),
                      N_("Your case %(reference)s is being re-reviewed (复核), as you asked. You will "
                         "receive the answer by %(due)s. The answer of the re-review is final.")),
    rules.FINAL: (N_("Your case has been answered finally"),
                  N_("Your case %(reference)s was re-reviewed and its answer is final. What you sent has "
                     "been recorded with the case, but it does not reopen it. For a new matter, please send "
                     "a new opinion.")),
    rules.CLOSED: (N_("Your case is closed"),
                   N_("Your case %(reference)s is now closed. Thank you for your opinion on the "
                      "rectification. The reply stays on the tracking page, where you can read it with "
                      "your reference and tracking code.")),
    rules.REPLY: (N_("Reply to your opinion"), "%(reply)s"),
    # Receipts, line by line as their e-mail templates wrote them ("" is a blank line).
    rules.RECEIPT_WEB: (N_("We have received your opinion"), (
        N_("Hello,"), "",
        N_("Thank you for your opinion on the rectification. The Hongqiao International CBD Management "
           "Committee received it on the website and recorded it as case %(reference)s."), "",
        N_("Reference: %(reference)s"), N_("Your tracking code: %(code)s"), "",
        (N_("We will decide whether to accept it by %(date)s and show the decision on the tracking page."),
         "{estimate_note}"), "",
        N_("Follow your case with the reference and the tracking code at %(url)s"), "",
        N_("Keep the tracking code private: anyone who has it can read your case. This message was sent "
           "automatically."), "",
        N_("Hongqiao International CBD Management Committee"))),
    rules.RECEIPT_MAIL: (N_("We have received your message: %(subject)s"), (
        N_("Dear sender,"), "",
        N_("The Hongqiao International CBD Management Committee has received your message and recorded it "
           "as case %(reference)s."), "",
        *_CODE_LINES,
        N_("Keep the tracking code: with the reference it lets you follow your case on our website. To add "
           "something, reply to this message and keep the reference in the subject."), "",
        *_CLOSING_LINES)),
    rules.RECEIPT_TOO_LARGE: (N_("Your message was too large: %(subject)s"), (
        N_("Dear sender,"), "",
        N_("Your message of %(size)s MB is larger than our mailbox accepts (%(limit)s MB), so we could keep "
           "only its subject and sender. We have recorded it as case %(reference)s."), "",
        *_CODE_LINES,
        N_("Please send the content again in smaller messages (for example, one attachment per message), "
           "replying to this message and keeping the reference in the subject."), "",
        *_CLOSING_LINES)),
}
# The names the old texts used, as the templates name them.
_RENAMED = {"due": "due_date", "where": "referred_to", "code": "tracking_code", "date": "due_date",
            "url": "tracking_url", "size": "size_mb", "limit": "limit_mb"}
_OLD_PLACEHOLDER = re.compile(r"%\((\w+)\)s")

TITLES: dict[str, str] = {
    rules.ACCEPTED: N_("Report accepted (受理告知, discipline track)"),
    rules.ACCEPTED_CASE: N_("Opinion accepted (受理告知)"),
    rules.NOT_ACCEPTED: N_("Not accepted"),
    rules.REFERRED: N_("Referred elsewhere (out of scope)"),
    rules.MERGED: N_("Merged into another case"),
    rules.REPEAT_LINKED: N_("Linked to an answered case"),
    rules.EXTENSION: N_("Extension (延期告知)"),
    rules.REVIEW: N_("Review opened (复查)"),
    rules.RE_REVIEW: N_("Re-review opened (复核)"),
    rules.FINAL: N_("Answer is final"),
    rules.CLOSED: N_("Case closed (办结)"),
    rules.REPLY: N_("Reply cover text"),
    rules.RECEIPT_WEB: N_("Receipt of an opinion sent on the website"),
    rules.RECEIPT_MAIL: N_("Receipt of an e-mail"),
    rules.RECEIPT_TOO_LARGE: N_("Receipt of an e-mail too large to keep"),
}
# What {estimate_note} says when the due date lies beyond the published holiday calendar.
ESTIMATE_NOTE = N_("(This date is an estimate: the holiday calendar for that period is not published yet.)")


def notice_title(key: str) -> str:
    """A notice's name in the reader's language."""
    return _(TITLES[key]) if key in TITLES else key


LANGUAGE_NAMES = {"zh_Hans": N_("Chinese"), "en": N_("English")}


def person_language(case: Case) -> str:
    """The template language of the person: English when they wrote in English, else Chinese."""
    return "en" if (case.language or "").startswith("en") else "zh_Hans"


def _converted(text: str) -> str:
    """A gettext message as a template: braces doubled, %(name)s written {name}."""
    text = text.replace("{", "{{").replace("}", "}}")
    return _OLD_PLACEHOLDER.sub(lambda m: "{" + _RENAMED.get(m[1], m[1]) + "}", text)


def _line(line: Line) -> str:
    if isinstance(line, tuple):
        return _line(line[0]) + line[1]
    return _converted(_(line)) if line else ""  # (gettext of "" is the catalogue's header)


def default_text(key: str, language: str) -> tuple[str, str]:
    """(subject, body) of today's built-in text of ``key`` in ``language``."""
    words, body = _DEFAULTS[key]
    lines = (body,) if isinstance(body, str) else body
    with force_locale(language):
        subject, text = _line(words), "\n".join(_line(line) for line in lines)
    prefix = rules.ACKNOWLEDGEMENT_MARKER if rules.KINDS[key].receipt else ""
    return f"{prefix}{rules.REFERENCE_TAG} {subject}", text


def _stored(key: str, language: str) -> NoticeTemplate | None:
    return db.session.scalar(select(NoticeTemplate).where(NoticeTemplate.key == key,
                                                          NoticeTemplate.language == language))


def current(key: str, language: str) -> NoticeTemplate:
    """The template in force: the stored row, else (not seeded yet) the default as version 1."""
    row = _stored(key, language)
    if row is not None:
        return row
    subject, body = default_text(key, language)
    return NoticeTemplate(key=key, language=language, subject=subject, body=body, version=1)


def ensure_default_templates() -> int:
    """Seed every missing template with today's text (never overwrites an edit); how many. Flushes."""
    added = 0
    for key in rules.KEYS:
        for language in rules.LANGUAGES:
            if _stored(key, language) is None:
                db.session.add(current(key, language))
                added += 1
    db.session.flush()
    return added


def problem_message(problem: rules.TemplateProblem) -> str:
    """Why a template was refused, in the reader's language."""
    if problem.rule == "unknown":
        return _("{%(name)s} is not a placeholder this notice can use. Use only those listed on the page.",
                 name=problem.name)
    if problem.rule == "marker_receipt":
        return _("The subject of a receipt must start with 【回执】[{reference}]: the mailbox and the "
                 "tracking page recognise receipts by it.")
    if problem.rule == "marker":
        return _("The subject must start with [{reference}] (the mailbox threads the person's answer by it) "
                 "and must not contain 【回执】, which marks automatic receipts.")
    messages = {
        "braces": _("A brace is not closed: write a placeholder as {reference}, and a literal brace as "
                    "{{ or }}."),
        "plain_names": _("Write placeholders as plain names in braces, such as {reference}, without "
                         "anything else."),
        "empty": _("This text cannot be empty."),
        "too_long": _("This text is too long."),
        "one_line": _("The subject must be one line."),
        "needed": _("The text must keep {%(name)s}: without it the person would not get what it stands for.",
                    name=problem.name),
    }
    return messages.get(problem.rule, str(problem))


def check_template(key: str, subject: str, body: str) -> None:
    """Refuse (AdminError, translated, naming the field) a template that breaks a rule."""
    try:
        rules.check(key, subject, body)
    except rules.TemplateProblem as problem:
        raise AdminError(problem_message(problem), problem.field) from None


def save_template(key: str, language: str, subject: str, body: str, *, actor: StaffUser) -> NoticeTemplate:
    """Save a checked template as its next version, with an audit event (before, after). Flushes."""
    if key not in rules.KINDS or language not in rules.LANGUAGES:
        raise AdminError(_("There is no such notice."))
    subject, body = subject.strip(), body.strip().replace("\r\n", "\n")
    check_template(key, subject, body)
    row = _stored(key, language)
    if row is None:
        row = current(key, language)
        db.session.add(row)
        db.session.flush()
    before = audit.snapshot(row, _FIELDS)
    if row.subject == subject and row.body == body:
        return row
    db.session.info.pop(_IN_FORCE, None)
    row.subject, row.body, row.version = subject, body, row.version + 1
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record(audit.NOTICE_TEMPLATE, row.id, "updated", actor=actor, before=before,
                 after=audit.snapshot(row, _FIELDS))
    return row


def tracking_url() -> str:
    """The public tracking page's address; outside a request it needs SERVER_NAME (else empty)."""
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("feedback.track", _external=True)
    return ""


def case_values(case: Case, language: str) -> dict[str, str]:
    """The placeholders every notice of ``case`` may use; a sealed case names no department."""
    department = ""
    if case.department is not None and not case_is_sealed(case):
        department = case.department.name_en if language == "en" else case.department.name_zh
    return {"reference": case.reference, "received_date": local_date(case.received_at).isoformat(),
            "tracking_url": tracking_url(), "department": department}


@dataclass(frozen=True)
class Composed:
    """A notice ready to send, and the template version it came from."""

    key: str
    language: str
    version: int
    subject: str
    body: str
    template_body: str
    values: dict[str, str]


def _in_force(key: str, language: str) -> tuple[str, str, int]:
    """(subject, body, version) in force, read once per transaction (a mailbox group sends many)."""
    cache = db.session.info.setdefault(_IN_FORCE, {})
    if (key, language) not in cache:
        template = current(key, language)
        cache[key, language] = (template.subject, template.body, template.version)
    return cache[key, language]  # type: ignore[no-any-return]


def compose_in(key: str, language: str, values: dict[str, str]) -> Composed:
    """The notice ``key`` in ``language`` (a language code of the person's) with ``values`` put in."""
    language = "en" if language.startswith("en") else "zh_Hans"
    subject, body, version = _in_force(key, language)
    # A placeholder the caller has no value for is left empty: a notice never fails the decision it tells.
    values = {**dict.fromkeys(rules.KINDS[key].placeholders, ""), **values}
    return Composed(key, language, version, rules.render(subject, values), rules.render(body, values), body,
                    values)


def compose(case: Case, key: str, **values: str) -> Composed:
    """The notice ``key`` for ``case`` in the person's language, its placeholders filled."""
    language = person_language(case)
    return compose_in(key, language, {**case_values(case, language), **values})


def compose_html(composed: Composed, **html_values: str) -> str:
    """The HTML part of a composed notice: its words escaped, ``html_values`` (sanitised) put in."""
    values = {**composed.values, **html_values}
    return rules.render_html(composed.template_body, values, raw=frozenset(html_values))


def sample_values(language: str) -> dict[str, str]:
    """What the preview puts in each placeholder (a made-up case)."""
    with force_locale(language):
        return {
            "reference": "HQ-2026-000123", "received_date": "2026-03-02", "due_date": "2026-05-29",
            "department": _("Economic Development Division"), "reason": _("(the reason staff give)"),
            "referred_to": _("(where the case was referred)"), "target": "HQ-2026-000045",
            "tracking_url": tracking_url() or "https://example.org/track",
            "reply": _("(the approved reply goes here)"), "tracking_code": CODE_MASK,
            "estimate_note": " " + _(ESTIMATE_NOTE), "subject": _("(the subject of the person's e-mail)"),
            "size_mb": "31.5", "limit_mb": "25",
        }


def preview(key: str, language: str, subject: str, body: str) -> tuple[str, str]:
    """(subject, body) of a template rendered with the sample case; refuses as save_template does."""
    check_template(key, subject, body)
    values = sample_values(language)
    return rules.render(subject, values), rules.render(body, values)
