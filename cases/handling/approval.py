"""Review before anything goes out: the handler submits a saved version, the department head approves
it (or endorses it for the party office, which then approves it) or sends it back with a comment.

Nobody approves their own draft: the author of the submitted version (or whoever submitted it) can
never approve or endorse it, whatever their roles. Every step is a status change through
cases.triage.workflow, whose event names the version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from cases.domain import states
from cases.extensions import db
from cases.handling.drafts import latest_draft, stored_points
from cases.models import Case, CaseEvent, ReplyDraft, StaffUser
from cases.triage import access
from cases.triage.workflow import TriageError, change_status

SUBMIT, APPROVE, ENDORSE, SEND_BACK = "draft_reply", "approve", "endorse", "send_back"
# The events that start, move or end a round of approval, newest decides what is pending.
APPROVAL_EVENTS = (SUBMIT, APPROVE, ENDORSE, SEND_BACK)


def needs_office_approval(case: Case) -> bool:
    """Whether the party office approves the reply after the head: the department's flag, or the case's
    kind listed in OFFICE_APPROVAL_KINDS."""
    kinds = current_app.config.get("OFFICE_APPROVAL_KINDS") or ()
    department_wants = bool(case.department is not None and case.department.office_approval)
    return department_wants or (case.kind is not None and case.kind in kinds)


def _last_approval_event(case: Case) -> CaseEvent | None:
    return db.session.scalar(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action.in_(APPROVAL_EVENTS))
        .order_by(CaseEvent.id.desc()).limit(1))


def _submission(case: Case) -> CaseEvent | None:
    return db.session.scalar(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == SUBMIT)
        .order_by(CaseEvent.id.desc()).limit(1))


def submitted_draft(case: Case) -> ReplyDraft | None:
    """The version that was submitted (waiting for approval, or approved), None while it is being written."""
    if case.status not in (states.ANSWERED, states.OFFICE_REVIEW, states.APPROVED, states.REPLIED):
        return None
    event = _submission(case)
    draft_id = (event.detail or {}).get("draft_id") if event is not None else None
    return db.session.get(ReplyDraft, draft_id) if draft_id else None


@dataclass(frozen=True)
class SentBack:
    """The comment of the last send-back, shown to the handler until the next submission."""

    comment: str
    by: StaffUser | None
    at: datetime
    version: int | None


def sent_back(case: Case) -> SentBack | None:
    """Why the reply came back, while the department is working on it again."""
    if case.status != states.ASSIGNED:
        return None
    event = _last_approval_event(case)
    if event is None or event.action != SEND_BACK:
        return None
    return SentBack(event.reason, event.actor, event.at, (event.detail or {}).get("version"))


def sent_back_comments(case_ids: list[int]) -> dict[int, str]:
    """For a list of cases (the workspace): the send-back comment of those the reply came back to."""
    if not case_ids:
        return {}
    rows = db.session.execute(
        select(CaseEvent.case_id, CaseEvent.action, CaseEvent.reason)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.action.in_(APPROVAL_EVENTS))
        .order_by(CaseEvent.case_id, CaseEvent.id)).all()
    last: dict[int, tuple[str, str]] = {}
    for case_id, action, reason in rows:
        last[case_id] = (action, reason)
    return {case_id: reason for case_id, (action, reason) in last.items() if action == SEND_BACK}


def _draft_detail(draft: ReplyDraft) -> dict[str, int]:
    return {"draft_id": draft.id, "version": draft.version}


def submit_for_approval(case: Case, *, actor: StaffUser, now: datetime) -> ReplyDraft:
    """Send the newest saved version to the department head (assigned → answered). Flushes."""
    if not access.may_draft(actor, case):
        raise TriageError(_("Only the department handling the case submits its reply."))
    draft = latest_draft(case)
    if draft is None or not draft.body_text.strip():
        raise TriageError(_("Save the reply before submitting it for approval."))
    unanswered = [str(n) for n, p in enumerate(stored_points(draft), start=1) if not p.answer.strip()]
    if unanswered:
        raise TriageError(_("Answer every point before submitting (point %(points)s has no answer yet).",
                            points="、".join(unanswered)))
    change_status(case, SUBMIT, actor=actor, now=now, detail=_draft_detail(draft))
    return draft


def _not_own(case: Case, actor: StaffUser, draft: ReplyDraft | None) -> None:
    submission = _submission(case)
    submitter = submission.actor_id if submission is not None else None
    if draft is not None and actor.id in (draft.author_id, submitter):
        raise TriageError(_("You wrote or submitted this version of the reply: another person must "
                            "approve it."))


def approve(case: Case, *, actor: StaffUser, now: datetime, comment: str = "") -> str:
    """Approve the submitted reply: the head (approve, or endorse when the party office must approve
    too), then the party office. Returns the action taken. Flushes."""
    draft = submitted_draft(case)
    if case.status == states.ANSWERED:
        if not access.is_department_head(actor, case):
            raise TriageError(_("Only the head of the department approves its replies."))
        action = ENDORSE if needs_office_approval(case) else APPROVE
    elif case.status == states.OFFICE_REVIEW:
        if not access.approves_for_office(actor, case):
            raise TriageError(_("Only a supervisor of the party office approves for the party office."))
        action = APPROVE
    else:
        raise TriageError(_("No reply waits for approval on this case."))
    _not_own(case, actor, draft)
    change_status(case, action, actor=actor, now=now, reason=comment,
                  detail=_draft_detail(draft) if draft is not None else None)
    return action


def may_send_back(user: StaffUser, case: Case) -> bool:
    """Whether this user may send the reply back now: the head while it waits for them, the party office
    while it waits for it, and either of them once approved (until it is sent)."""
    if case.status == states.ANSWERED:
        return access.is_department_head(user, case)
    if case.status == states.OFFICE_REVIEW:
        return access.approves_for_office(user, case)
    if case.status == states.APPROVED:
        return access.is_department_head(user, case) or access.approves_for_office(user, case)
    return False


def may_approve(user: StaffUser, case: Case) -> bool:
    """Whether this user may approve (or endorse) the reply waiting now (never their own)."""
    if case.status == states.ANSWERED:
        allowed = access.is_department_head(user, case)
    elif case.status == states.OFFICE_REVIEW:
        allowed = access.approves_for_office(user, case)
    else:
        return False
    try:
        _not_own(case, user, submitted_draft(case))
    except TriageError:
        return False
    return allowed


def send_back(case: Case, *, actor: StaffUser, now: datetime, comment: str) -> None:
    """Return the reply to the department with a comment the handler will read (→ assigned). Flushes."""
    if not comment.strip():
        raise TriageError(_("Say what should change: the handler reads your comment."))
    if not may_send_back(actor, case):
        raise TriageError(_("You may not send this reply back."))
    draft = submitted_draft(case)
    change_status(case, SEND_BACK, actor=actor, now=now, reason=comment,
                  detail=_draft_detail(draft) if draft is not None else None)
