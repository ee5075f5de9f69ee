"""The inbox's case list as CSV or XLSX: every case of its filters (no cap), streamed, with definitions.

Rows come from ``cases.triage.inbox.export_select`` (the inbox's own conditions, so the same access
rules: sealed and held cases only for those who may see them) and are fetched in batches
(``yield_per``: a server-side cursor on PostgreSQL), so memory stays flat whatever the list's length.
The sender's contact columns exist only for contact roles. XLSX is written by openpyxl in write-only
mode to a temporary file (rows go to disk as they come), then sent in chunks.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from cases.domain import roles as role_names
from cases.extensions import db
from cases.i18n import N_
from cases.models import Case, CaseRating, Department, StaffUser
from cases.staff.labels import channel_label, kind_label, rating_label, status_label
from cases.triage.inbox import InboxFilters, export_select, overdue_condition
from cases.web import local_time

BATCH = 1000  # rows per fetch from the cursor
CHUNK = 64 * 1024  # bytes per piece of the response
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


@dataclass(frozen=True)
class Column:
    """One column of the export: its header, what it means, and how a row gives its value."""

    header: str  # marked with N_, translated when written
    definition: str
    value: Callable[[Any, Memo], object]  # (row, the export's label memo)
    contact: bool = False


class Memo:
    """The labels of one export, each translated once: a translation per cell cost more than the row."""

    def __init__(self) -> None:
        self.found: dict[tuple[Callable[[Any], str], Any], str] = {}

    def __call__(self, label: Callable[[Any], str], key: Any) -> str:
        """``label(key)``, from the memo after its first use."""
        try:
            return self.found[(label, key)]
        except KeyError:
            found = self.found[(label, key)] = label(key)
            return found


def _department(department: Department | None) -> str:
    from cases.staff.case_views import department_name

    return department_name(department)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


COLUMNS = (
    Column(
        N_("Reference"),
        N_("The case's reference (HQ-year-number), unique."),
        lambda r, m: r.Case.reference,
    ),
    Column(
        N_("Received at"),
        N_("When the opinion was received (for a letter, the postmark date), Shanghai time."),
        lambda r, m: local_time(r.Case.received_at),
    ),
    Column(
        N_("Channel"),
        N_("How it reached us: web form, e-mail, letter, phone or visit."),
        lambda r, m: m(channel_label, r.Case.channel),
    ),
    Column(
        N_("Kind"),
        N_(
            "The kind set at triage (suggestion, accusation, claim, enquiry, "
            "out of scope); empty while not set."
        ),
        lambda r, m: m(kind_label, r.Case.kind) if r.Case.kind else "",
    ),
    Column(
        N_("Status"),
        N_("Where the case stands at the time of the export."),
        lambda r, m: m(status_label, r.Case.status),
    ),
    Column(
        N_("Subject"),
        N_("The subject the person gave (empty when none)."),
        lambda r, m: r.Case.subject,
    ),
    Column(
        N_("Problems"),
        N_("Codes of the rectification problems the case is linked to."),
        lambda r, m: ", ".join(problem.code for problem in r.Case.problems),
    ),
    Column(
        N_("Responsible department"),
        N_("The department holding the case now (empty before routing)."),
        lambda r, m: m(_department, r.Case.department),
    ),
    Column(
        N_("Acceptance due"),
        N_("Last working day to decide acceptance and tell the person."),
        lambda r, m: _day(r.Case.acceptance_due),
    ),
    Column(
        N_("Reply due"),
        N_(
            "Last working day for the reply (or the review's answer), an approved extension included."
        ),
        lambda r, m: _day(r.Case.reply_due),
    ),
    Column(
        N_("Extension (working days)"),
        N_("Working days of the approved extension, 0 when none."),
        lambda r, m: r.Case.extension_days or 0,
    ),
    Column(
        N_("Overdue?"),
        N_(
            "Yes when, on the day of the export, acceptance is not decided by "
            "its due date or a reply is still awaited after its due date (the "
            "inbox's overdue filter)."
        ),
        lambda r, m: m(_yes_no, bool(r.overdue)),
    ),
    Column(
        N_("Replied at"),
        N_("When the reply was sent (the latest round), Shanghai time."),
        lambda r, m: local_time(r.Case.replied_at),
    ),
    Column(
        N_("Closed at"),
        N_("When the case was closed or finished at triage, Shanghai time."),
        lambda r, m: local_time(r.Case.closed_at),
    ),
    Column(
        N_("Latest rating"),
        N_("The person's newest rating on the five 好差评 levels, empty when not rated."),
        lambda r, m: m(rating_label, r.level),
    ),
    Column(
        N_("Sealed?"),
        N_(
            "Yes for a sealed accusation or a confidential case (only in the "
            "exports of those who may see them)."
        ),
        lambda r, m: m(_yes_no, r.Case.confidential or r.Case.kind == "accusation"),
    ),
    Column(
        N_("Name"),
        N_("The sender's name (empty when anonymous); contact roles only."),
        lambda r, m: r.Case.submitter_name,
        contact=True,
    ),
    Column(
        N_("E-mail"),
        N_("The sender's e-mail address; contact roles only."),
        lambda r, m: r.Case.submitter_email,
        contact=True,
    ),
    Column(
        N_("Phone"),
        N_("The sender's phone number; contact roles only."),
        lambda r, m: r.Case.submitter_phone,
        contact=True,
    ),
)


def columns_for(user: StaffUser) -> list[Column]:
    """The columns this user's export has: contact details only for the roles that must contact people."""
    sees_contact = role_names.can_see_contact(user.roles)
    return [column for column in COLUMNS if sees_contact or not column.contact]


