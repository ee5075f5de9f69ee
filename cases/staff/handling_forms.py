"""The reply editor's form: format, opening, points (what the person raised, our answer), closing, files."""

from __future__ import annotations

# Lazy, because labels are built at import time but translated per request; named _ so that
# pybabel extract finds the strings with its default keywords.
from flask_babel import lazy_gettext as _
from flask_wtf.file import MultipleFileField
from wtforms import FieldList, Form, FormField, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from cases.handling import drafts
from cases.web_forms import CleanForm, CleanMeta

_TEXT = [Length(max=drafts.MAX_FIELD_CHARS, message=_("This part is too long."))]


class PointForm(Form):
    """One point of the reply: what the person raised, and our answer (cleaned like every form)."""

    Meta = CleanMeta
    raised = TextAreaField(_("What the person raised"), validators=_TEXT)
    answer = TextAreaField(_("Our answer"), validators=_TEXT)


class DraftForm(CleanForm):
    """The reply: its format, opening, points, closing and files."""

    text_format = RadioField(_("Format"), default=drafts.PLAIN, choices=[
        SelectChoice(drafts.PLAIN, _("Plain text")),
        SelectChoice(drafts.RICH, _("Rich text (paragraphs, bold, italic, lists and links in HTML)"))])
    opening = TextAreaField(_("Opening paragraph"), validators=_TEXT)
    points = FieldList(FormField(PointForm), max_entries=drafts.MAX_POINTS)
    closing = TextAreaField(_("Closing paragraph"), validators=_TEXT)
    keep_files = SelectMultipleField(_("Files of the reply (untick to drop one)"), coerce=int,
                                     validate_choice=False)
    files = MultipleFileField(_("Add files"))
