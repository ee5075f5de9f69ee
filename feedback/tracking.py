"""The sender's view of a case: lookup by reference and code, timeline, follow-up and rating.

Everything here is what the public may see: no internal notes, no staff names, and for a
sealed case (an accusation or anything marked confidential) no routing at all.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from limits import RateLimitItemPerMinute
from sqlalchemy import select

from cases.domain import states
from cases.domain.filetypes import CheckedFile
from cases.domain.satisfaction import RE_REVIEW_ROUND, REVIEW_ROUND
from cases.domain.tracking import hash_code
from cases.extensions import db
from cases.guess_limits import GuessRules, Standing, parse_limits, record_failure, record_success, standing
from cases.handling.follow_up import record_follow_up
from cases.handling.ratings import can_rate, rate_reply
from cases.intake import attach_files
from cases.mailer import ACKNOWLEDGEMENT_MARKER
from cases.models import Attachment, Case, CaseEvent, CaseMessage, ReplyDraft
from cases.staging import find_staged, record_staged_now
from cases.triage.access import case_is_sealed
from cases.triage.calendar import local_date

# Compared against when the reference is unknown, so both failures cost the same work.
_DUMMY_HASH = hash_code("0000-0000-0000-0000-0000")
_NOTHING_DUE = frozenset({states.NOT_ACCEPTED, states.DUPLICATE, states.OUT_OF_SCOPE, states.REPLIED,
                          states.CLOSED})


def normalise_reference(reference: str) -> str:
    """A reference as typed (spaces, lower case, full-width dashes) in its canonical form."""
    cleaned = "".join((reference or "").split()).upper()
    return cleaned.replace("－", "-").replace("—", "-").replace("_", "-")


def is_sealed(case: Case) -> bool:
    """Whether the routing of ``case`` must stay hidden (an accusation or a confidential case)."""
    return case_is_sealed(case)


def track_rules() -> GuessRules:
    """The tracking form's limits on wrong codes (cases.guess_limits), read from the configuration.

    A reference is never locked for everyone: wrong codes slow down the address that typed them,
    so the person with the right code gets in from any address that has not guessed wrong.
    """
    config = current_app.config
    failures = int(config["TRACK_LOCKOUT_FAILURES"])
    minutes = max(1, int(config["TRACK_LOCKOUT_MINUTES"]))
    return GuessRules(
        "track",
        pair=(RateLimitItemPerMinute(failures, minutes),) if failures else (),
        address=parse_limits(config["TRACK_ADDRESS_FAILURES"]),
        target=parse_limits(config["TRACK_REFERENCE_FAILURES"]),
    )


def lookup_standing(reference: str, address: str) -> Standing:
    """Whether ``address`` may try a code for ``reference`` now (known reference or not), tries left."""
    return standing(track_rules(), normalise_reference(reference), address)


class NotRecordedYet(Exception):
    """The code is right, but the opinion could not be recorded as a case yet (staff were told)."""

    def __init__(self, reference: str, received_at: datetime) -> None:
        super().__init__(reference)
        self.reference = reference
        self.received_at = received_at


def find_case(reference: str, code: str, address: str) -> Case | None:
    """The case with this reference and code, or None; the same work whether the reference exists.

    A wrong code counts against ``address`` (cases.guess_limits). Flushes when the opinion was
    still staged (the caller commits). Raises NotRecordedYet when the code is right but the staged
    opinion cannot be recorded now."""
    reference = normalise_reference(reference)
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    # Both look-ups every time: a case still staged (seconds old) answers in the same time.
    staged = find_staged(reference)
    found = case or staged
    stored = found.tracking_code_hash if found is not None else _DUMMY_HASH
    matches = hmac.compare_digest(hash_code(code), stored)  # compared even for an unknown reference
    if found is None or not matches:
        record_failure(track_rules(), reference, address)
        return None
    record_success(track_rules(), reference, address)
    if case is not None:
        return case
    recorded = record_staged_now(staged)  # type: ignore[arg-type]  # back before the job: record it now
    if recorded is None:
        raise NotRecordedYet(staged.reference, staged.received_at)  # type: ignore[union-attr]
    return recorded


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the public timeline."""

    at: datetime
    text: str
    note: str = ""


