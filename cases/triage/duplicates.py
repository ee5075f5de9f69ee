"""Likely duplicates of a case: candidates found by the database, scored by cases.domain.duplicates.

No case is scanned in Python: the database returns a bounded set of candidates, open or finished
within the window, that the user may see, through three doors (the same sender, a quoted
reference, a few of the case's rarest search words, through the search index the inbox uses),
and only those are scored with the classifier's own features.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, literal_column, not_, or_, select
from sqlalchemy.orm import selectinload

from cases.domain import duplicates as rule
from cases.domain.roles import can_see_sealed
from cases.domain.search_words import index_words, rarest_words
from cases.domain.states import DUPLICATE, FINAL_STATUSES, OPEN_STATUSES
from cases.extensions import db
from cases.models import Case, StaffUser
from cases.triage import access
from cases.triage.suggest import current_classifier

RARE_WORDS = 8  # words of the case looked up in the search index
PER_DOOR = 60  # candidates each door may bring: the work per page view is bounded


@dataclass(frozen=True)
class Likely:
    """A likely duplicate as the case page shows it: the case, why, and which way a merge goes."""

    case: Case
    match: rule.Match
    merged: Case | None  # the case a merge would mark as the duplicate (None: no merge possible)
    into: Case | None  # the case it would go into (linked when that one is finished)

    @property
    def links_only(self) -> bool:
        """Whether the merge links a repeat to a finished case rather than moving its messages."""
        return self.into is not None and self.into.status in FINAL_STATUSES


def _texts(case: Case) -> list[str]:
    inbound = [m.body_text for m in case.messages if m.direction == "inbound" and m.body_text != case.body]
    return [case.subject or "", case.body or "", *inbound]


def _profile(case: Case, vector: dict[str, float], with_sender: bool) -> rule.Profile:
    senders = rule.sender_keys(case.submitter_email, case.submitter_phone) if with_sender else frozenset()
    return rule.Profile(
        reference=case.reference,
        status=case.status,
        received_at=case.received_at,
        closed_at=case.closed_at,
        senders=senders,
        quoted=rule.quoted_references(*_texts(case)),
        vector=vector,
    )


def _vector(case: Case) -> dict[str, float]:
    classifier = current_classifier()
    if classifier is None:
        return {}
    text = f"{case.subject}。{case.body}" if case.subject else case.body or ""
    return rule.text_vector(classifier.features(rule.bounded(text)))


def _allowed(user: StaffUser, case: Case, now: datetime) -> ColumnElement[bool]:
    """SQL: another case this user may see, screened, sealed like this one, and still a candidate."""
    cutoff = now - timedelta(days=int(current_app.config["DUPLICATE_WINDOW_DAYS"]))
    same_seal = access.sealed_condition() if access.case_is_sealed(case) else not_(access.sealed_condition())
    conditions = [
        Case.id != case.id,
        access.visible_condition(user),
        not_(access.held_condition()),  # unscreened text may be an accusation: never suggested
        same_seal,
        Case.status != DUPLICATE,
        or_(Case.status.in_(OPEN_STATUSES), Case.closed_at >= cutoff),
    ]
    if not can_see_sealed(user.roles):  # belt and braces: an accusation is never offered to them
        conditions.append(not_(access.sealed_condition()))
    return and_(*conditions)


def _tsvector() -> ColumnElement[object]:
    # The expression of the inbox's GIN index (migration 0004), so that the index is used.
    return func.to_tsvector(literal_column("'simple'"), Case.search_text)


def _tsquery(words: str) -> ColumnElement[object]:
    return func.plainto_tsquery(literal_column("'simple'"), words)


def _has_word(word: str) -> ColumnElement[bool]:
    """SQLite: search_text (space-separated words) holds ``word`` as a whole word."""
    return (" " + Case.search_text + " ").contains(f" {word} ", autoescape=True)


def _text_door(case: Case) -> tuple[ColumnElement[bool] | None, list[ColumnElement[object]]]:
    """SQL: cases sharing one of this case's rarest search words, and how to rank them."""
    own = set(index_words(case.reference).split())  # every case's words hold its own reference
    words = rarest_words([w for w in (case.search_text or "").split() if w not in own], RARE_WORDS)
    if not words:
        return None, []
    if db.engine.dialect.name == "postgresql":
        query = _tsquery(words[0])
        for word in words[1:]:
            query = query.op("||")(_tsquery(word))  # any of the words; the rank prefers more of them
        return _tsvector().op("@@")(query), [func.ts_rank(_tsvector(), query).desc()]
    return or_(*(_has_word(word) for word in words)), []


