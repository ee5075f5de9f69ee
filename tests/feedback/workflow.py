"""Moving a case along as staff would, through the transition table (for tracking tests)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cases.extensions import db
from cases.models import Case, CaseMessage, Department, StaffUser
from cases.models.types import utcnow
from cases.triage.workflow import change_status


def staff_user() -> StaffUser:
    """A staff account whose name must never appear on public pages."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == "handler@hq.example.cn"))
    if user is None:
        user = StaffUser(email="handler@hq.example.cn", display_name="赵处长", password_hash="x")
        db.session.add(user)
        db.session.flush()
    return user


def department() -> Department:
    """The economy division (created when missing)."""
    found = db.session.scalar(select(Department).where(Department.code == "economy"))
    if found is None:
        found = Department(code="economy", name_zh="经济发展处", name_en="Economic Development Division")
        db.session.add(found)
        db.session.flush()
    return found


def move(case: Case, action: str, *, at: datetime | None = None, reason: str = "") -> None:
    """Apply one transition of the table, with its audit event, as a staff user."""
    change_status(case, action, actor=staff_user(), now=at or utcnow(), reason=reason)


def reply(case: Case, text: str, *, at: datetime | None = None) -> None:
    """Accept, assign, draft, approve and send a reply (an outbound message) as staff would."""
    at = at or utcnow()
    if case.status == "received":
        move(case, "accept", at=at)
    if case.status == "accepted":
        case.department = department()
        move(case, "assign", at=at)
    db.session.add(CaseMessage(case=case, direction="note", body_text="内部意见：请经济处核实。",
                               author=staff_user(), created_at=at))
    move(case, "draft_reply", at=at)
    move(case, "approve", at=at)
    db.session.add(CaseMessage(case=case, direction="outbound", subject=f"[{case.reference}] 答复",
                               body_text="经核实，空置率数据将按季度公开。", author=staff_user(),
                               sender="hqcbd@example.test", created_at=at, purpose="reply"))
    move(case, "send_reply", at=at)
