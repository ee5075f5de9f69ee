"""Staff pages of the reply: the case page's reply panel, sending, delivery, phone ratings, the letter.

Each POST commits once. A form with a problem comes back on the case page with what was typed and
the message next to its field (the panel reuses the submitted form), never thrown away.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from cases.domain import roles as role_names
from cases.domain.states import APPROVED, IllegalTransition
from cases.extensions import db
from cases.handling import sending
from cases.handling.letters import letter_for
from cases.handling.ratings import can_rate, may_record_rating, rate_reply, ratings_of
from cases.models import Case, CaseMessage, StaffUser
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from cases.staff import staff_bp
from cases.staff.case_views import case_page, me, visible_case_or_404
from cases.staff.labels import delivery_error_label, delivery_label, method_label, rating_label, status_label
from cases.staff.notices import Notice, home_notice
from cases.staff.panels import case_panel
from cases.staff.reply_forms import DeliveryForm, PhoneRatingForm, SendReplyForm
from cases.triage import access
from cases.triage.calendar import local_date
from cases.triage.locks import holder
from cases.triage.workflow import TriageError

# Every page may name these (the case page's thread, the inbox's rating column).
for _helper in (delivery_label, delivery_error_label, method_label, rating_label):
    staff_bp.add_app_template_global(_helper)

_FORMS = "reply_forms"  # flask.g: forms posted with a problem, shown again by the panel


def _posted(key: str, make: Callable[[], Any]) -> Any:
    """The form posted with a problem in this request, else a fresh empty one."""
    return getattr(g, _FORMS, {}).get(key) or make()


def reply_methods(case: Case) -> list[str]:
    """The ways the reply may go, the person's own first."""
    offered = [m for m in sending.METHODS if m != sending.EMAIL or sending.can_email(case)]
    first = sending.default_method(case)
    return [first, *[m for m in offered if m != first]]


def _send_form(case: Case, today: date) -> SendReplyForm:
    form = _posted("send", lambda: SendReplyForm(formdata=None, prefix="send", data={
        "method": sending.default_method(case), "answered_on": today}))
    form.set_methods(reply_methods(case))
    return form


@case_panel("staff/_reply.html", order=60)
def reply_panel(user: StaffUser, case: Case, now: datetime) -> dict[str, Any] | None:
    """The reply as sent (how, when, delivered or not), sending it once approved, and the ratings."""
    if access.case_is_sealed(case) or access.case_is_held(case):
        return None  # the discipline track answers sealed cases in its own panel
    replies = list(db.session.scalars(select(CaseMessage).where(
        CaseMessage.case_id == case.id, CaseMessage.direction == "outbound", CaseMessage.purpose == "reply")
        .order_by(CaseMessage.id)))
    ratings = ratings_of(case)
    if case.status != APPROVED and not replies and not ratings:
        return None
    may_send = sending.may_send(user, case)
    approved = case.status == APPROVED
    undelivered = [m for m in replies if sending.is_not_delivered(m)]
    return {
        "replies": replies,
        "undelivered": undelivered,
        "ratings": ratings,
        "approved": approved,
        "draft": sending.approved_draft(case) if approved else None,
        "may_send": may_send,
        "send_form": _send_form(case, local_date(now)) if approved and may_send else None,
        "can_email": sending.can_email(case),
        "delivery_forms": {m.id: _posted(f"deliver{m.id}", lambda m=m: DeliveryForm(
            formdata=None, prefix=f"deliver{m.id}", data={"answered_on": local_date(now)}))
            for m in undelivered} if may_send else {},
        "rating_form": _posted("rating", lambda: PhoneRatingForm(formdata=None, prefix="rating"))
        if may_record_rating(user, case) else None,
        "waits_for_rating": can_rate(case),
        "may_print": access.can_see_contact(user, case) and (approved or bool(replies)),
        "not_delivered": sending.is_not_delivered,
    }


def _guarded(reference: str, action: Callable[[Case, StaffUser], str | None],
             form_key: str | None = None, form: Any = None) -> Response | str:
    """Run ``action`` on the case (visible, not locked by a colleague); commit, or show the problem."""
    case = visible_case_or_404(reference)
    user = me()
    target = redirect(url_for("staff.case_page", reference=case.reference, _anchor="reply"))
    colleague = holder(case, utcnow())
    if colleague is not None and colleague.id != user.id:
        flash(_("%(name)s has this case open: wait until they close it.",
                name=colleague.display_name or colleague.email), "error")
        return target
    if form is not None and not form.validate_on_submit():
        return _again(reference, form_key, form, None)
    try:
        done = action(case, user)
    except IllegalTransition as error:
        problem = _("That decision is not possible while the case is “%(status)s”.",
                    status=status_label(error.status))
        return _again(reference, form_key, form, problem)
    except TriageError as error:
        return _again(reference, form_key, form, str(error))
    commit_and_dispatch()
    if done:
        flash(done, "success")
    return target


