"""The monthly roll-up of the report facts: what SQL would count over a month's fact rows, kept.

Pure. A month's fact rows (``report_facts.as_columns`` plus the shared columns) are summed into
cells, one per (month, restricted, dimension, value): the dimension is none ("": the whole month)
or one column a filter or a grouping reads (department, channel, kind, problem link set), so a
query with at most one of them is answered from its cells alone; two or more go to the facts.
A cell holds the sums of ``SUMS``, the link items of its counted cases (coverage: a union), the
last day its facts hold from, and exact counts per value of the day counts (acknowledgement and
reply working days: their medians and percentiles) and of the three report-day dates (counted
when the report day is after them), so every figure from cells equals the one from the rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from cases.domain.report_facts import AFTER, SUMS, covered_items, link_set

# Dimension → the fact column it is read from ("" is the month as a whole).
DIMENSIONS = {"": None, "department": "department", "channel": "channel", "kind": "kind",
              "problem": "problems"}
FILTERS = ("department", "problem", "channel", "kind")  # ReportFilters fields a dimension serves
DAYS = {"ack_days": "acknowledged", "reply_days": "replied"}  # day count → the flag that has it
DATES = tuple(AFTER.values())  # stored as day ordinals: counted when below the report day's


@dataclass
class Cell:
    """The sums of one cell's fact rows (see the module text)."""

    sums: Counter[str] = field(default_factory=Counter)
    valid_on: date = date.min
    covered: set[str] = field(default_factory=set)
    counts: Counter[tuple[str, int]] = field(default_factory=Counter)  # (measure, value) → rows


CellKey = tuple[str, bool, str, str]  # month, restricted, dimension, value


def roll_up(rows: Iterable[Mapping[str, Any]]) -> dict[CellKey, Cell]:
    """The cells of these fact rows (every dimension: each row counts in one cell of each)."""
    cells: dict[CellKey, Cell] = {}
    for row in rows:
        counted = row["is_case"] and not row["duplicate"]
        covered = covered_items(row["problems"], row["tasks"]) if counted else []
        counts = [(name, row[name] or 0) for name, flag in DAYS.items() if row[flag]]
        counts += [(name, row[name].toordinal()) for name in DATES if row[name] is not None]
        for dimension, column in DIMENSIONS.items():
            key = (row["month"], bool(row["restricted"]), dimension, (row[column] or "") if column else "")
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = Cell()
            for name in SUMS:
                cell.sums[name] += int(row[name])
            cell.valid_on = max(cell.valid_on, row["valid_on"])
            cell.covered.update(covered)
            cell.counts.update(counts)
    return cells


def dimension_for(by: str | None, filters: Mapping[str, Any]) -> str | None:
    """The one dimension whose cells answer a grouping ``by`` with these filters (None: none can)."""
    # A department filter may be "" (the cases no department holds); the others are off when empty.
    used = {name for name in FILTERS
            if (filters[name] if name != "department" else filters[name] is not None)}
    if by in DIMENSIONS:
        used.add(by)  # month is in every cell
    if len(used) > 1:
        return None
    return used.pop() if used else ""


def months_between(start: date, end: date) -> list[str]:
    """The months ("YYYY-MM") lying wholly in start…end (both days included)."""
    months = []
    first = start if start.day == 1 else _next_month(start)
    while (following := _next_month(first)) - timedelta(days=1) <= end:
        months.append(first.strftime("%Y-%m"))
        first = following
    return months


def days_outside(start: date, end: date, months: Iterable[str]) -> list[tuple[date, date]]:
    """The day ranges of start…end not in these whole months, merged, in order."""
    ranges: list[tuple[date, date]] = []
    day = start
    for month in sorted(months):
        first = date(int(month[:4]), int(month[5:]), 1)
        if first > day:
            ranges.append((day, first - timedelta(days=1)))
        day = _next_month(first)
    if day <= end:
        ranges.append((day, end))
    return ranges


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def cell_columns(key: CellKey, cell: Cell) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    """A cell as stored: its row (sums by name, ``covered`` as a link set) and its count rows."""
    month, restricted, dimension, value = key
    shared = {"month": month, "restricted": restricted, "dimension": dimension, "value": value}
    row = {**shared, "valid_on": cell.valid_on, "covered": link_set(cell.covered),
           **{name: cell.sums[name] for name in SUMS}}
    counts = ({**shared, "measure": measure, "number": number, "n": n}
              for (measure, number), n in cell.counts.items())
    return row, counts


def adjusted(stored: Cell | None, old: Cell | None, new: Cell | None) -> Cell:
    """A stored cell after some of its rows (``old``) were replaced by others (``new``).

    Sums and counts are exact; ``valid_on`` stays the latest ever (it only makes a report of an
    earlier day count the month from the facts); ``covered`` is the union with the new items, exact
    unless ``old`` had items ``new`` lacks (``covers_less``: the caller recounts it).
    """
    cell = Cell()
    for part, sign in ((stored, 1), (new, 1), (old, -1)):
        if part is None:
            continue
        for name, n in part.sums.items():
            cell.sums[name] += sign * n
        for value, n in part.counts.items():
            cell.counts[value] += sign * n
        if sign > 0:
            cell.valid_on = max(cell.valid_on, part.valid_on)
            cell.covered |= part.covered
    cell.counts = Counter({value: n for value, n in cell.counts.items() if n})
    return cell


def covers_less(old: Cell | None, new: Cell | None) -> bool:
    """Whether replacing ``old`` rows by ``new`` may take link items out of the cell's coverage."""
    return old is not None and not old.covered <= (new.covered if new is not None else set())


def is_empty(cell: Cell) -> bool:
    """No fact row left in it (every fact row counts somewhere: a flag, a sum or a date)."""
    return not any(cell.sums.values()) and not cell.counts
