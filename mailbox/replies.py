"""Automatic answers to mail: the acknowledgement of a new case and the too-large notice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from cases import reasons
from cases.domain.notice_templates import RECEIPT_MAIL, RECEIPT_TOO_LARGE
from cases.domain.tracking import CODE_MASK
from cases.extensions import db
from cases.mailer import queue_outbound_message
from cases.models import Case, CaseMessage
from cases.notice_templates import compose
from cases.transaction_info import transaction_key
from cases.triage.workflow import note_event

from .parsing import ParsedMessage


def _why_not(case: Case, parsed: ParsedMessage, per_day: int,
             now: datetime) -> tuple[str, dict[str, Any]] | None:
    """Why this message must get no automatic answer (a reason msgid of cases.reasons and the event's
    detail: its arguments, the mail's own header), or None when it may."""
    if parsed.auto:
        return reasons.AUTOMATIC_MAIL, {"header": parsed.auto_reason}
    if parsed.no_answer_reason:
        return reasons.NO_AUTO_ANSWER, {"header": parsed.no_answer_reason}
    address = case.submitter_email
    if not address or "@" not in address:
        return reasons.NO_ADDRESS, {}
    ours = str(current_app.config["MAIL_DEFAULT_SENDER"]).rpartition("<")[2].strip(">").strip().lower()
    if address == ours:
        return reasons.OUR_ADDRESS, {}
    if case.email_undeliverable:
        return reasons.UNDELIVERABLE, {}
    # Rate limit per address: a flood of mail (or a loop with a robot we did not recognise) must not
    # make us send a flood back.
    sent = _answers_sent(address, now)
    if sent >= per_day:
        return reasons.RATE_LIMIT, reasons.reason_args(num=per_day)
    return None


_COUNTS = transaction_key("answer_counts")  # session.info: automatic answers per address


def _count_query(addresses: list[str], now: datetime) -> Any:
    return (select(CaseMessage.recipients, func.count(CaseMessage.id))
            .where(CaseMessage.direction == "outbound", CaseMessage.author_id.is_(None),
                   CaseMessage.recipients.in_(addresses), CaseMessage.created_at >= now - timedelta(days=1))
            .group_by(CaseMessage.recipients))


def prefetch_answer_counts(addresses: list[str], now: datetime) -> None:
    """Count the automatic answers of the last day to these addresses at once, for a group of
    messages recorded in one transaction; the answers it queues are counted as they are."""
    wanted = sorted({address.strip().lower() for address in addresses if address})  # as cases keep it
    counts = dict.fromkeys(wanted, 0)
    with db.session.no_autoflush:
        for start in range(0, len(wanted), 500):
            counts.update(dict(db.session.execute(_count_query(wanted[start:start + 500], now)).all()))
    db.session.info[_COUNTS] = counts


def _answers_sent(address: str, now: datetime) -> int:
    counts = db.session.info.get(_COUNTS)
    if counts is not None and address in counts:
        return int(counts[address])
    # (No autoflush: the answers queued before are flushed; the new case need not be, yet.)
    with db.session.no_autoflush:
        return int(sum(n for _, n in db.session.execute(_count_query([address], now)).all()))


def _send(case: Case, parsed: ParsedMessage, key: str, now: datetime, code: str,
          **values: str) -> CaseMessage:
    # From the receipt's template, in the person's language; its subject starts with the marker (an
    # automatic answer, never shown as the committee's reply on the tracking page), which the
    # template rules keep. The stored copy shows the mask; the code is put in when the e-mail is sent.
    notice = compose(case, key, tracking_code=CODE_MASK, subject=parsed.subject or "-", **values)
    in_reply_to = None if parsed.message_id_generated else parsed.message_id
    counts = db.session.info.get(_COUNTS)
    if counts is not None and case.submitter_email in counts:
        counts[case.submitter_email] += 1
    return queue_outbound_message(case, notice.subject, notice.body, now=now, in_reply_to=in_reply_to,
                                  secret=code or None, purpose="acknowledgement",
                                  notice=(key, notice.version))


def _skipped(case: Case, parsed: ParsedMessage, per_day: int, now: datetime) -> bool:
    """Record on the case why it gets no automatic answer, if it must get none."""
    why = _why_not(case, parsed, per_day, now)
    if why is None:
        return False
    note_event(case, "acknowledgement_skipped", actor=None, now=now, actor_label="mailbox",
               reason=why[0], detail=why[1] or None, flush=False)
    return True


def acknowledge(case: Case, code: str, parsed: ParsedMessage, *, per_day: int, now: datetime) -> bool:
    """Queue the acknowledgement of a new case, unless it must not be answered. Flushes."""
    if _skipped(case, parsed, per_day, now):
        return False
    _send(case, parsed, RECEIPT_MAIL, now, code=code)
    return True


def tell_too_large(case: Case, code: str, parsed: ParsedMessage, *, size: int, limit: int,
                   per_day: int, now: datetime) -> bool:
    """Queue the notice that a message was too large to keep, unless it must not be answered."""
    if _skipped(case, parsed, per_day, now):
        return False
    _send(case, parsed, RECEIPT_TOO_LARGE, now, code=code,
          size_mb=f"{size / 1048576:.1f}", limit_mb=f"{limit / 1048576:.0f}")
    return True
