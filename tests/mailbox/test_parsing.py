"""Tests of the MIME decoding layer: the golden corpus, then one focused test per rule."""

from __future__ import annotations

import base64
import dataclasses
import email
import email.policy
import hashlib
import json
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import pytest

from mailbox.classify import classify_auto, find_reference, strip_reply_prefixes
from mailbox.decoding import decode_text, decode_words, parse_params
from mailbox.html import html_to_text, sanitise_html
from mailbox.parsing import MessageParseError, ParsedMessage, parse_message
from tests.mailbox import make_corpus

CORPUS = Path(__file__).resolve().parent / "corpus"
EMLS = sorted(CORPUS.glob("*.eml"))


def _check(parsed: ParsedMessage, expected: dict) -> None:
    assert parsed.subject == expected["subject"]
    assert parsed.sender_name == expected["sender_name"]
    assert parsed.sender_address == expected["sender_address"]
    assert (parsed.date.isoformat() if parsed.date else None) == expected["date"]
    for snippet in expected["text_contains"]:
        assert snippet in parsed.text
    for snippet in expected["text_not_contains"]:
        assert snippet not in parsed.text
    if expected["html"] is None:
        assert parsed.html_sanitised is None
    else:
        assert parsed.html_sanitised is not None
        for snippet in expected["html"]["contains"]:
            assert snippet in parsed.html_sanitised
        for snippet in expected["html"]["not_contains"]:
            assert snippet.lower() not in parsed.html_sanitised.lower()
    got = [{"filename": a.filename, "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
            "inline": a.inline, "content_id": a.content_id} for a in parsed.attachments]
    assert got == expected["attachments"]
    for attachment in parsed.attachments:
        assert hashlib.sha256(attachment.data).hexdigest() == attachment.sha256
        assert len(attachment.data) == attachment.size
    assert len(parsed.charset_flags) == len(expected["charset_flags"]), parsed.charset_flags
    for flag, wanted in zip(parsed.charset_flags, expected["charset_flags"], strict=True):
        assert wanted in flag
    assert parsed.auto == expected["auto"]
    if expected["auto_reason_contains"]:
        assert expected["auto_reason_contains"] in (parsed.auto_reason or "")
    if expected["message_id"]:
        assert parsed.message_id == expected["message_id"]
    assert parsed.in_reply_to == expected["in_reply_to"]
    assert parsed.references == expected["references"]
    assert parsed.case_reference == expected["case_reference"]
    if "subject_stripped" in expected:
        assert strip_reply_prefixes(parsed.subject) == expected["subject_stripped"]
    assert parsed.bounced_recipients == expected["bounced_recipients"]
    if "no_answer_reason_contains" in expected:
        assert expected["no_answer_reason_contains"] in (parsed.no_answer_reason or "")
    assert parsed.bounced_message_id == expected["bounced_message_id"]
    assert bool(parsed.defects) == expected["has_defects"], parsed.defects
    assert len(parsed.forwarded) == len(expected["forwarded"])
    for inner, inner_expected in zip(parsed.forwarded, expected["forwarded"], strict=True):
        _check(inner, inner_expected)


def _no_replacement_characters(parsed: ParsedMessage) -> None:
    texts = [parsed.subject, parsed.text, parsed.sender_name, parsed.html_sanitised or ""]
    texts += [a.filename for a in parsed.attachments]
    for text in texts:
        assert "\ufffd" not in text
    for inner in parsed.forwarded:
        _no_replacement_characters(inner)


def test_corpus_is_large_enough_and_complete() -> None:
    assert len(EMLS) >= 30
    assert all(path.with_suffix(".json").exists() for path in EMLS)


def test_corpus_files_match_the_generator() -> None:
    for name, build in make_corpus.CASES.items():
        raw, expected = build()
        assert (CORPUS / f"{name}.eml").read_bytes() == raw, f"{name}.eml: rerun make_corpus.py"
        assert (CORPUS / f"{name}.json").read_text(encoding="utf-8") == make_corpus.render(expected)
    assert sorted(make_corpus.CASES) == [path.stem for path in EMLS]


