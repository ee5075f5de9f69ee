"""The monthly report as XLSX: one sheet per section of the printed page, plus the definitions.

The same ``build_report`` as the page, so the workbook holds the page's numbers; values are the raw
figures (rates as fractions formatted as per cent) so they can be recomputed.
"""

from __future__ import annotations

from typing import IO

from flask import redirect, request, url_for
from flask_babel import gettext as _
from openpyxl import Workbook
from werkzeug.wrappers import Response as BaseResponse

from cases.reports import DEFINITIONS, NAMES, FigureSet
from cases.staff import staff_bp
from cases.staff.admin_common import me
from cases.staff.report_exports import figure_cell, xlsx_download
from cases.staff.report_monthly import MonthlyReport, build_report, read_month, report_title
from cases.staff.report_tables import label_of
from cases.staff.report_views import reports_required


def _groups(book: Workbook, title: str, heading: str, rows: list[tuple[str, str, FigureSet]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append([heading, _("Code"), *(label_of(name) for name in NAMES)])
    sheet.append(["", "", *NAMES])
    for name, code, figures in rows:
        sheet.append([name, code, *(figure_cell(sheet, key, figures[key]) for key in NAMES)])


def write_monthly(target: IO[bytes], report: MonthlyReport) -> None:
    """Sheets: summary and figures, comparison, by department, by problem, overdue cases, definitions."""
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("Summary"))
    summary.append([report_title(report.month)])
    for label, value in ((_("Period"), f"{report.month.first.isoformat()} – {report.month.last.isoformat()}"),
                         (_("Made on"), report.made_on.isoformat()),
                         (_("Accusations and cases waiting for screening included"),
                          _("Yes") if report.sealed else _("No"))):
        summary.append([label, value])
    summary.append([])
    summary.append([_("Figure"), _("Machine name"), _("Value")])
    for name in NAMES:
        summary.append([label_of(name), name, figure_cell(summary, name, report.total[name])])
    compared = book.create_sheet(_("Compared with the previous month"))
    compared.append([_("Figure"), _("Machine name"), report.month.label(), report.previous.label(),
                     _("Difference")])
    for row in report.comparisons:
        compared.append([row.label, row.name, figure_cell(compared, row.name, report.total[row.name]),
                         figure_cell(compared, row.name, report.before[row.name]),
                         figure_cell(compared, row.name, row.difference)])
    _groups(book, _("By department"), _("Department"), report.departments)
    _groups(book, _("By rectification problem"), _("Rectification problem"), report.problems)
    overdue = book.create_sheet(_("Overdue cases"))
    overdue.append([_("Reference"), _("Department")])
    for reference, department in report.overdue:
        overdue.append([reference, department])
    if (more := report.overdue_total - len(report.overdue)) > 0:
        overdue.append([_("%(count)s more in the case list", count=more)])
    definitions = book.create_sheet(_("Definitions of the figures"))
    definitions.append([_("Machine name"), _("Figure"), _("How it is counted")])
    for definition in DEFINITIONS:
        definitions.append([definition.name, _(definition.label), _(definition.help)])
    book.save(target)


@staff_bp.route("/reports/monthly.xlsx")
@reports_required
def report_monthly_xlsx() -> BaseResponse:
    """The monthly report as XLSX (a wrong month: back to the page, which says what is wrong)."""
    month, error = read_month(request.args.get("month", ""))
    if error:
        return redirect(url_for("staff.report_monthly", **request.args))
    report = build_report(me(), month)
    return xlsx_download(lambda spool: write_monthly(spool, report), f"monthly-report-{month.key()}.xlsx")
