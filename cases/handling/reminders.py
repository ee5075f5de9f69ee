"""Reminders and escalation: staff are e-mailed as a case's clocks run down, once each.

A run looks at every running clock (the acceptance decision, the reply, the discipline group's
report back), asks cases.domain.reminders which reminder is due today, and records it under its
unique key: the insert is skipped when another run (a second worker, a rerun) already recorded it,
and only the run whose insert succeeded writes the case's event and queues the e-mail (through the
outbox, after the commit). Who is told is decided by cases.triage.access. The caller commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import defer

from cases.domain import roles as role_names
from cases.domain import states
from cases.domain.reminders import (
    ACCEPTANCE,
    DAYS_BEFORE_DUE,
    OVERDUE,
    REPLY,
    REPORT_BACK,
    clock_state,
    digest_key,
    reminder_due,
    reminder_key,
)
from cases.extensions import db
from cases.handling.reminder_mail import SEND_REMINDER_JOB, DigestLine, digest_text, reminder_text
from cases.models import Case, CaseEvent, Department, Reminder, StaffUser
from cases.outbox import add_job
from cases.triage.access import (
    can_view,
    case_is_held,
    case_is_sealed,
    handles_discipline,
    is_department_head,
    whose_turn,
)
from cases.triage.calendar import current_calendar, local_date
from cases.triage.workflow import note_event

# The event a reminder writes on its case (labelled in cases.staff.labels).
REMINDER_EVENTS = {"half": "reminder_half", "eighty": "reminder_eighty", "three_days": "reminder_three_days",
                   OVERDUE: "marked_overdue"}
PARTY_OFFICE_ROLES = frozenset({role_names.TRIAGER, role_names.SUPERVISOR})


@dataclass(frozen=True)
class RunningClock:
    """One clock of one case that has not stopped yet."""

    case: Case
    clock: str
    start: date
    due: date


@dataclass
class ReminderRun:
    """What one run recorded (reminders and digests it sent; those another run had already sent)."""

    reminders: int = 0
    digests: int = 0
    skipped: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.reminders} reminder(s), {self.digests} digest(s), {self.skipped} already sent"


def _reply_start(case: Case) -> date:
    """The day the reply clock started: acceptance, or the opening of the current review round."""
    if case.review_round:
        opened = db.session.scalar(select(CaseEvent.at).where(
            CaseEvent.case_id == case.id, CaseEvent.action.in_(("request_review", "request_re_review")))
            .order_by(CaseEvent.id.desc()).limit(1))
        if opened is not None:
            return local_date(opened)
    return local_date(case.accepted_at or case.received_at)


def running_clocks() -> Iterator[RunningClock]:
    """Every clock still running, case by case in id order (two runs take the same order)."""
    query = select(Case).where(Case.screened_at.is_not(None)).where(
        ((Case.status == states.RECEIVED) & Case.acceptance_due.is_not(None))
        | (Case.status.in_(states.REPLY_PENDING) & Case.reply_due.is_not(None))
        | ((Case.status == states.CLOSED) & Case.report_back_due.is_not(None)
           & Case.reported_back_at.is_(None))
    ).order_by(Case.id).options(defer(Case.body), defer(Case.search_text), defer(Case.suggestions))
    for case in db.session.scalars(query):
        if case.status == states.RECEIVED and case.acceptance_due is not None:
            yield RunningClock(case, ACCEPTANCE, local_date(case.received_at), case.acceptance_due)
        elif case.status in states.REPLY_PENDING and case.reply_due is not None:
            yield RunningClock(case, REPLY, _reply_start(case), case.reply_due)
        elif case.status == states.CLOSED and case.report_back_due is not None and case.closed_at is not None:
            yield RunningClock(case, REPORT_BACK, local_date(case.closed_at), case.report_back_due)


def _whose_clock(user: StaffUser, running: RunningClock) -> bool:
    """Whether ``user`` must act for this clock now (the handler, the head, the triagers…)."""
    if running.clock == REPORT_BACK:
        return handles_discipline(user, running.case)
    return whose_turn(user, running.case)


def _escalated_to(user: StaffUser, running: RunningClock) -> bool:
    """Whether ``user`` is told that the clock is overdue: the department head (for a sealed case the
    discipline group) and the party office, among those who may see the case."""
    case = running.case
    if not can_view(user, case):
        return False
    if user.roles & PARTY_OFFICE_ROLES:
        return True
    return handles_discipline(user, case) if case_is_sealed(case) else is_department_head(user, case)


def recipients(running: RunningClock, threshold: str, staff: list[StaffUser]) -> list[StaffUser]:
    """Who is e-mailed: whose turn it is; once overdue, also the head and the party office."""
    return [user for user in staff if _whose_clock(user, running)
            or (threshold == OVERDUE and _escalated_to(user, running))]


def _insert_or_skip(values: dict[str, Any]) -> int | None:
    """Insert a reminder row unless its key exists (then None): the unique key decides between runs."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (insert(Reminder).values(**values).on_conflict_do_nothing(index_elements=["key"])
                 .returning(Reminder.id))
    return db.session.scalar(statement)