@pytest.mark.parametrize("path", EMLS, ids=[path.stem for path in EMLS])
def test_corpus_message(path: Path) -> None:
    raw = path.read_bytes()
    parsed = parse_message(raw)
    _check(parsed, json.loads(path.with_suffix(".json").read_text(encoding="utf-8")))
    _no_replacement_characters(parsed)
    assert parsed.raw_sha256 == hashlib.sha256(raw).hexdigest() and parsed.size == len(raw)
    assert parse_message(raw) == parsed  # deterministic


# ---- headers -------------------------------------------------------------------------------

def _b(text: str, charset: str, codec: str | None = None) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(codec or charset)).decode()}?="


@pytest.mark.parametrize("label", ["gb2312", "GBK", "euc-cn", "cp936", "x-gbk", "csgb2312", "GB18030"])
def test_gb_labels_are_read_as_gb18030_in_headers(label: str) -> None:
    assert decode_words(_b("朱镕基堃𠀀", label, "gb18030"), "subject") == ("朱镕基堃𠀀", [])


@pytest.mark.parametrize("label", ["gb2312", "gbk", "euc-cn", "cp936", "x-gbk", "csgb2312"])
def test_gb_labels_are_read_as_gb18030_in_bodies(label: str) -> None:
    assert decode_text("镕堃𠀀䶮".encode("gb18030"), label, "text part") == ("镕堃𠀀䶮", None)


def test_encoded_words_folded_and_mixed_charsets() -> None:
    data = "虹桥".encode()
    halves = [base64.b64encode(data[:2]).decode(), base64.b64encode(data[2:]).decode()]
    value = (f"=?utf-8?B?{halves[0]}?=\r\n =?UTF-8?B?{halves[1]}?=\r\n\t{_b('商务', 'gb2312')}"
             f" x {_b('區', 'big5')}")
    assert decode_words(value, "subject") == ("虹桥商务 x 區", [])


def test_q_encoding_and_text_between_words() -> None:
    assert decode_words("Re: =?utf-8?Q?=E4=BD=A0=E5=A5=BD_world?= !", "subject") == ("Re: 你好 world !", [])


def test_raw_utf8_header_is_silent_and_raw_gbk_header_is_detected_and_flagged() -> None:
    raw = "Subject: 你好，商务区\r\nFrom: a@b.cn\r\n\r\nx\r\n"
    utf8 = parse_message(raw.encode())
    assert utf8.subject == "你好，商务区" and utf8.charset_flags == []
    gbk = parse_message(raw.encode("gbk"))
    assert gbk.subject == "你好，商务区"
    assert gbk.charset_flags == ["raw 8-bit header Subject: detected gb18030"]


def test_raw_8bit_header_follows_the_body_charset() -> None:
    raw = "Subject: 张三\r\nContent-Type: text/plain; charset=gbk\r\n\r\n正文\r\n".encode("gbk")
    parsed = parse_message(raw)
    assert parsed.subject == "张三" and parsed.text == "正文"
    assert parsed.charset_flags == ["raw 8-bit header Subject: read as gb18030 like the message body"]


def test_addresses_are_decoded_and_lowercased() -> None:
    whole = _b("张三 <z@x.cn>", "utf-8")  # some clients encode the whole mailbox as one word
    raw = (f'From: "{_b("王玥", "gb2312", "gbk")}" <WangYue@163.COM>\r\n'
           f'To: a@B.cn, {_b("张", "utf-8")} <C@d.cn>\r\nCc: e@f.cn\r\nReply-To: {whole}\r\n'
           "Subject: x\r\n\r\nbody\r\n").encode()
    parsed = parse_message(raw)
    assert (parsed.sender_name, parsed.sender_address) == ("王玥", "wangyue@163.com")
    assert parsed.to == ["a@b.cn", "c@d.cn"] and parsed.cc == ["e@f.cn"] and parsed.reply_to == ["z@x.cn"]


