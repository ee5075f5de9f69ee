"""Public forms: the opinion form, the tracking form, adding information and the rating."""

from __future__ import annotations

import re

# Lazy: labels are built at import time but translated per request; named _ so that pybabel's
# default keywords find the strings.
from flask_babel import lazy_gettext as _
from wtforms import (
    BooleanField,
    EmailField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from cases.web_forms import CleanForm

NOT_SURE = ""
# The public form takes at most this many attachments, each at most this large (their content is
# checked by cases.domain.filetypes).
MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
# Mainland mobile numbers (optionally +86 / 86) and landlines with an area code and an optional
# extension, as people write them: spaces, dashes and brackets are removed before matching.
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(?:\+?86-?)?0\d{2,3}-?\d{7,8}(?:(?:-|转|ext\.?|x)\d{1,6})?$", re.IGNORECASE)


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def normalise_phone(value: str) -> str:
    """A phone number without spaces and brackets (dashes kept: they separate area codes)."""
    return re.sub(r"[\s()（）]", "", value or "").replace("－", "-").replace("—", "-")


def is_chinese_phone(value: str) -> bool:
    """Whether ``value`` is a mainland mobile or landline number, as people write them."""
    cleaned = normalise_phone(value)
    return bool(_MOBILE.match(cleaned.replace("-", "")) or _LANDLINE.match(cleaned))


def _phone_check(form: CleanForm, field: StringField) -> None:
    if field.data and not is_chinese_phone(field.data):
        raise ValidationError(_("Enter a mobile number like 13812345678 or a landline like 021-34733909"))


def _at_most_max_files(form: CleanForm, field: MultipleFileField) -> None:
    """No more than MAX_FILES files (their content is checked by the view, in one read)."""
    files = [f for f in (field.data or []) if getattr(f, "filename", "")]
    if len(files) > MAX_FILES:
        raise ValidationError(_("Attach at most %(num)s files", num=MAX_FILES))


class OpinionForm(CleanForm):
    """The opinion form (issue 3, point 1); the field names are part of the public interface."""

    subject = StringField(
        _("Subject (optional)"),
        validators=[Optional(), Length(max=200, message=_("The subject has at most 200 characters"))],
        filters=[_strip],
    )
    body = TextAreaField(
        _("Your opinion"),
        validators=[
            DataRequired(message=_("Write your opinion")),
            Length(min=10, max=10_000, message=_("Your opinion must have 10 to 10,000 characters")),
        ],
        filters=[_strip],
        render_kw={"rows": 10},
    )
    problem = SelectField(_("Which rectification item is it about?"), choices=[], validate_choice=True)
    anonymous = BooleanField(_("Send anonymously (without your name)"))
    name = StringField(
        _("Your name (optional)"),
        validators=[Optional(), Length(max=100, message=_("A name has at most 100 characters"))],
        filters=[_strip], render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _("E-mail address"),
        validators=[
            Optional(),
            Length(max=254, message=_("An e-mail address has at most 254 characters")),
            Email(message=_("Enter an e-mail address in the correct format, like name@example.com"),
                  check_deliverability=False),
        ],
        filters=[_strip],
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"},
    )
    phone = StringField(
        _("Phone number"),
        validators=[Optional(), Length(max=40, message=_("A phone number has at most 40 characters")),
                    _phone_check],
        filters=[_strip], render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    attachments = MultipleFileField(_("Attachments (optional)"), validators=[_at_most_max_files])
    consent = BooleanField(
        _("I have read the notice on personal information above and agree"),
        validators=[InputRequired(message=_("Tick the box to agree to the notice on personal information"))],
    )
    # The honeypot: hidden from people by CSS and from assistive technology; robots fill it.
    homepage = StringField(_("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"})

    def validate(self, extra_validators: object = None) -> bool:  # type: ignore[override]
        """The fields' own checks, then: a way to reach the sender unless they stay anonymous."""
        valid = super().validate(extra_validators)  # type: ignore[arg-type]
        # Checked here: Optional() on the e-mail field stops its own validators when it is empty.
        if not self.anonymous.data and not self.email.data and not self.phone.data:
            self.email.errors = [*self.email.errors,
                                 _("Give an e-mail address or a phone number, or choose to send anonymously")]
            valid = False
        return valid

    def validate_homepage(self, field: StringField) -> None:
        """People never see this field; anything in it means the form was filled by a program."""
        if field.data:
            raise ValidationError(_("This field must be left empty"))



# Codes are copied from paper: no autocomplete, spelling or automatic capitals in the way.
_CODE_INPUT = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}


class TrackForm(CleanForm):
    """Reference and tracking code, as printed on the receipt."""

    reference = StringField(
        _("Case reference"),
        validators=[DataRequired(message=_("Enter the case reference, like HQ-2026-000123")),
                    Length(max=40, message=_("Enter the case reference, like HQ-2026-000123"))],
        filters=[_strip], render_kw=_CODE_INPUT,
    )
    code = StringField(
        _("Tracking code"),
        validators=[DataRequired(message=_("Enter the tracking code from your receipt")),
                    Length(max=80, message=_("Enter the tracking code from your receipt"))],
        filters=[_strip], render_kw=_CODE_INPUT,
    )


class FollowUpForm(CleanForm):
    """More information from the sender on their own case."""

    text = TextAreaField(
        _("Add information"),
        validators=[DataRequired(message=_("Write what you want to add")),
                    Length(min=2, max=10_000, message=_("What you add must have 2 to 10,000 characters"))],
        filters=[_strip], render_kw={"rows": 6},
    )
    attachments = MultipleFileField(_("Attachments (optional)"), validators=[_at_most_max_files])


# 好差评: level 5 is 非常满意 … level 1 非常不满意; stored raw.
RATING_LEVELS = [
    SelectChoice("5", _("Very satisfied")),
    SelectChoice("4", _("Satisfied")),
    SelectChoice("3", _("Basically satisfied")),
    SelectChoice("2", _("Dissatisfied")),
    SelectChoice("1", _("Very dissatisfied")),
]


class RatingForm(CleanForm):
    """The sender's rating of the reply, with an optional comment."""

    level = RadioField(
        _("How satisfied are you with the reply?"), choices=RATING_LEVELS,
        validators=[InputRequired(message=_("Choose how satisfied you are"))],
    )
    comment = TextAreaField(
        _("Comment (optional)"),
        validators=[Optional(), Length(max=2000, message=_("A comment has at most 2,000 characters"))],
        filters=[_strip], render_kw={"rows": 4},
    )
