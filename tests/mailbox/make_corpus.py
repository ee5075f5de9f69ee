"""Generate the golden mail corpus (corpus/*.eml and the expected corpus/*.json), deterministically.

Run ``.venv/bin/python tests/mailbox/make_corpus.py`` from the project root; test_parsing checks the
committed files are exactly what this script writes. Expectations come from what each message is
built from (texts, attachment bytes), never from the parser's output. Header and MIME layouts imitate
QQ Mail, 163 (Coremail), Foxmail, Outlook/Exchange, Thunderbird, Outlook Express, Mutt and Postfix.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import struct
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
US = "hqcbd@hqcbd.shanghai.gov.cn"
CST = timezone(timedelta(hours=8))
Case = tuple[bytes, dict]
Fields = list[tuple[str, str | bytes]]
CASES: dict[str, Callable[[], Case]] = {}
MIME_PREAMBLE = b"This is a multi-part message in MIME format.\r\n"


def case(name: str) -> Callable[[Callable[[], Case]], Callable[[], Case]]:
    def register(build: Callable[[], Case]) -> Callable[[], Case]:
        CASES[name] = build
        return build
    return register


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def b64(data: bytes) -> bytes:
    encoded = base64.b64encode(data)
    return b"\r\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))


def qp(data: bytes) -> bytes:
    return binascii.b2a_qp(data.replace(b"\r\n", b"\n")).replace(b"\n", b"\r\n")


def word(text: str, charset: str, mode: str = "B", codec: str | None = None) -> str:
    data = text.encode(codec or charset)
    if mode == "B":
        return f"=?{charset}?B?{base64.b64encode(data).decode()}?="
    body = "".join(chr(b) if b < 128 and chr(b).isalnum() else "_" if b == 32 else f"={b:02X}"
                   for b in data)
    return f"=?{charset}?Q?{body}?="


def when(day: int, hour: int, minute: int, tz: timezone = CST) -> tuple[str, str]:
    moment = datetime(2026, 1, day, hour, minute, 7, tzinfo=tz)
    return format_datetime(moment), moment.isoformat()


def head(*fields: tuple[str, str | bytes]) -> bytes:
    lines = [name.encode() + b": " + (value if isinstance(value, bytes) else value.encode())
             for name, value in fields]
    return b"\r\n".join(lines) + b"\r\n"


def msg(headers: bytes, body: bytes) -> bytes:
    return headers + b"\r\n" + body


def leaf(fields: Fields, body: bytes) -> bytes:
    return head(*fields) + b"\r\n" + body + b"\r\n"


def multi(boundary: str, parts: list[bytes], preamble: bytes = b"") -> bytes:
    out = preamble + b"\r\n" if preamble else b""
    for part in parts:
        out += b"--" + boundary.encode() + b"\r\n" + part
    return out + b"--" + boundary.encode() + b"--\r\n"


def nested(ctype: str, boundary: str, body: bytes, fold: str = "\r\n\t") -> bytes:
    return leaf([("Content-Type", f'{ctype};{fold}boundary="{boundary}"')], body)


def text_part(text: str, charset: str, cte: str = "base64", subtype: str = "plain", quote: bool = True,
              codec: str | None = None) -> bytes:
    data = crlf(text).encode(codec or charset)
    body = b64(data) if cte == "base64" else qp(data) if cte == "quoted-printable" else data
    label = f'"{charset}"' if quote else charset
    return leaf([("Content-Type", f"text/{subtype};\r\n\tcharset={label}"),
                 ("Content-Transfer-Encoding", cte)], body)


def alternative(boundary: str, body: str, html: str, charset: str, cte: str = "base64",
                codec: str | None = None, quote: bool = True) -> tuple[str, bytes]:
    parts = [text_part(body, charset, cte, quote=quote, codec=codec),
             text_part(html, charset, cte, "html", quote=quote, codec=codec)]
    return f'multipart/alternative;\r\n\tboundary="{boundary}"', multi(boundary, parts)


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


def blob(label: str, size: int) -> bytes:
    """Deterministic stand-in bytes for an office document or archive."""
    seed = hashlib.sha256(label.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def attachment(fields: list[tuple[str, str]], data: bytes) -> bytes:
    return leaf([*fields, ("Content-Transfer-Encoding", "base64")], b64(data))


def named(ctype: str, name: str, data: bytes, disposition: str = "attachment") -> bytes:
    return attachment([("Content-Type", f'{ctype}; name="{name}"'),
                       ("Content-Disposition", f'{disposition}; filename="{name}"')], data)


def att(filename: str, content_type: str, data: bytes, inline: bool = False, cid: str | None = None) -> dict:
    return {"filename": filename, "content_type": content_type, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "inline": inline, "content_id": cid}


def expect(subject: str, sender: tuple[str, str], date: str | None, text: list[str], **more: object) -> dict:
    result = {"subject": subject, "sender_name": sender[0], "sender_address": sender[1], "date": date,
              "text_contains": text, "text_not_contains": [], "html": None, "attachments": [],
              "charset_flags": [], "auto": None, "auto_reason_contains": None, "message_id": None,
              "in_reply_to": None, "references": [], "case_reference": None, "bounced_recipients": [],
              "bounced_message_id": None, "forwarded": [], "has_defects": False}
    result.update(more)
    return result


def html_has(*snippets: str, absent: tuple[str, ...] = ()) -> dict:
    return {"contains": list(snippets), "not_contains": list(absent)}


# ---- client styles -------------------------------------------------------------------------

def qq(subject: str, name: str, user: str, stamp: str, key: str, ctype: str,
       *extra: tuple[str, str]) -> bytes:
    return head(("From", f'"{word(name, "gb18030")}" <{user}@qq.com>'),
                ("To", f'"{word("虹桥商务区管委会", "gb18030")}" <{US}>'),
                ("Subject", word(subject, "gb18030")), ("Mime-Version", "1.0"), ("Content-Type", ctype),
                ("Content-Transfer-Encoding", "8Bit"), ("Date", stamp), ("X-Priority", "3"),
                ("Message-ID", f"<tencent_{key}@qq.com>"), ("X-QQ-MIME", "TCMime 1.0 by Tencent"),
                ("X-Mailer", "QQMail 2.x"), ("X-QQ-Mailer", "QQMail 2.x"), *extra)


def coremail(subject: str, name: str, user: str, stamp: str, key: str, ctype: str) -> bytes:
    return head(("Date", stamp + " (CST)"), ("From", f'"{word(name, "GBK")}" <{user}@163.com>'),
                ("To", US), ("Message-ID", f"<{key}.Coremail.{user}@163.com>"),
                ("Subject", word(subject, "GBK")), ("MIME-Version", "1.0"), ("Content-Type", ctype),
                ("X-Originating-IP", "[116.228.88.12]"), ("X-Priority", "3"),
                ("X-Mailer", "Coremail Webmail Server Version XT5.0.14 build 20240801(9da12a7b)\r\n"
                             " Copyright (c) 2002-2026 www.mailtech.cn 163com"),
                ("X-NTES-SC", "AL_Qu2cAf2YuEkq4SaZbekZnEYQgew6Xce1vPwgqIRVNZE0kyrT8A0="),
                ("X-CM-CTRLDATA", "9k0X3GZvb3Rlcl9odG09MjE2OjU2"))


def foxmail(subject: str, name: str, user: str, stamp: str, key: str, ctype: str,
            *extra: tuple[str, str]) -> bytes:
    # Foxmail labels GBK text gb2312: names and subjects carry GBK-only characters under that label.
    return head(("Date", stamp), ("From", f'"{word(name, "gb2312", codec="gbk")}" <{user}@foxmail.com>'),
                ("To", f'"{word("督查反馈", "gb2312")}" <{US}>'),
                ("Subject", word(subject, "gb2312", codec="gbk")), *extra,
                ("X-Priority", "3"), ("X-GUID", "5D1C1E0B-8F7A-4C2B-9E61-3A2F0D9B7C44"),
                ("X-Has-Attach", "no"), ("X-Mailer", "Foxmail 7.2.25.228[cn]"), ("Mime-Version", "1.0"),
                ("Message-ID", f"<{key}@foxmail.com>"), ("Content-Type", ctype))


def outlook(subject: str, stamp: str, key: str, ctype: str, *extra: tuple[str, str]) -> bytes:
    return head(("From", f"{word('陈军', 'utf-8')} <chen.jun@hq-partner.com.cn>"), ("To", f'"{US}" <{US}>'),
                ("Subject", word(subject, "utf-8")), ("Thread-Topic", word(subject, "utf-8")),
                ("Thread-Index", "AdqFq3k0m9Q2y6d1RkOY+3pV1a2b3Q=="), ("Date", stamp),
                ("Message-ID", f"<TYZPR06MB6123{key}@TYZPR06MB6123.apcprd06.prod.outlook.com>"),
                ("Accept-Language", "zh-CN, en-US"), ("Content-Language", "zh-CN"), *extra,
                ("X-MS-Has-Attach", "yes"), ("X-MS-TNEF-Correlator", ""), ("Content-Type", ctype),
                ("MIME-Version", "1.0"))


OUTLOOK_SENDER = ("陈军", "chen.jun@hq-partner.com.cn")


def plain(subject: str | bytes, sender: str | bytes, stamp: str, key: str | None, ctype: str,
          cte: str | None, *extra: tuple[str, str | bytes]) -> bytes:
    fields: Fields = [("From", sender), ("To", US), ("Subject", subject), ("Date", stamp)]
    if key:
        fields.append(("Message-ID", f"<{key}>"))
    fields += [("MIME-Version", "1.0"), ("Content-Type", ctype)]
    if cte:
        fields.append(("Content-Transfer-Encoding", cte))
    return head(*fields, *extra)


def thunderbird(subject: str, sender: str, stamp: str, key: str, boundary: str) -> bytes:
    return head(("Message-ID", f"<{key}>"), ("Date", stamp), ("MIME-Version", "1.0"),
                ("User-Agent", "Mozilla Thunderbird"), ("Content-Language", "zh-CN"), ("To", US),
                ("From", sender), ("Subject", word(subject, "UTF-8")),
                ("Content-Type", f'multipart/mixed; boundary="{boundary}"'))


# ---- the cases ------------------------------------------------------------------------------

PROPOSAL = "关于虹桥商务区楼宇空置率整改的建议"
HTML_SEEN = html_has(absent=("<script", "<style"))


@case("01_qq_gb18030_base64")
def qq_gb18030() -> Case:
    stamp, iso = when(12, 10, 21)
    body = ("尊敬的管委会领导：\n    我在虹桥商务区工作三年，注意到核心区部分楼宇空置率较高，"
            "建议加大招商力度。\n此致\n张三")
    ctype, parts = alternative("----=_NextPart_65A0B1C2_0D1E2F30_4A5B6C7D", body,
                               f"<div>{body.replace(chr(10), '<br>')}</div>", "gb18030")
    raw = msg(qq(PROPOSAL, "张三", "1234567890", stamp, "9F2B7C1D3E4A5B6C7D8E9F0A", ctype), parts)
    return raw, expect(PROPOSAL, ("张三", "1234567890@qq.com"), iso,
                       ["核心区部分楼宇空置率较高，建议加大招商力度"],
                       html=html_has("建议加大招商力度", "<br>"),
                       message_id="tencent_9F2B7C1D3E4A5B6C7D8E9F0A@qq.com")


@case("02_qq_attachment_encoded_word")
def qq_attachment() -> Case:
    stamp, iso = when(12, 11, 5)
    name, data = "整改建议书.docx", blob("整改建议书", 3000)
    alt_type, alt = alternative("----=_NextPart_65A0B1C3_0D1E2F31_00000001", "建议书见附件，请查收。",
                                "<div>建议书见附件，请查收。</div>", "gb18030")
    # QQ Mail's form: RFC 2047 words inside quoted name= and filename= parameters.
    attached = attachment([("Content-Type", 'application/octet-stream;\r\n\tcharset="gb18030";\r\n\t'
                            f'name="{word(name, "gb18030")}"'),
                           ("Content-Disposition", f'attachment; filename="{word(name, "gb18030")}"')], data)
    boundary = "----=_NextPart_65A0B1C3_0D1E2F31_00000000"
    body = multi(boundary, [leaf([("Content-Type", alt_type)], alt), attached], MIME_PREAMBLE)
    raw = msg(qq("整改建议书", "李四", "2345678901", stamp, "1A2B3C4D5E6F7A8B9C0D1E2F",
                 f'multipart/mixed;\r\n\tboundary="{boundary}"'), body)
    return raw, expect("整改建议书", ("李四", "2345678901@qq.com"), iso, ["建议书见附件"], html=HTML_SEEN,
                       attachments=[att(name, "application/octet-stream", data)])


@case("03_163_gb2312_label_gbk_qp")
def coremail_qp() -> Case:
    stamp, iso = when(13, 9, 15)
    subject = "反映虹桥天地周边停车难问题"
    body = ("管委会：\n虹桥天地周边工作日停车位严重不足，经常需要排队半小时以上，希望尽快整改。"
            "另外地下车库指示牌不清楚。\n王玥\n2026年1月13日")
    ctype, parts = alternative("----=_Part_281734_1093826547.1768266902187", body,
                               f"<div style=\"line-height:1.7\">{body}</div>", "gb2312", "quoted-printable",
                               codec="gbk", quote=False)
    raw = msg(coremail(subject, "王玥", "wangyue_sh", stamp, "5e2b1a7c.3f1d.19bb2c4a1e2", ctype), parts)
    return raw, expect(subject, ("王玥", "wangyue_sh@163.com"), iso, ["排队半小时以上，希望尽快整改", "王玥"],
                       html=html_has("地下车库指示牌", absent=("style=",)))


@case("04_163_txt_attachments_gbk")
def coremail_txt() -> Case:
    stamp, iso = when(13, 16, 40)
    files = {"情况说明.txt": "附件一正文：虹桥商务区某写字楼物业收费不透明。\n",
             "补充材料一.txt": "附件二正文：物业合同第七条约定不明。\n",
             "联系方式.txt": "附件三正文：电话略。\n"}
    parts = [text_part("详见附件三个文本文件，谢谢。", "GBK", quote=False)]
    expected = []
    for name, content in files.items():
        data, encoded = crlf(content).encode("gbk"), word(name, "GBK")
        parts.append(attachment([("Content-Type", f'text/plain; charset=GBK; name="{encoded}"'),
                                 ("Content-Disposition", f'attachment; filename="{encoded}"')], data))
        expected.append(att(name, "text/plain", data))
    boundary = "----=_Part_281735_1093826548.1768266902188"
    raw = msg(coremail("物业收费问题及材料", "周敏", "zhoumin88", stamp, "7a3c2b1d.4e5f.19bb2c4a1e3",
                       f'multipart/mixed; \r\n\tboundary="{boundary}"'), multi(boundary, parts))
    return raw, expect("物业收费问题及材料", ("周敏", "zhoumin88@163.com"), iso, ["详见附件三个文本文件"],
                       text_not_contains=["附件一正文", "附件二正文", "附件三正文"], attachments=expected)


@case("05_foxmail_gbk_only_chars")
def foxmail_gbk() -> Case:
    stamp, iso = when(14, 14, 3)
    subject = "关于李堃、周镕反映的道路积水问题"
    body = "您好：\n申长路近期雨后积水严重，李堃和周镕两位居民多次反映，请协调处理。\n刘蓉"
    ctype, parts = alternative("----=_001_NextPart372845016381_=----", body, f"<p>{body}</p>", "gb2312",
                               codec="gbk")
    raw = msg(foxmail(subject, "刘蓉", "liurong", stamp, "202601141403108412345", ctype),
              MIME_PREAMBLE + b"\r\n" + parts)
    return raw, expect(subject, ("刘蓉", "liurong@foxmail.com"), iso, ["李堃和周镕两位居民多次反映"],
                       html=html_has("李堃和周镕"))


@case("06_foxmail_reply_reference")
def foxmail_reply() -> Case:
    stamp, iso = when(16, 8, 47)
    subject = f"回复: [HQ-2026-000123] {PROPOSAL}"
    ours, first = "hq.123.9f8e7d@hqcbd.shanghai.gov.cn", "hq.123.0@hqcbd.shanghai.gov.cn"
    body = (f"感谢答复，补充一点：希望公布空置率数据。\n\n------------------ 原始邮件 ------------------\n"
            f"主题: {PROPOSAL}")
    ctype, parts = alternative("----=_001_NextPart372845016382_=----", body, f"<p>{body}</p>", "gb2312")
    raw = msg(foxmail(subject, "张三", "zhangsan", stamp, "202601160847221234567", ctype,
                      ("In-Reply-To", f"<{ours}>"), ("References", f"<{first}>\r\n <{ours}>")), parts)
    return raw, expect(subject, ("张三", "zhangsan@foxmail.com"), iso, ["希望公布空置率数据"], html=HTML_SEEN,
                       in_reply_to=ours, references=[first, ours], case_reference="HQ-2026-000123",
                       subject_stripped=f"[HQ-2026-000123] {PROPOSAL}")


@case("07_outlook_related_inline_image")
def outlook_related() -> Case:
    stamp, iso = when(15, 2, 31, UTC)
    cid, image = "image001.png@01DC8612.3A4B5C60", png(4, 3, (200, 30, 30))
    body = "陈主任：\n附图为虹桥商务区某楼宇外立面破损情况，请查看。\n陈军"
    html = ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv="Content-Type" '
            'content="text/html; charset=utf-8"><style><!-- p.MsoNormal {margin:0cm;} --></style></head>'
            '<body lang="ZH-CN"><div class="WordSection1"><p class="MsoNormal">陈主任：<o:p></o:p></p>'
            '<p class="MsoNormal">附图为虹桥商务区某楼宇外立面破损情况，请查看。<o:p></o:p></p>'
            f'<p class="MsoNormal"><img width="64" height="48" id="图片_x0020_1" src="cid:{cid}"></p>'
            "</div></body></html>")
    key = "A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6"
    inner, outer = f"_000_TYZPR06MB6123{key}_", f"_004_TYZPR06MB6123{key}_"
    alt = multi(inner, [text_part(body, "utf-8"), text_part(html, "utf-8", "quoted-printable", "html")])
    picture = attachment([("Content-Type", 'image/png; name="image001.png"'),
                          ("Content-Description", "image001.png"),
                          ("Content-Disposition", f'inline; filename="image001.png"; size={len(image)};\r\n\t'
                           'creation-date="Thu, 15 Jan 2026 02:31:45 GMT";\r\n\t'
                           'modification-date="Thu, 15 Jan 2026 02:31:45 GMT"'),
                          ("Content-ID", f"<{cid}>")], image)
    related = multi(outer, [nested("multipart/alternative", inner, alt), picture])
    ctype = f'multipart/related;\r\n\tboundary="{outer}";\r\n\ttype="multipart/alternative"'
    raw = msg(outlook("楼宇外立面破损", stamp, key, ctype), related)
    return raw, expect("楼宇外立面破损", OUTLOOK_SENDER, iso, ["外立面破损情况"],
                       html=html_has(f'src="cid:{cid}"', "请查看", absent=("<style", "MsoNormal")),
                       attachments=[att("image001.png", "image/png", image, inline=True, cid=cid)],
                       message_id=f"TYZPR06MB6123{key}@TYZPR06MB6123.apcprd06.prod.outlook.com")


@case("08_outlook_winmail_utf8_filename")
def outlook_winmail() -> Case:
    stamp, iso = when(15, 3, 2, UTC)
    name = "虹桥国际中央商务区楼宇空置率整改意见.docx"
    docx, tnef = blob(name, 5120), b"\x78\x9f\x3e\x22" + blob("winmail", 700)
    half = len(name) // 2  # Outlook folds a long name into several encoded words
    encoded = f"{word(name[:half], 'utf-8')}\r\n {word(name[half:], 'utf-8')}"
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    boundary = "_005_TYZPR06MB6123B7C8D9E0F1A2B3C4D5E6F7A8B9C0_"
    body = multi(boundary, [
        text_part("陈主任：\n整改意见见附件，请审阅。\n陈军", "utf-8"),
        attachment([("Content-Type", f'{docx_type};\r\n\tname="{encoded}"'), ("Content-Description", encoded),
                    ("Content-Disposition", f'attachment;\r\n\tfilename="{encoded}"; size={len(docx)};\r\n\t'
                     'creation-date="Thu, 15 Jan 2026 03:01:00 GMT"')], docx),
        named("application/ms-tnef", "winmail.dat", tnef)])
    raw = msg(outlook("整改意见", stamp, "B7C8D9E0F1A2B3C4D5E6F7A8B9C0",
                      f'multipart/mixed;\r\n\tboundary="{boundary}"'), body)
    return raw, expect("整改意见", OUTLOOK_SENDER, iso, ["整改意见见附件"],
                       attachments=[att(name, docx_type, docx),
                                    att("winmail.dat", "application/ms-tnef", tnef)])


@case("09_gbk_8bit_no_transfer_encoding")
def gbk_8bit() -> Case:
    stamp, iso = when(17, 20, 12)
    subject = "建议公交站台加装遮雨棚"
    body = "您好，虹桥商务区申长路公交站台没有遮雨棚，雨天候车很不方便，建议加装。\n周欣"
    raw = msg(plain(word(subject, "GBK"), f"{word('周欣', 'GBK')} <zhouxin@sina.com>", stamp,
                    "20260117201207.6A1B2C@sina.com", "text/plain; charset=gbk", None,
                    ("X-Mailer", "SinaMail 3.0")), crlf(body).encode("gbk") + b"\r\n")
    return raw, expect(subject, ("周欣", "zhouxin@sina.com"), iso, ["雨天候车很不方便，建议加装"])


@case("10_missing_charset_gb18030")
def missing_charset() -> Case:
    stamp, iso = when(18, 7, 55)
    subject = "共享单车停放点建议"
    body = "建议在虹桥商务区增设共享单车停放点，方便从地铁站到写字楼的最后一公里通勤。\n谢谢！"
    raw = msg(plain(word(subject, "utf-8"), "Wu Fang <wufang@example.com.cn>", stamp,
                    "a1b2c3d4.wufang@example.com.cn", "text/plain", "8bit"),
              crlf(body).encode("gb18030") + b"\r\n")
    return raw, expect(subject, ("Wu Fang", "wufang@example.com.cn"), iso, ["最后一公里通勤"],
                       charset_flags=["missing charset on text part: detected gb18030"])


@case("11_wrong_charset_utf8_declared_gbk_data")
def wrong_charset() -> Case:
    stamp, iso = when(18, 9, 30)
    body = "物业管理处对商户投诉推诿扯皮，请督促整改。\n某商户"
    raw = msg(plain(word("投诉物业推诿", "utf-8"), "shanghu <shanghu2026@example.net>", stamp,
                    "20260118093000.77@example.net", 'text/plain; charset="utf-8"', "base64"),
              b64(crlf(body).encode("gbk")) + b"\r\n")
    return raw, expect("投诉物业推诿", ("shanghu", "shanghu2026@example.net"), iso, ["推诿扯皮，请督促整改"],
                       charset_flags=["declared utf-8 but undecodable text part: detected gb18030"])


@case("12_raw_utf8_subject")
def raw_utf8() -> Case:
    stamp, iso = when(19, 12, 0)
    subject, body = "虹桥商务区夜间照明不足", "商务区内部分道路夜间照明不足，存在安全隐患。"
    raw = msg(plain(subject.encode(), "李雷 <lilei@example.cn>".encode(), stamp, "raw8.1@example.cn",
                    "text/plain; charset=utf-8", "8bit"), body.encode() + b"\r\n")
    return raw, expect(subject, ("李雷", "lilei@example.cn"), iso, ["存在安全隐患"])


@case("13_raw_gbk_subject_detected")
def raw_gbk() -> Case:
    stamp, iso = when(19, 13, 30)
    subject = "投诉：商务区道路施工噪音扰民"
    raw = msg(plain(subject.encode("gbk"), "赵敏 <zhaomin@126.com>".encode("gbk"), stamp, "raw8.2@126.com",
                    "text/plain; charset=us-ascii", "7bit"),
              b"Construction noise after 22:00 every night.\r\n")
    return raw, expect(subject, ("赵敏", "zhaomin@126.com"), iso, ["Construction noise after 22:00"],
                       charset_flags=["raw 8-bit header Subject: detected gb18030",
                                      "raw 8-bit header From: detected gb18030"])


@case("14_gb18030_four_byte")
def gb18030_four_byte() -> Case:
    stamp, iso = when(20, 10, 10)
    subject = "关于𠀀字与䶮字姓名登记的意见"
    body = "办事大厅系统无法录入“𠀀”“䶮”“𠮷”等生僻字，导致证照姓名与身份证不一致，请整改。"
    ctype, parts = alternative("----=_NextPart_65A0B1C4_0D1E2F32_4A5B6C7E", body, f"<div>{body}</div>",
                               "gb18030")
    raw = msg(qq(subject, "龚䶮", "3456789012", stamp, "2B3C4D5E6F7A8B9C0D1E2F3A", ctype), parts)
    return raw, expect(subject, ("龚䶮", "3456789012@qq.com"), iso, ["“𠀀”“䶮”“𠮷”等生僻字"],
                       html=html_has("𠮷"))


BIG5_TEXT = ("臺灣同胞陳志明來信：關於虹橋國際中央商務區樓宇空置率的整改，本人有以下幾點意見，敬請參考。"
             "第一，建議加強招商服務；第二，改善交通配套；第三，公開整改進度。")


@case("15_big5_traditional")
def big5() -> Case:
    stamp, iso = when(20, 15, 45)
    subject = "虹橋商務區整改意見"
    raw = msg(plain(word(subject, "big5"), f'"{word("陳志明", "big5")}" <chen.cm@ms1.hinet.net>', stamp,
                    "000a01dc8a1b$2c3d4e50$@ms1.hinet.net", 'text/plain;\r\n\tcharset="big5"', "base64",
                    ("X-Mailer", "Microsoft Outlook Express 6.00.2900.5931"),
                    ("X-MimeOLE", "Produced By Microsoft MimeOLE V6.00.2900.6157")),
              b64(crlf(BIG5_TEXT).encode("big5")) + b"\r\n")
    return raw, expect(subject, ("陳志明", "chen.cm@ms1.hinet.net"), iso, ["臺灣同胞", "公開整改進度"])


@case("16_big5_missing_charset")
def big5_missing() -> Case:
    stamp, iso = when(20, 16, 0)
    raw = msg(plain("Re: opinions", "Chen <chen.cm@ms1.hinet.net>", stamp, "000b01dc@ms1.hinet.net",
                    "text/plain", "8bit"), crlf(BIG5_TEXT).encode("big5") + b"\r\n")
    return raw, expect("Re: opinions", ("Chen", "chen.cm@ms1.hinet.net"), iso, ["改善交通配套"],
                       charset_flags=["missing charset on text part: detected big5"])


@case("17_html_only_script_remote_image")
def html_only() -> Case:
    stamp, iso = when(21, 9, 0)
    html = ('<html><head><title>TITLE-NOT-TEXT</title><style>body{color:red}</style>'
            '<script>alert("x")</script></head><body onload="steal()">'
            '<p onclick="steal()">商务区广场喷泉长期停用，建议恢复。</p>'
            '<img src="http://track.example.com/open.gif?id=42" width="1" height="1">'
            '<img src="https://track.example.com/pixel.png"><img src="cid:logo@local">'
            '<a href="https://www.shhqcbd.gov.cn/" onmouseover="x()">管委会网站</a>'
            '<a href="javascript:alert(1)">点我</a><iframe src="https://evil.example.com/"></iframe>'
            '<form action="https://evil.example.com/login"><input name="password"></form></body></html>')
    raw = msg(plain(word("喷泉停用", "utf-8"), "anon <anon@example.org>", stamp, "html.only.1@example.org",
                    "text/html; charset=utf-8", "quoted-printable"), qp(html.encode()) + b"\r\n")
    gone = ("<script", "alert", "onclick", "onload", "onmouseover", "track.example.com", "<iframe",
            "evil.example.com", "<form", "<input", "<style", "javascript:")
    return raw, expect("喷泉停用", ("anon", "anon@example.org"), iso,
                       ["商务区广场喷泉长期停用，建议恢复。", "管委会网站"],
                       text_not_contains=["alert", "TITLE-NOT-TEXT", "color:red"],
                       html=html_has('rel="noopener noreferrer"', 'href="https://www.shhqcbd.gov.cn/"',
                                     'src="cid:logo@local"', "建议恢复", absent=gone))


@case("18_deep_nesting_mixed_alternative_related")
def deep_nesting() -> Case:
    stamp, iso = when(21, 14, 20)
    cid, image = "part1.8F2C1A3B.5D6E7F80@gmail.com", png(2, 2, (0, 128, 0))
    pdf = b"%PDF-1.4\n" + blob("pdf", 900)
    body = "附上现场照片和整改清单，请核实绿化带被占用的情况。"
    html = text_part(f'<p>{body}</p><img src="cid:{cid}" alt="现场">', "UTF-8", "quoted-printable", "html")
    picture = attachment([("Content-Type", 'image/png; name="scene.png"'),
                          ("Content-Disposition", 'inline; filename="scene.png"'),
                          ("Content-ID", f"<{cid}>")], image)
    rel = "------------r3l4t3d"
    related = nested("multipart/related", rel, multi(rel, [html, picture]), "\r\n ")
    alt = multi("------------alt3rnat", [text_part(body, "UTF-8", "8bit"), related])
    mixed = multi("------------m1x3d", [nested("multipart/alternative", "------------alt3rnat", alt, "\r\n "),
                                        named("application/pdf", "checklist.pdf", pdf)],
                  b"This is a multi-part message in MIME format.")
    raw = msg(thunderbird("绿化带被占用", "Sun Li <sunli.sh@gmail.com>", stamp,
                          "3b1f0c2e-7a4d-4e8b-9c1a-2f6d5e4b3a21@gmail.com", "------------m1x3d"), mixed)
    return raw, expect("绿化带被占用", ("Sun Li", "sunli.sh@gmail.com"), iso, ["绿化带被占用的情况"],
                       html=html_has(f'src="cid:{cid}"'),
                       attachments=[att("scene.png", "image/png", image, inline=True, cid=cid),
                                    att("checklist.pdf", "application/pdf", pdf)])


@case("19_forward_rfc822_with_chinese_attachment")
def forward() -> Case:
    stamp, iso = when(22, 1, 12, UTC)
    inner_stamp, inner_iso = when(21, 18, 3)
    name, sheet = "停车位统计表.xlsx", blob("停车位统计表", 2048)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    inner_boundary = "----=_Part_300001_1093826549.1768990983000"
    sheet_part = attachment([("Content-Type", f'{xlsx}; name="{word(name, "GBK")}"'),
                             ("Content-Disposition", f'attachment; filename="{word(name, "GBK")}"')], sheet)
    inner = msg(coremail("停车位统计", "钱进", "qianjin", inner_stamp, "6d5c4b3a.2f1e.19bc0d1e2f3",
                         f'multipart/mixed; \r\n\tboundary="{inner_boundary}"'),
                multi(inner_boundary, [text_part("附件为各楼宇停车位统计，供参考。", "GBK", quote=False),
                                       sheet_part]))
    boundary = "_006_TYZPR06MB6123C9D0E1F2A3B4_"
    body = multi(boundary, [text_part("转发市民来信，请交通处研究处理。\n陈军", "utf-8"),
                            leaf([("Content-Type", "message/rfc822"), ("Content-Disposition", "attachment")],
                                 inner)])
    ctype = f'multipart/mixed;\r\n\tboundary="{boundary}"'
    raw = msg(outlook("FW: 停车位统计", stamp, "C9D0E1F2A3B4", ctype), body)
    forwarded = expect("停车位统计", ("钱进", "qianjin@163.com"), inner_iso, ["各楼宇停车位统计"],
                       attachments=[att(name, xlsx, sheet)],
                       message_id="6d5c4b3a.2f1e.19bc0d1e2f3.Coremail.qianjin@163.com")
    return raw, expect("FW: 停车位统计", OUTLOOK_SENDER, iso, ["请交通处研究处理"],
                       text_not_contains=["各楼宇停车位统计"], forwarded=[forwarded])


def rfc2231(name: str, charset: str, codec: str | None = None, size: int = 0) -> str:
    """filename*=... (size 0) or Thunderbird-style filename*0*=... continuations of ``size`` bytes."""
    quoted = "".join(f"%{b:02X}" for b in name.encode(codec or charset))
    if not size:
        return f"filename*={charset}''{quoted}"
    chunks = [quoted[i:i + size * 3] for i in range(0, len(quoted), size * 3)]
    return ";\r\n ".join(f"filename*{n}*=" + (f"{charset}''" if n == 0 else "") + chunk
                         for n, chunk in enumerate(chunks))


@case("20_rfc2231_continuations")
def continuations() -> Case:
    stamp, iso = when(22, 10, 30)
    name = "虹桥国际中央商务区楼宇空置率整改情况调查问卷（市民填写版）.pdf"
    pdf = b"%PDF-1.5\n" + blob("问卷", 1500)
    boundary = "------------c0nt1nu4t10n"
    # Thunderbird cuts the percent-encoded bytes anywhere, even inside one character.
    body = multi(boundary, [text_part("问卷已填写，见附件。", "UTF-8", "8bit"),
                            attachment([("Content-Type", f'application/pdf; name="{word(name, "UTF-8")}"'),
                                        ("Content-Disposition", "attachment;\r\n " + rfc2231(name, "UTF-8",
                                                                                            size=20))], pdf)])
    raw = msg(thunderbird("调查问卷", "He Ping <heping@outlook.com>", stamp,
                          "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b@outlook.com", boundary), body)
    return raw, expect("调查问卷", ("He Ping", "heping@outlook.com"), iso, ["问卷已填写"],
                       attachments=[att(name, "application/pdf", pdf)])


@case("21_rfc2231_gb2312_label_txt")
def rfc2231_gbk() -> Case:
    stamp, iso = when(22, 11, 0)
    name, data = "李堃的补充说明.txt", crlf("补充：积水点位于申长路与金光路交叉口。\n").encode("gbk")
    boundary = "kXp2Qm9vbXV0dA"
    body = multi(boundary, [
        leaf([("Content-Type", "text/plain; charset=us-ascii"), ("Content-Disposition", "inline")],
             b"See the attached note (in Chinese)."),
        leaf([("Content-Type", "text/plain; charset=gb2312"),
              ("Content-Disposition", "attachment; " + rfc2231(name, "gb2312", "gbk")),
              ("Content-Transfer-Encoding", "8bit")], data)])
    raw = msg(head(("Date", stamp), ("From", "Li Kun <likun@fastmail.cn>"), ("To", US),
                   ("Subject", "Flooding note"), ("Message-ID", "<20260122030000.GA1234@fastmail.cn>"),
                   ("MIME-Version", "1.0"), ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
                   ("Content-Disposition", "inline"), ("User-Agent", "Mutt/2.2.12 (2023-09-09)")), body)
    return raw, expect("Flooding note", ("Li Kun", "likun@fastmail.cn"), iso, ["See the attached note"],
                       text_not_contains=["积水点"], attachments=[att(name, "text/plain", data)])


@case("22_dsn_delivery_status")
def dsn() -> Case:
    stamp, iso = when(23, 9, 30)
    ours, host = "hq.1.abc@hqcbd.shanghai.gov.cn", "mx1.hqcbd.shanghai.gov.cn"
    boundary = f"3F2A1C0B5E.1769131834/{host}"
    notice = (f"This is the mail system at host {host}.\n\nI'm sorry to have to inform you that "
              "your message could not\nbe delivered to one or more recipients.\n\n"
              "<nobody-here@163.com>: host 163mx01.mxmail.netease.com said: 550 User not found")
    status = (f"Reporting-MTA: dns; {host}\nX-Postfix-Queue-ID: 3F2A1C0B5E\n"
              "Arrival-Date: Fri, 23 Jan 2026 09:30:30 +0800 (CST)\n\n"
              "Final-Recipient: rfc822; Nobody-Here@163.com\nOriginal-Recipient: rfc822;nobody-here@163.com\n"
              "Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; 163mx01.mxmail.netease.com\n"
              "Diagnostic-Code: smtp; 550 User not found\n")
    headers = (f"Message-ID: <{ours}>\nFrom: {US}\nTo: nobody-here@163.com\n"
               f"Subject: {word('关于您反映问题的答复', 'utf-8')}\n")
    body = multi(boundary, [
        leaf([("Content-Description", "Notification"), ("Content-Type", "text/plain; charset=us-ascii")],
             crlf(notice).encode()),
        leaf([("Content-Description", "Delivery report"), ("Content-Type", "message/delivery-status")],
             crlf(status).encode()),
        leaf([("Content-Description", "Undelivered Message Headers"),
              ("Content-Type", "text/rfc822-headers")], crlf(headers).encode())],
        b"This is a MIME-encapsulated message.\r\n")
    raw = msg(head(("Return-Path", "<>"), ("Date", stamp + " (CST)"),
                   ("From", f"MAILER-DAEMON@{host} (Mail Delivery System)"),
                   ("Subject", "Undelivered Mail Returned to Sender"), ("To", US),
                   ("Auto-Submitted", "auto-replied"), ("MIME-Version", "1.0"),
                   ("Content-Type", "multipart/report; report-type=delivery-status;\r\n\t"
                                    f'boundary="{boundary}"'),
                   ("Message-Id", f"<20260123013034.3F2A1C0B5E@{host}>")), body)
    sender = ("Mail Delivery System", f"mailer-daemon@{host}")
    return raw, expect("Undelivered Mail Returned to Sender", sender, iso, ["550 User not found"],
                       auto="bounce", auto_reason_contains="delivery-status",
                       bounced_recipients=["nobody-here@163.com"], bounced_message_id=ours)


@case("23_bounce_null_return_path")
def null_return_path() -> Case:
    stamp, iso = when(23, 10, 0)
    sent, sent_iso = when(23, 9, 58)
    ours, reply = "hq.7.def456@hqcbd.shanghai.gov.cn", "关于您反映问题的答复"
    original = msg(head(("Message-ID", f"<{ours}>"), ("From", US), ("To", "wrong@example-isp.cn"),
                        ("Subject", word(reply, "utf-8")), ("Date", sent), ("MIME-Version", "1.0"),
                        ("Content-Type", "text/plain; charset=utf-8"),
                        ("Content-Transfer-Encoding", "base64")),
                   b64("您好，您反映的问题已转交相关部门。".encode()) + b"\r\n")
    boundary = "----=_Part_BOUNCE_0001"
    notice = "您发送的邮件未能送达：收件人地址 wrong@example-isp.cn 不存在。"
    body = multi(boundary, [text_part(notice, "GBK", quote=False),
                            leaf([("Content-Type", "message/rfc822")], original)])
    subject = "系统退信：邮件未能送达"
    raw = msg(head(("Return-Path", "<>"),
                   ("From", f'"{word("系统退信", "GBK")}" <bounce-notice@mail.example-isp.cn>'),
                   ("To", US), ("Subject", word(subject, "GBK")), ("Date", stamp),
                   ("Message-ID", "<bounce.20260123100007@mail.example-isp.cn>"),
                   ("X-Failed-Recipients", "wrong@example-isp.cn"), ("MIME-Version", "1.0"),
                   ("Content-Type", f'multipart/mixed; boundary="{boundary}"')), body)
    inner = expect(reply, ("", US), sent_iso, ["已转交相关部门"], message_id=ours)
    return raw, expect(subject, ("系统退信", "bounce-notice@mail.example-isp.cn"), iso, ["不存在"],
                       auto="bounce", auto_reason_contains="Return-Path",
                       bounced_recipients=["wrong@example-isp.cn"], bounced_message_id=ours,
                       forwarded=[inner])


def auto_mail(subject: str, stamp: str, sender: str, key: str, body: str, *extra: tuple[str, str]) -> bytes:
    headers = plain(word(subject, "utf-8"), sender, stamp, key, "text/plain; charset=utf-8", "base64", *extra)
    return msg(headers, b64(crlf(body).encode()) + b"\r\n")


@case("24_auto_submitted")
def auto_submitted() -> Case:
    stamp, iso = when(24, 8, 0)
    office = "office@xuhui.example.gov.cn"
    raw = auto_mail(f"Re: {PROPOSAL}", stamp, office, "auto.1@xuhui.example.gov.cn",
                    "您的邮件已收到，我们将尽快处理。", ("Auto-Submitted", "auto-replied"))
    return raw, expect(f"Re: {PROPOSAL}", ("", office), iso, ["您的邮件已收到"],
                       auto="auto_reply", auto_reason_contains="Auto-Submitted: auto-replied")


@case("25_x_autoreply")
def x_autoreply() -> Case:
    stamp, iso = when(24, 8, 5)
    raw = auto_mail("您的来信已收到", stamp, f"{word('王玥', 'GBK')} <wangyue_sh@163.com>", "auto.2@163.com",
                    "这是一封自动回复邮件：我正在出差，回来后回复您。", ("X-Autoreply", "yes"))
    return raw, expect("您的来信已收到", ("王玥", "wangyue_sh@163.com"), iso, ["我正在出差"],
                       auto="auto_reply", auto_reason_contains="X-Autoreply")


@case("26_qq_subject_auto_reply")
def qq_auto_reply() -> Case:
    stamp, iso = when(24, 8, 10)
    subject = f"自动回复：{PROPOSAL}"
    headers = qq(subject, "张三", "1234567890", stamp, "3C4D5E6F7A8B9C0D1E2F3A4B",
                 'text/plain;\r\n\tcharset="gb18030"')
    raw = msg(headers.replace(b"Content-Transfer-Encoding: 8Bit", b"Content-Transfer-Encoding: base64"),
              b64("您好，邮件已收到，我会尽快回复。".encode("gb18030")) + b"\r\n")
    return raw, expect(subject, ("张三", "1234567890@qq.com"), iso, ["邮件已收到"], auto="auto_reply",
                       auto_reason_contains="out-of-office subject")


@case("27_outlook_automatic_reply")
def outlook_oof() -> Case:
    stamp, iso = when(24, 1, 0, UTC)
    subject, text = "自动答复: 整改意见", "我1月26日前休假，急事请联系办公室。"
    boundary = "_000_TYZPR06MB6123D0E1F2A3B4C5_"
    raw = msg(outlook(subject, stamp, "D0E1F2A3B4C5", f'multipart/alternative;\r\n\tboundary="{boundary}"',
                      ("X-MS-Exchange-Generated-Message-Source", "Mailbox Rules Agent"),
                      ("X-Auto-Response-Suppress", "All")),
              multi(boundary, [text_part(text, "utf-8"),
                               text_part(f"<p>{text}</p>", "utf-8", subtype="html")]))
    return raw, expect(subject, OUTLOOK_SENDER, iso, ["急事请联系办公室"], html=HTML_SEEN,
                       auto="auto_reply", auto_reason_contains="out-of-office subject",
                       no_answer_reason_contains="X-Auto-Response-Suppress")


@case("28_precedence_bulk")
def bulk() -> Case:
    stamp, iso = when(25, 6, 0)
    subject = "商务楼宇招商周报（第3期）"
    raw = auto_mail(subject, stamp, "Weekly <news@biz-weekly.example.com>", "weekly.3@biz-weekly.example.com",
                    "本期内容：写字楼租赁市场回暖。", ("Precedence", "bulk"))
    return raw, expect(subject, ("Weekly", "news@biz-weekly.example.com"), iso, ["写字楼租赁市场回暖"],
                       auto="bulk", auto_reason_contains="Precedence: bulk")


@case("29_mailing_list")
def mailing_list() -> Case:
    stamp, iso = when(25, 7, 0)
    subject = "[政策讨论] 楼宇经济新政解读"
    raw = auto_mail(subject, stamp, "Policy List <policy@lists.example.org.cn>",
                    "list.9@lists.example.org.cn",
                    "各位成员：本周讨论楼宇经济新政。",
                    ("List-Id", "Policy discussion <policy.lists.example.org.cn>"),
                    ("List-Unsubscribe", "<mailto:policy-leave@lists.example.org.cn>"))
    return raw, expect(subject, ("Policy List", "policy@lists.example.org.cn"), iso, ["本周讨论楼宇经济新政"],
                       auto="list", auto_reason_contains="List-Id")


@case("30_no_message_id")
def no_message_id() -> Case:
    stamp, iso = when(26, 9, 9)
    raw = msg(plain(word("无主题来信", "utf-8"), "Old System <noreply@old-system.example.cn>", stamp, None,
                    "text/plain; charset=utf-8", "8bit"),
              "来自旧系统的转交意见：建议延长办事大厅开放时间。\r\n".encode())
    generated = f"generated-{hashlib.sha256(raw).hexdigest()[:32]}@hqcbd.invalid"
    return raw, expect("无主题来信", ("Old System", "noreply@old-system.example.cn"), iso,
                       ["延长办事大厅开放时间"], message_id=generated)


@case("31_folded_mixed_charset_subject")
def folded_subject() -> Case:
    stamp, iso = when(26, 10, 10)
    first = "【紧急】虹桥商务区".encode()
    halves = [base64.b64encode(first[:8]).decode(), base64.b64encode(first[8:]).decode()]
    # Split inside a multi-byte character, as some encoders do, then continue in GB2312 and Big5.
    subject = (f"=?UTF-8?B?{halves[0]}?=\r\n =?UTF-8?B?{halves[1]}?=\r\n\t{word('楼宇空置', 'gb2312')}"
               f"\r\n {word('問題', 'big5', 'Q')} (2)")
    raw = msg(plain(subject, "Ma Li <mali@example.cn>", stamp, "fold.1@example.cn",
                    "text/plain; charset=utf-8", "8bit"), "标题由三种字符集拼成。\r\n".encode())
    return raw, expect("【紧急】虹桥商务区楼宇空置問題 (2)", ("Ma Li", "mali@example.cn"), iso,
                       ["三种字符集"])


@case("32_qq_reply_fullwidth_reference")
def qq_reply() -> Case:
    stamp, iso = when(26, 11, 11)
    subject = "回复：答复: Re: 【HQ-2026-000456】关于停车难问题的答复"
    ours, first = "hq.456.a1b2c3@hqcbd.shanghai.gov.cn", "hq.456.0@hqcbd.shanghai.gov.cn"
    ctype, parts = alternative("----=_NextPart_65A0B1C5_0D1E2F33_4A5B6C7F", "问题仍未解决，请再次核实。",
                               "<div>问题仍未解决，请再次核实。</div>", "gb18030")
    raw = msg(qq(subject, "张三", "1234567890", stamp, "4D5E6F7A8B9C0D1E2F3A4B5C", ctype,
                 ("In-Reply-To", f"<{ours}>"), ("References", f"<{first}> <{ours}>")), parts)
    return raw, expect(subject, ("张三", "1234567890@qq.com"), iso, ["问题仍未解决"], html=HTML_SEEN,
                       in_reply_to=ours, references=[first, ours], case_reference="HQ-2026-000456",
                       subject_stripped="【HQ-2026-000456】关于停车难问题的答复")


@case("33_declared_ascii_8bit_utf8")
def ascii_8bit() -> Case:
    stamp, iso = when(26, 12, 0)
    raw = msg(plain("opinion", "Zheng <zheng@example.cn>", stamp, "ascii.1@example.cn",
                    "text/plain; charset=us-ascii", "7bit"), "建议在商务区增加母婴室。\r\n".encode())
    return raw, expect("opinion", ("Zheng", "zheng@example.cn"), iso, ["建议在商务区增加母婴室"],
                       charset_flags=["declared us-ascii but 8-bit data in text part: detected utf-8"])


@case("34_malformed_tolerated")
def malformed() -> Case:
    stamp, iso = when(26, 13, 0)
    good = b64("正文完好：请修复人行道地砖。".encode())
    text = leaf([("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "base64")],
                good)
    photo = leaf([("Content-Type", 'application/octet-stream; name="photo.jpg"'),
                  ("Content-Transfer-Encoding", "base64")], b"/9j/4AAQSkZJRgABAQ!!!EASABIAAD/2wBD=")
    # No closing boundary, and base64 with stray characters and bad padding.
    body = b"--broken-boundary\r\n" + text + b"--broken-boundary\r\n" + photo + b"\r\n"
    raw = msg(plain("sidewalk", "Feng <feng@example.cn>", stamp, "broken.1@example.cn",
                    'multipart/mixed; boundary="broken-boundary"', None), body)
    decoded = base64.b64decode(b"/9j/4AAQSkZJRgABAQEASABIAAD/2wBD")
    return raw, expect("sidewalk", ("Feng", "feng@example.cn"), iso, ["请修复人行道地砖"], has_defects=True,
                       attachments=[att("photo.jpg", "application/octet-stream", decoded)])


@case("35_outlook_html_only_meta_charset")
def outlook_html_only() -> Case:
    stamp, iso = when(27, 1, 30, UTC)
    html = ('<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
            '<meta http-equiv=Content-Type content="text/html; charset=gb2312">'
            '<style><!-- p.MsoNormal {font-family:DengXian} --></style><!--[if gte mso 9]><xml>'
            '<o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]--></head><body lang=ZH-CN>'
            '<p class=MsoNormal>孙堃建议：会展中心周边出租车排队秩序混乱，需要专人管理。<o:p></o:p></p>'
            "</body></html>")
    # The MIME part has no charset; only the HTML's <meta> says gb2312 (and the text is GBK).
    headers = outlook("出租车秩序", stamp, "E1F2A3B4C5D6", "text/html").replace(
        b"Content-Type: text/html\r\n", b"Content-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n")
    raw = msg(headers, b64(html.encode("gbk")) + b"\r\n")
    return raw, expect("出租车秩序", OUTLOOK_SENDER, iso, ["孙堃建议：会展中心周边出租车排队秩序混乱"],
                       text_not_contains=["DengXian", "shapedefaults"],
                       html=html_has("孙堃建议", absent=("<style", "<xml", "mso", "<meta")))


@case("36_unknown_charset_label")
def unknown_charset() -> Case:
    stamp, iso = when(27, 9, 0)
    raw = msg(plain(word("地铁出口指引", "utf-8"), "Han <han@example.cn>", stamp, "unknown.1@example.cn",
                    "text/plain; charset=unknown-8bit", "8bit"),
              crlf("虹桥火车站地铁出口指引标识不清，外地旅客经常走错。").encode("gbk") + b"\r\n")
    return raw, expect("地铁出口指引", ("Han", "han@example.cn"), iso, ["外地旅客经常走错"],
                       charset_flags=["unknown charset 'unknown-8bit' on text part: detected gb18030"])


@case("37_gb2312_label_utf8_data")
def label_gb_data_utf8() -> Case:
    stamp, iso = when(27, 10, 0)
    raw = msg(plain(word("网上留言转邮件", "gb2312"), "webform <webform@portal.example.cn>", stamp,
                    "form.77@portal.example.cn", "text/plain; charset=gb2312", "base64"),
              b64("留言内容：希望商务区增设便民服务点，方便外卖骑手休息。".encode()) + b"\r\n")
    return raw, expect("网上留言转邮件", ("webform", "webform@portal.example.cn"), iso, ["方便外卖骑手休息"],
                       charset_flags=["declared gb2312 but utf-8 data in text part: detected utf-8"])


@case("38_foxmail_attachment_name_param_only")
def foxmail_name_only() -> Case:
    stamp, iso = when(27, 11, 0)
    name, pdf = "李堃反映材料.pdf", b"%PDF-1.4\n" + blob("李堃反映材料", 1200)
    boundary = "----=_001_NextPart372845016383_=----"
    encoded = word(name, "gb2312", codec="gbk")
    body = multi(boundary, [text_part("材料见附件。", "gb2312"),
                            attachment([("Content-Type", f'application/pdf;\r\n\tname="{encoded}"'),
                                        ("Content-Disposition", "attachment")], pdf)], MIME_PREAMBLE)
    raw = msg(foxmail("反映材料", "刘蓉", "liurong", stamp, "202601271100001234567",
                      f'multipart/mixed;\r\n\tboundary="{boundary}"'), body)
    return raw, expect("反映材料", ("刘蓉", "liurong@foxmail.com"), iso, ["材料见附件"],
                       attachments=[att(name, "application/pdf", pdf)])


@case("39_read_receipt")
def read_receipt() -> Case:
    stamp, iso = when(27, 12, 0)
    boundary = "----=_MDN_0001"
    notification = (b"Final-Recipient: rfc822; zhangsan@foxmail.com\r\n"
                    b"Disposition: manual-action/MDN-sent-manually; displayed")
    body = multi(boundary, [text_part("您的邮件已被阅读。", "utf-8"),
                            leaf([("Content-Type", "message/disposition-notification")], notification)])
    ctype = f'multipart/report; report-type=disposition-notification;\r\n\tboundary="{boundary}"'
    raw = msg(plain(word(f"已读: {PROPOSAL}", "utf-8"), "zhangsan@foxmail.com", stamp, "mdn.1@foxmail.com",
                    ctype, None), body)
    return raw, expect(f"已读: {PROPOSAL}", ("", "zhangsan@foxmail.com"), iso, ["您的邮件已被阅读"],
                       auto="auto_reply", auto_reason_contains="disposition-notification")


@case("40_exchange_distribution_list")
def exchange_distribution_list() -> Case:
    # Exchange sets X-Auto-Response-Suppress on ordinary mail sent through a distribution list:
    # a person's letter, which must open a case (but gets no automatic answer).
    stamp, iso = when(28, 2, 15, UTC)
    subject, text = "关于虹桥商务区楼宇停车收费的建议", "建议统一公示各楼宇停车收费标准，方便来访企业。"
    raw = msg(outlook(subject, stamp, "F0E1D2C3B4A5", 'text/plain; charset="utf-8"',
                      ("X-Auto-Response-Suppress", "DR, OOF, AutoReply")),
              b64(text.encode("utf-8")) + b"\r\n")
    raw = raw.replace(b"Content-Type: text/plain",
                      b"Content-Transfer-Encoding: base64\r\nContent-Type: text/plain", 1)
    return raw, expect(subject, OUTLOOK_SENDER, iso, ["统一公示各楼宇停车收费标准"],
                       no_answer_reason_contains="X-Auto-Response-Suppress")


def write(directory: Path = CORPUS) -> list[str]:
    """Write every corpus file; return the names written."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, build in CASES.items():
        raw, expected = build()
        (directory / f"{name}.eml").write_bytes(raw)
        (directory / f"{name}.json").write_text(render(expected), encoding="utf-8")
    return list(CASES)


def render(expected: dict) -> str:
    """The expected-result JSON exactly as committed."""
    return json.dumps(expected, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(f"wrote {len(write())} messages to {CORPUS}")
