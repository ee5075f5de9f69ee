"""Forms of the administration pages and of the password pages (every one on CleanForm)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from cases.admin.departments import CODE_PATTERN
from cases.users import MIN_PASSWORD_LENGTH
from cases.web_forms import CleanForm

CODE_MESSAGE = _("A code has 2 to 40 lower-case letters, digits or underscores, starting with a letter.")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes (rendered in a fieldset by the template); choices are set by the view."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _new_password(label: str) -> PasswordField:
    return PasswordField(label, validators=[
        DataRequired(message=_("Enter a new password")),
        Length(min=MIN_PASSWORD_LENGTH, max=1024,
               message=_("A password has %(min)d to 1024 characters", min=MIN_PASSWORD_LENGTH)),
    ], render_kw={"autocomplete": "new-password"})


def _repeat() -> PasswordField:
    return PasswordField(_("New password again"), validators=[
        DataRequired(message=_("Type the new password a second time")),
        EqualTo("new", message=_("The two new passwords are not the same")),
    ], render_kw={"autocomplete": "new-password"})


class SetPasswordForm(CleanForm):
    """A new password, twice (the page of a one-time link)."""

    new = _new_password(_("New password"))
    new_again = _repeat()


class OwnPasswordForm(SetPasswordForm):
    """The current password, then the new one twice."""

    current = PasswordField(_("Current password"), validators=[
        DataRequired(message=_("Enter your current password")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"})


class NewTokenForm(CleanForm):
    """A name for a new API token and how long it stays valid."""

    name = StringField(_("What the token is for"), filters=[_strip], validators=[
        DataRequired(message=_("Say what the token is for, e.g. the OA system")), Length(max=200)])
    days = SelectField(_("Valid for"), default="365", choices=[
        SelectChoice("30", _("30 days")), SelectChoice("90", _("90 days")),
        SelectChoice("365", _("One year")), SelectChoice("0", _("Until revoked"))])


class RevokeTokenForm(CleanForm):
    """Revoke a token (the CSRF token only)."""


class AccountForm(CleanForm):
    """A staff account's name, roles and departments."""

    display_name = StringField(_("Name"), filters=[_strip], validators=[
        DataRequired(message=_("Enter the person's name")), Length(max=100)])
    roles = CheckboxesField(_("Roles"), validators=[DataRequired(message=_("Choose at least one role"))])
    departments = CheckboxesField(_("Departments"))


class NewAccountForm(AccountForm):
    """A new account: its e-mail (the login) and how the person gets a first password."""

    email = EmailField(_("E-mail address (the login)"), filters=[_strip], validators=[
        DataRequired(message=_("Enter the person's e-mail address")),
        Length(max=254, message=_("An e-mail address has at most 254 characters")),
        Regexp(r"^[^@\s]+@[^@\s]+$", message=_("Enter an e-mail address like name@example.com")),
    ], render_kw={"spellcheck": "false", "autocapitalize": "none"})
    password_method = RadioField(_("First password"), default="link", choices=[
        SelectChoice("link", _("A one-time link the person opens to choose a password")),
        SelectChoice("temporary", _("A temporary password printed here, changed at the first login")),
    ], validators=[InputRequired(message=_("Choose how the person gets a first password"))])


class PasswordResetForm(CleanForm):
    """How to reset someone's password."""

    password_method = RadioField(_("How"), default="link", choices=[
        SelectChoice("link", _("A one-time link the person opens to choose a password")),
        SelectChoice("temporary", _("A temporary password printed here, changed at the next login")),
    ], validators=[InputRequired(message=_("Choose how to reset the password"))])


