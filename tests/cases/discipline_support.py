"""Helpers of the discipline-track tests: an accepted accusation, its steps, its closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from cases.extensions import db
from cases.handling import discipline
from cases.handling.discipline_measures import ensure_default_measures
from cases.intake import NewCase, record_case
from cases.models import Case, StaffUser
from cases.triage import decisions
from tests.cases.triage_support import RECEIVED, setup_departments, staff

ACCEPTED = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
ACCUSATION = "举报经济发展处王科长收受企业红包，为亲属公司谋利。"
SUBJECT = "举报王科长"


@dataclass
class Accusation:
    """An accusation accepted by the discipline inspection group, and its tracking code."""

    case: Case
    code: str
    inspector: StaffUser


def setup_discipline() -> StaffUser:
    """Departments, the measures (the tests empty every table) and the inspector, committed."""
    setup_departments()
    ensure_default_measures()
    db.session.commit()
    return staff("inspector")


def accepted_accusation(inspector: StaffUser, *, anonymous: bool = False,
                        email: str = "reporter@example.test", phone: str = "13800000000") -> Accusation:
    """An accusation from the web, accepted on ACCEPTED and with the discipline group (committed)."""
    recorded = record_case(NewCase(channel="web", body=ACCUSATION, subject=SUBJECT, received_at=RECEIVED,
                                   submitter_name="" if anonymous else "李四", submitter_email=email,
                                   submitter_phone=phone, anonymous=anonymous), now=RECEIVED)
    case = recorded.case
    assert case.kind == "accusation"
    decisions.accept(case, actor=inspector, now=ACCEPTED, reason="")
    db.session.commit()
    assert case.status == "assigned" and case.department is not None
    assert case.department.kind == "discipline"
    return Accusation(case, recorded.tracking_code, inspector)


def step(found: Accusation, measure: str, on: date, note: str, *, now: datetime | None = None) -> None:
    """Record a step through the service and commit."""
    discipline.record_step(found.case, measure, on, note, actor=found.inspector, now=now or ACCEPTED)
    db.session.commit()


def concluded(found: Accusation, *, now: datetime = ACCEPTED, conclusion: str = "经核查，已作处理。") -> None:
    """Record a concluding step and close the accusation on ``now`` (committed)."""
    step(found, "concluded", now.date(), "予以了结。", now=now)
    discipline.conclude(found.case, conclusion, actor=found.inspector, now=now)
    db.session.commit()
