"""Bytes → ParsedMessage: the MIME decoding layer of the mailbox intake (pure: no I/O, no framework).

Structure comes from ``email.message_from_bytes(raw, policy=mime_policy.default)``; every header,
parameter and body is then decoded from the raw bytes by ``mailbox.decoding``, because the email
package decodes gb2312-labelled GBK, raw 8-bit headers and broken charsets into U+FFFD.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import hashlib
import quopri
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from io import BytesIO

from cases.domain.filenames import clean_filename

from . import mime_policy
from .classify import (
    AutoKind,
    answer_suppressed,
    classify_auto,
    failed_recipients,
    find_reference,
    strip_reply_prefixes,
)
from .decoding import (
    Hint,
    charset_hint,
    decode_text,
    decode_words,
    fold_controls,
    html_meta_charset,
    parse_params,
    payload_bytes,
    raw_header,
    raw_headers,
)
from .html import html_to_text, sanitise_html

__all__ = [
    "AutoKind", "MessageParseError", "ParsedAttachment", "ParsedMessage", "classify_auto",
    "find_reference", "parse_message", "strip_reply_prefixes",
]

# Deeper nesting than this is an attack or a loop of forwards; the rest is kept as opaque bytes.
MAX_DEPTH = 20
_GENERATED_DOMAIN = "hqcbd.invalid"
# compat32 writes the stored raw header values back unchanged (no re-encoding, no refolding).
_SERIALISE = email.policy.compat32.clone(linesep="\r\n", max_line_length=0)
# Removed from bodies and ids (PostgreSQL refuses NUL in text); TAB, LF and CR are layout.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# In a header value a TAB is folding whitespace; anything else of Unicode Cc is worth a defect.
_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_BODY_MSG_ID = re.compile(r"^\s*Message-I[Dd]\s*:\s*<([^<>\s]+)>", re.MULTILINE)
_EXTENSIONS = {"text/plain": ".txt", "text/html": ".html", "text/calendar": ".ics", "image/png": ".png",
               "image/jpeg": ".jpg", "image/gif": ".gif", "application/pdf": ".pdf",
               "message/rfc822": ".eml", "application/ms-tnef": ".dat"}


class MessageParseError(ValueError):
    """The input cannot be read as an e-mail message at all; the caller quarantines the raw bytes."""


@dataclass(frozen=True)
class ParsedAttachment:
    """One attachment or inline part, with its decoded bytes."""

    filename: str
    content_type: str
    size: int
    sha256: str
    data: bytes = field(repr=False)
    content_id: str | None = None
    inline: bool = False


@dataclass(frozen=True)
class ParsedMessage:
    """Everything the intake needs from one message, decoded; forwarded messages nest."""

    message_id: str
    message_id_generated: bool
    raw_sha256: str
    size: int
    subject: str
    sender_name: str
    sender_address: str
    to: list[str]
    cc: list[str]
    reply_to: list[str]
    date: datetime | None
    in_reply_to: str | None
    references: list[str]
    case_reference: str | None
    text: str
    html_sanitised: str | None
    attachments: list[ParsedAttachment]
    forwarded: list[ParsedMessage]
    charset_flags: list[str]
    defects: list[str]
    auto: AutoKind
    auto_reason: str | None
    bounced_recipients: list[str]
    bounced_message_id: str | None
    # Set when the message opens or joins a case but must not be answered (X-Auto-Response-Suppress).
    no_answer_reason: str | None = None


@dataclass
class _Collector:
    """What a walk over the MIME tree gathers; alternatives get their own and are merged."""

    hint: Hint | None
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    forwarded: list[ParsedMessage] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    failed_recipients: list[str] = field(default_factory=list)
    returned_ids: list[str] = field(default_factory=list)

    def absorb(self, other: _Collector) -> None:
        """Take everything but the body text and HTML, which the caller chooses."""
        self.attachments += other.attachments
        self.forwarded += other.forwarded
        self.flags += other.flags
        self.defects += other.defects
        self.failed_recipients += other.failed_recipients
        self.returned_ids += other.returned_ids


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse raw RFC 5322 bytes; raise MessageParseError only when they are no usable message."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError(f"parse_message takes the raw bytes, not {type(raw).__name__}")
    raw = bytes(raw)
    if not raw.strip():
        raise MessageParseError("empty message: no bytes besides whitespace")
    try:
        msg = email.message_from_bytes(raw, policy=mime_policy.default)
    except Exception as error:
        raise MessageParseError(f"the email package could not parse the message: {error!r}") from error
    if not list(msg.raw_items()):
        raise MessageParseError("no header fields at the start: this is not an e-mail message")
    try:
        return _build(msg, raw, 0)
    except MessageParseError:
        raise
    except Exception as error:  # pathological input or a bug: surfaced, never swallowed
        raise MessageParseError(f"cannot decode the message: {type(error).__name__}: {error}") from error


def _build(msg: Message, raw: bytes, depth: int) -> ParsedMessage:
    collector = _Collector(hint=charset_hint(msg))
    flags, defects = collector.flags, collector.defects

    def header(name: str) -> str:
        text, word_flags = decode_words(raw_header(msg, name) or "", f"header {name}", collector.hint)
        flags.extend(word_flags)
        return _fold(text, f"header {name}", defects)

    subject = header("Subject")
    senders = _addresses(msg, "from", collector) or _addresses(msg, "sender", collector)
    sender_name, sender_address = senders[0] if senders else ("", "")
    digest = hashlib.sha256(raw).hexdigest()
    ids = _message_ids(raw_header(msg, "message-id"))
    _walk(msg, collector, depth, "1")
    auto, auto_reason = classify_auto(msg)
    # A plain part that is empty or only whitespace says nothing: the HTML then carries the message.
    text = "\n\n".join(collector.plain)
    html = _scrub("\n".join(collector.html), "html body", defects)
    if not text.strip():
        text = html_to_text(html)
    text = _scrub(text.replace("\r\n", "\n").replace("\r", "\n"), "body", defects).strip()
    bounced: list[str] = []
    bounced_id = None
    if auto == "bounce":
        for value in raw_headers(msg, "x-failed-recipients"):
            collector.failed_recipients += [a.strip().lower() for a in value.split(",") if "@" in a]
        bounced = list(dict.fromkeys(collector.failed_recipients))
        returned = collector.returned_ids + [f.message_id for f in collector.forwarded
                                             if not f.message_id_generated]
        found = _BODY_MSG_ID.search(text)
        bounced_id = returned[0] if returned else (found.group(1) if found else None)
    return ParsedMessage(
        message_id=ids[0] if ids else f"generated-{digest[:32]}@{_GENERATED_DOMAIN}",
        message_id_generated=not ids,
        raw_sha256=digest,
        size=len(raw),
        subject=subject,
        sender_name=sender_name,
        sender_address=sender_address,
        to=[address for _, address in _addresses(msg, "to", collector)],
        cc=[address for _, address in _addresses(msg, "cc", collector)],
        reply_to=[address for _, address in _addresses(msg, "reply-to", collector)],
        date=_date(raw_header(msg, "date"), defects),
        in_reply_to=next(iter(_message_ids(raw_header(msg, "in-reply-to"))), None),
        references=_message_ids(" ".join(raw_headers(msg, "references"))),
        case_reference=find_reference(subject),
        text=text,
        # Scrubbed again after sanitising: character references (&#1;) decode to controls.
        html_sanitised=_scrub(sanitise_html(html), "html body", defects) if collector.html else None,
        attachments=collector.attachments,
        forwarded=collector.forwarded,
        charset_flags=list(dict.fromkeys(flags)),
        defects=list(dict.fromkeys(defects)),
        auto=auto,
        auto_reason=auto_reason,
        bounced_recipients=bounced,
        bounced_message_id=bounced_id,
        no_answer_reason=answer_suppressed(msg),
    )


def _walk(part: Message, into: _Collector, depth: int, path: str) -> None:
    """Sort one MIME part (and its children) into body text, HTML, attachments, forwards, reports."""
    ctype = part.get_content_type()
    try:
        _sort(part, ctype, into, depth, path)
    finally:
        # After decoding: base64 and quoted-printable defects are only recorded while decoding.
        into.defects += [f"part {path} ({ctype}): {type(d).__name__}" + (f": {d}" if str(d) else "")
                         for d in part.defects]


def _sort(part: Message, ctype: str, into: _Collector, depth: int, path: str) -> None:
    if depth > MAX_DEPTH:
        into.defects.append(f"part {path}: nested deeper than {MAX_DEPTH} levels, kept as bytes")
        into.attachments.append(_attachment(part, ctype, None, _serialise(part), path))
        return
    if ctype in ("message/rfc822", "message/global"):
        inner = _inner_message(part)
        if inner is not None:
            into.forwarded.append(_build(inner[0], inner[1], depth + 1))
            return
    if ctype in ("message/delivery-status", "message/global-delivery-status"):
        into.failed_recipients += failed_recipients(part)
        return
    if ctype in ("message/disposition-notification", "message/global-disposition-notification"):
        return  # a read receipt's machine-readable part: the classification already says what it is
    # Leaf payloads are only read with decode=True: the plain get_payload() decodes 8-bit text with
    # the declared charset and raises on a damaged label.
    if part.is_multipart():
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        if ctype != "multipart/alternative":
            for number, child in enumerate(children, 1):
                _walk(child, into, depth + 1, f"{path}.{number}")
            return
        # RFC 2046: the last alternative is the preferred one; keep plain text and HTML separately.
        subs = []
        for number, child in enumerate(children, 1):
            subs.append(_Collector(hint=into.hint))
            _walk(child, subs[-1], depth + 1, f"{path}.{number}")
        into.plain += next((sub.plain for sub in reversed(subs) if "".join(sub.plain).strip()), [])
        into.html += next((sub.html for sub in reversed(subs) if sub.html), [])
        for sub in subs:
            into.absorb(sub)
        return
    data = payload_bytes(part)
    if ctype in ("text/rfc822-headers", "message/global-headers"):
        returned = BytesHeaderParser(policy=mime_policy.default).parsebytes(data)
        into.returned_ids += _message_ids(raw_header(returned, "message-id"))
        return
    disposition, disposition_params, name_flags = parse_params(
        raw_header(part, "content-disposition") or "", "attachment filename", into.hint)
    _, type_params, type_flags = parse_params(raw_header(part, "content-type") or "", "attachment name",
                                             into.hint)
    filename = disposition_params.get("filename") or type_params.get("name")
    is_text = ctype in ("text/plain", "text/html") or part.get_content_maintype() == "multipart"
    # A text part that is an attachment (by disposition or by name) stays an attachment: .txt files
    # sent as attachments must never be merged into the body.
    if is_text and disposition != "attachment" and not filename:
        declared = type_params.get("charset")
        if ctype == "text/html" and not declared:
            declared = html_meta_charset(data)
        text, flag = decode_text(data, declared, "html part" if ctype == "text/html" else "text part")
        if flag:
            into.flags.append(flag)
        (into.html if ctype == "text/html" else into.plain).append(text)
        return
    into.flags += name_flags + type_flags
    into.attachments.append(_attachment(part, ctype, filename, data, path, disposition))


def _attachment(part: Message, ctype: str, filename: str | None, data: bytes, path: str,
                disposition: str = "") -> ParsedAttachment:
    content_id = next(iter(_message_ids(raw_header(part, "content-id"))), None)
    return ParsedAttachment(
        # The name is shown and stored (cleaned like an upload's); the bytes are kept as evidence.
        filename=(clean_filename(fold_controls(filename or ""))
                  or f"part-{path}{_EXTENSIONS.get(ctype, '.bin')}"),
        content_type=ctype,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        content_id=content_id,
        inline=disposition == "inline" or (not disposition and content_id is not None),
    )


def _inner_message(part: Message) -> tuple[Message, bytes] | None:
    payload = part.get_payload() if part.is_multipart() else None
    if not (payload and isinstance(payload[0], Message)):
        return None
    inner = payload[0]
    encoding = (raw_header(part, "content-transfer-encoding") or "").strip().lower()
    # RFC 2046 forbids encoding message/rfc822, but some clients do; the parser then saw no headers.
    if encoding == "base64" and not inner.is_multipart():
        try:
            data = base64.b64decode(b"".join(payload_bytes(inner).split()))
        except (binascii.Error, ValueError):
            return inner, _serialise(inner)
        return email.message_from_bytes(data, policy=mime_policy.default), data
    if encoding == "quoted-printable":
        data = quopri.decodestring(_serialise(inner))
        return email.message_from_bytes(data, policy=mime_policy.default), data
    return inner, _serialise(inner)


def _serialise(msg: Message) -> bytes:
    buffer = BytesIO()
    try:
        BytesGenerator(buffer, mangle_from_=False, policy=_SERIALISE).flatten(msg)
    except UnicodeError:
        # A damaged 8-bit boundary comes back from the policy as U+FFFD, which the bytes generator
        # cannot write; the text generator can, and surrogateescape restores the other 8-bit bytes.
        return msg.as_string(policy=_SERIALISE).encode("utf-8", "surrogateescape")
    return buffer.getvalue()


def _addresses(msg: Message, name: str, into: _Collector) -> list[tuple[str, str]]:
    values = raw_headers(msg, name)
    what = f"header {name.title()}"
    if not values:
        return []
    pairs = [pair for pair in getaddresses(values) if pair[1]]
    if pairs and not all("@" in address for _, address in pairs):
        # Some clients encode the whole "name <address>" as one encoded word: decode, then split.
        decoded = [decode_words(value, what, into.hint)[0] for value in values]
        pairs = [pair for pair in getaddresses(decoded) if pair[1]]
    result = []
    for display, address in pairs:
        text, flags = decode_words(display, what, into.hint)
        into.flags += flags
        address_text, flags = decode_words(address, what, into.hint)
        into.flags += flags
        result.append((_fold(text, what, into.defects), _fold(address_text, what, into.defects).lower()))
    return result


def _message_ids(value: str | None) -> list[str]:
    # Raw ids are stored and looked up: a NUL in one would fail the whole transaction on PostgreSQL.
    value = _CONTROL.sub("", value or "")
    if not value:
        return []
    found = _MSG_ID.findall(value)
    if found:
        return found
    # Bare ids without angle brackets are common enough in Message-ID and Content-ID.
    tokens = [token for token in re.split(r"[\s,]+", value.strip()) if token]
    return [token for token in tokens if "@" in token] or tokens[:1]


def _date(value: str | None, defects: list[str]) -> datetime | None:
    if not value or not value.strip():
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        defects.append(f"unparseable Date header: {value.strip()!r}")
        return None
    # "-0000" means "UTC, local zone unknown" (RFC 5322 section 3.3).
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _fold(text: str, what: str, defects: list[str]) -> str:
    # Header values become one line: see fold_controls. Recorded, except for folding TABs.
    if _HEADER_CONTROL.search(text):
        defects.append(f"control characters folded to spaces in {what}")
    return fold_controls(text).strip()


def _scrub(text: str, what: str, defects: list[str]) -> str:
    # NUL and other control characters break databases and terminals; record that we removed them.
    cleaned = _CONTROL.sub("", text)
    if cleaned != text:
        defects.append(f"control characters removed from {what}")
    return cleaned
