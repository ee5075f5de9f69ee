"""Staff login, logout and home."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response as BaseResponse

from cases.auth import LoginAttempt, authenticate, end_sessions, safe_next_path
from cases.domain import roles as role_names
from cases.domain.states import STATUSES
from cases.extensions import db, limiter
from cases.guess_limits import wait_message
from cases.models import Case, Department, StaffUser
from cases.models.types import utcnow
from cases.staff import staff_bp
from cases.staff.forms import LoginForm, LogoutForm
from cases.staff.labels import role_label, status_label
from cases.staff.notices import Notice, home_notice, notices_for
from cases.staging import waiting_since
from cases.triage.access import TRIAGE_ROLES, held_condition, visible_condition

# Kept across login and logout: the visitor's language is not part of the account.
_KEPT_SESSION_KEYS = ("lang",)
STAGED_LATE = timedelta(minutes=2)  # a staged opinion is normally recorded within seconds


def _login_throttle() -> str:
    # Read per request, so operators (and tests) can change it without re-importing the view.
    return str(current_app.config["LOGIN_THROTTLE"])


@staff_bp.after_request
def _no_store(response: Response) -> Response:
    # Staff pages show case data: no browser or proxy may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _reset_session() -> None:
    """Start a fresh session (keeping the language) so nothing from before the change survives."""
    kept = {key: session[key] for key in _KEPT_SESSION_KEYS if key in session}
    session.clear()
    session.update(kept)


def _form_errors(form: LoginForm) -> list[tuple[str, str]]:
    """(field id, message) pairs for the error summary, in the order of the fields."""
    return [(field.id, message) for field in form for message in field.errors]


@staff_bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_throttle, methods=["POST"])
def login() -> tuple[str, int] | BaseResponse:
    """Show the login form; on valid credentials start a session and go on to ``next``."""
    next_path = safe_next_path(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for("staff.home"))
    form = LoginForm()
    errors: list[tuple[str, str]] = []
    status = 200
    if form.validate_on_submit():
        attempt = authenticate(form.email.data or "", form.password.data or "", get_remote_address(),
                               utcnow())
        db.session.commit()  # the last-login time (the failure counts live in the rate-limit storage)
        if attempt.user is not None:
            _reset_session()
            login_user(attempt.user)
            return redirect(next_path or url_for("staff.home"))
        # One message for an unknown e-mail, a wrong password and a deactivated account alike,
        # so the page never tells a stranger which addresses have accounts; the tries left are
        # this client address's own, counted the same way whether the account exists or not.
        errors.append((form.email.id, _login_error(attempt)))
        status = 200 if attempt.checked else 429
    errors.extend(_form_errors(form))
    return render_template("staff/login.html", form=form, next_path=next_path, errors=errors), status


def _login_error(attempt: LoginAttempt) -> str:
    standing = attempt.standing
    if not attempt.checked:
        return wait_message(standing)
    if standing.tries_left is None:  # limits switched off
        return _("Wrong e-mail or password")
    if standing.allowed:
        return ngettext("Wrong e-mail or password. You can try %(num)s more time.",
                        "Wrong e-mail or password. You can try %(num)s more times.", standing.tries_left)
    return ngettext("Wrong e-mail or password. Too many wrong attempts: please try again in %(num)s minute.",
                    "Wrong e-mail or password. Too many wrong attempts: please try again in %(num)s minutes.",
                    standing.wait_minutes)


@staff_bp.route("/logout", methods=["POST"])
def logout() -> BaseResponse:
    """End the session on the server too (POST only; CSRFProtect has checked the token)."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    logout_user()
    if user is not None:
        # A new session token: a copy of this cookie (or any other of the user's sessions)
        # is useless from now on, not just forgotten by this browser.
        end_sessions(user)
        db.session.commit()
    _reset_session()
    flash(_("You have logged out."), "info")
    return redirect(url_for("staff.login"))


def _department_name(department: Department) -> str:
    return department.name_zh if get_locale().language == "zh" else department.name_en


@staff_bp.route("/")
@login_required
def home() -> str:
    """The staff home page: who is logged in and the cases they can see, by status."""
    user: StaffUser = current_user  # type: ignore[assignment]
    rows = db.session.execute(
        select(Case.status, func.count(Case.id)).where(visible_condition(user)).group_by(Case.status)
    ).all()
    found = {status: count for status, count in rows}
    # Every known status, zeros included, then any status the table does not know yet.
    counts = [(status_label(status), found.pop(status, 0)) for status in STATUSES]
    counts.extend((status, count) for status, count in sorted(found.items()))
    return render_template(
        "staff/home.html",
        user=user,
        role_labels=sorted(role_label(role) for role in user.roles),
        departments=[_department_name(d) for d in sorted(user.departments, key=lambda d: d.code)],
        counts=counts,
        total=sum(count for _label, count in counts),
        logout_form=LogoutForm(),
        may_enter=bool(user.roles & TRIAGE_ROLES),
        may_read_reports=role_names.can_see_reports(user.roles),
        may_edit_notices=role_names.can_edit_notices(user.roles),
        notices=notices_for(user),
    )


@home_notice
def _held_cases(user: StaffUser) -> Notice | None:
    """New cases the classifier has not looked at yet: invisible to triagers until it has."""
    if not user.roles & (TRIAGE_ROLES | role_names.SEALED_ROLES):
        return None
    held = db.session.scalar(select(func.count(Case.id)).where(held_condition())) or 0
    if not held:
        return None
    return Notice(_("%(num)s new case(s) wait for the automatic screening and are not in the inbox yet "
                    "(normally for less than a minute; if the number stays, the background workers are "
                    "not running).", num=held))


@home_notice
def _staged_opinions(user: StaffUser) -> Notice | None:
    """Web opinions taken in but not yet recorded as cases after two minutes: the workers are down."""
    if not user.roles & (TRIAGE_ROLES | role_names.SEALED_ROLES):
        return None
    waiting = waiting_since(utcnow() - STAGED_LATE)
    if not waiting:
        return None
    return Notice(_("%(num)s web opinion(s) were received more than two minutes ago and are not recorded "
                    "as cases yet: they are safe, but the background workers are not running.", num=waiting))
