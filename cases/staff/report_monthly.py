"""The monthly report for the party group: every figure of a month, compared with the month before.

A printable page (``/staff/reports/monthly?month=YYYY-MM``, its own print CSS: A4, no navigation,
a page per section) and the same as XLSX. The figures are the report service's for the cases
received in the month, as of the day the report is made; the previous month is computed the same
way on the same day, so the difference column compares like with like. The overdue list holds
references and departments only, and only the cases the reader may see (``access.visible_condition``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from cases.domain.report_definitions import RATE
from cases.extensions import db
from cases.models import Case, StaffUser
from cases.reports import BY_NAME, NAMES, FigureSet, ReportFilters, compute_figures, figures_by, today
from cases.staff import staff_bp
from cases.staff.admin_common import me
from cases.staff.report_query import all_departments
from cases.staff.report_tables import KEY_FIGURES, NO_VALUE, figure_rows, format_value, group_namer, label_of
from cases.staff.report_views import reports_required
from cases.triage.access import can_read_unscreened, visible_condition
from cases.triage.inbox import overdue_condition
from cases.triage.links import current_problems

OVERDUE_SHOWN = 100  # a short list for a meeting; the inbox holds the rest


@dataclass(frozen=True)
class Month:
    """A calendar month: its first and last day."""

    first: date
    last: date

    @classmethod
    def of(cls, day: date) -> Month:
        """The month holding ``day``."""
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(first, following - timedelta(days=1))

    def previous(self) -> Month:
        """The month before."""
        return Month.of(self.first - timedelta(days=1))

    def key(self) -> str:
        """"YYYY-MM", as the query string and file names have it."""
        return f"{self.first.year:04d}-{self.first.month:02d}"

    def label(self) -> str:
        """The month in the reader's language (2024年3月)."""
        return _("%(month)s/%(year)s", year=self.first.year, month=self.first.month)


@dataclass(frozen=True)
class Comparison:
    """One figure this month and the month before, with the difference (None without a value)."""

    name: str
    label: str
    current: str
    previous: str
    difference: float | int | None
    difference_text: str


@dataclass
class MonthlyReport:
    """Everything the page and the workbook show, computed once."""

    month: Month
    previous: Month
    made_on: date
    sealed: bool
    total: FigureSet
    before: FigureSet
    departments: list[tuple[str, str, FigureSet]]  # name, code, figures
    problems: list[tuple[str, str, FigureSet]]  # name, code, figures
    overdue: list[tuple[str, str]]  # reference, department name
    overdue_total: int
    comparisons: list[Comparison] = field(default_factory=list)


def read_month(raw: str) -> tuple[Month, str | None]:
    """The month of ``?month=YYYY-MM`` (default: the last complete month) and an error message."""
    default = Month.of(today()).previous()
    raw = raw.strip()
    if not raw:
        return default, None
    try:
        year, number = raw.split("-")
        if len(year) != 4 or len(number) != 2:
            raise ValueError(raw)
        month = Month.of(date(int(year), int(number), 1))
    except ValueError:
        return default, _("Enter a month as YYYY-MM, for example 2024-03.")
    if month.first > today():
        return default, _("Choose a month that has begun.")
    return month, None


def difference_text(name: str, difference: float | int | None) -> str:
    """A difference as text: rates in percentage points, others signed."""
    if difference is None:
        return NO_VALUE
    if BY_NAME[name].unit == RATE:
        points = f"{difference * 100:+.1f}"
        return _("%(value)s pp", value=points)
    if isinstance(difference, float):
        return f"{difference:+.1f}"
    return f"{difference:+d}"


def difference(current: float | int | None, previous: float | int | None) -> float | int | None:
    """This month minus the month before (None when either has no value)."""
    if current is None or previous is None:
        return None
    return current - previous


def _local_start(day: date) -> datetime:
    """The first instant of a day in the committee's time zone (the report's days are local)."""
    return datetime.combine(day, time.min, ZoneInfo(current_app.config["DISPLAY_TIMEZONE"]))


def _overdue(user: StaffUser, month: Month, on: date) -> tuple[list[tuple[str, str]], int]:
    """The cases received in the month, overdue on ``on``, that ``user`` may see: reference, department."""
    conditions = [visible_condition(user), overdue_condition(on),
                  Case.received_at >= _local_start(month.first),
                  Case.received_at < _local_start(month.last + timedelta(days=1))]
    total = db.session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
    departments = all_departments()
    names, codes = group_namer("department", departments), {d.id: d.code for d in departments}
    rows = db.session.execute(select(Case.reference, Case.department_id).where(*conditions)
                              .order_by(Case.received_at, Case.id).limit(OVERDUE_SHOWN))
    return [(reference, names(codes.get(department_id) or "")) for reference, department_id in rows], total


def build_report(user: StaffUser, month: Month) -> MonthlyReport:
    """The month's figures, the month before's, per department and problem, and the overdue list."""
    made_on = today()
    sealed = can_read_unscreened(user)
    filters = ReportFilters(month.first, month.last, as_of=made_on)
    previous = month.previous()
    total = compute_figures(filters, viewer_may_see_sealed=sealed)
    before = compute_figures(ReportFilters(previous.first, previous.last, as_of=made_on),
                             viewer_may_see_sealed=sealed)
    department = group_namer("department", all_departments())
    titles = {p.code: f"{p.code} {p.title}" for p in current_problems()}
    problem = group_namer("problem", [])
    overdue, overdue_total = _overdue(user, month, made_on)
    report = MonthlyReport(
        month, previous, made_on, sealed, total, before,
        [(department(row.group), row.group, row) for row in figures_by("department", filters, sealed)],
        [(titles.get(row.group) or problem(row.group), row.group, row)
         for row in figures_by("problem", filters, sealed)],
        overdue, overdue_total)
    for name in NAMES:
        change = difference(total[name], before[name])
        report.comparisons.append(Comparison(name, label_of(name), format_value(name, total[name]),
                                             format_value(name, before[name]), change,
                                             difference_text(name, change)))
    return report


def report_title(month: Month) -> str:
    """The report's title, with its month."""
    return _("Hongqiao International CBD Management Committee: monthly report on the handling of "
             "opinions and suggestions on the inspection rectification, %(month)s", month=month.label())


@staff_bp.route("/reports/monthly")
@reports_required
def report_monthly() -> tuple[str, int]:
    """The printable monthly report for the party group (a wrong month: a message and the default)."""
    month, error = read_month(request.args.get("month", ""))
    report = build_report(me(), month)
    return render_template(
        "staff/report_monthly.html", report=report, title=report_title(month), error=error,
        figures=figure_rows(report.total), key_figures=KEY_FIGURES,
        columns=[label_of(name) for name in KEY_FIGURES], format_value=format_value,
    ), 200
