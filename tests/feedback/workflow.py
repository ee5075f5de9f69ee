"""Moving a case along as staff would, through the transition table (for tracking tests)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from cases.extensions import db
from cases.handling.sending import send_reply
from cases.models import Case, CaseMessage, Department, ReplyDraft, StaffRole, StaffUser
from cases.models.types import utcnow
from cases.triage.workflow import change_status


def staff_user() -> StaffUser:
    """A party-office account (it may send replies) whose name must never appear on public pages."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == "handler@hq.example.cn"))
    if user is None:
        user = StaffUser(email="handler@hq.example.cn", display_name="赵处长", password_hash="x",
                         role_rows=[StaffRole("triager")])
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


def draft(case: Case, text: str, *, at: datetime | None = None, **fields: object) -> ReplyDraft:
    """Save a new version of the reply's draft (as the drafting page would)."""
    version = (db.session.scalar(select(func.max(ReplyDraft.version)).where(ReplyDraft.case_id == case.id))
               or 0) + 1
    saved = ReplyDraft(case_id=case.id, version=version, review_round=case.review_round, author=staff_user(),
                       created_at=at or utcnow(), body_text=text, **fields)
    db.session.add(saved)
    db.session.flush()
    return saved


def approve(case: Case, text: str, *, at: datetime | None = None, **fields: object) -> ReplyDraft:
    """Accept and assign when needed, then draft and approve a reply (ready to send)."""
    at = at or utcnow()
    if case.status == "received":
        move(case, "accept", at=at)
    if case.status == "accepted":
        case.department = department()
        move(case, "assign", at=at)
    # An internal note on the case: it must never reach the reply.
    db.session.add(CaseMessage(case=case, direction="note", body_text="内部意见：请经济处核实。",
                               author=staff_user(), created_at=at))
    saved = draft(case, text, at=at, **fields)
    move(case, "draft_reply", at=at)
    change_status(case, "approve", actor=staff_user(), now=at, detail={"version": saved.version})
    return saved


def reply(case: Case, text: str, *, at: datetime | None = None, method: str | None = None) -> CaseMessage:
    """Accept, assign, draft, approve and send a reply through cases.handling.sending, as staff would."""
    at = at or utcnow()
    approve(case, text, at=at)
    return send_reply(case, actor=staff_user(), now=at, method=method)
