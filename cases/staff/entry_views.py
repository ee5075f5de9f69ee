"""Manual entry of letters, phone calls and visits by the party office, through record_case."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from cases.domain.filetypes import ACCEPTED_EXTENSIONS
from cases.intake import IncomingFile, NewCase, record_case
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from cases.secret_box import seal
from cases.staff import staff_bp
from cases.staff.case_views import NEW_CODE_KEY, me
from cases.staff.entry_forms import ManualEntryForm
from cases.triage.access import TRIAGE_ROLES
from cases.triage.calendar import local_date
from cases.uploads import check_uploads

MAX_SCAN_BYTES = 20 * 1024 * 1024


@staff_bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new_case() -> str | Response:
    """Type in a letter, a phone call or a visit; the received date starts the clock."""
    if not me().roles & TRIAGE_ROLES:
        abort(403)
    form = ManualEntryForm()
    if form.validate_on_submit():
        now = utcnow()
        received_on = form.received_on.data
        assert received_on is not None
        # Checked like the public form's files (scans may be larger): the browser's mimetype is
        # whatever the file's name says, so the detected type is stored instead.
        checked, upload_errors = check_uploads(form.scans.data or [], MAX_SCAN_BYTES)
        form.scans.errors = [*form.scans.errors, *upload_errors]
        files = [IncomingFile(f.filename, f.content_type, f.data) for f in checked]
        if received_on > local_date(now):
            form.received_on.errors = [*form.received_on.errors,
                                       _("The date received cannot be in the future.")]
        if not upload_errors and not form.received_on.errors:
            zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
            # The day counts, not the hour: noon keeps it the same day in any time zone shown.
            received_at = datetime.combine(received_on, time(12), zone)
            body = form.body.data or ""
            if form.address.data:
                body += "\n\n" + _("Postal address: %(address)s", address=form.address.data)
            recorded = record_case(
                NewCase(
                    channel=form.channel.data or "letter",
                    body=body,
                    received_at=received_at,
                    subject=form.subject.data or "",
                    submitter_name=form.name.data or "",
                    submitter_email=form.email.data or "",
                    submitter_phone=form.phone.data or "",
                    anonymous=bool(form.anonymous.data),
                    files=tuple(files),
                    sender=form.name.data or "",
                ),
                now=now,
                actor=me(),
            )
            commit_and_dispatch()
            # The tracking code is shown once, on the case page, so that staff can pass it on by post
            # or phone; it waits sealed in the session (a cookie the browser can read) until then.
            session[NEW_CODE_KEY] = {"reference": recorded.case.reference,
                                     "code": seal(recorded.tracking_code)}
            return redirect(url_for("staff.case_page", reference=recorded.case.reference))
    errors = [(field.id, message) for field in form for message in field.errors]
    files_dropped = request.method == "POST" and any(f.filename for f in request.files.getlist("scans"))
    return render_template("staff/new_case.html", form=form, errors=errors, files_dropped=files_dropped,
                           extensions=", ".join(ACCEPTED_EXTENSIONS))
