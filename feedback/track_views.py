"""The tracking pages: look a case up by reference and code, read it, add information, rate it.

After a successful lookup the case id is kept in the session, so the follow-up forms never put
the code in a URL or a hidden field.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response as BaseResponse

from cases.domain.filenames import content_disposition
from cases.domain.filetypes import ACCEPTED_EXTENSIONS
from cases.extensions import db, limiter
from cases.guess_limits import Standing, wait_message
from cases.handling.ratings import can_rate
from cases.models import Case
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from cases.uploads import check_uploads
from cases.web import local_time
from feedback import feedback_bp
from feedback.forms import MAX_FILE_BYTES, MAX_FILES, FollowUpForm, RatingForm, TrackForm
from feedback.intake_views import chosen_files
from feedback.tracking import (
    NotRecordedYet,
    add_information,
    due_date,
    find_case,
    lookup_standing,
    notices,
    official_replies,
    rate,
    reply_attachment,
    sender_messages,
    status_label,
    timeline,
)

TRACKED_KEY = "tracked_case"
NO_STORE = {"Cache-Control": "no-store"}


def _track_limit() -> str:
    # Read per request, so operators (and tests) can change it without re-importing the view.
    return str(current_app.config["TRACK_RATE_LIMIT"])


def _errors(*forms: object) -> list[tuple[str, str]]:
    return [(field.id, message) for form in forms for field in form for message in field.errors]  # type: ignore[attr-defined]


@feedback_bp.route("/track", methods=["GET", "POST"])
@limiter.limit(_track_limit, methods=["POST"])
def track() -> tuple[str, int, dict[str, str]] | BaseResponse:
    """The lookup form; reference + code lead to the case page."""
    form = TrackForm()
    status = 200
    if form.validate_on_submit():
        reference, code = form.reference.data or "", form.code.data or ""
        address = get_remote_address()
        before = lookup_standing(reference, address)
        if not before.allowed:
            form.code.errors = [wait_message(before)]
            status = 429
        else:
            try:
                case = find_case(reference, code, address)
            except NotRecordedYet as pending:
                db.session.commit()  # the row is set aside: staff see it on their home page
                flash(_("Your opinion %(reference)s was received on %(date)s and is safe. It is still "
                        "being recorded; please look again later.", reference=pending.reference,
                        date=local_time(pending.received_at)), "info")
                return render_template("feedback/track.html", form=form, errors=[]), 200, NO_STORE
            if case is not None:
                commit_and_dispatch()  # when it was still staged, it has just been recorded
                session[TRACKED_KEY] = case.id
                return redirect(url_for("feedback.tracked_case"), 303)
            # One answer for an unknown reference and a wrong code: nothing tells them apart (the
            # tries left are this address's own, counted alike for both).
            # The code is not echoed back into the page (it may sit in a shared screen).
            form.code.data = ""
            form.code.errors = [_no_match(lookup_standing(reference, address))]
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template("feedback/track.html", form=form, errors=_errors(form)), status, NO_STORE


def _no_match(after: Standing) -> str:
    if after.tries_left is None:  # limits switched off
        return _("No case matches this reference and tracking code. Check both and try again.")
    if after.allowed:
        return ngettext("No case matches this reference and tracking code. Check both and try again. "
                        "You can try %(num)s more time.",
                        "No case matches this reference and tracking code. Check both and try again. "
                        "You can try %(num)s more times.", after.tries_left)
    return ngettext("No case matches this reference and tracking code. Too many wrong attempts: "
                    "please try again in %(num)s minute.",
                    "No case matches this reference and tracking code. Too many wrong attempts: "
                    "please try again in %(num)s minutes.", after.wait_minutes)


def _tracked() -> Case | None:
    case_id = session.get(TRACKED_KEY)
    return db.session.get(Case, case_id) if isinstance(case_id, int) else None


def _case_page(case: Case, follow_up: FollowUpForm, rating: RatingForm, status: int = 200,
               files_dropped: bool = False) -> tuple[str, int, dict[str, str]]:
    return render_template(
        "feedback/case.html", case=case, status_text=status_label(case), timeline=timeline(case),
        replies=official_replies(case), notices=notices(case), sent=sender_messages(case),
        due=due_date(case), follow_up=follow_up, rating=rating, can_rate=can_rate(case),
        errors=_errors(follow_up, rating), files_dropped=files_dropped,
        max_files=MAX_FILES, max_mb=MAX_FILE_BYTES // 1048576, extensions=", ".join(ACCEPTED_EXTENSIONS),
    ), status, NO_STORE


@feedback_bp.route("/track/case/files/<int:attachment_id>")
def reply_file(attachment_id: int) -> BaseResponse:
    """A file of the committee's reply to the case unlocked in this session, always as a download."""
    case = _tracked()
    if case is None:
        return redirect(url_for("feedback.track"))
    found = reply_attachment(case, attachment_id)
    if found is None:
        abort(404)
    response = Response(found.data, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = content_disposition(found.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers.update(NO_STORE)
    return response


@feedback_bp.route("/track/case")
def tracked_case() -> tuple[str, int, dict[str, str]] | BaseResponse:
    """The case the visitor has unlocked in this session."""
    case = _tracked()
    if case is None:
        return redirect(url_for("feedback.track"))
    return _case_page(case, FollowUpForm(formdata=None), RatingForm(formdata=None))


def _follow_up_words(outcome: str) -> str:
    """What the person's message or rating did, in plain words."""
    return {
        "close": _("The case is closed."),
        "request_review": _("The case will be reviewed (复查); the new answer will be shown here."),
        "request_re_review": _("The case will be re-reviewed (复核); the new answer will be shown here "
                               "and will be final."),
        "final": _("The case was re-reviewed and its answer is final: what you sent was recorded but "
                   "does not reopen it."),
    }.get(outcome, "")


@feedback_bp.route("/track/case/information", methods=["POST"])
@limiter.limit(_track_limit)
def add_case_information() -> tuple[str, int, dict[str, str]] | BaseResponse:
    """The sender adds information to their case (reopening it when recently closed)."""
    case = _tracked()
    if case is None:
        return redirect(url_for("feedback.track"))
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _case_page(case, form, RatingForm(formdata=None), 400, files_dropped=chosen_files())
    # The public form's checks and limits: the content decides the type, not the name.
    files, refused = check_uploads(form.attachments.data or [], MAX_FILE_BYTES)
    if refused:
        form.attachments.errors = [*form.attachments.errors, *refused]
        return _case_page(case, form, RatingForm(formdata=None), 400, files_dropped=True)
    outcome = add_information(case, form.text.data or "", now=utcnow(), files=files)
    commit_and_dispatch()
    added = _("Your information has been added to the case.")
    flash(" ".join(filter(None, [added, _follow_up_words(outcome)])), "info")
    return redirect(url_for("feedback.tracked_case"), 303)


@feedback_bp.route("/track/case/rating", methods=["POST"])
@limiter.limit(_track_limit)
def rate_case() -> tuple[str, int, dict[str, str]] | BaseResponse:
    """The sender rates the reply on the five-level scale."""
    case = _tracked()
    if case is None:
        return redirect(url_for("feedback.track"))
    form = RatingForm()
    if not can_rate(case):
        flash(_("This case cannot be rated now."), "warning")
        return redirect(url_for("feedback.tracked_case"), 303)
    if not form.validate_on_submit():
        return _case_page(case, FollowUpForm(formdata=None), form, 400)
    outcome = rate(case, int(form.level.data or 0), form.comment.data or "", now=utcnow())
    commit_and_dispatch()
    thanks = _("Thank you: your rating has been recorded.")
    flash(" ".join(filter(None, [thanks, _follow_up_words(outcome)])), "info")
    return redirect(url_for("feedback.tracked_case"), 303)


@feedback_bp.route("/track/leave", methods=["POST"])
def leave_case() -> BaseResponse:
    """Forget the unlocked case (for shared computers)."""
    session.pop(TRACKED_KEY, None)
    flash(_("You have left the case page. Your reference and code are needed to open it again."), "info")
    return redirect(url_for("feedback.track"), 303)
