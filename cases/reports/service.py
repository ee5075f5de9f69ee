"""Load the facts of a period and compute the report figures (streamed: three queries, no N+1).

The cases received in the period (filtered in SQL by problem, channel, kind and confidentiality),
their events (only the actions the figures read) and their links are read as three streams
ordered by case id and merged case by case; each case becomes a ``CaseHistory``, its ``Outcome``
is summed into a ``Tally`` and forgotten, so memory stays bounded whatever the period.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, exists, func, inspect, not_, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.base import NO_VALUE

from cases.domain.report_definitions import NAMES
from cases.domain.report_figures import (
    READ_ACTIONS,
    CaseHistory,
    HistoryEvent,
    Tally,
    outcomes_of,
    tally,
)
from cases.domain.states import is_sealed
from cases.extensions import db
from cases.models import Case, CaseEvent, Problem, Task
from cases.models.case import case_problem, case_task
from cases.reports.aggregate import fact_tallies, facts_current, stale_case_ids
from cases.reports.rollup import rollup_tallies
from cases.triage.access import restricted_condition
from cases.triage.calendar import configured_clocks, current_calendar

STREAM_BATCH = 5000  # rows fetched per round trip while streaming


@dataclass(frozen=True)
class ReportFilters:
    """What a report covers: cases received from ``start`` to ``end`` (local days, both included).

    ``department`` (code) keeps the cases attributed to it and its own returns and ratings (the
    same numbers as its row of a report by department); ``problem`` (code "1.1"), ``channel`` and
    ``kind`` filter the cases. ``as_of`` is the report's day (default: today, Shanghai time).
    """

    start: date
    end: date
    department: str | None = None
    problem: str | None = None
    channel: str | None = None
    kind: str | None = None
    as_of: date | None = None


@dataclass(frozen=True)
class FigureSet:
    """The figures of one group (``group`` "" for a total), by machine name (see DEFINITIONS)."""

    group: str
    values: dict[str, int | float | None] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int | float | None:
        """The figure named ``name``."""
        return self.values[name]

    def as_dict(self) -> dict[str, Any]:
        """The group and every figure in the order of DEFINITIONS (the CLI's JSON object)."""
        return {"group": self.group, **{name: self.values[name] for name in NAMES}}


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def today() -> date:
    """Today in the committee's time zone (the default report day)."""
    return datetime.now(_zone()).date()


def _case_filter(filters: ReportFilters, include_sealed: bool) -> list[Any]:
    """SQL conditions on Case for the period and filters (``department`` is applied per outcome)."""
    zone = _zone()
    start = datetime.combine(filters.start, time.min, zone)
    end = datetime.combine(filters.end + timedelta(days=1), time.min, zone)
    conditions: list[Any] = [Case.received_at >= start, Case.received_at < end]
    if not include_sealed:
        conditions.append(not_(restricted_condition()))
    if filters.channel:
        conditions.append(Case.channel == filters.channel)
    if filters.kind:
        conditions.append(Case.kind == filters.kind)
    if filters.problem:
        # Aliased: the links query joins these tables too, and must not correlate with them.
        link, linked = case_problem.alias("filter_link"), aliased(Problem, name="filter_problem")
        conditions.append(exists(select(link.c.case_id).join(linked, linked.id == link.c.problem_id).where(
            link.c.case_id == Case.id, linked.code == filters.problem)))
    return conditions


def _stream(statement: Select[Any]) -> Iterator[Any]:
    return iter(db.session.execute(statement.execution_options(yield_per=STREAM_BATCH)))


def _grouped(rows: Iterator[Any]) -> Iterator[tuple[int, list[Any]]]:
    """(case id, its rows) from rows ordered by case id (first column)."""
    current: int | None = None
    batch: list[Any] = []
    for row in rows:
        if row[0] != current:
            if current is not None:
                yield current, batch
            current, batch = row[0], []
        batch.append(row)
    if current is not None:
        yield current, batch


def _event(row: Any, zone: ZoneInfo) -> HistoryEvent:
    detail = row.detail or {}
    department = detail.get("department") if row.action in ("assign", "reassign", "return") else None
    return HistoryEvent(
        on=row.at.astimezone(zone).date(), action=row.action, to_status=row.to_status,
        department=department,
        level=int(detail["level"]) if row.action == "rated" and "level" in detail else None,
        days=int(detail.get("days", 0)) if row.action == "extension_approved" else None,
    )


def load_histories(filters: ReportFilters, include_sealed: bool) -> Iterator[CaseHistory]:
    """Every case of the period as a CaseHistory, oldest id first (four streamed queries)."""
    return histories_where(_case_filter(filters, include_sealed))


def history_in_memory(case: Case) -> CaseHistory | None:
    """A case created in this transaction (flushed) as a CaseHistory, from the session, with no query.

    None when its events or links are not in memory (read it with ``histories_where`` then). Only
    for a new case: no other transaction can have added to it.
    """
    state = inspect(case)
    loaded = {name: state.attrs[name].loaded_value for name in ("events", "problems", "tasks")}
    if case.id is None or any(value is NO_VALUE for name, value in loaded.items() if name != "tasks"):
        return None
    zone = _zone()
    tasks = () if loaded["tasks"] is NO_VALUE else tuple(sorted(task.id for task in loaded["tasks"]))
    return CaseHistory(
        case_id=case.id, received_on=case.received_at.astimezone(zone).date(), channel=case.channel,
        kind=case.kind, sealed=is_sealed(case.kind, case.confidential),
        events=tuple(_event(event, zone) for event in loaded["events"] if event.action in READ_ACTIONS),
        problems=tuple(sorted(problem.code for problem in loaded["problems"])),
        tasks=tasks,
    )


def histories_where(where: list[Any]) -> Iterator[CaseHistory]:
    """Every case the SQL conditions on Case select, as a CaseHistory, oldest id first."""
    zone = _zone()
    cases = _stream(select(Case.id, Case.received_at, Case.channel, Case.kind, Case.confidential)
                    .where(*where).order_by(Case.id))
    events = _grouped(_stream(
        select(CaseEvent.case_id, CaseEvent.at, CaseEvent.action, CaseEvent.to_status, CaseEvent.detail)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(*where, CaseEvent.action.in_(sorted(READ_ACTIONS)))
        .order_by(CaseEvent.case_id, CaseEvent.id)))
    problems = _grouped(_stream(
        select(case_problem.c.case_id, Problem.code)
        .join(Problem, Problem.id == case_problem.c.problem_id)
        .join(Case, Case.id == case_problem.c.case_id)
        .where(*where).order_by(case_problem.c.case_id, Problem.code)))
    tasks = _grouped(_stream(
        select(case_task.c.case_id, case_task.c.task_id).join(Case, Case.id == case_task.c.case_id)
        .where(*where).order_by(case_task.c.case_id, case_task.c.task_id)))
    pending = {"events": next(events, None), "problems": next(problems, None), "tasks": next(tasks, None)}
    streams = {"events": events, "problems": problems, "tasks": tasks}

    def take(name: str, case_id: int) -> list[Any]:
        head = pending[name]
        if head is None or head[0] != case_id:
            return []  # ordered by id: a stream ahead of this case has nothing for it
        pending[name] = next(streams[name], None)
        return head[1]

    for row in cases:
        yield CaseHistory(
            case_id=row.id, received_on=row.received_at.astimezone(zone).date(), channel=row.channel,
            kind=row.kind, sealed=is_sealed(row.kind, row.confidential),
            events=tuple(_event(event, zone) for event in take("events", row.id)),
            problems=tuple(code for _id, code in take("problems", row.id)),
            tasks=tuple(task for _id, task in take("tasks", row.id)),
        )


def catalogue_size() -> int:
    """How many rectification problems and tasks the catalogue holds (coverage's denominator)."""
    problems = select(func.count()).select_from(Problem).scalar_subquery()
    tasks = select(func.count()).select_from(Task).scalar_subquery()
    return db.session.scalar(select(problems + tasks)) or 0


def _tallies(by: str | None, filters: ReportFilters, viewer_may_see_sealed: bool) -> dict[str, Tally]:
    """The facts of the cases whose stored facts hold, counted in SQL (their monthly roll-up for
    whole months), plus the others from their events.

    A case is read from its events when it is marked dirty (changed since its facts were written)
    or when its facts start after the report day (a report of the past), and every case is while
    the facts were built with another calendar or other clocks than today's (until ``report
    rebuild``): each case is counted once, by one of the two routes, and both end in one Tally.
    """
    as_of = filters.as_of or today()
    where = _case_filter(filters, viewer_may_see_sealed)
    groups: dict[str, Tally] = {}
    if facts_current():  # else (never built, or the calendar or clocks changed since): the events
        # The period's whole months from the roll-up, the rest of its days from the facts.
        groups, days = rollup_tallies(by, filters, viewer_may_see_sealed, as_of)
        for key, counted in fact_tallies(by, filters, viewer_may_see_sealed, as_of, days).items():
            groups.setdefault(key, Tally()).merge(counted)
        where = [*where, Case.id.in_(stale_case_ids(as_of))]
    outcomes = outcomes_of(histories_where(where), current_calendar(), configured_clocks(), as_of)
    for key, streamed in tally(outcomes, by, department=filters.department).items():
        groups.setdefault(key, Tally()).merge(streamed)
    return groups


def compute_figures(filters: ReportFilters, viewer_may_see_sealed: bool) -> FigureSet:
    """Every figure for the cases the filters select, summed (``group`` is "").

    ``viewer_may_see_sealed``: pass ``access.can_read_unscreened(user)`` (or ``--include-sealed``
    on the CLI); without it sealed and unscreened cases are left out of every figure.
    """
    groups = _tallies(None, filters, viewer_may_see_sealed)
    return FigureSet("", groups.get("", Tally()).figures(catalogue_size()))


def figures_by(by: str, filters: ReportFilters, viewer_may_see_sealed: bool) -> list[FigureSet]:
    """The figures per group (``by``: department, problem, channel or month), sorted by group.

    Groups are codes: department code, problem code, channel, "YYYY-MM"; "" holds the cases with
    no department (never assigned) or no linked problem.
    """
    size = catalogue_size()
    groups = _tallies(by, filters, viewer_may_see_sealed)
    return [FigureSet(key, groups[key].figures(size)) for key in sorted(groups)]


def linked_per_task(filters: ReportFilters, viewer_may_see_sealed: bool) -> dict[int, int]:
    """How many cases the filters select are linked to each task (task id → cases; duplicates included).

    The count of opinions on a task, as ``received`` counts them on a problem; ``department`` is not
    applied (it attributes outcomes, not cases).
    """
    rows = db.session.execute(
        select(case_task.c.task_id, func.count(case_task.c.case_id))
        .join(Case, Case.id == case_task.c.case_id)
        .where(*_case_filter(filters, viewer_may_see_sealed)).group_by(case_task.c.task_id))
    return {task_id: count for task_id, count in rows}


__all__ = ["FigureSet", "ReportFilters", "compute_figures", "figures_by", "linked_per_task", "load_histories",
           "today"]