class DepartmentForm(CleanForm):
    """A department's names, kind and approval rule (and, when editing, whether it is active)."""

    code = StringField(_("Code (used by the command line and in exports)"), filters=[_strip],
                       validators=[Optional(), Regexp(CODE_PATTERN, message=CODE_MESSAGE)])
    name_zh = StringField(_("Name in Chinese"), filters=[_strip], validators=[
        DataRequired(message=_("Enter the Chinese name.")), Length(max=200)])
    name_en = StringField(_("Name in English"), filters=[_strip], validators=[
        DataRequired(message=_("Enter the English name.")), Length(max=200)])
    kind = SelectField(_("Kind"), validators=[DataRequired(message=_("Choose the kind of department."))])
    office_approval = BooleanField(_("The party office must also approve its replies"))
    active = BooleanField(_("Active (cases can be routed to it)"))
    confirm = BooleanField(_("I understand that its unfinished cases stay with it"))


class RuleForm(CleanForm):
    """A new routing rule: a problem, a task or the default, and the department."""

    item = SelectField(_("Problem or task"),
                       validators=[DataRequired(message=_("Choose a problem or a task."))])
    department = SelectField(_("Department"), validators=[DataRequired(message=_("Choose a department."))])
    note = StringField(_("Note (optional)"), filters=[_strip], validators=[Length(max=300)])


class RuleChangeForm(CleanForm):
    """Another department for an existing rule."""

    department = SelectField(_("Department"), validators=[DataRequired(message=_("Choose a department."))])
    note = StringField(_("Note (optional)"), filters=[_strip], validators=[Length(max=300)])


class DryRunForm(CleanForm):
    """The dry run: a problem (or task), or a case reference (a GET form: nothing changes)."""

    class Meta:
        """No CSRF token: the dry run changes nothing and its answer may be linked to."""

        csrf = False

    item = SelectField(_("Problem or task"), validators=[Optional()])
    reference = StringField(_("Or the reference of a case"), filters=[_strip], validators=[
        Optional(), Length(max=20), Regexp(r"^[Hh][Qq]-\d{4}-\d{6}$",
                                           message=_("A reference looks like HQ-2024-000001"))])


class HolidayForm(CleanForm):
    """A date's kind (working day or holiday) and where that comes from."""

    day = DateField(_("Date"), validators=[DataRequired(message=_("Enter the date, like 2027-10-01"))])
    is_working_day = RadioField(_("This date is"), choices=[
        SelectChoice("holiday", _("A holiday (no work)")),
        SelectChoice("working", _("A working day (e.g. a weekend made up)"))],
        validators=[InputRequired(message=_("Choose whether it is a working day or a holiday"))])
    source = StringField(_("Source"), filters=[_strip], validators=[
        DataRequired(message=_("Say where this comes from, e.g. the State Council's notice of the year's "
                               "holidays.")), Length(max=300)])


class MeasureForm(CleanForm):
    """A measure of the discipline track's handling list."""

    code = StringField(_("Code (never changes once created)"), filters=[_strip],
                       validators=[Optional(), Regexp(CODE_PATTERN, message=CODE_MESSAGE)])
    name_zh = StringField(_("Name in Chinese"), filters=[_strip], validators=[
        DataRequired(message=_("Enter the Chinese name.")), Length(max=200)])
    name_en = StringField(_("Name in English"), filters=[_strip], validators=[
        DataRequired(message=_("Enter the English name.")), Length(max=200)])
    position = IntegerField(_("Order in the list"), default=10, validators=[
        InputRequired(message=_("The order is a number from 0 to 999.")),
        NumberRange(min=0, max=999, message=_("The order is a number from 0 to 999."))])
    concludes = BooleanField(_("Recording it concludes the handling (the case may then be closed)"))
    active = BooleanField(_("Offered to inspectors"))


class NoticeForm(CleanForm):
    """The subject and text of one notice to the person, in both languages."""

    subject_zh_Hans = StringField(_("Subject in Chinese"))
    body_zh_Hans = TextAreaField(_("Text in Chinese"), render_kw={"rows": 8})
    subject_en = StringField(_("Subject in English"))
    body_en = TextAreaField(_("Text in English"), render_kw={"rows": 8})
