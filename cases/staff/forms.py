"""Staff forms (Flask-WTF: CSRF token included, WTForms validation)."""

from __future__ import annotations

# Lazy, because labels are built at import time but translated per request; named _ so that
# pybabel extract finds the strings with its default keywords (no -k option needed).
from flask_babel import lazy_gettext as _
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length, Regexp

from cases.web_forms import CleanForm


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class LoginForm(CleanForm):
    """E-mail and password of a staff account."""

    # Specific messages, so the error summary tells the person exactly what to fix.
    email = EmailField(
        _("E-mail address"),
        validators=[
            DataRequired(message=_("Enter your e-mail address")),
            Length(max=254, message=_("An e-mail address has at most 254 characters")),
            # Only the shape is checked: wtforms' Email() refuses reserved domains (.local, .test),
            # and an account whose address it disliked could then never log in.
            Regexp(
                r"^[^@\s]+@[^@\s]+$",
                message=_("Enter an e-mail address in the correct format, like name@example.com"),
            ),
        ],
        # Pasted addresses often carry spaces; they are never part of an address.
        filters=[_strip],
        render_kw={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"},
    )
    password = PasswordField(
        _("Password"),
        validators=[
            DataRequired(message=_("Enter your password")),
            # scrypt on megabytes would be a cheap way to make the server work hard.
            Length(max=1024, message=_("A password has at most 1024 characters")),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class LogoutForm(CleanForm):
    """An empty form: only its CSRF token, so that logging out needs a same-site POST."""
