"""Where each opinion linked to a rectification problem stands, for the progress page.

Only the cases the reader may see (``access.visible_condition``: a leader never sees a sealed
accusation here), received in the page's period; the newest ``SHOWN`` per problem, the rest
through the inbox filtered by that problem. One count query and one bounded query per problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, func, select

from cases.domain.states import OPEN_STATUSES, RECEIVED
from cases.extensions import db
from cases.models import Case, Department, Problem, StaffUser
from cases.models.case import case_problem
from cases.reports import ReportFilters, today
from cases.staff.labels import status_label
from cases.staff.report_tables import department_name
from cases.triage.access import visible_condition
from cases.triage.inbox import overdue_condition

SHOWN = 50  # per problem: enough to read at a glance; the inbox holds the rest


@dataclass(frozen=True)
class LinkedCase:
    """One opinion as the progress page lists it: reference, status label, department, due date, overdue."""

    reference: str
    status: str
    department: str
    due: date | None
    overdue: bool


@dataclass
class LinkedCases:
    """The newest linked cases of a problem the reader may see, and how many there are in all."""

    total: int = 0
    cases: list[LinkedCase] = field(default_factory=list)


def _bounds(filters: ReportFilters) -> list[ColumnElement[bool]]:
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    start = datetime.combine(filters.start, time.min, zone)
    end = datetime.combine(filters.end + timedelta(days=1), time.min, zone)
    conditions: list[ColumnElement[bool]] = [Case.received_at >= start, Case.received_at < end]
    if filters.channel:
        conditions.append(Case.channel == filters.channel)
    if filters.kind:
        conditions.append(Case.kind == filters.kind)
    return conditions


def _due(status: str, acceptance_due: date | None, reply_due: date | None) -> date | None:
    """The date the case waits for: the acceptance decision, or the reply while it is open."""
    if status == RECEIVED:
        return acceptance_due
    return reply_due if status in OPEN_STATUSES else None


def linked_cases(user: StaffUser, filters: ReportFilters) -> dict[str, LinkedCases]:
    """Per problem code: the newest SHOWN linked cases ``user`` may see, received in the period."""
    conditions = [visible_condition(user), *_bounds(filters)]
    counts = db.session.execute(
        select(Problem.code, func.count(Case.id)).select_from(case_problem)
        .join(Problem, Problem.id == case_problem.c.problem_id).join(Case, Case.id == case_problem.c.case_id)
        .where(*conditions).group_by(Problem.code))
    found = {code: LinkedCases(total) for code, total in counts}
    departments = {d.id: department_name(d) for d in db.session.scalars(select(Department))}
    overdue = overdue_condition(filters.as_of or today()).label("overdue")
    for code, linked in found.items():
        rows = db.session.execute(
            select(Case.reference, Case.status, Case.department_id, Case.acceptance_due, Case.reply_due,
                   overdue)
            .join(case_problem, case_problem.c.case_id == Case.id)
            .join(Problem, Problem.id == case_problem.c.problem_id)
            .where(Problem.code == code, *conditions)
            .order_by(Case.received_at.desc(), Case.id.desc()).limit(SHOWN))
        linked.cases = [LinkedCase(row.reference, status_label(row.status),
                                   departments.get(row.department_id, "") if row.department_id else "",
                                   _due(row.status, row.acceptance_due, row.reply_due), bool(row.overdue))
                        for row in rows]
    return found
