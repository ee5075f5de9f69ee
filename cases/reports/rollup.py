"""The monthly roll-up of the report facts: kept with them, read for a period's whole months.

``replace_facts`` adjusts the cells of the fact rows ``write_facts`` replaced, in the same
transaction and under a lock so that two refreshes cannot interleave: the old rows' sums and counts
are taken out and the new ones' put in, so a refresh reads and writes a few cells, not a month;
``refresh_months`` rewrites whole months from their fact rows; ``rebuild_rollup`` rewrites every month
(``flask report rebuild``, which also records that the roll-up may be read). ``rollup_tallies``
answers the whole months of a period from the cells (``cases.domain.report_rollup``) and returns
the days left for the facts: the partial months at the edges, and any month with a dirty case's
facts or facts that start after the report day. Both end in the same ``Tally``s through
``report_facts.add_sums``/``add_days``, so every figure still comes from ``Tally.figures``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, case, delete, func, insert, literal_column, select, text, tuple_

from cases.domain.report_facts import AFTER, SUMS, add_days, add_sums, covered_items, link_items
from cases.domain.report_figures import Tally
from cases.domain.report_rollup import (
    DATES,
    DAYS,
    DIMENSIONS,
    Cell,
    CellKey,
    adjusted,
    cell_columns,
    covers_less,
    days_outside,
    dimension_for,
    is_empty,
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


def _lock() -> None:
    """Serialise roll-up writes to the commit (PostgreSQL; SQLite has one writer): a second writer
    then reads the cells and the facts the first one wrote."""
    db.session.flush()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK})


def _stored(months: set[str], keys: set[CellKey]) -> tuple[dict[CellKey, Cell], list[int], list[int]]:
    """The stored cells of these keys (in these months), and the ids of their cell and count rows.

    Only those cells are read (a refresh runs on every case change: a month holds thousands of
    count rows, of which a case touches a few)."""
    cells: dict[CellKey, Cell] = {}
    cell_ids, count_ids = [], []
    dimensions = {key[2] for key in keys}

    def of_keys(table: Any) -> list[ColumnElement[bool]]:
        return [table.month.in_(months), table.dimension.in_(dimensions),  # the index's columns
                tuple_(table.month, table.restricted, table.dimension, table.value).in_(sorted(keys))]

    for row in db.session.execute(select(R).where(*of_keys(R))).scalars():
        cells[(row.month, row.restricted, row.dimension, row.value)] = Cell(
            Counter({name: getattr(row, name) for name in SUMS}), row.valid_on, set(link_items(row.covered)))
        cell_ids.append(row.id)
    for row in db.session.execute(select(C.id, C.month, C.restricted, C.dimension, C.value, C.measure,
                                         C.number, C.n).where(*of_keys(C))):
        key = (row.month, row.restricted, row.dimension, row.value)
        cells.setdefault(key, Cell()).counts[(row.measure, row.number)] += row.n
        count_ids.append(row.id)
    return cells, cell_ids, count_ids


def replace_facts(old_rows: list[Mapping[str, Any]], new_rows: list[Mapping[str, Any]]) -> None:
    """Adjust the cells of these fact rows after ``old_rows`` were replaced by ``new_rows`` (the
    refresh of some cases: only their cells are read and rewritten); flushes."""
    old, new = roll_up(old_rows), roll_up(new_rows)
    keys = set(old) | set(new)
    if not keys:
        return
    _lock()
    months = {key[0] for key in keys}
    stored, cell_ids, count_ids = _stored(months, keys)
    cells = {key: adjusted(stored.get(key), old.get(key), new.get(key)) for key in keys}
    recount = {key for key in keys if covers_less(old.get(key), new.get(key))}
    for key in recount:  # an item may have left: the cell's coverage read again from its facts
        cells[key].covered = _covered(key)
    for start in range(0, len(cell_ids), INSERT_BATCH):
        db.session.execute(delete(R).where(R.id.in_(cell_ids[start:start + INSERT_BATCH])))
    for start in range(0, len(count_ids), INSERT_BATCH):
        db.session.execute(delete(C).where(C.id.in_(count_ids[start:start + INSERT_BATCH])))
    _insert({key: cell for key, cell in cells.items() if not is_empty(cell)})


def _covered(key: CellKey) -> set[str]:
    """The link items of the counted cases of one cell, read from its facts (distinct link sets)."""
    month, restricted, dimension, value = key
    first, last = _month_days(month)
    where = [F.received_on >= first, F.received_on <= last, F.restricted.is_(restricted),
             F.is_case.is_(True), F.duplicate.is_(False)]
    if dimension:
        column = getattr(F, DIMENSIONS[dimension])
        where.append(column.is_(None) if dimension == "kind" and not value else column == value)
    covered: set[str] = set()
    for problems, tasks in db.session.execute(select(F.problems, F.tasks).where(*where).distinct()):
        covered.update(covered_items(problems, tasks))
    return covered


def _insert(cells: dict[CellKey, Cell]) -> None:
    """Store these cells and their counts."""
    rows, counts = [], []
    for key, cell in cells.items():
        row, cell_counts = cell_columns(key, cell)
        rows.append(row)
        counts.extend(cell_counts)
    if rows:
        db.session.execute(insert(R), rows)
    for start in range(0, len(counts), INSERT_BATCH):
        db.session.execute(insert(C), counts[start:start + INSERT_BATCH])


def refresh_months(months: set[str]) -> None:
    """Rewrite the roll-up cells of these months from their fact rows (flushes; the caller commits)."""
    if not months:
        return
    _lock()
    for month in sorted(months):
        db.session.execute(delete(R).where(R.month == month))
        db.session.execute(delete(C).where(C.month == month))
        first, last = _month_days(month)  # by the period's index, as the reports read them
        rows = db.session.execute(select(*(getattr(F, name) for name in FACT_COLUMNS))
                                  .where(F.received_on >= first, F.received_on <= last))
        _insert(roll_up(row._mapping for row in rows))
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