def _department_label(case: Case) -> str:
    if case.department is None:
        return ""
    from flask_babel import get_locale

    locale = get_locale()
    english = locale is not None and locale.language == "en"
    return case.department.name_en if english and case.department.name_en else case.department.name_zh


def _entry_for(event: CaseEvent, case: Case, sealed: bool) -> TimelineEntry | None:
    """The plain-words line for one audit event, or None when the public is not told about it."""
    to = event.to_status
    if event.action == "received":
        return TimelineEntry(event.at, _("Received"))
    if event.action == "information_added":
        return TimelineEntry(event.at, _("You added information"))
    if event.action == "rated":
        return TimelineEntry(event.at, _("You rated the reply"))
    if to is None or to == event.from_status and to != states.ASSIGNED:
        return None
    if to == states.ACCEPTED:
        return TimelineEntry(event.at, _("Accepted"))
    if to == states.NOT_ACCEPTED:
        return TimelineEntry(event.at, _("Not accepted"), event.reason)
    if to == states.DUPLICATE:
        return TimelineEntry(event.at, _("Handled together with an earlier case on the same matter"))
    if to == states.OUT_OF_SCOPE:
        return TimelineEntry(event.at, _("Referred to the body responsible"), case.referred_to or "")
    if to == states.ASSIGNED:
        department = "" if sealed else _department_label(case)
        if department:
            return TimelineEntry(event.at, _("Being handled by %(department)s", department=department))
        return TimelineEntry(event.at, _("Being handled"))
    if to == states.REPLIED:
        return TimelineEntry(event.at, _("Replied"), reply_method_words((event.detail or {}).get("method")))
    if to == states.CLOSED:
        return TimelineEntry(event.at, _("Closed"))
    if to == states.REVIEW:
        return TimelineEntry(event.at, _("Under review"))
    if to == states.RE_REVIEW:
        return TimelineEntry(event.at, _("Under re-review"))
    return None  # drafts, approvals (office_review, approved), returns to triage: internal steps


def timeline(case: Case) -> list[TimelineEntry]:
    """The case's history in plain words, oldest first, without repeated lines."""
    sealed = is_sealed(case)
    entries: list[TimelineEntry] = []
    for event in case.events:
        entry = _entry_for(event, case, sealed)
        if entry is not None and not (entries and entries[-1].text == entry.text):
            entries.append(entry)
    return entries


def status_label(case: Case) -> str:
    """The current status in plain words."""
    status = case.status
    if status == states.RECEIVED:
        return _("Received, waiting for the acceptance decision")
    if status == states.NOT_ACCEPTED:
        return _("Not accepted")
    if status == states.DUPLICATE:
        return _("Handled together with an earlier case on the same matter")
    if status == states.OUT_OF_SCOPE:
        return _("Referred to the body responsible")
    if status == states.REPLIED:
        return _("Replied: please rate the reply") if can_rate(case) else _("Replied")
    if status == states.CLOSED:
        return _("Closed")
    # A review round runs until its reply: the department works on it again meanwhile.
    pending = status in states.REPLY_PENDING
    if status == states.RE_REVIEW or (pending and case.review_round >= RE_REVIEW_ROUND):
        return _("Under re-review")
    if status == states.REVIEW or (pending and case.review_round == REVIEW_ROUND):
        return _("Under review")
    return _("Being handled")  # answered, office_review and approved are internal steps


def reply_method_words(method: str | None) -> str:
    """How a reply reached the person, in the words of the public page ("" when unknown)."""
    return {
        "email": _("Sent to you by e-mail"),
        "portal": _("Shown on this page"),
        "post": _("Sent to you by post"),
        "phone": _("Told to you by phone"),
        "meeting": _("Given to you in a meeting"),
    }.get(method or "", "")


