"""Administration services: staff accounts, departments, routing rules, holidays, the discipline list.

Each service checks its rules, writes an audit event (cases.admin.audit) and flushes; the view
commits once.
"""

from __future__ import annotations


class AdminError(ValueError):
    """A change was refused; the (translated) message says why, ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
