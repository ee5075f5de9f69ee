"""Cleaning text that comes from outside (forms, query strings, mail) before anything keeps it.

One rule for every entry: a NUL byte cannot be stored by PostgreSQL at all, other control
characters and lone surrogates break the database driver, the e-mail headers we build from the
text or the pages that show it, and bidirectional overrides make a name read differently from
what it is ("report\u202efdp.hta" shows as "reportath.pdf"). None of them is ever typed on purpose,
so they are removed (or folded to a space where they separated words) rather than refused.
"""

from __future__ import annotations

import re

# C0 controls except TAB, LF and CR; DEL; C1 controls.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates (the marks LRM/RLM/ALM are harmless and kept).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Lone surrogates cannot be encoded as UTF-8: the driver would fail on them.
_SURROGATES = re.compile("[\ud800-\udfff]")
# Everything that ends or separates a line, for one-line values.
_LINE_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def _common(value: str) -> str:
    if value.isascii() and value.isprintable():
        return value  # the usual case costs one scan
    value = _SURROGATES.sub("\ufffd", value)
    return _BIDI.sub("", value)


def clean_text(value: str | None) -> str:
    """Multi-line text fit to store: line breaks normalised to LF, control characters removed."""
    if not value:
        return ""
    value = _common(value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", value)


def clean_line(value: str | None) -> str:
    """One-line text fit to store and to put in a header: breaks and tabs folded to one space."""
    if not value:
        return ""
    value = _LINE_BREAKS.sub(" ", _common(value))
    return _CONTROLS.sub("", value)



# Every table's key is a 32-bit INTEGER on PostgreSQL: a larger number names nothing.
MAX_ID = 2**31 - 1


def parse_id(raw: str | None) -> int | None:
    """A row id typed or sent by a client (ASCII digits, 1 to MAX_ID), or None for anything else."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None
