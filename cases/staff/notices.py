"""Notices on the staff home: each package registers what its users must not miss.

cases never imports the intake packages; they register their notices here at import time (the
mailbox its quarantine count), as jobs register in cases.jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cases.models import StaffUser


@dataclass(frozen=True)
class Notice:
    """One line on the staff home, with an optional link to where it is dealt with."""

    text: str
    link: str | None = None
    link_text: str = ""


NoticeFunction = Callable[[StaffUser], Notice | None]
_NOTICES: list[NoticeFunction] = []


def home_notice(function: NoticeFunction) -> NoticeFunction:
    """Register a function that gives a notice for a user, or None when there is nothing to say."""
    if function not in _NOTICES:
        _NOTICES.append(function)
    return function


def notices_for(user: StaffUser) -> list[Notice]:
    """Every notice this user should see now."""
    return [notice for function in _NOTICES if (notice := function(user)) is not None]
