"""Administration pages (admin role only; 403 for everyone else): the index and staff accounts."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import logout_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from cases.admin.accounts import (
    TEMPORARY,
    create_account,
    deactivate_account,
    issue_password_link,
    issue_temporary_password,
    reactivate_account,
    update_account,
)
from cases.domain.roles import ADMIN, ROLES
from cases.extensions import db
from cases.models import Department, StaffUser
from cases.models.types import utcnow
from cases.staff import staff_bp
from cases.staff.admin_common import (
    acted,
    add_error,
    admin_required,
    form_errors,
    get_or_404,
    me,
    refusal,
    saved,
)
from cases.staff.admin_forms import AccountForm, NewAccountForm, PasswordResetForm
from cases.staff.case_views import department_name
from cases.staff.labels import role_label
from cases.users import UserError


def _fill_choices(form: AccountForm, user: StaffUser | None = None) -> None:
    form.roles.choices = [SelectChoice(role, role_label(role)) for role in ROLES]
    departments = list(db.session.scalars(db.select(Department).where(Department.active.is_(True))
                                          .order_by(Department.code)))
    # A department deactivated since keeps showing for the people still in it.
    departments += [d for d in (user.departments if user else []) if d not in departments]
    form.departments.choices = [SelectChoice(d.code, department_name(d)) for d in departments]


def _account_form(user: StaffUser, posted: bool = True) -> AccountForm:
    """The account form: what was posted, else the account as it is."""
    values = {"display_name": user.display_name, "roles": sorted(user.roles),
              "departments": [d.code for d in user.departments]}
    form = AccountForm(**values) if posted else AccountForm(formdata=None, **values)
    _fill_choices(form, user)
    return form


@staff_bp.route("/admin/")
@admin_required
def admin_home() -> str:
    """The administration's sections."""
    return render_template("staff/admin/index.html")


@staff_bp.route("/admin/accounts")
@admin_required
def admin_accounts() -> str:
    """Every staff account: name, e-mail, roles, departments, active, last login."""
    users = db.session.scalars(db.select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.email))
    rows = [(user, sorted(role_label(role) for role in user.roles),
             [department_name(d) for d in sorted(user.departments, key=lambda d: d.code)]) for user in users]
    return render_template("staff/admin/accounts.html", rows=rows)


def _secret_page(user: StaffUser, method: str, secret: str, created: bool) -> str:
    """The page that shows a new password or link once (never stored, never logged)."""
    link = url_for("staff.password_link", token=secret, _external=True) if method != TEMPORARY else None
    return render_template("staff/admin/secret.html", account=user, link=link,
                           password=secret if method == TEMPORARY else None, created=created)


@staff_bp.route("/admin/accounts/new", methods=["GET", "POST"])
@admin_required
def admin_new_account() -> str:
    """Create an account; the first password comes as a one-time link or a printed temporary password."""
    form = NewAccountForm()
    _fill_choices(form)
    if form.validate_on_submit():
        method = form.password_method.data or "link"
        try:
            user, secret = create_account(form.email.data or "", form.display_name.data or "",
                                          form.roles.data or [], form.departments.data or [], method,
                                          actor=me(), now=utcnow())
        except UserError as error:
            db.session.rollback()
            add_error(form, *refusal(error))
        else:
            db.session.commit()
            return _secret_page(user, method, secret, created=True)
    return render_template("staff/admin/new_account.html", form=form, errors=form_errors(form))


def _account_page(user: StaffUser, form: AccountForm, reset: PasswordResetForm | None = None) -> str:
    return render_template("staff/admin/account.html", account=user, form=form,
                           reset=reset or PasswordResetForm(formdata=None, prefix="reset"),
                           errors=form_errors(form, *([reset] if reset else [])))


@staff_bp.route("/admin/accounts/<int:user_id>", methods=["GET", "POST"])
@admin_required
def admin_account(user_id: int) -> str | Response:
    """One account: change its name, roles and departments; deactivate it; reset its password."""
    user = get_or_404(StaffUser, user_id)
    form = _account_form(user)
    if form.validate_on_submit():
        done = saved(form, lambda: update_account(user, form.display_name.data or "", form.roles.data or [],
                                                  form.departments.data or [], actor=me()),
                     _("The account has been saved."),
                     # An admin who gave up their own admin role can no longer open this page.
                     lambda _r: url_for("staff.home") if user.id == me().id and ADMIN not in user.roles
                     else url_for("staff.admin_account", user_id=user.id))
        if done is not None:
            return done
    return _account_page(user, form)


@staff_bp.route("/admin/accounts/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def admin_deactivate(user_id: int) -> Response:
    """Deactivate an account: it can no longer log in, and its sessions end (never the last admin)."""
    user = get_or_404(StaffUser, user_id)
    page = url_for("staff.admin_account", user_id=user_id)
    if user.id != me().id:
        return acted(lambda: deactivate_account(user, actor=me()),
                     _("The account is deactivated and its sessions have ended."), page)
    response = acted(lambda: deactivate_account(user, actor=me()),
                     _("Your own account is deactivated: you have been logged out."), url_for("staff.login"),
                     refused_target=page)
    if not user.active:  # their own session has just ended
        logout_user()
    return response


@staff_bp.route("/admin/accounts/<int:user_id>/reactivate", methods=["POST"])
@admin_required
def admin_reactivate(user_id: int) -> Response:
    """Let a deactivated account log in again."""
    user = get_or_404(StaffUser, user_id)
    return acted(lambda: reactivate_account(user, actor=me()), _("The account is active again."),
                 url_for("staff.admin_account", user_id=user_id))


@staff_bp.route("/admin/accounts/<int:user_id>/password", methods=["POST"])
@admin_required
def admin_reset_password(user_id: int) -> Any:
    """Reset a password: a one-time link, or a temporary password shown once (sessions end)."""
    user = get_or_404(StaffUser, user_id)
    reset = PasswordResetForm(prefix="reset")
    if not reset.validate_on_submit():
        return _account_page(user, _account_form(user, posted=False), reset), 400
    method = reset.password_method.data or "link"
    try:
        if method == TEMPORARY:
            secret = issue_temporary_password(user, actor=me())
        else:
            secret = issue_password_link(user, actor=me(), now=utcnow())
    except UserError as error:
        db.session.rollback()
        flash(refusal(error)[1], "error")
        return redirect(url_for("staff.admin_account", user_id=user_id))
    db.session.commit()
    if user.id == me().id:
        logout_user()  # their own sessions have ended: the page still shows the password or link once
    return _secret_page(user, method, secret, created=False)
