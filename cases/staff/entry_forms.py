"""The form for typing in a letter, a phone call or a visit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from cases.web_forms import CleanForm


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ManualEntryForm(CleanForm):
    """A letter (with its postmark date), a phone call or a visit, and the scans that came with it."""

    channel = SelectField(
        _("How it came in"),
        choices=[
            SelectChoice("letter", _("Letter")),
            SelectChoice("phone", _("Phone call")),
            SelectChoice("visit", _("Visit")),
        ],
        validators=[DataRequired(message=_("Choose how it came in"))],
    )
    received_on = DateField(
        _("Date received (for a letter: the postmark date)"),
        validators=[DataRequired(message=_("Enter the date received, like 2024-03-01"))],
    )
    name = StringField(_("Name"), filters=[_strip], validators=[Length(max=200)])
    email = EmailField(
        _("E-mail address"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+$", message=_("Enter an e-mail address like name@example.com")),
        ],
    )
    phone = StringField(_("Phone"), filters=[_strip], validators=[Length(max=40)])
    address = StringField(_("Postal address"), filters=[_strip], validators=[Length(max=500)])
    anonymous = BooleanField(_("The person wants to stay anonymous"))
    subject = StringField(_("Subject"), filters=[_strip], validators=[Length(max=500)])
    body = TextAreaField(
        _("What the person said or wrote"),
        filters=[_strip],
        validators=[DataRequired(message=_("Enter what the person said or wrote")), Length(max=50_000)],
    )
    scans = MultipleFileField(_("Scans and other files"))