def test_message_ids_and_dates() -> None:
    raw = (b"Message-ID:\r\n <abc@x.cn>\r\nIn-Reply-To: <hq.1.a@hqcbd.shanghai.gov.cn> (sent by us)\r\n"
           b"References: <r1@x> <r2@x>\r\n\t<r3@x>\r\nDate: Mon, 12 Jan 2026 10:21:34 -0000\r\n"
           b"Subject: s\r\n\r\nb\r\n")
    parsed = parse_message(raw)
    assert parsed.message_id == "abc@x.cn" and not parsed.message_id_generated
    assert parsed.in_reply_to == "hq.1.a@hqcbd.shanghai.gov.cn"
    assert parsed.references == ["r1@x", "r2@x", "r3@x"]
    assert parsed.date == datetime(2026, 1, 12, 10, 21, 34, tzinfo=UTC)
    bad = parse_message(b"Date: yesterday-ish\r\nSubject: s\r\n\r\nb\r\n")
    assert bad.date is None and any("Date" in defect for defect in bad.defects)


def test_missing_message_id_gives_a_stable_generated_id() -> None:
    raw = b"Subject: no id\r\nFrom: a@b.cn\r\n\r\nbody\r\n"
    parsed = parse_message(raw)
    assert parsed.message_id == f"generated-{hashlib.sha256(raw).hexdigest()[:32]}@hqcbd.invalid"
    assert parsed.message_id_generated and parse_message(raw).message_id == parsed.message_id
    assert parse_message(raw + b"more\r\n").message_id != parsed.message_id


def test_parsed_message_is_frozen() -> None:
    parsed = parse_message(b"Subject: s\r\n\r\nb")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.subject = "changed"  # type: ignore[misc]


# ---- bodies and charsets -------------------------------------------------------------------

def test_missing_charset_is_detected_and_flagged() -> None:
    text, flag = decode_text("建议增设共享单车停放点，方便通勤。".encode("gb18030"), None, "text part")
    assert text == "建议增设共享单车停放点，方便通勤。"
    assert flag == "missing charset on text part: detected gb18030"


def test_declared_us_ascii_with_8bit_data() -> None:
    text, flag = decode_text("母婴室".encode(), "us-ascii", "text part")
    assert (text, flag) == ("母婴室", "declared us-ascii but 8-bit data in text part: detected utf-8")


def test_wrong_declared_charset_is_repaired() -> None:
    text, flag = decode_text("推诿扯皮，请督促整改。".encode("gbk"), "utf-8", "text part")
    assert text == "推诿扯皮，请督促整改。"
    assert flag == "declared utf-8 but undecodable text part: detected gb18030"


def test_big5_bodies_and_variants() -> None:
    assert decode_text("臺灣虹橋商務區".encode("big5"), "big5", "text part") == ("臺灣虹橋商務區", None)
    assert decode_text("香港㗎".encode("big5hkscs"), "big5", "text part") == ("香港㗎", None)


def test_western_labels() -> None:
    data = "Café crème à la française".encode("cp1252")
    assert decode_text(data, "iso-8859-1", "text part") == ("Café crème à la française", None)
    text, flag = decode_text("楼宇空置率".encode(), "iso-8859-1", "text part")
    assert text == "楼宇空置率" and flag == "declared iso-8859-1 but utf-8 data in text part: detected utf-8"


def test_no_replacement_character_when_some_candidate_decodes() -> None:
    for data in ("𠀀䶮𠮷".encode("gb18030"), "國際".encode("big5"), "中文".encode()):
        text, _flag = decode_text(data, "us-ascii", "text part")
        assert "\ufffd" not in text


def test_html_part_without_mime_charset_uses_meta_charset() -> None:
    html = '<meta charset="gbk"><p>孙堃</p>'.encode("gbk")
    parsed = parse_message(b"Subject: s\r\nContent-Type: text/html\r\n\r\n" + html)
    assert parsed.text == "孙堃" and parsed.charset_flags == []


