"""The department's pages: the workspace, the reply editor (point by point, every save a version) and
its files. A refused save shows the page again with everything typed; a save goes back to the editor.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from cases.domain import states
from cases.domain.filenames import content_disposition
from cases.domain.filetypes import ACCEPTED_EXTENSIONS
from cases.domain.reply_points import ReplyPoint
from cases.extensions import db
from cases.handling import approval, drafts
from cases.handling.workspace import has_workspace, workspace_for
from cases.models import Case, ReplyDraft, StaffUser
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from cases.staff import staff_bp
from cases.staff.case_views import department_name, me, render_case, visible_case_or_404
from cases.staff.decision_views import locked_message
from cases.staff.handling_forms import DraftForm
from cases.staff.labels import status_label
from cases.staff.panels import case_panel
from cases.triage import access
from cases.triage.calendar import local_date
from cases.triage.locks import holder
from cases.triage.workflow import TriageError
from cases.uploads import check_uploads


def _form_for(draft: ReplyDraft | None) -> DraftForm:
    """The editor filled with a saved version (not bound to any posted data)."""
    data: dict[str, Any] = {"text_format": drafts.PLAIN, "points": []}
    if draft is not None:
        data = {"text_format": draft.text_format, "opening": draft.opening, "closing": draft.closing,
                "points": [{"raised": p.raised, "answer": p.answer} for p in drafts.stored_points(draft)],
                "keep_files": list(draft.file_ids or [])}
    return DraftForm(formdata=None, data=data)


def _requested_version(case: Case) -> ReplyDraft | None:
    raw = request.args.get("version", "")
    if raw.isascii() and raw.isdigit() and len(raw) < 7:
        return drafts.draft_version(case, int(raw))
    return None


@case_panel("staff/_handling.html", order=20)
def handling_panel(user: StaffUser, case: Case, now: Any) -> dict[str, Any] | None:
    """The reply: the editor for its department, what waits for approval, earlier versions, send-backs."""
    if access.case_is_sealed(case):
        return None  # the discipline track answers in its own way
    versions = drafts.draft_versions(case)
    editable = case.status == states.ASSIGNED and access.may_draft(user, case)
    if not versions and not editable:
        return None
    latest = drafts.latest_draft(case)
    typed: DraftForm | None = g.get("draft_form")
    shown = _requested_version(case) or approval.submitted_draft(case) or latest
    colleague = holder(case, now)
    return {
        "editable": editable,
        "form": typed or _form_for(latest),
        "typed": typed is not None,
        "refusal": g.get("draft_refusal", ""),
        "locked": colleague is not None and colleague.id != user.id and typed is None,
        "latest": latest,
        "files": drafts.draft_files(latest),
        "shown": shown,
        "shown_files": drafts.draft_files(shown),
        # Cleaned when saved, and again here: only the reply's few tags can reach the page.
        "shown_html": Markup(drafts.sanitise_rich(shown.body_html))  # noqa: S704
        if shown and shown.body_html else None,
        "submitted": approval.submitted_draft(case),
        "sent_back": approval.sent_back(case),
        "versions": versions,
        "extensions": ", ".join(ACCEPTED_EXTENSIONS),
        "max_mb": drafts.MAX_FILE_BYTES // 1048576,
    }


def _typed_points(form: DraftForm) -> list[ReplyPoint]:
    return [ReplyPoint(entry.form.raised.data or "", entry.form.answer.data or "") for entry in form.points]


def _edited_points(points: list[ReplyPoint], operation: str, case: Case) -> tuple[list[ReplyPoint], str]:
    """The points after the button pressed (add, remove N, split the message); the anchor to go back to."""
    if operation == "add":
        return [*points, ReplyPoint("", "")], f"point-{len(points) + 1}"
    if operation.startswith("remove-") and operation[7:].isdigit():
        index = int(operation[7:]) - 1
        return [p for n, p in enumerate(points) if n != index], "points"
    if operation == "split":
        found = [ReplyPoint(text, "") for text in drafts.person_points(case)]
        if not any(p.raised.strip() or p.answer.strip() for p in points):
            return found, "points"
        # Points already written are kept; the message's points come after them.
        return [*points, *found], "points"
    return points, "draft"


def _refuse(case: Case, form: DraftForm, message: str, status: int) -> tuple[str, int]:
    g.draft_form, g.draft_refusal = form, message
    return render_case(case, status=status)


@staff_bp.route("/cases/<reference>/draft", methods=["POST"])
@login_required
def save_reply(reference: str) -> BaseResponse | tuple[str, int]:
    """Save the reply as a new version (add, remove or split points on the way; or submit it)."""
    case = visible_case_or_404(reference)
    user = me()
    form = DraftForm()
    if not access.may_draft(user, case):
        return _refuse(case, form, _("Only the department handling the case writes its reply."), 403)
    if not form.validate():
        return _refuse(case, form, _("The reply was not saved: see the marked parts."), 422)
    colleague = holder(case, utcnow())
    if colleague is not None and colleague.id != user.id:
        return _refuse(case, form, locked_message(colleague) + " " + _("Your text is kept below."), 409)
    checked, refused = check_uploads(request.files.getlist(form.files.name), drafts.MAX_FILE_BYTES)
    if refused:
        form.files.errors = refused
        return _refuse(case, form, _("The reply was not saved: a file was refused."), 422)
    operation = request.form.get("op", "save")
    points, anchor = _edited_points(_typed_points(form), operation, case)
    data = drafts.DraftInput(
        text_format=form.text_format.data or drafts.PLAIN, opening=form.opening.data or "", points=points,
        closing=form.closing.data or "", kept_file_ids=list(form.keep_files.data or []), files=checked)
    now = utcnow()
    try:
        draft = drafts.save_draft(case, data, actor=user, now=now)
        if operation == "submit":
            approval.submit_for_approval(case, actor=user, now=now)
    except TriageError as error:
        db.session.rollback()
        return _refuse(case, form, str(error), 422)
    commit_and_dispatch()
    if operation == "submit":
        flash(_("The reply (version %(version)d) was submitted for approval.", version=draft.version),
              "success")
        return redirect(url_for("staff.case_page", reference=case.reference))
    flash(_("The reply was saved as version %(version)d.", version=draft.version), "success")
    return redirect(url_for("staff.case_page", reference=case.reference) + f"#{anchor}")


@staff_bp.route("/cases/<reference>/draft-files/<int:file_id>")
@login_required
def draft_file(reference: str, file_id: int) -> Response:
    """A file of the reply, always as a download (like the person's attachments)."""
    case = visible_case_or_404(reference)
    found = drafts.draft_file(case, file_id)
    if found is None:
        abort(404)
    response = Response(found.data, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = content_disposition(found.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_bp.route("/work")
@login_required
def work() -> str:
    """The workspace: the department's cases with their clocks, and what waits for this user's approval."""
    user = me()
    if not has_workspace(user):
        abort(403)
    now = utcnow()
    return render_template("staff/work.html", work=workspace_for(user, local_date(now), now),
                           status_label=status_label, department_name=department_name)
