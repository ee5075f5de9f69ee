"""The person's 好差评 rating of a reply: kept raw, and it closes the case or opens its review.

A rating of 基本满意 or better closes the case; 不满意 or 非常不满意 opens the review (复查), or
after a review the re-review (复核); after the re-review the case closes whatever the rating. A
replied case nobody rates within CLOCK_RATING_WAIT_DAYS working days closes by itself.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from cases.domain import notice_templates as notice
from cases.domain import states
from cases.domain.satisfaction import CLOSE, LEVELS, after_rating
from cases.extensions import db
from cases.handling.reviews import open_review
from cases.handling.sending import may_send
from cases.jobs import job
from cases.models import Case, CaseEvent, CaseRating, StaffUser
from cases.models.types import utcnow
from cases.reasons import NOT_RATED, RATED_NOT_SATISFIED, RATED_SATISFIED, reason_args
from cases.triage.access import case_is_sealed
from cases.triage.calendar import configured_clocks, local_date
from cases.triage.notify import tell_by_template
from cases.triage.workflow import TriageError, change_status, note_event

CLOSE_UNRATED_JOB = "close_unrated_cases"


def can_rate(case: Case) -> bool:
    """Whether the reply of ``case`` waits for the person's rating (one rating per reply)."""
    return case.status == states.REPLIED and not case_is_sealed(case)


def latest_rating(case: Case) -> CaseRating | None:
    """The newest rating of ``case``, if any (shown to staff on the case page)."""
    return db.session.scalar(select(CaseRating).where(CaseRating.case_id == case.id)
                             .order_by(CaseRating.id.desc()).limit(1))


def ratings_of(case: Case) -> list[tuple[CaseRating, CaseEvent | None]]:
    """Every rating of ``case``, newest first, each with its event (who recorded it, which round)."""
    ratings = list(db.session.scalars(select(CaseRating).where(CaseRating.case_id == case.id)
                                      .order_by(CaseRating.id.desc())))
    events = list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                             CaseEvent.action == "rated")
                                     .order_by(CaseEvent.id.desc())))
    # One event per rating, written together: the n-th newest of each belong together.
    return [(rating, events[n] if n < len(events) else None) for n, rating in enumerate(ratings)]


def may_record_rating(user: StaffUser, case: Case) -> bool:
    """Whether ``user`` may record a rating the person gave them by phone (those who send replies)."""
    return can_rate(case) and may_send(user, case)


def rate_reply(case: Case, level: int, comment: str = "", *, now: datetime,
               actor: StaffUser | None = None) -> str:
    """Record the person's rating (given on the tracking page, or by phone to ``actor``). Flushes.

    Returns what it did: close, request_review or request_re_review.
    """
    if level not in LEVELS:
        raise TriageError(_("Choose one of the five levels."))
    if not can_rate(case):
        raise TriageError(_("This case has no reply waiting for a rating."))
    if actor is not None and not may_send(actor, case):
        raise TriageError(_("You may not record a rating on this case."))
    db.session.add(CaseRating(case_id=case.id, level=level, comment=comment.strip(), created_at=now))
    label = "public" if actor is None else "staff"
    note_event(case, "rated", actor=actor, actor_label=label, now=now,
               detail={"level": level, "review_round": case.review_round})
    action = after_rating(level, case.review_round)
    if action == CLOSE:
        change_status(case, "close", actor=actor, actor_label=label, now=now,
                      reason=RATED_SATISFIED, detail=reason_args(level=level))
        _tell_closed(case, now=now, actor=actor)
    else:
        open_review(case, action, now=now, actor=actor, actor_label=label,
                    reason=RATED_NOT_SATISFIED, reason_detail=reason_args(level=level))
    return action


def _tell_closed(case: Case, *, now: datetime, actor: StaffUser | None) -> None:
    # 办结: the person learns the case is closed (the discipline track reports back its own way).
    if case_is_sealed(case):
        return
    told = tell_by_template(case, notice.CLOSED, now=now, actor=actor)
    note_event(case, "person_told", actor=actor, now=now, detail={**told, "about": "close"})


def unrated_due(today: date, limit: int = 500) -> list[int]:
    """Ids of replied cases whose rating wait ended before ``today``, oldest first."""
    return list(db.session.scalars(select(Case.id).where(
        Case.status == states.REPLIED, Case.rating_due.is_not(None), Case.rating_due < today)
        .order_by(Case.rating_due, Case.id).limit(limit)))


@job(CLOSE_UNRATED_JOB)
def close_unrated_cases() -> str:
    """Close every replied case nobody rated in time (idempotent; the caller commits)."""
    now = utcnow()
    days = configured_clocks().rating_wait_days
    closed = 0
    for case_id in unrated_due(local_date(now)):
        case = db.session.get(Case, case_id, with_for_update=True)
        if case is None or case.status != states.REPLIED:
            continue  # rated meanwhile
        change_status(case, "close", actor=None, now=now,
                      reason=NOT_RATED, detail=reason_args(days=days))
        _tell_closed(case, now=now, actor=None)
        closed += 1
    return f"closed {closed} unrated case(s)"
