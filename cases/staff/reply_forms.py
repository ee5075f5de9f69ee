"""Forms of the reply panel: sending the reply, recording how it reached the person, a phone rating."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import DateField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from cases.handling.sending import NOTE_MAX
from cases.staff.labels import METHOD_LABELS, RATING_LABELS
from cases.web_forms import CleanForm


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _note() -> TextAreaField:
    return TextAreaField(
        _("What was said (for a call or a meeting; optional)"),
        validators=[Optional(), Length(max=NOTE_MAX, message=_("The note has at most 2,000 characters"))],
        filters=[_strip], render_kw={"rows": 3},
    )


def _day(label: str) -> DateField:
    return DateField(label, validators=[Optional()],
                     render_kw={"autocomplete": "off"})


class SendReplyForm(CleanForm):
    """How the approved reply reaches the person (choices set per case: e-mail only when deliverable)."""

    method = RadioField(_("How does the reply reach the person?"), choices=[],
                        validators=[InputRequired(message=_("Choose how the reply reaches the person"))])
    answered_on = _day(_("Day it was posted, told by phone or given in a meeting"))
    note = _note()

    def set_methods(self, methods: list[str]) -> None:
        """Offer these methods, in this order, with their labels."""
        self.method.choices = [SelectChoice(method, METHOD_LABELS[method]) for method in methods]


class DeliveryForm(CleanForm):
    """A reply whose e-mail did not arrive reached the person another way after all."""

    method = RadioField(_("How did the reply reach the person?"),
                        choices=[SelectChoice(m, METHOD_LABELS[m]) for m in ("post", "phone", "meeting")],
                        validators=[InputRequired(message=_("Choose how the reply reaches the person"))])
    answered_on = _day(_("Day it was posted, told by phone or given in a meeting"))
    note = _note()


class PhoneRatingForm(CleanForm):
    """A rating the person gave by phone or in person, recorded by staff."""

    level = RadioField(_("How satisfied is the person with the reply?"),
                       choices=[SelectChoice(str(level), label) for level, label in RATING_LABELS.items()],
                       validators=[InputRequired(message=_("Choose how satisfied the person is"))])
    comment = TextAreaField(
        _("What the person said (optional)"),
        validators=[Optional(), Length(max=2000, message=_("A comment has at most 2,000 characters"))],
        filters=[_strip], render_kw={"rows": 3},
    )
