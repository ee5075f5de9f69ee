"""Count the stored report facts in SQL: one pass over the period's rows (two on SQLite).

SQL does no arithmetic of its own: it counts the rows with each flag and sums the counts (the
report day applied by three comparisons), grouped by each day count (the medians and percentiles
need their histograms) and, for the catalogue's coverage, by the link sets; on PostgreSQL the
three groupings come from one scan (GROUPING SETS), SQLite runs them as three queries.
``report_facts.add_sums`` adds the sums into the ``Tally`` that the streaming route fills too, so
every rate, median and percentile is computed by ``Tally.figures`` alone. Only facts that hold for
the report day are read: see ``stale_case_ids``.
"""

from __future__ import annotations

import hashlib
from datetime import date
from importlib import metadata
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union,
    union_all,
)

from cases.domain.report_facts import AFTER, FLAGS, SUMS, add_days, add_sums, covered_items, link_items
from cases.domain.report_figures import UNASSIGNED, Tally
from cases.extensions import db
from cases.models import ReportDirty, ReportFact, ReportState
from cases.triage.calendar import configured_clocks, current_calendar

if TYPE_CHECKING:
    from cases.reports.service import ReportFilters

F = ReportFact


def facts_basis() -> str:
    """What the stored due dates depend on (holiday overrides, calendar package, clocks), hashed."""
    try:
        package = metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:
        package = ""
    overrides = sorted(current_calendar().overrides.items())
    return hashlib.sha256(repr((overrides, package, configured_clocks())).encode()).hexdigest()


def facts_current() -> bool:
    """Whether the stored facts were built with today's calendar and clocks (else: read the events)."""
    return db.session.scalar(select(ReportState.basis).where(ReportState.id == 1)) == facts_basis()


def stale_case_ids(as_of: date) -> Select[Any]:
    """SQL: the cases whose stored facts cannot answer for ``as_of`` (read from their events instead):
    marked dirty, or with facts that start after that day (a report of the past)."""
    return union(select(ReportDirty.case_id), select(F.case_id).where(F.valid_on > as_of))


def _where(filters: ReportFilters, include_sealed: bool, as_of: date,
           days: list[tuple[date, date]]) -> list[ColumnElement[bool]]:
    """The fact rows received in these day ranges, of the filters, whose facts hold for ``as_of``."""
    received = or_(false(), *(and_(F.received_on >= first, F.received_on <= last) for first, last in days))
    conditions: list[ColumnElement[bool]] = [received, F.valid_on <= as_of]
    # Usually none or a few: read first, so that the big scan needs no anti-join.
    dirty = sorted(set(db.session.scalars(select(ReportDirty.case_id))))
    if dirty:
        conditions.append(F.case_id.not_in(dirty))
    if not include_sealed:
        conditions.append(F.restricted.is_(False))
    if filters.channel:
        conditions.append(F.channel == filters.channel)
    if filters.kind:
        conditions.append(F.kind == filters.kind)
    if filters.department is not None:
        conditions.append(F.department == filters.department)
    if filters.problem:
        conditions.append(F.problems.contains(f",{filters.problem},", autoescape=True))
    return conditions


def _key(by: str | None) -> ColumnElement[Any]:
    """The group key column (by problem: the link set, split into codes in Python)."""
    if by is None:
        return literal_column("''")  # one group; a constant SQL can group by
    return {"department": F.department, "channel": F.channel, "month": F.month, "problem": F.problems}[by]


def group_keys(by: str | None, key: str) -> list[str]:
    """The groups a row's key counts in (by problem: each code of its link set; see
    report_figures.case_groups)."""
    return (link_items(key) or [UNASSIGNED]) if by == "problem" else [key]


def fact_tallies(by: str | None, filters: ReportFilters, include_sealed: bool, as_of: date,
                 days: list[tuple[date, date]] | None = None) -> dict[str, Tally]:
    """One Tally per group from the stored facts that hold for ``as_of``, of the cases received
    in ``days`` (day ranges of the period; default: all of it)."""
    days = [(filters.start, filters.end)] if days is None else days
    if not days:
        return {}
    where, key = _where(filters, include_sealed, as_of, days), _key(by).label("key")
    sums = [
        *(func.count().filter(getattr(F, name).is_(True)).label(name) if name in FLAGS
          else func.coalesce(func.sum(getattr(F, name)), 0).label(name) for name in SUMS),
        *(func.count().filter(getattr(F, column) < as_of).label(name) for name, column in AFTER.items()),
    ]
    # Three groupings of one scan: by the acknowledgement days (every sum, and their histogram), by
    # the reply days (their histogram) and by the link sets (coverage). Separate small groupings
    # are cheaper than one by both day counts, which multiplies the groups.
    grouped = [] if by is None else [key]  # a constant is no grouping (PostgreSQL refuses it)
    shown = {"ack_days": F.ack_days, "reply_days": F.reply_days, "linked": F.problems, "tasks": F.tasks}
    sets = [("ack_days",), ("reply_days",), ("linked", "tasks")]
    if db.engine.dialect.name == "postgresql":
        groupings = func.grouping_sets(*(tuple_(*grouped, *map(shown.get, names)) for names in sets))
        rows = list(db.session.execute(
            select(key, *(column.label(name) for name, column in shown.items()),
                   func.grouping(F.ack_days, F.reply_days).label("grouping"), *sums)
            .where(*where).group_by(groupings)))
    else:  # no GROUPING SETS: the three groupings as one UNION ALL (numbered as grouping() does)
        rows = list(db.session.execute(union_all(*(
            select(key, *(column.label(name) if name in names else literal(None).label(name)
                          for name, column in shown.items()),
                   literal(number).label("grouping"), *sums)
            .where(*where).group_by(*grouped, *map(shown.get, names))
            for number, names in enumerate(sets, start=1)))))
    per_holder = by == "department" or filters.department is not None
    groups: dict[str, Tally] = {}
    for row in rows:  # 1: grouped by acknowledgement days
        if row.grouping == 1:
            for group in group_keys(by, row.key):
                add_sums(groups, group, row._mapping, per_holder)
                add_days(groups, group, "ack_days", row.ack_days, row.acknowledged)
    for row in rows:
        if row.grouping == 2:
            for group in group_keys(by, row.key):
                add_days(groups, group, "reply_days", row.reply_days, row.replied)
        elif row.grouping == 3 and row.is_case > row.duplicate:  # the links of the cases counted
            items = covered_items(row.linked, row.tasks)
            for group in group_keys(by, row.key):
                if group in groups:
                    groups[group].covered.update(items)
    return groups
