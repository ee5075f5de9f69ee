"""Staff actions on quarantined messages: retry the intake, or make a case from the raw bytes."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select, update

from cases.extensions import db
from cases.intake import IncomingFile, NewCase, record_case
from cases.models import MailboxLedger, QuarantinedEmail, StaffUser
from cases.triage.workflow import note_event

from .intake import Fetched, Policy, link, message_text, route
from .parsing import parse_message

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def open_count() -> int:
    """How many quarantined messages wait for staff (shown on the staff home while not zero)."""
    return int(db.session.scalar(select(func.count(QuarantinedEmail.id))
                                 .where(QuarantinedEmail.state == "open")) or 0)


def _settle(entry: QuarantinedEmail, outcome: str, case_id: int | None, state: str, now: datetime) -> None:
    raw_email = entry.raw_email
    raw_email.outcome, raw_email.case_id = outcome, case_id
    entry.state, entry.case_id, entry.last_tried_at = state, case_id, now
    db.session.execute(update(MailboxLedger).where(MailboxLedger.raw_email_id == raw_email.id)
                       .values(outcome=outcome))


def retry(entry: QuarantinedEmail, policy: Policy, now: datetime) -> str:
    """Run the intake again on the stored bytes; return the outcome or "failed". Flushes."""
    raw_email = entry.raw_email
    raw = raw_email.data
    entry.retries += 1
    try:
        with db.session.begin_nested():
            parsed = parse_message(raw)
            # A too-large message was stored with its headers only (size counts the whole message).
            fetched = Fetched(raw=raw, size=raw_email.size, headers_only=raw_email.size > len(raw))
            routed = route(parsed, fetched, policy, now)
            link(routed, parsed, raw_email)
            db.session.flush()
    except Exception as error:  # noqa: BLE001 - the failure is what staff must see
        entry.error = f"{type(error).__name__}: {error}"[:4000]
        entry.last_tried_at = now
        db.session.flush()
        return "failed"
    _settle(entry, routed.outcome, routed.case.id if routed.case is not None else None, "resolved", now)
    db.session.flush()
    return routed.outcome


def convert(entry: QuarantinedEmail, actor: StaffUser, now: datetime) -> int:
    """Make a case from the raw message by hand (the original attached as .eml); return its id."""
    raw_email = entry.raw_email
    raw = raw_email.data
    subject, sender, name, body = "", "", "", ""
    try:
        parsed = parse_message(raw)
        subject, sender, name = parsed.subject, parsed.sender_address, parsed.sender_name
        body = message_text(parsed)
    except Exception:  # noqa: BLE001 - unreadable: staff read the attached original instead
        # NUL and other control bytes cannot be stored in a text column (PostgreSQL refuses NUL).
        body = _CONTROL.sub("", raw.decode("utf-8", "replace")[:200_000])
    recorded = record_case(NewCase(
        channel="email", body=body, received_at=raw_email.received_at,
        subject=subject or "(quarantined e-mail)",
        submitter_name=name, submitter_email=sender, sender=sender, message_id=raw_email.message_id,
        files=(IncomingFile("original.eml", "message/rfc822", raw),)), now=now, actor=actor)
    recorded.case.messages[0].raw_email_id = raw_email.id
    note_event(recorded.case, "created_from_quarantine", now=now, actor=actor, flush=False,
               detail={"quarantine_id": entry.id, "error": entry.error[:500]})
    _settle(entry, "new_case", recorded.case.id, "converted", now)
    db.session.flush()
    return recorded.case.id
