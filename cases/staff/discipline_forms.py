"""The discipline panel's forms: a step of the handling, the conclusion, the report back (回复).

Each form has its own prefix, so that their fields have distinct ids on the case page. The CSRF
token is the page's one (CSRFProtect checks every POST before the view), hence ``csrf=False``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from cases.web_forms import CleanForm

NOTE_MAX = 10_000


class _PanelForm(CleanForm):
    class Meta:
        csrf = False


class StepForm(_PanelForm):
    """One step taken: a measure of the list, the day it was taken, what was done."""

    measure = SelectField(_("Measure"), validators=[
        DataRequired(message=_("Choose a measure from the list."))])
    on = DateField(_("Date taken"), validators=[DataRequired(message=_("Enter the date, like 2024-03-01"))])
    note = TextAreaField(_("What was done"), validators=[
        DataRequired(message=_("Describe the step in the note.")), Length(max=NOTE_MAX)])


class ConcludeForm(_PanelForm):
    """The conclusion that closes the accusation."""

    conclusion = TextAreaField(_("Conclusion"), validators=[
        DataRequired(message=_("Write the conclusion.")), Length(max=NOTE_MAX)])


class ReportBackForm(_PanelForm):
    """How and when the reporter was told the outcome, and what they were told."""

    method = SelectField(_("How"), validators=[
        DataRequired(message=_("Choose how the reporter was reached."))])
    on = DateField(_("Date (an e-mail goes out today)"), validators=[Optional()])
    text = TextAreaField(_("What the reporter is told"), validators=[
        DataRequired(message=_("Write what the reporter was told.")), Length(max=NOTE_MAX)])