def _record(values: dict[str, Any], people: list[StaffUser]) -> int | None:
    """Record one reminder or digest and queue its e-mail; None when another run already did."""
    addresses = ",".join(user.email for user in people)
    reminder_id = _insert_or_skip({**values, "recipients": addresses,
                                   "state": "queued" if people else "no_recipients"})
    if reminder_id is not None and people:
        add_job(SEND_REMINDER_JOB, reminder_id=reminder_id)
    return reminder_id


def _active_staff() -> list[StaffUser]:
    query = select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.id)
    return list(db.session.scalars(query))


def _existing(keys: list[str]) -> set[str]:
    """The keys among ``keys`` already recorded (spares rendering what is sure to be skipped)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update(db.session.scalars(select(Reminder.key).where(Reminder.key.in_(chunk))))
    return found


def run_reminders(now: datetime) -> ReminderRun:
    """Send every reminder and digest due at ``now`` that no run has sent yet. Flushes; the caller commits."""
    calendar, today, run = current_calendar(), local_date(now), ReminderRun()
    staff = _active_staff()
    clocks = list(running_clocks())
    due: list[tuple[RunningClock, str, str]] = []
    for running in clocks:
        threshold = reminder_due(calendar, running.start, running.due, today)
        if threshold is not None:
            key = reminder_key(running.case.id, running.clock, threshold, running.due)
            due.append((running, threshold, key))
    existing = _existing([key for _running, _threshold, key in due])
    for running, threshold, key in due:
        if key in existing:
            run.skipped += 1
            continue
        _remind(running, threshold, key, today, staff, now, run)
    _send_digests(clocks, staff, now, run)
    return run


def _remind(running: RunningClock, threshold: str, key: str, today: date, staff: list[StaffUser],
            now: datetime, run: ReminderRun) -> None:
    case, calendar = running.case, current_calendar()
    state = clock_state(calendar, running.start, running.due, today)
    people = recipients(running, threshold, staff)
    subject, body = reminder_text(case, running.clock, threshold, running.due, state.left)
    inserted = _record({"key": key, "kind": threshold, "clock": running.clock, "case_id": case.id,
                        "due": running.due, "created_at": now, "subject": subject, "body": body}, people)
    if inserted is None:
        run.skipped += 1
        return
    # On the case's timeline: who was told is counted, not named (the staff see their own mail).
    note_event(case, REMINDER_EVENTS[threshold], actor=None, now=now,
               detail={"clock": running.clock, "due": running.due.isoformat(), "recipients": len(people)})
    run.reminders += 1
    run.kinds[threshold] = run.kinds.get(threshold, 0) + 1


def _line(running: RunningClock, today: date) -> DigestLine:
    state = clock_state(current_calendar(), running.start, running.due, today)
    return DigestLine(running.case, running.clock, running.due, state.left)


def _digest_scopes(user: StaffUser,
                   departments: dict[int, Department]) -> list[tuple[str, Department | None]]:
    """The digests ``user`` receives: the party office's, and one per department they work in."""
    scopes: list[tuple[str, Department | None]] = []
    if user.roles & PARTY_OFFICE_ROLES:
        scopes.append(("office", None))
    if user.roles & (role_names.DEPARTMENT_ROLES | {role_names.INSPECTOR}):
        scopes.extend((f"department-{dept.id}", dept) for dept in user.departments if dept.id in departments)
    return scopes


def _in_scope(line: DigestLine, department: Department | None) -> bool:
    if department is None:  # the party office: what is overdue or nearly due, every department
        return line.left <= DAYS_BEFORE_DUE
    if department.kind == "discipline" and case_is_sealed(line.case):
        return True
    return line.case.department_id == department.id


def _send_digests(clocks: list[RunningClock], staff: list[StaffUser], now: datetime,
                  run: ReminderRun) -> None:
    """One digest a working day for each member of a department and of the party office (when it has
    something to say), from REMINDER_DIGEST_HOUR local time."""
    calendar, today = current_calendar(), local_date(now)
    hour = now.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).hour
    if not calendar.is_working_day(today)[0] or hour < int(current_app.config["REMINDER_DIGEST_HOUR"]):
        return
    active = db.session.scalars(select(Department).where(Department.active.is_(True)))
    departments = {dept.id: dept for dept in active}
    wanted = [(user, digest_key(scope, user.id, today), dept)
              for user in staff for scope, dept in _digest_scopes(user, departments)]
    existing = _existing([key for _user, key, _dept in wanted])
    pending = [(user, key, dept) for user, key, dept in wanted if key not in existing]
    if not pending:
        return  # the later runs of the day: every digest went out with the first one
    lines = [_line(running, today) for running in clocks if not case_is_held(running.case)]
    for user, key, dept in pending:
        mine = sorted((line for line in lines if _in_scope(line, dept) and can_view(user, line.case)),
                      key=lambda line: (line.left, line.case.id))
        if not mine:
            continue
        subject, body = digest_text(dept, mine, today)
        if _record({"key": key, "kind": "digest", "created_at": now, "subject": subject, "body": body},
                   [user]) is None:
            run.skipped += 1
            continue
        run.digests += 1
