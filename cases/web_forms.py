"""The base of every form: text fields are cleaned of control characters before validation."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, PasswordField, TextAreaField
from wtforms.fields.core import UnboundField

from cases.domain.text_input import clean_line, clean_text


def _text_filter(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def _line_filter(value: Any) -> Any:
    return clean_line(value) if isinstance(value, str) else value


class CleanMeta:
    """WTForms' hook for options shared by every field of a form: the cleaning filter.

    Used by CleanForm, and as the ``Meta`` of a plain WTForms subform (a FormField's form).
    """

    def bind_field(self, form: Any, unbound_field: UnboundField, options: dict[str, Any]) -> Any:
        """Put the cleaning filter before the field's own filters."""
        # A password is left as typed; lists of subforms hold no text of their own (and refuse
        # filters): their fields are cleaned inside, by their own CleanMeta.
        if issubclass(unbound_field.field_class, PasswordField | FieldList | FormField):
            return unbound_field.bind(form=form, **options)
        first = _text_filter if issubclass(unbound_field.field_class, TextAreaField) else _line_filter
        filters = [first, *unbound_field.kwargs.get("filters", ())]
        return unbound_field.bind(form=form, filters=filters, **options)


class CleanForm(FlaskForm):
    """A FlaskForm whose text fields never hand a control character (a NUL…) to the services.

    Applied here, once, so that no form can forget it: every entry of the public and the staff
    pages is built on this class.
    """

    Meta = CleanMeta
