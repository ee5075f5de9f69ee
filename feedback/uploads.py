"""Attachment checks for the public form: the file type is read from the bytes, never the name.

Pure functions on bytes, so every rule is tested without a request. A file passes only when its
content is one of the accepted kinds; the stored content type is the one we detected, so a
renamed executable can never be served back as a PDF.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024

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

# The names people see in the form's hint, in the order the issue lists them.
ACCEPTED_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "heic", "doc", "docx", "xls", "xlsx",
                       "wps", "et", "ofd", "txt", "zip")

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
# A zip whose central directory is this large is not an attachment someone typed at home.
_MAX_ZIP_ENTRIES = 10_000


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: a safe name, the detected kind and its content type."""

    filename: str
    kind: str
    content_type: str
    data: bytes


class UploadRejected(ValueError):
    """A file that may not be accepted; ``reason`` is one of the REASONS keys."""

    def __init__(self, reason: str, filename: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.reason = reason
        self.filename = filename


REASONS = ("empty", "too_large", "type")


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


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Control characters other than layout ones mean a binary file that happened to decode.
        controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
        return controls == 0
    return False


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
    if _is_text(data):
        return "txt"
    return None


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_filename(name: str, kind: str) -> str:
    """A file name fit to store and show: no path, no control characters, at most 120 characters."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    if not base:
        base = f"attachment.{kind if kind != 'jpeg' else 'jpg'}"
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 110] + dot + ext[:9]) if dot and len(ext) <= 9 else base[:120]
    return base


def check_file(filename: str, data: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> CheckedFile:
    """Accept one upload or raise UploadRejected (empty, too large, or a type we do not take)."""
    if not data:
        raise UploadRejected("empty", filename)
    if len(data) > max_bytes:
        raise UploadRejected("too_large", filename)
    kind = detect_kind(data)
    if kind is None:
        raise UploadRejected("type", filename)
    return CheckedFile(
        filename=safe_filename(filename, kind), kind=kind, content_type=CONTENT_TYPES[kind], data=data
    )
