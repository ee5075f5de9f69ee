"""The sender's view of a case: lookup by reference and code, timeline, follow-up and rating.

Everything here is what the public may see: no internal notes, no staff names, and for a
sealed case (an accusation or anything marked confidential) no routing at all.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from limits import RateLimitItemPerMinute
from sqlalchemy import select

from cases.domain import states
from cases.domain.tracking import hash_code
from cases.events import record_event
from cases.extensions import db
from cases.guess_limits import GuessRules, Standing, parse_limits, record_failure, record_success, standing
from cases.mailer import is_acknowledgement
from cases.models import Case, CaseEvent, CaseMessage, CaseRating
from cases.staging import find_staged, record_staged_now

# Compared against when the reference is unknown, so both failures cost the same work.
_DUMMY_HASH = hash_code("0000-0000-0000-0000-0000")
_NOTHING_DUE = frozenset({states.NOT_ACCEPTED, states.DUPLICATE, states.OUT_OF_SCOPE, states.REPLIED,
                          states.CLOSED})
_REVIEWS = frozenset({states.REVIEW, "re_review"})


def normalise_reference(reference: str) -> str:
    """A reference as typed (spaces, lower case, full-width dashes) in its canonical form."""
    cleaned = "".join((reference or "").split()).upper()
    return cleaned.replace("－", "-").replace("—", "-").replace("_", "-")


def is_sealed(case: Case) -> bool:
    """Whether the routing of ``case`` must stay hidden (an accusation or a confidential case)."""
    return bool(case.confidential) or case.kind == "accusation"


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
        return TimelineEntry(event.at, _("Replied"))
    if to == states.CLOSED:
        return TimelineEntry(event.at, _("Closed"))
    if to in _REVIEWS:
        return TimelineEntry(event.at, _("Under review"))
    return None  # drafts, approvals, returns to triage: internal steps


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
        return _("Replied")
    if status == states.CLOSED:
        return _("Closed")
    if status in _REVIEWS:
        return _("Under review")
    return _("Being handled")


def official_replies(case: Case) -> list[CaseMessage]:
    """Our answers to the sender: outbound messages that are not automatic acknowledgements."""
    return [m for m in case.messages if m.direction == "outbound" and not is_acknowledgement(m.subject)]


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


def _closed_at(case: Case) -> datetime | None:
    if case.closed_at is not None:
        return case.closed_at
    closings = [e.at for e in case.events if e.to_status == states.CLOSED]
    return closings[-1] if closings else None


def add_information(case: Case, text: str, *, now: datetime) -> bool:
    """Add the sender's text as an inbound message; reopen a recently closed case. Flushes.

    Returns True when the case was reopened (moved to review through the transition table).
    """
    message = CaseMessage(case=case, direction="inbound", subject=_("Information added by the sender"),
                          body_text=text, sender="web", created_at=now)
    db.session.add(message)
    db.session.flush()
    record_event(case, "information_added", at=now, actor_label="public", detail={"message": message.id})
    reopened = False
    closed_at = _closed_at(case)
    window = timedelta(days=int(current_app.config["FOLLOW_UP_REOPEN_DAYS"]))
    if case.status == states.CLOSED and closed_at is not None and now - closed_at < window:
        move = states.transition(case.status, "request_review")
        case.status = move.to_status
        record_event(case, move.action, at=now, actor_label="public", from_status=move.from_status,
                     to_status=move.to_status, reason="the sender added information after closing")
        reopened = True
    case.updated_at = now
    db.session.flush()
    return reopened


def can_rate(case: Case) -> bool:
    """Whether the sender may rate now: the case is replied or closed and the latest reply is unrated."""
    if case.status not in (states.REPLIED, states.CLOSED):
        return False
    replies = official_replies(case)
    since = replies[-1].created_at if replies else None
    rated_after = db.session.scalar(
        select(CaseRating.id).where(CaseRating.case_id == case.id,
                                    *([CaseRating.created_at >= since] if since else [])).limit(1)
    )
    return rated_after is None


def rate(case: Case, level: int, comment: str, *, now: datetime) -> CaseRating:
    """Keep the sender's rating raw (5 非常满意 … 1 非常不满意) and log it. Flushes."""
    if not 1 <= level <= 5:
        raise ValueError("a rating level is 1 to 5")
    rating = CaseRating(case_id=case.id, level=level, comment=comment, created_at=now)
    db.session.add(rating)
    record_event(case, "rated", at=now, actor_label="public", detail={"level": level})
    db.session.flush()
    return rating
