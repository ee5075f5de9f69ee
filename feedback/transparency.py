"""The public transparency page: per rectification problem and per month, how opinions were handled.

Figures come from the report service with ``viewer_may_see_sealed=False``: accusations (检举控告)
and cases nobody has screened yet are never counted, so nothing here hints at them. No personal
data is read. A rate is shown only from MIN_CLOSED closed cases in its cell: a rate of one or two
cases is noise, and could point at the person who wrote. The figures are computed at most once
per CACHE_SECONDS per process (about thirty streamed queries), then only the page is rendered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, render_template

from cases.catalogue import current_plan
from cases.reports import FigureSet, ReportFilters, figures_by, today
from feedback import feedback_bp

MONTHS = 6  # this month and the five before it
MIN_CLOSED = 5
CACHE_SECONDS = 600.0
_STORE = "transparency_figures"


@dataclass(frozen=True)
class Cell:
    """One month of one problem (or of every opinion): counts, and rates only when enough are closed."""

    month: str  # "YYYY-MM"
    received: int
    replied: int
    on_time_reply_rate: float | None
    satisfaction_rate: float | None
    enough: bool  # at least MIN_CLOSED closed cases: the rates may be shown


def months(day: date, count: int = MONTHS) -> list[tuple[date, date]]:
    """(first day, last day) of the ``count`` calendar months up to ``day``'s, oldest first."""
    spans: list[tuple[date, date]] = []
    first = day.replace(day=1)
    for _n in range(count):
        following = (first + timedelta(days=32)).replace(day=1)
        spans.append((first, following - timedelta(days=1)))
        first = (first - timedelta(days=1)).replace(day=1)
    return spans[::-1]


def _cell(month: str, figures: FigureSet | None) -> Cell:
    if figures is None:
        return Cell(month, 0, 0, None, None, False)
    enough = int(figures["closed"] or 0) >= MIN_CLOSED
    return Cell(month, int(figures["received"] or 0), int(figures["replied"] or 0),
                figures["on_time_reply_rate"] if enough else None,
                figures["satisfaction_rate"] if enough else None, enough)


def public_figures(as_of: date) -> tuple[list[Cell], dict[str, list[Cell]]]:
    """The monthly totals, and each problem code's months (only what the public may see)."""
    spans = months(as_of)
    whole = ReportFilters(spans[0][0], spans[-1][1], as_of=as_of)
    totals = {row.group: row for row in figures_by("month", whole, viewer_may_see_sealed=False)}
    per_problem: dict[str, dict[str, Cell]] = {}
    labels = [first.strftime("%Y-%m") for first, _last in spans]
    for (first, last), label in zip(spans, labels, strict=True):
        month = ReportFilters(first, last, as_of=as_of)
        for row in figures_by("problem", month, viewer_may_see_sealed=False):
            if row.group:  # "": opinions linked to no problem, in the totals only
                per_problem.setdefault(row.group, {})[label] = _cell(label, row)
    filled = {code: [cells.get(label) or _cell(label, None) for label in labels]
              for code, cells in per_problem.items()}
    return [_cell(label, totals.get(label)) for label in labels], filled


def cached_figures() -> tuple[date, list[Cell], dict[str, list[Cell]]]:
    """The public figures of today, computed at most once per CACHE_SECONDS."""
    as_of = today()
    hit = current_app.extensions.get(_STORE)
    if hit is not None and hit[1] == as_of and time.monotonic() - hit[0] < CACHE_SECONDS:
        return as_of, *hit[2]
    figures = public_figures(as_of)
    current_app.extensions[_STORE] = (time.monotonic(), as_of, figures)
    return as_of, *figures


def forget_figures() -> None:
    """Drop the cached figures (tests; an operator after correcting data)."""
    current_app.extensions.pop(_STORE, None)


@feedback_bp.route("/transparency")
def transparency() -> str:
    """How the public's opinions were handled, per rectification problem and month (no personal data)."""
    as_of, totals, per_problem = cached_figures()
    plan = current_plan()
    problems = [problem for area in plan.areas for problem in area.problems] if plan is not None else []
    empty = [_cell(cell.month, None) for cell in totals]
    return render_template("feedback/transparency.html", as_of=as_of, totals=totals, problems=problems,
                           per_problem=per_problem, empty=empty, min_closed=MIN_CLOSED)
