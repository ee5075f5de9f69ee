"""The staff download of the inbox's case list (CSV or XLSX), with the inbox's filters and access rules."""

from __future__ import annotations

from flask import Response, abort, request, stream_with_context
from flask_login import login_required

from cases.domain.filenames import content_disposition
from cases.extensions import db
from cases.models import Case
from cases.models.types import utcnow
from cases.staff import staff_bp
from cases.staff.case_list_export import columns_for, csv_chunks, export_rows, xlsx_chunks
from cases.staff.case_views import me
from cases.triage.access import restricted_condition
from cases.triage.calendar import local_date
from cases.triage.inbox import InboxFilters, export_select
from cases.triage.workflow import note_event

TYPES = {
    "csv": ("text/csv; charset=utf-8", csv_chunks),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx_chunks),
}


def _log_restricted(filters: InboxFilters) -> None:
    """Every sealed or held case in the download gets its ``viewed`` event, as a look at its page does."""
    now = utcnow()
    query = export_select(me(), filters, local_date(now)).where(restricted_condition())
    for case in db.session.scalars(query.with_only_columns(Case.id).order_by(None)):
        found = db.session.get(Case, case)
        if found is not None:
            note_event(found, "viewed", actor=me(), now=now, detail={"what": "export"}, flush=False)
    db.session.commit()


@staff_bp.route("/cases/export.<fmt>")
@login_required
def export_cases(fmt: str) -> Response:
    """Download every case of the inbox's current filters, newest first (no cap), streamed."""
    if fmt not in TYPES:
        abort(404)
    filters = InboxFilters.from_args(request.args)
    user = me()
    _log_restricted(filters)
    today = local_date(utcnow())
    columns = columns_for(user)
    mimetype, chunks = TYPES[fmt]
    body = stream_with_context(chunks(columns, export_rows(user, filters, today)))
    name = f"cases-{today.strftime('%Y%m%d')}.{fmt}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": content_disposition(name), "Cache-Control": "no-store"},
    )
