"""Marking strings for translation where they are translated later (in the person's language, or
when a page shows a stored confirmation): ``N_`` returns its argument and pybabel extracts it."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the name pybabel extracts by default
    """Mark ``message`` for extraction; the caller translates it when it is shown."""
    return message
