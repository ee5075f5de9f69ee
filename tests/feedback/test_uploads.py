"""Attachment checks from bytes: the type comes from the content, never from the name."""

from __future__ import annotations

import io
import zipfile

import pytest

from feedback.uploads import MAX_FILE_BYTES, UploadRejected, check_file, detect_kind, safe_filename

OLE = bytes.fromhex("D0CF11E0A1B11AE1")


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _ole(stream: str) -> bytes:
    return OLE + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 64


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "heic"),
    (b"\x00\x00\x00\x18ftypheix\x00\x00\x00\x00", "heic"),
    (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00", "heic"),
    (_ole("WordDocument"), "doc"),
    (_ole("Workbook"), "xls"),
    (_ole("WpsContent"), "wps"),
    (_ole("SomethingElse"), "ole"),  # an OLE file of another kind (e.g. an old ET sheet)
    (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), "docx"),
    (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"}), "xlsx"),
    (_zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<d/>"}), "ofd"),
    (_zip({"photos/1.jpg": b"\xff\xd8\xff"}), "zip"),
    ("这是一份说明。\n第二行\r\n".encode(), "txt"),
    ("这是一份说明。\n".encode("gb18030"), "txt"),
    ("\ufeffBOM text".encode(), "txt"),
])
def test_accepted_kinds_are_detected_from_content(data: bytes, kind: str) -> None:
    assert detect_kind(data) == kind


@pytest.mark.parametrize("data", [
    b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
    b"\x7fELF\x02\x01\x01",  # a Linux executable
    b"GIF89a\x01\x00",  # not in the list
    b"text with a NUL\x00 inside",
    b"PK\x03\x04 not really a zip",
    b"\x00\x00\x00\x18ftypisom\x00\x00",  # an MP4 video, not HEIC
    b"\x01\x02\x03binary\x04",
])
def test_other_content_is_refused(data: bytes) -> None:
    assert detect_kind(data) is None
    with pytest.raises(UploadRejected) as caught:
        check_file("innocent.pdf", data)
    assert caught.value.reason == "type"


def test_the_name_does_not_decide_the_type() -> None:
    checked = check_file("scan.txt", b"%PDF-1.4 ...")
    assert checked.kind == "pdf" and checked.content_type == "application/pdf"
    assert checked.filename == "scan.txt"  # the person's name is kept for display


def test_empty_and_too_large_files_are_refused() -> None:
    with pytest.raises(UploadRejected) as empty:
        check_file("a.txt", b"")
    assert empty.value.reason == "empty"
    with pytest.raises(UploadRejected) as large:
        check_file("a.pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES)
    assert large.value.reason == "too_large"
    assert check_file("a.pdf", b"%PDF-" + b"0" * (MAX_FILE_BYTES - 5)).kind == "pdf"


@pytest.mark.parametrize(("name", "expected"), [
    ("C:\\Users\\张三\\Desktop\\意见.docx", "意见.docx"),
    ("../../etc/passwd", "passwd"),
    ("a\x00b<script>.pdf", "a_b_script_.pdf"),
    ("   ", "attachment.pdf"),
    ("长" * 200 + ".pdf", "长" * 110 + ".pdf"),
])
def test_file_names_are_made_safe(name: str, expected: str) -> None:
    assert safe_filename(name, "pdf") == expected