def _phone_digits(column: ColumnElement[str]) -> ColumnElement[str]:
    """SQL: a phone number without the spaces, dashes, brackets, dots and plus people type."""
    for mark in (" ", "-", "(", ")", ".", "+"):
        column = func.replace(column, mark, "")
    return column


def _quoting_door(case: Case) -> ColumnElement[bool]:
    """SQL: cases whose words hold this case's reference (its year and number: the search index)."""
    year_number = " ".join(index_words(case.reference).split()[1:])  # "hq 2026 000123" → "2026 000123"
    if db.engine.dialect.name == "postgresql":
        return _tsvector().op("@@")(_tsquery(year_number))
    return and_(*(_has_word(word) for word in year_number.split()))


def _candidates(user: StaffUser, case: Case, now: datetime, with_sender: bool) -> list[Case]:
    allowed = _allowed(user, case, now)
    doors: list[tuple[ColumnElement[bool], list[ColumnElement[object]]]] = []
    if with_sender:
        email = (case.submitter_email or "").strip()
        phone_keys = [key for key in rule.sender_keys("", case.submitter_phone) if key.startswith("phone:")]
        senders = []
        if "@" in email:
            senders.append(Case.submitter_email.in_({email, email.lower()}))
        for key in phone_keys:  # "138 0013 8000" and "+86-13800138000" are one sender: the rule decides
            senders.append(_phone_digits(Case.submitter_phone).like("%" + key.removeprefix("phone:")))
        if senders:
            doors.append((or_(*senders), []))
    quoted = rule.quoted_references(*_texts(case))
    doors.append((or_(Case.reference.in_(quoted), _quoting_door(case)), []))
    text_condition, text_order = _text_door(case)
    if text_condition is not None:
        doors.append((text_condition, text_order))
    found: dict[int, Case] = {}
    for condition, order in doors:
        statement = (select(Case).where(allowed, condition).options(selectinload(Case.messages))
                     .order_by(*order, Case.received_at.desc(), Case.id.desc()).limit(PER_DOOR))
        for candidate in db.session.scalars(statement):
            found.setdefault(candidate.id, candidate)
    return list(found.values())


def _direction(this: Case, other: Case, user: StaffUser) -> tuple[Case | None, Case | None]:
    way = rule.merge_direction(_profile(this, {}, False), _profile(other, {}, False))
    merged, into = {"this": (this, other), "other": (other, this)}.get(way or "", (None, None))
    if merged is None or not access.can_triage(user, merged):
        return None, None
    return merged, into


def likely_duplicates(user: StaffUser, case: Case, now: datetime) -> list[Likely]:
    """The cases most like ``case`` that this user may see, best first (at most MAX_SHOWN)."""
    if case.status == DUPLICATE or not access.can_triage(user, case):
        return []
    # The sender is compared only for those who may read contact details, so that the reason
    # "same sender" never tells anyone else who wrote.
    with_sender = access.can_see_contact(user, case)
    candidates = _candidates(user, case, now, with_sender)
    if not candidates:
        return []
    this = _profile(case, _vector(case), with_sender)
    by_reference = {c.reference: c for c in candidates}
    profiles = [_profile(c, _vector(c), with_sender) for c in candidates]
    window = int(current_app.config["DUPLICATE_WINDOW_DAYS"])
    shown = []
    for found in rule.likely_duplicates(this, profiles, now, window_days=window):
        other = by_reference[found.reference]
        if not access.can_view(user, other):  # the Python twin of the SQL filter, for the few shown
            continue
        merged, into = _direction(case, other, user)
        shown.append(Likely(other, found, merged, into))
    return shown
