"""Checks of uploaded files (public form and staff entry): the type is read from the bytes (pure).

A file passes only when its content is one of the accepted kinds, its content is not a web page
or a script, and its name does not end in an extension that runs (see active_content). The
stored content type is the one detected, and the stored name ends in an extension of that type:
a name that does not agree gets the detected type's extension appended ("scan.txt" holding a
PDF is stored as "scan.txt.pdf"), so the person's own name stays visible and a double click
opens what the file really is.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from cases.domain.active_content import active_text, executable_name
from cases.domain.filenames import clean_filename, extension

# Detected kind → the content type we store (and send back when staff download the file).
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "heic": "image/heic",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "wps": "application/vnd.ms-works",  # WPS and ET files are OLE containers like doc/xls
    "ole": "application/x-ole-storage",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
    "zip": "application/zip",
    "txt": "text/plain; charset=utf-8",
}

# Detected kind → the extensions a name of that kind may end in; the first is appended otherwise.
# OLE files are told apart by their streams, and WPS/ET save under the doc/xls streams too.
KIND_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": ("pdf",),
    "jpeg": ("jpg", "jpeg", "jpe", "jfif"),
    "png": ("png",),
    "heic": ("heic", "heif"),
    "doc": ("doc", "wps"),
    "xls": ("xls", "et"),
    "wps": ("wps", "et", "doc", "xls"),
    "ole": ("ole", "doc", "xls", "wps", "et"),
    "docx": ("docx",),
    "xlsx": ("xlsx",),
    "ofd": ("ofd",),
    "zip": ("zip",),
    "txt": ("txt",),
}

# The names people see in the form's hint, in the order the issue lists them.
ACCEPTED_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "heic", "doc", "docx", "xls", "xlsx",
                       "wps", "et", "ofd", "txt", "zip")

# Why a file is refused: nothing in it, over the caller's limit, a name ending that runs, content
# that runs (a web page or a script), or content of no accepted kind.
REASONS = ("empty", "too_large", "executable_name", "active_content", "type")

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
# A zip whose central directory is this large is not an attachment someone typed at home.
_MAX_ZIP_ENTRIES = 10_000
# Control characters (Unicode Cc) other than the layout ones: a binary file that happened to decode.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: a safe name, the detected kind and its content type."""

    filename: str
    kind: str
    content_type: str
    data: bytes


class UploadRejected(ValueError):
    """A file that may not be accepted; ``reason`` is one of REASONS, ``filename`` fit to show."""

    def __init__(self, reason: str, filename: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.reason = reason
        self.filename = filename


def _ole_kind(data: bytes) -> str:
    # The directory names inside an OLE file tell Word from Excel; WPS/ET use the same streams
    # ("WordDocument", "Workbook") when saved in the compatible format, otherwise their own.
    head = data[: 512 * 1024]
    if "WordDocument".encode("utf-16-le") in head:
        return "doc"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "xls"
    if "WpsContent".encode("utf-16-le") in head or "ETWorkbook".encode("utf-16-le") in head:
        return "wps"
    return "ole"


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES:
                return None
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return "docx"
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
    if "OFD.xml" in names or any(name.lower().endswith("/ofd.xml") for name in names):
        return "ofd"
    return "zip"


def decode_text(data: bytes) -> str | None:
    """The text of a plain-text file (UTF-8 or GB18030), or None when the bytes are not text."""
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _BINARY_CONTROLS.search(text) else text
    return None


def detect_kind(data: bytes) -> str | None:
    """The kind of file ``data`` is (a CONTENT_TYPES key), or None when it is not accepted."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "heic"
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if decode_text(data) is not None:
        return "txt"
    return None


def stored_filename(name: str, kind: str) -> str:
    """The name to store: clean, and ending in an extension of the detected kind (appended if not)."""
    allowed = KIND_EXTENSIONS[kind]
    base = clean_filename(name)
    if not base:
        return f"attachment.{allowed[0]}"
    if extension(base) in allowed:
        return base
    # Appended, not substituted: staff still see the name the person gave the file.
    return clean_filename(f"{base}.{allowed[0]}")


def check_file(filename: str, data: bytes, *, max_bytes: int) -> CheckedFile:
    """Accept one upload or raise UploadRejected (see REASONS); ``max_bytes`` is the caller's limit."""
    shown = clean_filename(filename) or "?"
    if not data:
        raise UploadRejected("empty", shown)
    if len(data) > max_bytes:
        raise UploadRejected("too_large", shown)
    # By name first, whatever the content: a real PDF called x.exe is refused, not renamed, so that
    # no file that Windows would run ever reaches a desk under a running name.
    if executable_name(extension(shown)):
        raise UploadRejected("executable_name", shown)
    kind = detect_kind(data)
    if kind is None:
        raise UploadRejected("type", shown)
    # Decoded a second time only for text, the one kind whose content is read past its first bytes.
    if kind == "txt" and active_text(decode_text(data) or "") is not None:
        raise UploadRejected("active_content", shown)
    return CheckedFile(
        filename=stored_filename(filename, kind), kind=kind, content_type=CONTENT_TYPES[kind], data=data
    )
