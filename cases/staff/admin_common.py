"""What the administration and password pages share: the admin gate, refusals worded next to their
field, and the one way a form's change is committed (or its refusal shown)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from cases.admin import AdminError
from cases.domain.roles import ADMIN, can_edit_notices
from cases.extensions import db
from cases.models import StaffUser
from cases.users import MIN_PASSWORD_LENGTH, UserError
from cases.web_forms import CleanForm

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def me() -> StaffUser:
    """The logged-in staff user."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def roles_gate(allowed: Callable[[frozenset[str]], bool]) -> Callable[[F], F]:
    """A view decorator: a visitor goes to the login page, staff whose roles ``allowed`` refuses get a 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not allowed(me().roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


# Only administrators.
admin_required = roles_gate(lambda roles: ADMIN in roles)
# Only those who may edit the notice templates (supervisors, admins).
notice_editor_required = roles_gate(can_edit_notices)


def get_or_404(model: type[T], key: object) -> T:
    """The row with this primary key, or a 404."""
    row = db.session.get(model, key)
    if row is None:
        abort(404)
    return row


def form_errors(*forms: CleanForm) -> list[tuple[str, str]]:
    """(field id, message) pairs for the error summary, in the order of the fields."""
    return [(field.id, message) for form in forms for field in form for message in field.errors]


def refusal(error: AdminError | UserError) -> tuple[str | None, str]:
    """The form field and the reader's-language message of a service's refusal."""
    if isinstance(error, AdminError):
        return error.field, str(error)
    messages = {
        "invalid_email": ("email", _("Enter an e-mail address like name@example.com")),
        "exists": ("email", _("An account with this e-mail address already exists.")),
        "no_role": ("roles", _("Choose at least one role")),
        "unknown_role": ("roles", _("Choose roles from the list.")),
        "unknown_department": ("departments", _("Choose departments from the list.")),
        "needs_department": ("departments",
                             _("A department handler or head of department needs a department.")),
        "last_admin": ("roles", _("This is the last active administrator: make another account an "
                                  "administrator first.")),
        "short_password": ("new", _("A password has %(min)d to 1024 characters", min=MIN_PASSWORD_LENGTH)),
        "same_password": ("new", _("Choose a new password that differs from the current one.")),
        "inactive": (None, _("This account is deactivated: reactivate it first.")),
    }
    return messages.get(error.rule, (None, str(error)))


def add_error(form: CleanForm, field: str | None, message: str) -> None:
    """Put a refusal next to its field (or on the form's first field)."""
    target = getattr(form, field, None) if field else None
    if target is None:
        target = next(f for f in form if f.name != "csrf_token")
    target.errors = [*target.errors, message]


def saved(form: CleanForm, change: Callable[[], T], message: str,
          target: Callable[[T], str]) -> Response | None:
    """Run a service's change: commit, say so and go to ``target``; or, refused, roll back and put
    the reason next to its field (None: the view shows the form again, everything typed kept)."""
    try:
        result = change()
    except (AdminError, UserError) as error:
        db.session.rollback()
        add_error(form, *refusal(error))
        return None
    db.session.commit()
    flash(message, "info")
    return redirect(target(result))


def acted(change: Callable[[], object], message: str, target: str,
          refused_target: str | None = None) -> Response:
    """A one-button change (CSRF checked by the app): commit and say so, or say why it was refused."""
    try:
        change()
    except (AdminError, UserError) as error:
        db.session.rollback()
        flash(refusal(error)[1], "error")
        return redirect(refused_target or target)
    db.session.commit()
    flash(message, "info")
    return redirect(target)
