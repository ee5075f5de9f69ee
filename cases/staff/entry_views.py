"""Manual entry of letters, phone calls and visits by the party office, through record_case."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import abort, current_app, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from cases.intake import IncomingFile, NewCase, record_case
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from cases.secret_box import seal
from cases.staff import staff_bp
from cases.staff.case_views import NEW_CODE_KEY, me
from cases.staff.entry_forms import ManualEntryForm
from cases.triage.access import TRIAGE_ROLES
from cases.triage.calendar import local_date

MAX_SCAN_BYTES = 20 * 1024 * 1024


@staff_bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new_case() -> str | Response:
    """Type in a letter, a phone call or a visit; the received date starts the clock."""
    if not me().roles & TRIAGE_ROLES:
        abort(403)
    form = ManualEntryForm()
    errors: list[tuple[str, str]] = []
    if form.validate_on_submit():
        now = utcnow()
        received_on = form.received_on.data
        assert received_on is not None
        files = []
        for upload in form.scans.data or []:
            if not getattr(upload, "filename", ""):
                continue
            data = upload.read()
            if len(data) > MAX_SCAN_BYTES:
                errors.append((form.scans.id, _("A file is larger than 20 MB.")))
            files.append(IncomingFile(upload.filename, upload.mimetype or "application/octet-stream", data))
        if received_on > local_date(now):
            errors.append((form.received_on.id, _("The date received cannot be in the future.")))
        if not errors:
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
    errors.extend((field.id, message) for field in form for message in field.errors)
    return render_template("staff/new_case.html", form=form, errors=errors)
