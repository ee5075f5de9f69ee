"""Subject helpers and the auto-reply / bulk / list / bounce classification of incoming mail."""

from __future__ import annotations

import re
import unicodedata
from email.message import Message
from email.utils import parseaddr
from typing import Literal

from .decoding import decode_words, parse_params, payload_bytes, raw_header, raw_headers, unfold

AutoKind = Literal["auto_reply", "bulk", "list", "bounce"] | None

# Reply/forward prefixes of Chinese and Western clients, with counters like "Re[2]:" and either colon.
_PREFIX = re.compile(
    r"^\s*(?:回复|回覆|回復|答复|答覆|转发|轉發|转寄|轉寄|re|fwd?|aw|wg|sv|antw)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*",
    re.IGNORECASE,
)
_REFERENCE = re.compile(r"(?<![A-Z0-9])HQ\s*[-‐‑–—]\s*(\d{4})\s*[-‐‑–—]\s*(\d{6})(?!\d)", re.IGNORECASE)
# Anchored at the start so that an opinion titled "关于休假制度的建议" is not mistaken for one.
_OUT_OF_OFFICE = re.compile(
    r"^[\[【(]?\s*(?:自动回复|自动答复|自動回覆|自动应答|auto[\s_-]*reply|automatic\s+reply|autoreply"
    r"|out\s+of\s+(?:the\s+)?office|休假|不在办公室)\s*中?\s*(?=$|[:\]】)\-—\s])",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})


def strip_reply_prefixes(subject: str) -> str:
    """Remove any run of reply/forward prefixes (回复: 答复： Re: Fwd: FW: AW: ...) and outer whitespace."""
    previous = None
    subject = subject.strip()
    while previous != subject:
        previous = subject
        subject = _PREFIX.sub("", subject, count=1).strip()
    return subject


def find_reference(subject: str) -> str | None:
    """The first case reference (HQ-YYYY-NNNNNN) in a subject, in any bracket style or none."""
    # NFKC folds full-width letters, digits and hyphens typed with a Chinese input method.
    match = _REFERENCE.search(unicodedata.normalize("NFKC", subject or ""))
    return f"HQ-{match.group(1)}-{match.group(2)}" if match else None


def _report_type(msg: Message) -> str:
    _, params, _ = parse_params(raw_header(msg, "content-type") or "", "content-type")
    return params.get("report-type", "").lower()


def _is_delivery_report(msg: Message) -> bool:
    if msg.get_content_type() != "multipart/report":
        return False
    parts = msg.get_payload() if msg.is_multipart() else []
    return _report_type(msg) == "delivery-status" or any(
        isinstance(p, Message) and p.get_content_type() == "message/delivery-status" for p in parts)


def classify_auto(msg: Message) -> tuple[AutoKind, str | None]:
    """Classify a parsed email.message.Message as automatic mail: (kind, reason) or (None, None)."""
    if _is_delivery_report(msg):
        return "bounce", "multipart/report; report-type=delivery-status"
    sender = parseaddr(raw_header(msg, "from") or "")[1]
    if sender.split("@")[0].strip().lower() in _BOUNCE_SENDERS:
        return "bounce", f"From: {sender}"
    if msg.get_content_type() == "multipart/report" and _report_type(msg) == "disposition-notification":
        return "auto_reply", "read receipt (multipart/report; report-type=disposition-notification)"
    for value in raw_headers(msg, "auto-submitted"):
        if value.split(";")[0].strip().lower() not in ("", "no"):
            return "auto_reply", f"Auto-Submitted: {value.strip()}"
    for name in ("X-Autoreply", "X-Autorespond"):
        values = raw_headers(msg, name)
        if values:  # any value counts
            return "auto_reply", f"{name}: {values[0].strip()}"
    for value in raw_headers(msg, "precedence"):
        precedence = value.strip().lower()
        if precedence in ("bulk", "junk"):
            return "bulk", f"Precedence: {precedence}"
        if precedence == "list":
            return "list", "Precedence: list"
        if precedence == "auto_reply":
            return "auto_reply", "Precedence: auto_reply"
    for name, _value in msg.raw_items():
        if name.lower().startswith("list-"):
            return "list", f"{name} header"
    subject, _flags = decode_words(raw_header(msg, "subject") or "", "header Subject")
    match = _OUT_OF_OFFICE.match(unicodedata.normalize("NFKC", subject).strip())
    if match:
        return "auto_reply", f"out-of-office subject: {subject.strip()}"
    # Checked last: RFC 3834 tells auto-responders to use a null return path too.
    for value in raw_headers(msg, "return-path"):
        if re.fullmatch(r"<\s*>", value.strip()):
            return "bounce", "Return-Path: <>"
    return None, None


def answer_suppressed(msg: Message) -> str | None:
    """Why we must not answer this message although it may be a person's letter, or None.

    X-Auto-Response-Suppress is a request not to auto-answer; Exchange also sets it on ordinary mail
    sent through distribution lists, so it is no sign of a robot: the message still opens a case
    (losing a citizen's letter is the worse harm), it only gets no acknowledgement.
    """
    values = raw_headers(msg, "x-auto-response-suppress")
    return f"X-Auto-Response-Suppress: {values[0].strip()}" if values else None


def failed_recipients(part: Message) -> list[str]:
    """Recipients a message/delivery-status part reports as failed (not delayed or delivered)."""
    if part.is_multipart():  # the usual shape: the parser made one header block per recipient
        blocks = [{k.lower(): unfold(str(v)) for k, v in block.raw_items()} for block in part.get_payload()
                  if isinstance(block, Message)]
    else:  # an encoded delivery-status body the parser left as text
        text = re.sub(r"\r?\n[ \t]+", " ", payload_bytes(part).decode("utf-8", "replace"))
        blocks = [_fields(chunk) for chunk in re.split(r"\r?\n\s*\r?\n", text)]
    failed = []
    for block in blocks:
        recipient = block.get("final-recipient", "")
        # Delayed, delivered or relayed recipients are not bounces.
        if recipient and block.get("action", "failed").strip().lower() == "failed":
            failed.append(recipient.split(";", 1)[-1].strip().strip("<>").lower())
    return failed


def _fields(chunk: str) -> dict[str, str]:
    fields = {}
    for line in chunk.splitlines():
        name, _, value = line.partition(":")
        fields.setdefault(name.strip().lower(), value.strip())
    return fields
