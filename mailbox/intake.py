"""One fetched message → database records: raw bytes, ledger row and its outcome. Flushes only.

The caller (the poller, the quarantine's retry) commits; the server is touched only after that.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from cases.extensions import db
from cases.handling.follow_up import record_follow_up
from cases.intake import IncomingFile, NewCase, record_case
from cases.models import Attachment, Case, CaseMessage, MailboxLedger, RawEmail
from cases.triage.workflow import note_event

from .parsing import ParsedAttachment, ParsedMessage
from .prepare import parse_clean
from .replies import acknowledge, tell_too_large
from .threads import Replied, find_bounced, find_case

OUTCOMES = ("new_case", "threaded", "duplicate", "auto_reply", "bounce", "too_large", "quarantined")


@dataclass(frozen=True)
class LedgerKey:
    """Where a message was found on the server."""

    mailbox: str
    folder: str
    uidvalidity: int
    uid: int


@dataclass(frozen=True)
class Fetched:
    """What the poller fetched: the whole message, or only its headers when it is too large."""

    raw: bytes
    size: int
    headers_only: bool = False


@dataclass(frozen=True)
class Policy:
    """The settings the routing needs."""

    max_bytes: int
    ack_per_day: int


def record_ledger(key: LedgerKey | None, outcome: str, size: int, *, raw_email: RawEmail | None = None,
                  raw_email_id: int | None = None) -> None:
    """Add the ledger row of a UID (flushed with the message's records)."""
    if key is None:
        return
    db.session.add(MailboxLedger(mailbox=key.mailbox, folder=key.folder, uidvalidity=key.uidvalidity,
                                 uid=key.uid, size=size, raw_email=raw_email, raw_email_id=raw_email_id,
                                 outcome=outcome))


@dataclass(frozen=True)
class Routed:
    """What a message became: the outcome, its case, and the inbound message to link to the bytes."""

    outcome: str
    case: Case | None = None
    message: CaseMessage | None = None


class Group:
    """What a group of messages recorded in one transaction shares, so that nothing needs a flush
    before the end: the Message-IDs already recorded and the messages the group answers (each read
    once for the group, not once a message), and the group's own messages."""

    def __init__(self, message_ids: list[str], answered: list[str] | None = None) -> None:
        self._rows: dict[str, list[tuple[str, int | RawEmail, int | Case | None]]] = {}
        self._inbound: dict[str, list[CaseMessage]] = {}
        self._answered: dict[str, list[Replied]] | None = None
        unique = list(dict.fromkeys(message_ids))
        for start in range(0, len(unique), 500):
            for raw_id, sha256, case_id, message_id in db.session.execute(
                    select(RawEmail.id, RawEmail.sha256, RawEmail.case_id, RawEmail.message_id)
                    .where(RawEmail.message_id.in_(unique[start:start + 500]))):
                self._rows.setdefault(message_id, []).append((sha256, raw_id, case_id))
        if answered is not None:
            self._answered = {}
            self._cases = _answered_messages(list(dict.fromkeys(answered)), self._answered)

    def answered(self, message_ids: list[str]) -> list[Replied] | None:
        """The recorded messages with these Message-IDs (threading), oldest first; None: not read."""
        if self._answered is None:
            return None
        rows = [row for message_id in dict.fromkeys(message_ids)
                for row in self._answered.get(message_id, [])]
        return sorted(rows, key=lambda row: row.row_id)

    def seen(self, message_id: str) -> list[tuple[str, int | RawEmail, int | Case | None]]:
        """(sha256, raw email or its id, case or its id) of every message recorded under this id."""
        return self._rows.get(message_id, [])

    def inbound(self, message_ids: list[str]) -> list[CaseMessage]:
        """The group's own inbound messages with these Message-IDs, in the order recorded."""
        return [m for message_id in dict.fromkeys(message_ids) for m in self._inbound.get(message_id, [])]

    def add(self, message_id: str, raw_email: RawEmail, routed: Routed) -> None:
        """Remember a message of the group, not written yet."""
        self._rows.setdefault(message_id, []).append((raw_email.sha256, raw_email, routed.case))
        if routed.message is not None:
            self._inbound.setdefault(message_id, []).append(routed.message)


def _answered_messages(message_ids: list[str], found: dict[str, list[Replied]]) -> list[Case]:
    """Read the messages a group answers into ``found`` and load their cases; return the cases
    (held here: the session keeps only weak references, and find_case gets them from it)."""
    case_ids: set[int] = set()
    for start in range(0, len(message_ids), 500):
        for row in db.session.execute(
                select(CaseMessage.id, CaseMessage.case_id, CaseMessage.direction, CaseMessage.sender,
                       CaseMessage.message_id)
                .where(CaseMessage.message_id.in_(message_ids[start:start + 500]),
                       CaseMessage.direction.in_(("inbound", "outbound")))):
            found.setdefault(row.message_id, []).append(
                Replied(row.id, row.case_id, row.direction, row.sender))
            case_ids.add(row.case_id)
    ordered = sorted(case_ids)
    return [case for start in range(0, len(ordered), 500)
            for case in db.session.scalars(select(Case).where(Case.id.in_(ordered[start:start + 500])))]


def ingest(fetched: Fetched, key: LedgerKey | None, policy: Policy, now: datetime, *,
           group: Group | None = None, parsed: ParsedMessage | None = None) -> tuple[str, int | None]:
    """Record one fetched message and route it; return (outcome, case id). Raises to quarantine.

    Alone it flushes; in a ``group`` (recorded in one transaction) the caller flushes it all at
    once, and the case id may not be known yet (None).
    """
    digest = hashlib.sha256(fetched.raw).hexdigest()
    parsed = parsed or parse_clean(fetched.raw, digest)
    # Identical bytes give an identical Message-ID, so one look-up by id finds both a re-delivered
    # message (same hash) and a reused Message-ID (other bytes).
    seen = (group or Group([parsed.message_id])).seen(parsed.message_id)
    for sha256, raw_ref, case_ref in seen:
        if sha256 == digest:
            if isinstance(raw_ref, RawEmail):
                record_ledger(key, "duplicate", fetched.size, raw_email=raw_ref)
            else:
                record_ledger(key, "duplicate", fetched.size, raw_email_id=raw_ref)
            if group is None:
                db.session.flush()
            return "duplicate", case_ref.id if isinstance(case_ref, Case) else case_ref
    routed = route(parsed, fetched, policy, now, reused_id=bool(seen), group=group)
    raw_email = RawEmail(message_id=parsed.message_id, sha256=digest, size=fetched.size, data=fetched.raw,
                         received_at=now, outcome=routed.outcome, case=routed.case)
    db.session.add(raw_email)
    link(routed, parsed, raw_email)
    record_ledger(key, routed.outcome, fetched.size, raw_email=raw_email)
    if group is None:
        db.session.flush()  # the message's one flush
        return routed.outcome, raw_email.case_id
    group.add(parsed.message_id, raw_email, routed)
    return routed.outcome, routed.case.id if routed.case is not None else None


def link(routed: Routed, parsed: ParsedMessage, raw_email: RawEmail) -> None:
    """Give the inbound message its raw bytes, HTML, charset flags and threading headers."""
    message = routed.message
    if message is None:
        return
    message.raw_email = raw_email
    message.body_html = parsed.html_sanitised
    message.charset_flags = parsed.charset_flags or None
    message.in_reply_to = parsed.in_reply_to
    message.references = " ".join(parsed.references) or None
    message.recipients = ", ".join(parsed.to)


def route(parsed: ParsedMessage, fetched: Fetched, policy: Policy, now: datetime, *,
          reused_id: bool = True, group: Group | None = None) -> Routed:
    """Decide what a parsed message is and record it: auto mail, bounce, reply, or a new case."""
    if parsed.auto == "bounce":
        return Routed("bounce", _bounce(parsed, now))
    if parsed.auto:
        return Routed("auto_reply")  # recorded (raw bytes) only: no case, never answered
    if reused_id:
        twin = _same_content(parsed, group)
        if twin is not None:
            return Routed("duplicate", twin)
    case = find_case(parsed, group.inbound if group is not None else None,
                     group.answered if group is not None else None)
    if case is not None and not fetched.headers_only:
        return Routed("threaded", case, _add_reply(case, parsed, now))
    recorded = record_case(NewCase(
        channel="email", body=_body(parsed, fetched, policy), received_at=now, subject=parsed.subject,
        submitter_name=parsed.sender_name, submitter_email=parsed.sender_address,
        files=tuple(IncomingFile(a.filename, a.content_type, a.data) for a in _attachments(parsed)),
        message_id=parsed.message_id, sender=parsed.sender_address), now=now, flush=False,
        screen_later=True)
    first = recorded.case.messages[0]
    if fetched.headers_only:
        note_event(recorded.case, "email_too_large", actor=None, now=now, actor_label="mailbox",
                   flush=False, detail={"size": fetched.size, "limit": policy.max_bytes})
        tell_too_large(recorded.case, recorded.tracking_code, parsed, size=fetched.size,
                       limit=policy.max_bytes, per_day=policy.ack_per_day, now=now)
        return Routed("too_large", recorded.case, first)
    acknowledge(recorded.case, recorded.tracking_code, parsed, per_day=policy.ack_per_day, now=now)
    return Routed("new_case", recorded.case, first)


def _attachments(parsed: ParsedMessage) -> list[ParsedAttachment]:
    # A forwarded message's attachments belong to the opinion too.
    found = list(parsed.attachments)
    for inner in parsed.forwarded:
        found += _attachments(inner)
    return found


def message_text(parsed: ParsedMessage) -> str:
    """The text staff read: the body, then every forwarded message with its sender and subject."""
    parts = [parsed.text]
    for inner in parsed.forwarded:
        sender = f"{inner.sender_name} <{inner.sender_address}>".strip()
        parts.append(f"---------- Forwarded message ----------\nFrom: {sender}\nSubject: {inner.subject}\n\n"
                     + message_text(inner))
    return "\n\n".join(part for part in parts if part)


def _body(parsed: ParsedMessage, fetched: Fetched, policy: Policy) -> str:
    if fetched.headers_only:
        return (f"[message too large: {fetched.size} bytes, limit {policy.max_bytes}; "
                "only the headers were kept]")
    return message_text(parsed)


def _add_reply(case: Case, parsed: ParsedMessage, now: datetime) -> CaseMessage:
    message = CaseMessage(case=case, direction="inbound", subject=parsed.subject,
                          body_text=message_text(parsed), sender=parsed.sender_address,
                          message_id=parsed.message_id, created_at=now)
    for item in _attachments(parsed):
        message.attachments.append(Attachment(filename=item.filename, content_type=item.content_type,
                                              size=item.size, sha256=item.sha256, data=item.data))
    db.session.add(message)
    # The same rule as a follow-up on the tracking page (cases.handling.follow_up).
    record_follow_up(case, message, now=now, event="email_received", actor_label="mailbox")
    case.updated_at = now
    return message


def _same_content(parsed: ParsedMessage, group: Group | None) -> Case | None:
    """The case already holding this message when it came again with other trace headers."""
    rows = list(db.session.scalars(
        select(CaseMessage).where(CaseMessage.message_id == parsed.message_id,
                                  CaseMessage.direction == "inbound")).all())
    if group is not None:
        rows += group.inbound([parsed.message_id])
    hashes = sorted(a.sha256 for a in _attachments(parsed))
    for message in rows:
        # Senders reuse Message-IDs: the same id counts as the same message only with the same content.
        if ((message.sender or "").lower() == parsed.sender_address and message.subject == parsed.subject
                and message.body_text == message_text(parsed)
                and sorted(a.sha256 for a in message.attachments) == hashes):
            return message.case
    return None


def _bounce(parsed: ParsedMessage, now: datetime) -> Case | None:
    case, message = find_bounced(parsed)
    if case is None:
        return None  # a report about mail that is not ours: recorded, nothing else
    case.email_undeliverable = True
    if message is not None:
        message.delivery_status = "bounced"
    # The mail server's technical report goes in the detail: the event's label says what happened.
    note_event(case, "email_bounced", actor=None, now=now, actor_label="mailbox", flush=False,
               detail={"recipients": parsed.bounced_recipients, "message_id": parsed.bounced_message_id,
                       "report": parsed.auto_reason or ""})
    return case
