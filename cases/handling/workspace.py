"""The department's workspace: the cases a department holds, with their clocks and who took them;
what waits for the head's approval; what waits for the party office, and what is ready to send.
Taking a case (becoming its handler) is recorded as an event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, not_, nulls_last, select
from sqlalchemy.orm import selectinload

from cases.domain import roles as role_names
from cases.domain import states
from cases.domain.clocks import is_overdue, working_days_left
from cases.extensions import db
from cases.handling.approval import sent_back_comments
from cases.models import Case, StaffUser
from cases.triage import access
from cases.triage.calendar import current_calendar
from cases.triage.workflow import TriageError, note_event


@dataclass(frozen=True)
class WorkRow:
    """One case of a workspace list, with what the list shows about it."""

    case: Case
    days_left: int | None
    overdue: bool
    sent_back: str  # the comment of a send-back the handler has not answered yet ("" if none)
    may_take: bool
    locked_by: StaffUser | None


@dataclass
class Workspace:
    """The lists of one user's workspace (each empty when the user's roles do not see it)."""

    department: list[WorkRow] = field(default_factory=list)
    for_head: list[WorkRow] = field(default_factory=list)
    for_office: list[WorkRow] = field(default_factory=list)
    ready_to_send: list[WorkRow] = field(default_factory=list)
    shows_department: bool = False
    shows_head: bool = False
    shows_office: bool = False


def has_workspace(user: StaffUser) -> bool:
    """Whether this user has a workspace (department roles, party-office supervisors)."""
    return bool(user.roles & (role_names.DEPARTMENT_ROLES | {role_names.SUPERVISOR}))


def _cases(condition: ColumnElement[bool]) -> list[Case]:
    return list(db.session.scalars(
        select(Case).where(condition)
        .options(selectinload(Case.handler), selectinload(Case.department))
        .order_by(nulls_last(Case.reply_due.asc()), Case.received_at, Case.id)))


def _rows(user: StaffUser, cases: list[Case], today: date, now: datetime) -> list[WorkRow]:
    calendar = current_calendar()
    comments = sent_back_comments([case.id for case in cases])
    holders = {u.id: u for u in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(
        {c.locked_by_id for c in cases if c.locked_by_id and c.locked_until and c.locked_until > now})))}
    rows = []
    for case in cases:
        # A colleague's running lock only (holders has running locks only; one's own lock is no news).
        holder = holders.get(case.locked_by_id) if case.locked_by_id != user.id else None
        rows.append(WorkRow(
            case=case,
            days_left=working_days_left(calendar, case.reply_due, today),
            overdue=is_overdue(case.reply_due, today),
            sent_back=comments.get(case.id, "") if case.status == states.ASSIGNED else "",
            may_take=case.handler_id != user.id and access.may_take(user, case)
            and (case.handler_id is None or access.may_take_over(user, case)),
            locked_by=holder,
        ))
    return rows


def workspace_for(user: StaffUser, today: date, now: datetime) -> Workspace:
    """Every list of this user's workspace, the most urgent case first in each."""
    found = Workspace()
    roles = user.roles
    if roles & role_names.DEPARTMENT_ROLES:
        found.shows_department = True
        found.department = _rows(user, _cases(access.workspace_condition(user)), today, now)
    if role_names.DEPT_HEAD in roles:
        found.shows_head = True
        found.for_head = [row for row in found.department if row.case.status == states.ANSWERED
                          and access.is_department_head(user, row.case)]
    if role_names.SUPERVISOR in roles:
        found.shows_office = True
        office = _cases(and_(access.visible_condition(user), not_(access.held_condition()),
                             Case.status.in_((states.OFFICE_REVIEW, states.APPROVED))))
        rows = _rows(user, office, today, now)
        found.for_office = [row for row in rows if row.case.status == states.OFFICE_REVIEW]
        found.ready_to_send = [row for row in rows if row.case.status == states.APPROVED]
    return found


def take_case(case: Case, *, actor: StaffUser, now: datetime) -> None:
    """Become the handler of ``case``; from a colleague only the department head may take it over. Flushes."""
    if not access.may_take(actor, case):
        raise TriageError(_("Only the department holding the case can take it."))
    if case.handler_id == actor.id:
        raise TriageError(_("You already handle this case."))
    previous = case.handler
    if previous is not None and not access.may_take_over(actor, case):
        raise TriageError(_("%(name)s already handles this case: only the head of the department can take "
                            "it over.", name=previous.display_name or previous.email))
    case.handler = actor
    action = "taken_over" if previous is not None else "taken"
    note_event(case, action, actor=actor, now=now,
               detail={"handler": actor.email, "previous": previous.email if previous else None})