# ---- structure ----------------------------------------------------------------------------

def _mixed(*parts: bytes, boundary: bytes = b"b") -> bytes:
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts)
    return (b'Subject: s\r\nContent-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
            + body + b"--" + boundary + b"--\r\n")


PLAIN = b"Content-Type: text/plain\r\n\r\n"


def test_txt_attachments_are_never_merged_into_the_body() -> None:
    txt = 'Content-Type: text/plain; charset=gbk\r\nContent-Disposition: attachment; filename="{}.txt"\r\n'
    txt += "\r\n"
    parts = [PLAIN + b"body text"]
    parts += [txt.format(n).encode() + f"附件{n}".encode("gbk") for n in range(71)]
    parsed = parse_message(_mixed(*parts))
    assert parsed.text == "body text" and len(parsed.attachments) == 71
    assert parsed.attachments[5].filename == "5.txt" and parsed.attachments[5].data == "附件5".encode("gbk")


def test_text_part_with_only_a_name_is_an_attachment() -> None:
    parsed = parse_message(_mixed(PLAIN + b"body", b'Content-Type: text/plain; name="n.txt"\r\n\r\nx'))
    assert parsed.text == "body" and [a.filename for a in parsed.attachments] == ["n.txt"]


def test_rfc2231_filenames_with_continuations_and_charset() -> None:
    value = "attachment; filename*0*=UTF-8''%E8%99%B9%E6; filename*1*=%A1%A5.pdf; filename=fallback.pdf"
    assert parse_params(value, "x")[:2] == ("attachment", {"filename": "虹桥.pdf"})
    value = "attachment; filename*=gb2312'zh-cn'%C0%EE%88%D2.txt"
    assert parse_params(value, "x")[1] == {"filename": "李堃.txt"}


@pytest.mark.parametrize("value", ['attachment; filename="{w}"', 'inline; name="{w}"',
                                   "attachment; filename={w}"])
def test_encoded_word_filenames(value: str) -> None:
    params = parse_params(value.format(w=_b("整改报告.docx", "gb2312", "gbk")), "x")[1]
    assert set(params.values()) == {"整改报告.docx"}


def test_filenames_lose_paths_and_missing_names_are_generated() -> None:
    parsed = parse_message(_mixed(b'Content-Type: image/png; name="C:\\\\fakepath\\\\a.png"\r\n\r\nx',
                                  b"Content-Type: application/pdf\r\n\r\ny"))
    assert [a.filename for a in parsed.attachments] == ["a.png", "part-1.2.pdf"]


def test_alternative_prefers_plain_text_and_keeps_html() -> None:
    raw = (b'Subject: s\r\nContent-Type: multipart/alternative; boundary="a"\r\n\r\n--a\r\n' + PLAIN
           + b"plain version\r\n--a\r\nContent-Type: text/html\r\n\r\n<p>html version</p>\r\n--a--\r\n")
    parsed = parse_message(raw)
    assert parsed.text == "plain version" and parsed.html_sanitised == "<p>html version</p>"


def test_forward_keeps_its_own_attachments() -> None:
    pdf = b'Content-Type: application/pdf; name="a.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg=='
    inner = b"Message-ID: <inner@x>\r\nFrom: q@x.cn\r\n" + _mixed(PLAIN + b"inner body", pdf, boundary=b"in")
    parsed = parse_message(_mixed(PLAIN + b"see below", b"Content-Type: message/rfc822\r\n\r\n" + inner))
    assert parsed.attachments == [] and parsed.text == "see below"
    (forwarded,) = parsed.forwarded
    assert forwarded.message_id == "inner@x" and forwarded.text == "inner body"
    assert [(a.filename, a.data) for a in forwarded.attachments] == [("a.pdf", b"%PDF")]


