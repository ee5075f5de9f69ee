"""Hostile mail (issue 11, point 8): control characters in decoded headers and bodies, empty plain
alternatives; parsed from bytes, then one message end to end through Dovecot into PostgreSQL."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import re
import urllib.parse

import pytest
from sqlalchemy import select

from cases.extensions import db
from cases.models import Case, RawEmail
from mailbox.parsing import ParsedMessage, parse_message
from mailbox.poller import Poller
from mailbox.settings import load_settings

# What PostgreSQL refuses (NUL) and what must not reach a text column: C0 but TAB, LF, CR; DEL.
BODY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HEADER_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
INJECTED_SUBJECT = "关于停车\r\nBcc: victim@example.cn\r\n\r\n\t建议\x00增加\x85车位\x1b[31m"
RTLO_NAME = "report\u202efdp.hta\r\n.pdf"
NAME_WITH_BREAK = "张\r\n伟\x00"
ATTACHMENT = b"%PDF-1.4\x00\x01 evidence kept byte for byte\r\n"


def b_word(text: str) -> str:
    return f"=?utf-8?B?{base64.b64encode(text.encode()).decode()}?="


def q_word(text: str) -> str:
    return "=?utf-8?Q?" + "".join(f"={byte:02X}" for byte in text.encode()) + "?="


def leaf(ctype: str, data: bytes, *headers: str) -> bytes:
    lines = [f"Content-Type: {ctype}", "Content-Transfer-Encoding: base64", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + base64.b64encode(data) + b"\r\n"


def multipart(subtype: str, boundary: str, *parts: bytes) -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part for part in parts)
    return (f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()
            + body + b"--" + boundary.encode() + b"--\r\n")


def hostile(message_id: str = "hostile.1@example.cn", plain: str = " \r\n\t \r\n") -> bytes:
    """Encoded subject and name with CR/LF and NUL, a blank plain part, NUL in the HTML, a disguised
    attachment name (RFC 2231, with CR/LF and a right-to-left override)."""
    html = "<p>建议\x00增加\x01停车位&#1;。</p><script>alert(1)</script>\x7f<p>第二段</p>"
    alternative = multipart("alternative", "alt", leaf("text/plain; charset=utf-8", plain.encode()),
                            leaf("text/html; charset=utf-8", html.encode()))
    headers = (f"From: {b_word(NAME_WITH_BREAK)} <zhang.wei@example.cn>\r\nTo: hqcbd@example.test\r\n"
               f"Subject: {b_word(INJECTED_SUBJECT)}\r\nMessage-ID: <{message_id}>\r\n"
               "Date: Sat, 28 Nov 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\n")
    return headers.encode() + multipart("mixed", "mix", alternative, disguised_attachment())


def disguised_attachment() -> bytes:
    """A PDF part whose RFC 2231 name holds CR/LF and a right-to-left override."""
    name = urllib.parse.quote(RTLO_NAME.encode())
    return leaf("application/pdf", ATTACHMENT, f"Content-Disposition: attachment; filename*=utf-8''{name}")


def no_controls(parsed: ParsedMessage) -> None:
    for value in (parsed.subject, parsed.sender_name, *(a.filename for a in parsed.attachments)):
        assert not HEADER_CONTROLS.search(value), repr(value)
    for value in (parsed.text, parsed.html_sanitised or ""):
        assert not BODY_CONTROLS.search(value), repr(value)


@pytest.mark.parametrize("encode", [b_word, q_word])
def test_control_characters_in_encoded_headers_fold_to_single_spaces(encode) -> None:
    raw = (f"From: {encode(NAME_WITH_BREAK)} <a@example.cn>\r\nSubject: {encode(INJECTED_SUBJECT)}\r\n\r\n"
           "body").encode()
    parsed = parse_message(raw)
    assert parsed.subject == "关于停车 Bcc: victim@example.cn 建议 增加 车位 [31m"
    assert parsed.sender_name == "张 伟" and parsed.sender_address == "a@example.cn"
    assert any("folded to spaces in header Subject" in defect for defect in parsed.defects)
    # Ordinary folding whitespace (a TAB) is no defect and stays one space.
    plain = parse_message(b"Subject: =?utf-8?B?5YWz5LqO?=\r\n\t=?utf-8?B?5YGc6L2m?= a\tb\r\n\r\nx")
    assert plain.subject == "关于停车 a b" and plain.defects == []


def test_attachment_names_are_cleaned_and_their_bytes_kept() -> None:
    encoded_word = b_word("照\u200b片\u202e\r\ngpj.exe")
    photo = leaf("image/jpeg", b"\xff\xd8\xff", f'Content-Disposition: attachment; filename="{encoded_word}"')
    raw = b"Subject: s\r\n" + multipart("mixed", "b", leaf("text/plain", "见附件".encode()),
                                         disguised_attachment(), photo)
    parsed = parse_message(raw)
    assert [a.filename for a in parsed.attachments] == ["reportfdp.hta .pdf", "照片 gpj.exe"]
    assert parsed.attachments[0].data == ATTACHMENT  # evidence: byte for byte
    assert parsed.attachments[0].sha256 == hashlib.sha256(ATTACHMENT).hexdigest()


def test_nul_and_other_controls_never_stay_in_text_or_html_bodies() -> None:
    text = "第一行\x00\x01\x08\x0b\x1b\x7f完\r\n\t第二行"
    raw = b"Subject: s\r\n" + leaf("text/plain; charset=utf-8", text.encode())
    assert parse_message(raw).text == "第一行完\n\t第二行"
    html = "<p>网页\x00正文\x01&#1;&#0;\x0b\x7f完</p><pre>a\tb</pre>"
    parsed = parse_message(b"Subject: s\r\n" + leaf("text/html; charset=utf-8", html.encode()))
    assert parsed.html_sanitised is not None and not BODY_CONTROLS.search(parsed.html_sanitised)
    assert "网页正文" in parsed.html_sanitised and "a\tb" in parsed.html_sanitised
    assert "\x00" not in parsed.html_sanitised  # &#0; is U+FFFD by the HTML standard, never a NUL
    assert parsed.text.startswith("网页正文") and not BODY_CONTROLS.search(parsed.text)


@pytest.mark.parametrize("plain", ["", " ", "\r\n\r\n", " \t\r\n\u3000 "])
def test_a_blank_plain_alternative_falls_back_to_the_html(plain: str) -> None:
    parsed = parse_message(hostile(plain=plain))
    assert parsed.text == "建议增加停车位。\n\n第二段"
    assert parsed.html_sanitised == "<p>建议增加停车位。</p><p>第二段</p>"
    no_controls(parsed)
    # A plain part with words still wins, as RFC 2046 alternatives go.
    assert parse_message(hostile(plain="纯文本版本")).text == "纯文本版本"


def test_a_blank_plain_part_beside_html_in_mixed_falls_back_too() -> None:
    raw = b"Subject: s\r\n" + multipart("mixed", "m", leaf("text/plain", b"  \r\n"),
                                         leaf("text/html; charset=utf-8", "<p>正文在网页里</p>".encode()))
    assert parse_message(raw).text == "正文在网页里"


def test_ids_with_control_characters_are_cleaned() -> None:
    raw = b"Subject: s\r\nIn-Reply-To: <a\x00b@x.cn>\r\nReferences: <c\x01d@x.cn> <e@x.cn>\r\n\r\nbody"
    parsed = parse_message(raw)
    assert (parsed.in_reply_to, parsed.references) == ("ab@x.cn", ["cd@x.cn", "e@x.cn"])


FORWARDED_SUBJECT = "转发\r\n主题"


def test_forwarded_messages_are_cleaned_the_same_way() -> None:
    inner = f"Subject: {b_word(FORWARDED_SUBJECT)}\r\nFrom: q@x.cn\r\n\r\n".encode()
    inner += "内层\x00正文\r\n".encode()
    parsed = parse_message(b"Subject: s\r\n" + multipart(
        "mixed", "f", leaf("text/plain", b"see below"), b"Content-Type: message/rfc822\r\n\r\n" + inner))
    (forwarded,) = parsed.forwarded
    assert (forwarded.subject, forwarded.text) == ("转发 主题", "内层正文")


@pytest.mark.postgres_only
def test_a_hostile_message_becomes_a_clean_case_on_postgresql(mailbox_app, dovecot, smtp) -> None:
    raw = hostile()
    dovecot.deliver([raw])
    summary = Poller(load_settings()).run()
    assert (summary.new_cases, summary.quarantined) == (1, 0)
    case = db.session.scalar(select(Case))
    assert case.subject == "关于停车 Bcc: victim@example.cn 建议 增加 车位 [31m"
    assert case.submitter_name == "张 伟" and case.body == "建议增加停车位。\n\n第二段"
    first = case.messages[0]
    assert first.body_html == "<p>建议增加停车位。</p><p>第二段</p>"
    [attachment] = first.attachments
    assert attachment.filename == "reportfdp.hta .pdf" and attachment.data == ATTACHMENT
    assert db.session.scalar(select(RawEmail.data)) == raw  # the raw bytes, NUL and all, as received
    # The acknowledgement reuses the subject: one Subject line, nothing injected.
    [(_sender, recipients, data)] = smtp.messages
    sent = email.message_from_bytes(data, policy=email.policy.default)
    assert recipients == ["zhang.wei@example.cn"] and sent["Bcc"] is None
    assert "关于停车 Bcc: victim@example.cn 建议" in sent["Subject"]
    assert b"\r\nBcc:" not in data.split(b"\r\n\r\n", 1)[0]
