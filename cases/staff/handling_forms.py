"""The reply editor's form: format, opening, points (what the person raised, our answer), closing, files."""

from __future__ import annotations

from typing import Any

# Lazy, because labels are built at import time but translated per request; named _ so that
# pybabel extract finds the strings with its default keywords.
from flask_babel import lazy_gettext as _
from flask_wtf.file import MultipleFileField
from wtforms import FieldList, Form, FormField, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from cases.handling import drafts
from cases.web_forms import CleanForm

_TEXT = [Length(max=drafts.MAX_FIELD_CHARS, message=_("This part is too long."))]


class _CleanMeta(CleanForm.Meta):
    """CleanForm's cleaning for every text field; lists of subforms hold no text of their own (and
    refuse filters), their fields are cleaned inside."""

    def bind_field(self, form: Any, unbound_field: UnboundField, options: dict[str, Any]) -> Any:
        """Bind containers as they are, every other field through CleanForm's cleaning."""
        if issubclass(unbound_field.field_class, FieldList | FormField):
            return unbound_field.bind(form=form, **options)
        return super().bind_field(form, unbound_field, options)


class PointForm(Form):
    """One point of the reply: what the person raised, and our answer (cleaned like every form)."""

    Meta = _CleanMeta
    raised = TextAreaField(_("What the person raised"), validators=_TEXT)
    answer = TextAreaField(_("Our answer"), validators=_TEXT)


class DraftForm(CleanForm):
    """The reply: its format, opening, points, closing and files."""

    Meta = _CleanMeta

    text_format = RadioField(_("Format"), default=drafts.PLAIN, choices=[
        SelectChoice(drafts.PLAIN, _("Plain text")),
        SelectChoice(drafts.RICH, _("Rich text (paragraphs, bold, italic, lists and links in HTML)"))])
    opening = TextAreaField(_("Opening paragraph"), validators=_TEXT)
    points = FieldList(FormField(PointForm), max_entries=drafts.MAX_POINTS)
    closing = TextAreaField(_("Closing paragraph"), validators=_TEXT)
    keep_files = SelectMultipleField(_("Files of the reply (untick to drop one)"), coerce=int,
                                     validate_choice=False)
    files = MultipleFileField(_("Add files"))