def test_base64_encoded_forward_is_decoded() -> None:
    inner = base64.b64encode(b"Message-ID: <i@x>\r\nSubject: inner\r\n\r\nhello\r\n")
    part = b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" + inner
    parsed = parse_message(_mixed(part))
    assert parsed.forwarded[0].subject == "inner" and parsed.forwarded[0].text == "hello"


def test_unusable_input_raises_and_defects_are_tolerated() -> None:
    for raw in (b"", b"  \r\n", b"\x89PNG\r\n\x1a\n\x00\x00binary"):
        with pytest.raises(MessageParseError):
            parse_message(raw)
    with pytest.raises(TypeError):
        parse_message("Subject: str\r\n\r\nx")  # type: ignore[arg-type]
    unclosed = b'Subject: s\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n\r\ntext'
    tolerated = parse_message(unclosed)
    assert tolerated.text == "text" and tolerated.defects
    nul = parse_message(b"Subject: a\x00b\r\n\r\nbo\x00dy")
    assert (nul.subject, nul.text) == ("a b", "body") and nul.defects  # folded in headers


def test_excessive_nesting_is_kept_as_bytes_with_a_defect() -> None:
    opening = 'Content-Type: multipart/mixed; boundary="b{0}"\r\n\r\n--b{0}\r\n'
    head = b"".join(opening.format(i).encode() for i in range(30))
    tail = b"".join(f"--b{i}--\r\n".encode() for i in reversed(range(30)))
    parsed = parse_message(b"Subject: deep\r\n" + head + PLAIN + b"leaf\r\n" + tail)
    assert len(parsed.attachments) == 1 and b"leaf" in parsed.attachments[0].data
    assert any("nested deeper" in defect for defect in parsed.defects)


# ---- HTML ---------------------------------------------------------------------------------

def test_sanitiser() -> None:
    html = ('<p onclick="x()" style="color:red">hi</p><script>alert(1)</script><style>p{}</style>'
            '<img src="http://t.example/a.gif"><img src="cid:a@b"><img src="data:image/png;base64,AA">'
            '<img src="data:image/svg+xml;base64,AA"><a href="https://e.example/">e</a>'
            '<a href="data:text/html,x">d</a><iframe src="https://e.example/"></iframe>'
            '<form><input name="q">f</form>')
    clean = sanitise_html(html)
    gone = ("onclick", "style", "alert", "<script", "http://t.example", "svg", "data:text", "<iframe",
            "<form", "<input")
    for snippet in gone:
        assert snippet not in clean
    kept = ('src="cid:a@b"', 'src="data:image/png;base64,AA"',
            '<a href="https://e.example/" rel="noopener noreferrer">')
    for snippet in kept:
        assert snippet in clean


def test_html_to_text() -> None:
    html = ("<html><head><title>T</title><style>x{}</style></head>"
            "<body><p>一&nbsp;二</p><div>三<br>四</div></body></html>")
    assert html_to_text(html) == "一 二\n\n三\n四"


# ---- subjects and classification ----------------------------------------------------------

@pytest.mark.parametrize("subject", ["回复: 答复：Re: RE: Fwd: FW: Fw: AW: 转发: 回覆: x",
                                     "  Re[2]: 回复：x ", "x"])
def test_strip_reply_prefixes(subject: str) -> None:
    assert strip_reply_prefixes(subject) == "x"
    assert strip_reply_prefixes("Report: x") == "Report: x"


@pytest.mark.parametrize(("subject", "reference"), [
    ("回复: [HQ-2026-000123] 关于", "HQ-2026-000123"), ("【HQ-2026-000456】关于", "HQ-2026-000456"),
    ("案件 HQ-2027-000001 的补充", "HQ-2027-000001"), ("ＨＱ－２０２６－０００００９", "HQ-2026-000009"),
    ("HQ-2026-0001234", None), ("XHQ-2026-000123", None), ("无编号", None)])
def test_find_reference(subject: str, reference: str | None) -> None:
    assert find_reference(subject) == reference


def _headers(text: str) -> Message:
    return email.message_from_bytes(text.encode() + b"\r\n\r\nbody\r\n", policy=email.policy.default)


