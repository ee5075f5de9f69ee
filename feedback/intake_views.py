"""The opinion form at /feedback/new and the receipt shown once after it (Post/Redirect/Get)."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from cases.catalogue import current_problem_titles
from cases.domain.filetypes import ACCEPTED_EXTENSIONS, CheckedFile
from cases.extensions import db, limiter
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from cases.secret_box import seal, unseal
from cases.staging import ask_for_recording
from cases.uploads import check_uploads
from cases.web import select_locale
from feedback import feedback_bp
from feedback.forms import MAX_FILE_BYTES, MAX_FILES, NOT_SURE, OpinionForm, normalise_phone
from feedback.page_cache import cached_form, remember_form
from feedback.submission import WebOpinion, record_opinion, submit_opinion

RECEIPT_KEY = "receipt"


def _feedback_limit() -> str:
    # Read per request, so operators (and tests) can change it without re-importing the view.
    return str(current_app.config["FEEDBACK_RATE_LIMIT"])


def problem_choices() -> list[SelectChoice]:
    """The form's choices: "not sure" first, then the problems of the current plan in order."""
    # The rows are cached per process (the form is the busiest page); labels translated per request.
    return [SelectChoice(NOT_SURE, _("Not sure / none of these")),
            *(SelectChoice(code, f"{code} {title}") for code, title in current_problem_titles())]


def chosen_files() -> bool:
    """Whether the posted form came with files (a form sent back with errors loses them)."""
    return any(f.filename for f in request.files.getlist("attachments"))


def form_errors(form: OpinionForm) -> list[tuple[str, str]]:
    """(field id, message) pairs for the error summary, in the order of the fields."""
    return [(field.id, message) for field in form for message in field.errors]


def _opinion_from(form: OpinionForm, files: list[CheckedFile]) -> WebOpinion:
    return WebOpinion(
        body=form.body.data or "",
        subject=form.subject.data or "",
        problem_code=form.problem.data or "",
        anonymous=bool(form.anonymous.data),
        name=form.name.data or "",
        email=form.email.data or "",
        phone=normalise_phone(form.phone.data or ""),
        consent=bool(form.consent.data),
        language=select_locale(),
        files=tuple(files),
    )


def _succeeded(response: BaseResponse) -> bool:
    # Only recorded opinions count against the limit: a person correcting a typo is not throttled.
    return response.status_code == 303


@feedback_bp.route("/feedback/new", methods=["GET", "POST"])
@limiter.limit(_feedback_limit, methods=["POST"], deduct_when=_succeeded)
def new() -> str | BaseResponse | tuple[str, int]:
    """The opinion form; a valid submission is recorded and the receipt shown after a redirect."""
    if request.method == "GET" and (page := cached_form()) is not None:
        return page
    form = OpinionForm()
    form.problem.choices = problem_choices()
    if request.method == "GET":
        wanted = request.args.get("problem", "")
        if any(choice.value == wanted for choice in form.problem.choices):
            form.problem.data = wanted
    elif form.validate_on_submit():
        files, upload_errors = check_uploads(form.attachments.data or [], MAX_FILE_BYTES)
        if not upload_errors:
            opinion = _opinion_from(form, files)
            embedded = current_app.config["EMBEDDED_JOBS"]
            # No worker to record a staged row: the case itself, in this one transaction.
            staged = (record_opinion if embedded else submit_opinion)(opinion, now=utcnow())
            # The session cookie can be read by anyone holding the browser: the code goes in sealed.
            receipt = {"reference": staged.reference, "code": seal(staged.tracking_code),
                       "due": staged.acceptance_due.isoformat() if staged.acceptance_due else None,
                       "estimated": staged.due_estimated, "email": bool(opinion.email.strip())}
            if embedded:
                commit_and_dispatch()  # the one commit, then the acknowledgement's job (if any)
            else:
                db.session.commit()  # the opinion is safe from here: the receipt may be shown
                ask_for_recording()
            # Kept only until the receipt page has shown it once.
            session[RECEIPT_KEY] = receipt
            return current_app.redirect(url_for("feedback.received"), 303)
        form.attachments.errors = [*form.attachments.errors, *upload_errors]
    errors = form_errors(form)
    html = render_template(
        "feedback/new.html", form=form, errors=errors,
        files_dropped=request.method == "POST" and chosen_files(),
        max_files=MAX_FILES, max_mb=MAX_FILE_BYTES // 1048576, extensions=", ".join(ACCEPTED_EXTENSIONS),
    )
    if request.method == "GET":
        remember_form(html, form.csrf_token.current_token or "")
        return html
    return html, 400


@feedback_bp.route("/feedback/received")
def received() -> tuple[str, int, dict[str, str]]:
    """The receipt: reference, tracking code and what happens next, shown only once."""
    receipt = session.pop(RECEIPT_KEY, None)
    headers = {"Cache-Control": "no-store"}
    if not receipt:
        return render_template("feedback/received.html", receipt=None), 200, headers
    due = date.fromisoformat(receipt["due"]) if receipt.get("due") else None
    receipt = {**receipt, "code": unseal(receipt.get("code")) or ""}
    return render_template("feedback/received.html", receipt=receipt, due=due), 200, headers
