"""Downloads of the dashboard's tables: XLSX (figures, by department, definitions) and CSV (by department).

Same filters and the same service calls as the page, so a download holds the page's numbers. The
workbook is written by openpyxl in write-only mode (rows go to disk as they come, not kept in memory)
into a temporary file, which is then sent in chunks; the CSV is sent row by row. Values are the
raw figures (rates as fractions formatted as per cent), so they can be recomputed and summed.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from flask import Response, abort, redirect, request, stream_with_context, url_for
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from werkzeug.wrappers import Response as BaseResponse

from cases.domain.filenames import content_disposition
from cases.domain.report_definitions import DAYS, RATE
from cases.reports import BY_NAME, DEFINITIONS, GROUPINGS, NAMES, FigureSet, compute_figures, figures_by
from cases.staff import staff_bp
from cases.staff.report_query import ReportQuery, all_departments, read_query
from cases.staff.report_tables import group_namer, label_of
from cases.staff.report_views import me, reports_required
from cases.triage.access import can_read_unscreened

CHUNK = 64 * 1024
# The heading of the first column of a CSV, by grouping.
GROUP_HEADINGS = {"department": lambda: _("Department"), "problem": lambda: _("Rectification problem"),
                  "channel": lambda: _("Channel"), "month": lambda: _("Month received")}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMATS = {RATE: "0.0%", DAYS: "0.0"}


def _filename(query: ReportQuery, extension: str) -> str:
    filters = query.filters
    return f"report-{filters.start.isoformat()}-{filters.end.isoformat()}.{extension}"


def figure_cell(sheet: WriteOnlyWorksheet, name: str, value: int | float | None) -> Any:
    """A figure's cell, formatted by its unit (None stays empty: no denominator)."""
    cell = WriteOnlyCell(sheet, value=value)
    number_format = _FORMATS.get(BY_NAME[name].unit)
    if number_format and value is not None:
        cell.number_format = number_format
    return cell


def _about(query: ReportQuery, sealed: bool) -> list[tuple[str, str]]:
    """What the download covers, written above its first table."""
    filters = query.filters
    return [(_("Received from"), filters.start.isoformat()),
            (_("Received until (included)"), filters.end.isoformat()),
            (_("Figures as of"), filters.as_of.isoformat() if filters.as_of else ""),
            (_("Accusations and cases waiting for screening included"), _("Yes") if sealed else _("No"))]


def write_workbook(target: IO[bytes], query: ReportQuery, total: FigureSet,
                   groups: Iterable[FigureSet]) -> None:
    """The three sheets: the figures of the total, every figure by department, the definitions."""
    sealed = can_read_unscreened(me())
    book = Workbook(write_only=True)
    figures = book.create_sheet(_("Figures"))
    for label, value in _about(query, sealed):
        figures.append([label, value])
    figures.append([])
    figures.append([_("Figure"), _("Machine name"), _("Value")])
    for name in NAMES:
        figures.append([label_of(name), name, figure_cell(figures, name, total[name])])
    by_department = book.create_sheet(_("By department"))
    by_department.append([_("Department"), _("Code"), *(label_of(name) for name in NAMES)])
    by_department.append(["", "", *NAMES])
    department = group_namer("department", all_departments())
    for row in groups:
        by_department.append([department(row.group), row.group,
                              *(figure_cell(by_department, name, row[name]) for name in NAMES)])
    definitions = book.create_sheet(_("Definitions of the figures"))
    definitions.append([_("Machine name"), _("Figure"), _("How it is counted")])
    for definition in DEFINITIONS:
        definitions.append([definition.name, _(definition.label), _(definition.help)])
    book.save(target)


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk
    finally:
        spool.close()


def xlsx_download(write: Callable[[IO[bytes]], None], filename: str) -> BaseResponse:
    """A workbook ``write`` puts into a spool (on disk past 8 MB: never whole in memory), sent in pieces."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  (closed by _chunks)
    write(spool)
    response = Response(_chunks(spool), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


def _by_department(query: ReportQuery) -> list[FigureSet]:
    return figures_by("department", query.filters, viewer_may_see_sealed=can_read_unscreened(me()))


def _refused(query: ReportQuery) -> BaseResponse | None:
    """Wrong filters: back to the page, which says what is wrong (a download never holds other numbers)."""
    if not query.errors:
        return None
    return redirect(url_for("staff.reports", **request.args))


@staff_bp.route("/reports.xlsx")
@reports_required
def report_xlsx() -> BaseResponse:
    """The dashboard's figures, its table by department (every figure) and the definitions, as XLSX."""
    query = read_query(request.args)
    if refused := _refused(query):
        return refused
    total = compute_figures(query.filters, viewer_may_see_sealed=can_read_unscreened(me()))
    groups = _by_department(query)
    return xlsx_download(lambda spool: write_workbook(spool, query, total, groups), _filename(query, "xlsx"))


def _csv_lines(by: str, groups: list[FigureSet]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    group_name = group_namer(by, all_departments())

    def line(values: list[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    # The byte-order mark tells Excel the file is UTF-8 (Chinese names would be garbled without it).
    yield "\ufeff" + line([GROUP_HEADINGS[by](), _("Code"), *(label_of(name) for name in NAMES)])
    yield line(["", "", *NAMES])
    for row in groups:
        values = ("" if row[name] is None else row[name] for name in NAMES)
        yield line([group_name(row.group), row.group, *values])


@staff_bp.route("/reports.csv")
@reports_required
def report_csv() -> BaseResponse:
    """Every figure by department (or ``by`` problem, channel, month) for the page's filters, as CSV.

    UTF-8 with a byte-order mark, so that Excel reads the Chinese names.
    """
    by = request.args.get("by", "department")
    if by not in GROUPINGS:
        abort(404)
    query = read_query(request.args)
    if refused := _refused(query):
        return refused
    groups = figures_by(by, query.filters, viewer_may_see_sealed=can_read_unscreened(me()))
    response = Response(stream_with_context(_csv_lines(by, groups)), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = content_disposition(_filename(query, f"{by}.csv"))
    return response