@dataclass(frozen=True)
class PublicReply:
    """One answer of the committee as the person sees it."""

    message: CaseMessage
    day: date
    how: str
    title: str  # the reply, the review's reply (复查), the re-review's (复核)
    attachments: list[Attachment]


def _reply_title(round_: int) -> str:
    if round_ >= RE_REVIEW_ROUND:
        return _("Answer of the re-review (复核)")
    if round_ == REVIEW_ROUND:
        return _("Answer of the review (复查)")
    return _("Reply")


def official_replies(case: Case) -> list[PublicReply]:
    """The committee's answers to the sender: replies only, never a receipt or a notice."""
    replies = [m for m in case.messages if m.direction == "outbound" and m.purpose == "reply"]
    drafts = {d.id: d for d in db.session.scalars(select(ReplyDraft).where(
        ReplyDraft.id.in_([m.draft_id for m in replies if m.draft_id])))} if replies else {}
    shown = []
    for message in replies:
        draft = drafts.get(message.draft_id or 0)
        day = message.delivered_on or local_date(message.created_at)
        shown.append(PublicReply(message, day, reply_method_words(message.delivery_method),
                                 _reply_title(draft.review_round if draft is not None else 0),
                                 list(message.attachments)))
    return shown


def reply_attachment(case: Case, attachment_id: int) -> Attachment | None:
    """A file of one of the committee's replies to ``case`` (never of a notice, nor of the sender's
    own messages: those are not the public's to download from here)."""
    return db.session.scalar(
        select(Attachment).join(CaseMessage)
        .where(Attachment.id == attachment_id, CaseMessage.case_id == case.id,
               CaseMessage.direction == "outbound", CaseMessage.purpose == "reply"))


@dataclass(frozen=True)
class PublicNotice:
    """Something we told the person along the way: never shown as the committee's reply."""

    at: datetime
    title: str
    body: str


def notices(case: Case) -> list[PublicNotice]:
    """What we told the sender along the way (receipt, acceptance, extension, review…)."""
    shown = []
    for message in case.messages:
        if message.direction != "outbound" or message.purpose not in ("notice", "acknowledgement"):
            continue
        if message.purpose == "acknowledgement":
            # The receipt carries the tracking code (masked in our copy): its text is not repeated.
            shown.append(PublicNotice(message.created_at, _("We confirmed by e-mail that your message was "
                                                            "received"), ""))
            continue
        title = message.subject.replace(ACKNOWLEDGEMENT_MARKER, "").replace(f"[{case.reference}]", "").strip()
        shown.append(PublicNotice(message.created_at, title, message.body_text))
    return shown


def sender_messages(case: Case) -> list[CaseMessage]:
    """What the sender sent (the opinion and every addition), never internal notes."""
    return [m for m in case.messages if m.direction == "inbound"]


def due_date(case: Case) -> date | None:
    """The next date the committee owes the sender something, or None when nothing is due."""
    if case.status == states.RECEIVED:
        return case.acceptance_due
    if case.status not in _NOTHING_DUE:
        return case.reply_due
    return None


def add_information(case: Case, text: str, *, now: datetime, files: Sequence[CheckedFile] = ()) -> str:
    """Add the sender's text (and files that passed the public form's checks) to their case, as an
    e-mail reply would be. Flushes.

    Returns what it did (cases.domain.satisfaction): record, request_review, request_re_review or
    final (re-reviewed: recorded, nothing reopened, the person told why).
    """
    message = CaseMessage(case=case, direction="inbound", subject=_("Information added by the sender"),
                          body_text=text, sender="web", created_at=now)
    attach_files(message, files)
    db.session.add(message)
    outcome = record_follow_up(case, message, now=now, event="information_added", actor_label="public")
    db.session.flush()
    return outcome


def rate(case: Case, level: int, comment: str, *, now: datetime) -> str:
    """The sender rates the reply (5 非常满意 … 1 非常不满意): it closes the case or opens a review."""
    return rate_reply(case, level, comment, now=now)
