"""File names fit to store, show and send back in a header, whoever supplied them (pure).

One cleaning for every name that reaches a case: the public form, staff manual entry, e-mail
attachments and the download header. A name is shown to staff who decide whether to open the
file, so nothing in it may hide or reorder what they read: a right-to-left override turns
"report\u202efdp.hta" into "reportath.pdf" on screen.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_NAME_CHARS = 120
# Control (Cc), format (Cf: bidirectional marks and overrides, zero-width characters, BOM, soft
# hyphen, U+061C), line and paragraph separators (Zl, Zp) and lone surrogates (Cs, left over from
# undecodable mail headers) are invisible or reorder text; none belongs in a file name.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# Reserved on Windows (":" also opens alternate data streams); replaced, not dropped, so that
# the name keeps its shape.
_RESERVED = re.compile(r'[:*?"<>|]+')
# What the plain filename="..." of a header may hold; the rest is in filename* (RFC 5987/6266).
_NOT_HEADER_SAFE = re.compile(r"[^A-Za-z0-9._() -]")


def strip_invisible(text: str) -> str:
    """``text`` without control, format (bidi, zero-width), separator or surrogate characters."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)


def clean_filename(name: str | None) -> str:
    """The last path component of ``name``, visible characters only, at most 120; "" if none left."""
    text = strip_invisible(unicodedata.normalize("NFC", name or ""))
    base = text.replace("\\", "/").rsplit("/", 1)[-1]
    # Windows drops trailing dots and spaces, so "run.bat." would still run as a batch file.
    base = _RESERVED.sub("_", base).strip(" .")
    if len(base) > MAX_NAME_CHARS:
        stem, dot, ext = base.rpartition(".")
        keep = MAX_NAME_CHARS - 10
        base = (stem[:keep] + dot + ext) if dot and len(ext) <= 9 else base[:MAX_NAME_CHARS]
    return base


def extension(name: str) -> str:
    """The lower-case extension of a (clean) file name without the dot; "" when there is none."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def content_disposition(filename: str) -> str:
    """The Content-Disposition of a download: attachment, an ASCII fallback and the RFC 5987 name."""
    # Names stored before they were cleaned (or by another path) may still hold bidi overrides or
    # line breaks: cleaned again here, so the header is never split and the name never disguised.
    name = clean_filename(filename) or "attachment"
    fallback = _NOT_HEADER_SAFE.sub("_", name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