def _again(reference: str, form_key: str | None, form: Any, problem: str | None) -> Response | str:
    """The case page again, with the posted form (what was typed, its errors) and the problem."""
    db.session.rollback()
    if problem:
        flash(problem, "error")
    if form_key is not None:
        g.setdefault(_FORMS, {})[form_key] = form
    return case_page(reference), 400  # type: ignore[return-value]


@staff_bp.route("/cases/<reference>/reply/send", methods=["POST"])
@login_required
def send_reply(reference: str) -> Response | str:
    """Send the approved reply the way chosen (e-mail, tracking page only, or record post/phone/meeting)."""
    case = visible_case_or_404(reference)
    form = SendReplyForm(prefix="send")
    form.set_methods(reply_methods(case))

    def act(case: Case, user: StaffUser) -> str:
        message = sending.send_reply(case, actor=user, now=utcnow(), method=form.method.data,
                                     answered_on=form.answered_on.data, note=form.note.data or "")
        if message.delivery_method == sending.EMAIL:
            return _("The reply was sent by e-mail to %(address)s and is shown on the tracking page.",
                     address=message.recipients)
        if message.delivery_method == sending.PORTAL:
            return _("The reply is shown on the tracking page.")
        return _("The reply was recorded as answered %(how)s and is shown on the tracking page.",
                 how=method_label(message.delivery_method))

    return _guarded(reference, act, "send", form)


@staff_bp.route("/cases/<reference>/reply/<int:message_id>/again", methods=["POST"])
@login_required
def send_reply_again(reference: str, message_id: int) -> Response | str:
    """Send a reply whose e-mail was given up or returned once more."""

    def act(case: Case, user: StaffUser) -> str:
        sending.send_again(case, message_id, actor=user, now=utcnow())
        return _("The reply will be sent by e-mail again.")

    return _guarded(reference, act)


@staff_bp.route("/cases/<reference>/reply/<int:message_id>/delivered", methods=["POST"])
@login_required
def record_delivery(reference: str, message_id: int) -> Response | str:
    """Record that a reply whose e-mail did not arrive reached the person by post, phone or meeting."""
    form = DeliveryForm(prefix=f"deliver{message_id}")

    def act(case: Case, user: StaffUser) -> str:
        sending.record_delivery(case, message_id, actor=user, now=utcnow(), method=form.method.data or "",
                                answered_on=form.answered_on.data, note=form.note.data or "")
        return _("It was recorded how the reply reached the person.")

    return _guarded(reference, act, f"deliver{message_id}", form)


@staff_bp.route("/cases/<reference>/rating", methods=["POST"])
@login_required
def record_rating(reference: str) -> Response | str:
    """Record the rating the person gave by phone or in person: it closes or reopens as on the web."""
    form = PhoneRatingForm(prefix="rating")

    def act(case: Case, user: StaffUser) -> str:
        outcome = rate_reply(case, int(form.level.data or 0), form.comment.data or "", now=utcnow(),
                             actor=user)
        if outcome == "close":
            return _("The rating was recorded and the case is closed.")
        return _("The rating was recorded: the person is not satisfied, so the case goes back to the "
                 "department for review.")

    return _guarded(reference, act, "rating", form)


@staff_bp.route("/cases/<reference>/letter")
@login_required
def letter(reference: str) -> str:
    """The reply as a letter to print (for a person who wrote, called or came in person)."""
    case = visible_case_or_404(reference)
    if access.case_is_sealed(case):
        abort(404)
    if not access.can_see_contact(me(), case):
        abort(403)  # the letter names the person
    found = letter_for(case, utcnow())
    if found is None:
        abort(404)
    with force_locale(case.language or "zh_Hans"):
        return render_template("staff/letter.html", case=case, letter=found)


def _not_delivered_query(user: StaffUser) -> Any:
    return (select(CaseMessage, Case).join(Case, Case.id == CaseMessage.case_id)
            .where(sending.not_delivered_condition(), access.visible_condition(user)))


def _sends_replies(user: StaffUser) -> bool:
    return bool(user.roles & (access.TRIAGE_ROLES | role_names.DEPARTMENT_ROLES))


@staff_bp.route("/replies/not-delivered")
@login_required
def replies_not_delivered() -> str:
    """Every reply this user may see whose e-mail has not reached the person."""
    rows = db.session.execute(_not_delivered_query(me()).order_by(CaseMessage.created_at.desc())
                              .limit(500)).all()
    return render_template("staff/not_delivered.html", rows=rows)


@home_notice
def _replies_not_delivered(user: StaffUser) -> Notice | None:
    """Replies whose e-mail has not reached the person: someone must answer another way."""
    if not _sends_replies(user):
        return None
    count = db.session.scalar(select(func.count()).select_from(_not_delivered_query(user).subquery())) or 0
    if not count:
        return None
    return Notice(_("%(num)s reply(s) sent by e-mail have not reached the person (they are tried again, "
                    "or were returned): send them again or answer by post or phone.", num=count),
                  url_for("staff.replies_not_delivered"), _("See the replies not delivered"))
