"""Every staff member's own password, the one-time link page, and the temporary password's rule:
until its holder has chosen a password of their own, every staff page leads to the change form."""

from __future__ import annotations

from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from cases.admin.accounts import WrongPassword, change_own_password, link_holder, use_password_link
from cases.auth import login_rules
from cases.extensions import db
from cases.guess_limits import record_failure, record_success, standing, wait_message
from cases.models.types import utcnow
from cases.staff import staff_bp
from cases.staff.admin_common import add_error, form_errors, me, refusal
from cases.staff.admin_forms import OwnPasswordForm, SetPasswordForm
from cases.users import UserError

# Open to someone who must still replace a temporary password (and the public pages).
_OPEN_ENDPOINTS = frozenset({"staff.own_password", "staff.logout", "staff.login", "staff.password_link",
                             "set_language", "static", "healthz"})


@staff_bp.before_app_request
def _temporary_password_must_go() -> Response | None:
    """A temporary password opens the change form only (the admin who printed it knows it)."""
    if request.endpoint is None or request.endpoint in _OPEN_ENDPOINTS or request.blueprint == "feedback":
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("staff.own_password"))
    return None


@staff_bp.route("/account/password", methods=["GET", "POST"])
@login_required
def own_password() -> Any:
    """Change one's own password (the current one, then the new one twice); other sessions end."""
    user = me()
    form = OwnPasswordForm()
    rules, address = login_rules(), get_remote_address()
    status = 200
    if form.validate_on_submit():
        # A stolen session must not become a way to guess the password: wrong current passwords
        # count like wrong logins for this account and address.
        before = standing(rules, user.email, address)
        if not before.allowed:
            add_error(form, "current", wait_message(before))
            status = 429
        else:
            try:
                change_own_password(user, form.current.data or "", form.new.data or "")
            except WrongPassword:
                after = record_failure(rules, user.email, address)
                add_error(form, "current", _wrong_current(after.tries_left))
            except UserError as error:
                add_error(form, *refusal(error))
            else:
                record_success(rules, user.email, address)
                db.session.commit()
                login_user(user)  # this browser carries on with the new session token
                flash(_("Your password has been changed. Every other session of your account has ended."),
                      "info")
                return redirect(url_for("staff.home"))
    return render_template("staff/password.html", form=form, errors=form_errors(form),
                           must_change=user.must_change_password), status


def _wrong_current(tries_left: int | None) -> str:
    if tries_left is None:
        return _("The current password is wrong.")
    return ngettext("The current password is wrong. You can try %(num)s more time.",
                    "The current password is wrong. You can try %(num)s more times.", tries_left)


@staff_bp.route("/password/<token>", methods=["GET", "POST"])
def password_link(token: str) -> Any:
    """The page of a one-time link: choose a password; the link then stops working."""
    now = utcnow()
    holder = link_holder(token[:100], now)
    db.session.commit()  # an expired link is deleted on sight
    if holder is None:
        return _no_referrer(make_response(render_template(
            "errors/error.html", title=_("This link no longer works"),
            message=_("A link to set a password works once and for a limited time, and a newer link "
                      "replaces it. Ask an administrator for a new one.")), 404))
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            use_password_link(token[:100], form.new.data or "", now)
        except UserError as error:
            add_error(form, *refusal(error))
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()  # whoever was logged in here, the new password starts afresh
            flash(_("Your password is set. Log in with it."), "info")
            return redirect(url_for("staff.login"))
    return _no_referrer(make_response(render_template("staff/password_link.html", form=form,
                                                      errors=form_errors(form), account=holder)))


def _no_referrer(response: Response) -> Response:
    # The token is in this page's address: no link followed from it may carry it along.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response

