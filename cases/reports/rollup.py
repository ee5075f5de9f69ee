"""The monthly roll-up of the report facts: rewritten with them, read for a period's whole months.

``refresh_months`` rewrites the cells of some months from their fact rows (``write_facts`` calls
it for the months of the facts it replaced and wrote, in the same transaction, under a lock
so that two refreshes of one month cannot interleave); ``rebuild_rollup`` rewrites every month
(``flask report rebuild``, which also records that the roll-up may be read). ``rollup_tallies``
answers the whole months of a period from the cells (``cases.domain.report_rollup``) and returns
the days left for the facts: the partial months at the edges, and any month with a dirty case's
facts or facts that start after the report day. Both end in the same ``Tally``s through
``report_facts.add_sums``/``add_days``, so every figure still comes from ``Tally.figures``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, case, delete, func, insert, literal_column, select, text

from cases.domain.report_facts import AFTER, SUMS, add_days, add_sums, link_items
from cases.domain.report_figures import Tally
from cases.domain.report_rollup import (
    DATES,
    DAYS,
    cell_columns,
    days_outside,
    dimension_for,
    months_between,
    roll_up,
)
from cases.extensions import db
from cases.models import ReportDirty, ReportFact, ReportRollup, ReportRollupCount, ReportState
from cases.reports.aggregate import group_keys

if TYPE_CHECKING:
    from cases.reports.service import ReportFilters

R, C, F = ReportRollup, ReportRollupCount, ReportFact
LOCK = 0x7265_7031  # the advisory lock that serialises roll-up writes (PostgreSQL)
INSERT_BATCH = 5000  # count rows per INSERT
FACT_COLUMNS = ("month", "restricted", "department", "channel", "kind", "problems", "tasks", "valid_on",
                *SUMS, *DAYS, *DATES)


def _month_days(month: str) -> tuple[date, date]:
    first = date(int(month[:4]), int(month[5:]), 1)
    return first, date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)


def refresh_months(months: set[str]) -> None:
    """Rewrite the roll-up cells of these months from their fact rows (flushes; the caller commits)."""
    if not months:
        return
    db.session.flush()
    if db.engine.dialect.name == "postgresql":
        # Held to the commit: a second refresh of the month then reads the facts this one wrote.
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK})
    for month in sorted(months):
        db.session.execute(delete(R).where(R.month == month))
        db.session.execute(delete(C).where(C.month == month))
        first, last = _month_days(month)  # by the period's index, as the reports read them
        rows = db.session.execute(select(*(getattr(F, name) for name in FACT_COLUMNS))
                                  .where(F.received_on >= first, F.received_on <= last))
        cells, counts = [], []
        for key, cell in roll_up(row._mapping for row in rows).items():
            row, cell_counts = cell_columns(key, cell)
            cells.append(row)
            counts.extend(cell_counts)
        if cells:
            db.session.execute(insert(R), cells)
        for start in range(0, len(counts), INSERT_BATCH):
            db.session.execute(insert(C), counts[start:start + INSERT_BATCH])
    db.session.flush()


def rebuild_rollup() -> None:
    """Rewrite every month's cells from the facts and record that the roll-up may be read; flushes."""
    db.session.flush()  # a ReportState just added
    db.session.execute(delete(R))
    db.session.execute(delete(C))
    refresh_months(set(db.session.scalars(select(F.month).distinct())))
    state = db.session.get(ReportState, 1)
    if state is not None:
        state.rollup = True
    db.session.flush()


def rollup_current() -> bool:
    """Whether the roll-up was rebuilt with the facts (else the reports count the facts alone)."""
    return bool(db.session.scalar(select(ReportState.rollup).where(ReportState.id == 1)))


def _usable_months(filters: ReportFilters, as_of: date) -> list[str]:
    """The whole months of the period whose cells hold on ``as_of`` with no dirty case's facts."""
    months = months_between(filters.start, filters.end)
    if not months:
        return []
    later = select(R.month).where(R.dimension == "", R.month.in_(months), R.valid_on > as_of)
    dirty = select(F.month).where(F.case_id.in_(select(ReportDirty.case_id)), F.month.in_(months))
    blocked = set(db.session.scalars(later.union(dirty)))
    return [month for month in months if month not in blocked]


def rollup_tallies(by: str | None, filters: ReportFilters, include_sealed: bool,
                   as_of: date) -> tuple[dict[str, Tally], list[tuple[date, date]]]:
    """One Tally per group from the cells of the period's usable whole months, and the day ranges
    of the period the facts must count (all of it when the roll-up cannot answer)."""
    everything = [(filters.start, filters.end)]
    dimension = dimension_for(by, vars(filters))
    if dimension is None or not rollup_current():
        return {}, everything
    months = _usable_months(filters, as_of)
    if not months:
        return {}, everything
    where = _where(dimension, filters, include_sealed, months)
    key = {None: literal_column("''"), "month": R.month}.get(by, R.value)
    sums: dict[str, Counter[str]] = defaultdict(Counter)
    covered: dict[str, set[str]] = defaultdict(set)
    for row in db.session.execute(select(key.label("key"), R.covered, *(getattr(R, name) for name in SUMS))
                                  .where(*where)):
        for group in group_keys(by, row.key):
            sums[group].update({name: getattr(row, name) for name in SUMS})
            covered[group].update(link_items(row.covered))
    # Day counts by value, report-day dates counted when before the report day (one number each).
    ckey = {None: literal_column("''"), "month": C.month}.get(by, C.value).label("key")
    number = case((C.measure.in_(DAYS), C.number), else_=0).label("number")
    grouped = [] if by is None else [ckey]  # a constant is no grouping (PostgreSQL refuses it)
    counts = db.session.execute(
        select(ckey, C.measure, number, func.sum(C.n).label("n"))
        .where(*_where(dimension, filters, include_sealed, months, C),
               C.measure.in_(DAYS) | (C.number < as_of.toordinal()))
        .group_by(*grouped, C.measure, number))
    days: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for row in counts:
        for group in group_keys(by, row.key):
            if row.measure in DAYS:
                days[group].append((row.measure, row.number, row.n))
            else:
                sums[group][row.measure] += row.n
    groups: dict[str, Tally] = {}
    per_holder = by == "department" or filters.department is not None
    for group, total in sums.items():
        add_sums(groups, group, {**total, **{name: total[column] for name, column in AFTER.items()}},
                 per_holder)
        for measure, value, n in days[group]:
            add_days(groups, group, measure, value, n)
        if group in groups:
            groups[group].covered.update(covered[group])
    return groups, days_outside(filters.start, filters.end, months)


def _where(dimension: str, filters: ReportFilters, include_sealed: bool, months: list[str],
           table: Any = R) -> list[ColumnElement[bool]]:
    """The cells of the months and the dimension, with the filter its value serves."""
    conditions = [table.dimension == dimension, table.month.in_(months)]
    if not include_sealed:
        conditions.append(table.restricted.is_(False))
    wanted = getattr(filters, dimension) if dimension else None
    if dimension == "problem" and wanted:
        conditions.append(table.value.contains(f",{wanted},", autoescape=True))
    elif wanted or (dimension == "department" and wanted is not None):  # department "": none holds it
        conditions.append(table.value == wanted)
    return conditions