@pytest.mark.parametrize(("headers", "kind", "reason"), [
    ("Auto-Submitted: auto-replied", "auto_reply", "Auto-Submitted"),
    ("Auto-Submitted: auto-generated", "auto_reply", "Auto-Submitted"),
    ("X-Autoreply: yes", "auto_reply", "X-Autoreply"),
    ("X-Autorespond: 1", "auto_reply", "X-Autorespond"),
    ("Precedence: bulk", "bulk", "bulk"),
    ("Precedence: junk", "bulk", "junk"),
    ("Precedence: list", "list", "list"),
    ("Precedence: auto_reply", "auto_reply", "auto_reply"),
    ("List-Id: <a.b.c>", "list", "List-Id"),
    ("List-Unsubscribe: <mailto:x@y>", "list", "List-Unsubscribe"),
    ("List-Post: <mailto:x@y>", "list", "List-Post"),
    ("Subject: 自动回复: 你好", "auto_reply", "subject"),
    ("Subject: 自动答复：你好", "auto_reply", "subject"),
    ("Subject: Automatic reply: hi", "auto_reply", "subject"),
    ("Subject: Auto Reply: hi", "auto_reply", "subject"),
    ("Subject: Out of Office: hi", "auto_reply", "subject"),
    ("Subject: 【休假】1月", "auto_reply", "subject"),
    ("Subject: 不在办公室：x", "auto_reply", "subject"),
    ("From: MAILER-DAEMON@mx.qq.com", "bounce", "MAILER-DAEMON"),
    ("From: Postmaster <postmaster@163.com>", "bounce", "postmaster"),
    ("Return-Path: <>", "bounce", "Return-Path"),
    ("Return-Path: <>\r\nAuto-Submitted: auto-replied", "auto_reply", "Auto-Submitted"),
    ("Content-Type: multipart/report; report-type=delivery-status; boundary=x", "bounce", "delivery-status"),
])
def test_classify_auto(headers: str, kind: str, reason: str) -> None:
    found_kind, found_reason = classify_auto(_headers(headers))
    assert found_kind == kind and reason in (found_reason or "")


@pytest.mark.parametrize("headers", [
    "Auto-Submitted: no", "Subject: 关于休假制度的建议", "Subject: Re: 自动回复功能建议",
    "Return-Path: <a@b.cn>", "From: daemon-fan@qq.com", "Subject: 不在办公室的时候怎么办"])
def test_classify_ordinary_mail(headers: str) -> None:
    assert classify_auto(_headers(headers)) == (None, None)


def test_auto_response_suppress_opens_a_case_but_is_not_answered() -> None:
    # Exchange puts it on ordinary mail from distribution lists: a person's letter, never dropped.
    msg = _headers("X-Auto-Response-Suppress: All\r\nSubject: 关于停车的建议")
    assert classify_auto(msg) == (None, None)
    parsed = parse_message(b"From: a@b.cn\r\nX-Auto-Response-Suppress: OOF\r\nSubject: x\r\n\r\nbody\r\n")
    assert parsed.auto is None and "X-Auto-Response-Suppress" in (parsed.no_answer_reason or "")
    assert parse_message(b"From: a@b.cn\r\nSubject: x\r\n\r\nbody\r\n").no_answer_reason is None


def test_delayed_dsn_recipients_are_not_bounced() -> None:
    raw = (b"From: MAILER-DAEMON@x\r\n"
           b'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
           b"--r\r\nContent-Type: text/plain\r\n\r\ndelayed\r\n"
           b"--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n"
           b"Final-Recipient: rfc822; late@x.cn\r\nAction: delayed\r\n\r\n"
           b"Final-Recipient: rfc822; gone@x.cn\r\nAction: failed\r\n\r\n--r--\r\n")
    parsed = parse_message(raw)
    assert parsed.auto == "bounce" and parsed.bounced_recipients == ["gone@x.cn"]
