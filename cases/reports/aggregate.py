"""Count the stored report facts in SQL: one grouped query, and one for the catalogue's coverage.

SQL does no arithmetic of its own: it groups identical fact rows (the report day applied by three
comparisons) and counts them, and ``report_facts.add_counted`` adds each group of rows into the
``Tally`` that the streaming route fills too, so the medians, percentiles and rates are computed
by ``Tally.figures`` alone (the day counts come back as a histogram, on PostgreSQL and SQLite
alike). Only facts that hold for the report day are read: see ``stale_case_ids``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, String, cast, exists, func, literal, select, union, union_all

from cases.domain.report_facts import FLAGS, add_counted
from cases.domain.report_figures import UNASSIGNED, Tally
from cases.domain.satisfaction import LEVELS
from cases.extensions import db
from cases.models import Problem, ReportDirty, ReportFact
from cases.models.case import case_problem, case_task

if TYPE_CHECKING:
    from cases.reports.service import ReportFilters

F = ReportFact


def stale_case_ids(as_of: date) -> Select[Any]:
    """SQL: the cases whose stored facts cannot answer for ``as_of`` (read from their events instead):
    marked dirty, or with facts that start after that day (a report of the past)."""
    return union(select(ReportDirty.case_id), select(F.case_id).where(F.valid_on > as_of))


def _problem_links() -> Any:
    """(case id, problem code) once each, whatever the catalogue versions linked."""
    return (select(case_problem.c.case_id, Problem.code)
            .join(Problem, Problem.id == case_problem.c.problem_id).distinct().subquery())


def _where(filters: ReportFilters, include_sealed: bool, as_of: date) -> list[ColumnElement[bool]]:
    """The fact rows of the period and filters whose facts hold for ``as_of``."""
    conditions: list[ColumnElement[bool]] = [
        F.received_on >= filters.start, F.received_on <= filters.end, F.valid_on <= as_of,
        ~exists(select(ReportDirty.id).where(ReportDirty.case_id == F.case_id)),
    ]
    if not include_sealed:
        conditions.append(F.restricted.is_(False))
    if filters.channel:
        conditions.append(F.channel == filters.channel)
    if filters.kind:
        conditions.append(F.kind == filters.kind)
    if filters.department is not None:
        conditions.append(F.department == filters.department)
    if filters.problem:
        link = _problem_links()
        conditions.append(exists(select(link.c.case_id).where(link.c.case_id == F.case_id,
                                                               link.c.code == filters.problem)))
    return conditions


def _keyed(statement: Select[Any], by: str | None) -> tuple[Select[Any], ColumnElement[Any]]:
    """The statement joined as the grouping needs, and the group key (see report_figures.case_groups)."""
    if by is None:
        return statement, literal("")
    if by == "problem":
        link = _problem_links()
        joined = statement.outerjoin(link, link.c.case_id == F.case_id)
        return joined, func.coalesce(link.c.code, UNASSIGNED)
    column = {"department": F.department, "channel": F.channel, "month": F.month}[by]
    return statement, column


def fact_tallies(by: str | None, filters: ReportFilters, include_sealed: bool,
                 as_of: date) -> dict[str, Tally]:
    """One Tally per group from the stored facts that hold for ``as_of`` (two queries)."""
    where = _where(filters, include_sealed, as_of)
    statement, key = _keyed(select(F.case_id).select_from(F), by)
    counted = [
        *(getattr(F, name) for name in FLAGS), F.ack_days, F.reply_days,
        (F.due_from < as_of).label("due"), (F.case_due < as_of).label("overdue_case"),
        (F.held_due < as_of).label("overdue_held"), F.assignments, F.returns,
        *(getattr(F, f"rated_{level}") for level in LEVELS),
    ]
    rows = db.session.execute(
        statement.with_only_columns(key.label("key"), *counted, func.count().label("n"))
        .where(*where).group_by(key, *counted))
    per_holder = by == "department" or filters.department is not None
    groups: dict[str, Tally] = {}
    for row in rows:
        mapping = row._mapping
        add_counted(groups, row.key, mapping, row.n, per_holder)
    _add_coverage(groups, by, where)
    return groups


def _add_coverage(groups: dict[str, Tally], by: str | None, where: list[ColumnElement[bool]]) -> None:
    """Fill each group's covered problems and tasks (linked to a case counted in it, duplicates not)."""
    counted = [*where, F.is_case.is_(True), F.duplicate.is_(False)]
    problem_link, task_link = _problem_links(), case_task
    queries = []
    for name, link, item in (("problem:", problem_link, problem_link.c.code),
                             ("task:", task_link, cast(task_link.c.task_id, String))):
        statement, key = _keyed(select(F.case_id).select_from(F), by)
        queries.append(statement.join(link, link.c.case_id == F.case_id)
                       .with_only_columns(key.label("key"), (literal(name) + item).label("item"))
                       .where(*counted).distinct())
    for key, item in db.session.execute(union_all(*queries)):
        groups.setdefault(key, Tally()).covered.add(item)