def export_rows(user: StaffUser, filters: InboxFilters, today: date) -> Iterator[Any]:
    """Every row of the export, fetched BATCH at a time (each with its newest rating and overdue flag)."""
    newest_level = (
        select(CaseRating.level)
        .where(CaseRating.case_id == Case.id)
        .order_by(CaseRating.id.desc())
        .limit(1)
        .correlate(Case)
        .scalar_subquery()
    )
    query = (
        export_select(user, filters, today)
        .add_columns(newest_level.label("level"), overdue_condition(today).label("overdue"))
        .options(joinedload(Case.department), selectinload(Case.problems))
        .execution_options(yield_per=BATCH)
    )
    yield from db.session.execute(query)


def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # shown as text, never run (CSV opened in a spreadsheet)
    return value


def csv_chunks(columns: list[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """The CSV (UTF-8 with a BOM, for Excel) in pieces; after the rows, an empty line and the definitions."""
    buffer, memo = io.StringIO(), Memo()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([_(column.header) for column in columns])
    for row in rows:
        writer.writerow([_safe(column.value(row, memo)) for column in columns])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    writer.writerow([])
    writer.writerow([_("Definitions"), ""])
    for column in columns:
        writer.writerow([_(column.header), _(column.definition)])
    yield buffer.getvalue().encode("utf-8")


def _cell(sheet: Any, value: object) -> object:
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, not a formula
        return cell
    return value


def xlsx_chunks(columns: list[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """The workbook (sheet of cases, sheet of definitions) written row by row to disk, then sent in pieces."""
    book, memo = Workbook(write_only=True), Memo()
    sheet = book.create_sheet(_("Case list"))
    sheet.append([_(column.header) for column in columns])
    for row in rows:
        sheet.append([_cell(sheet, column.value(row, memo)) for column in columns])
    definitions = book.create_sheet(_("Definitions"))
    definitions.append([_("Column"), _("Definition")])
    for column in columns:
        definitions.append([_(column.header), _(column.definition)])
    with tempfile.TemporaryFile() as stored:
        book.save(stored)
        stored.seek(0)
        while piece := stored.read(CHUNK):
            yield piece
