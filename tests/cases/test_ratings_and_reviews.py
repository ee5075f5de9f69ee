"""Ratings, review (复查) and re-review (复核), follow-ups and unrated replies (issue 12, points 1 and 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from cases.domain import satisfaction as rules
from cases.domain.states import CLOSED, REPLIED
from cases.extensions import db
from cases.handling.follow_up import record_follow_up
from cases.handling.ratings import close_unrated_cases, rate_reply
from cases.models import CaseMessage, CaseRating
from cases.reasons import NOT_RATED
from cases.triage.workflow import TriageError
from tests.cases.triage_support import new_case, setup_departments, staff
from tests.feedback.workflow import reply

NOW = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("level", "review_round", "expected"), [
    (5, 0, "close"), (4, 0, "close"), (3, 0, "close"), (2, 0, "request_review"),
    (1, 0, "request_review"), (2, 1, "request_re_review"), (1, 2, "close"), (5, 2, "close"),
])
def test_what_a_rating_does(level: int, review_round: int, expected: str) -> None:
    assert rules.after_rating(level, review_round) == expected


@pytest.mark.parametrize(("status", "review_round", "recent", "expected"), [
    ("assigned", 0, False, "record"), ("replied", 1, True, "record"),
    ("closed", 0, True, "request_review"), ("closed", 1, True, "request_re_review"),
    ("closed", 2, True, "final"), ("closed", 2, False, "final"), ("closed", 0, False, "record"),
])
def test_what_a_follow_up_does(status: str, review_round: int, recent: bool, expected: str) -> None:
    assert rules.after_follow_up(status, review_round, recent) == expected


@pytest.fixture
def replied(app: Flask, catalogue: object):  # noqa: ANN201
    """A web case answered by the economy division, waiting for its rating."""
    setup_departments()
    case = new_case()
    reply(case, "经核实，空置率数据将按季度公开。", at=NOW)
    db.session.commit()
    assert case.status == REPLIED and case.rating_due is not None and case.replied_at == NOW
    return case


def _notices(case) -> list[str]:  # noqa: ANN001
    return [m.subject for m in db.session.scalars(select(CaseMessage).where(
        CaseMessage.case_id == case.id, CaseMessage.purpose == "notice"))]


def test_satisfied_closes_and_the_rating_is_kept_raw(replied) -> None:  # noqa: ANN001
    assert rate_reply(replied, 3, "基本满意", now=NOW) == "close"
    db.session.commit()
    assert replied.status == CLOSED and replied.closed_at == NOW and replied.rating_due is None
    assert db.session.scalar(select(CaseRating.level)) == 3
    assert [s for s in _notices(replied) if "办结" in s] == [f"[{replied.reference}] 您的意见建议已办结"]
    assert replied.events[-1].detail["about"] == "close"
    with pytest.raises(TriageError):
        rate_reply(replied, 5, now=NOW)  # one rating per reply


def test_review_then_re_review_then_final(replied) -> None:  # noqa: ANN001
    department = replied.department
    assert rate_reply(replied, 2, "没有回应数据问题", now=NOW) == "request_review"
    db.session.commit()
    # Back to the department that answered, with the review clock (30 working days).
    assert replied.status == "assigned" and replied.department == department and replied.review_round == 1
    assert replied.reply_due == date(2024, 4, 16) and replied.rating_due is None
    assert any("复查" in subject for subject in _notices(replied))

    reply(replied, "复查答复", at=NOW + timedelta(days=3))
    assert rate_reply(replied, 1, now=NOW + timedelta(days=4)) == "request_re_review"
    assert replied.review_round == 2 and replied.status == "assigned"

    reply(replied, "复核答复", at=NOW + timedelta(days=8))
    assert rate_reply(replied, 1, now=NOW + timedelta(days=9)) == "close"  # the re-review is final
    db.session.commit()
    assert replied.status == CLOSED

    # A message on the same facts is recorded, reopens nothing, and the person is told why.
    message = CaseMessage(case=replied, direction="inbound", body_text="我还是不满意", created_at=NOW)
    db.session.add(message)
    later = NOW + timedelta(days=10)
    outcome = record_follow_up(replied, message, now=later, event="email_received", actor_label="mailbox")
    assert outcome == "final"
    db.session.commit()
    assert replied.status == CLOSED and "follow_up_after_final" in [e.action for e in replied.events]
    assert any("最终答复" in subject for subject in _notices(replied))


def test_an_unrated_reply_closes_by_itself_after_the_wait(app: Flask, replied) -> None:  # noqa: ANN001
    assert replied.rating_due == date(2024, 3, 25)  # 15 working days after the reply
    replied.rating_due = date(2099, 1, 1)
    db.session.commit()
    assert close_unrated_cases() == "closed 0 unrated case(s)"  # the wait is not over
    replied.rating_due = date(2020, 1, 1)
    db.session.commit()
    assert close_unrated_cases() == "closed 1 unrated case(s)"
    db.session.commit()
    assert replied.status == CLOSED
    closing = [e for e in replied.events if e.action == "close"][-1]
    assert closing.reason == NOT_RATED and closing.detail["reason_args"] == {"days": 15}
    assert close_unrated_cases() == "closed 0 unrated case(s)"  # idempotent
    db.session.commit()
    assert [s for s in _notices(replied) if "办结" in s] == [f"[{replied.reference}] 您的意见建议已办结"]


def test_a_status_change_releases_the_edit_lock(replied) -> None:  # noqa: ANN001
    holder = staff("triager")
    replied.locked_by_id, replied.locked_until = holder.id, NOW + timedelta(minutes=15)
    rate_reply(replied, 5, now=NOW)
    assert replied.locked_by_id is None and replied.locked_until is None
