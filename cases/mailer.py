"""Outgoing e-mail: outbound case messages, sent by a job through Flask-Mail after the commit."""

from __future__ import annotations

import contextlib
import re
import smtplib
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_mail import Connection, Message
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from cases.domain.mailids import make_message_id
from cases.domain.notice_templates import ACKNOWLEDGEMENT_MARKER
from cases.domain.tracking import CODE_MASK
from cases.extensions import db, mail
from cases.jobs import job
from cases.models import Case, CaseMessage, StaffUser
from cases.models.types import utcnow
from cases.outbox import MAX_ATTEMPTS, add_job, retry_later
from cases.secret_box import seal, unseal
from cases.transaction_info import transaction_key
from cases.triage.workflow import note_event

LOOP_HEADER = "X-HQCBD-Loop"
# Automatic answers (acknowledgements, receipts) start their subject with ACKNOWLEDGEMENT_MARKER;
# every other outbound message is an answer from the committee and is shown on the public tracking
# page. One rule for every channel (and for the notice templates, which must keep it), so the web
# and the mailbox agree on what "the reply" is.
# What an outbound message is (CaseMessage.purpose): the committee's answer, a notice of a step
# (acceptance, extension, review…), an automatic receipt, or the discipline group's report back.
PURPOSES = ("reply", "notice", "acknowledgement", "report_back")
# Delivery states of an outbound e-mail that mean it has not reached the person (shown to staff
# as "not delivered"): tried and waiting for the next try, given up, or returned by a bounce.
NOT_DELIVERED = ("retrying", "failed", "bounced")
GROUP_JOB = "send_case_messages"  # several messages over one SMTP connection
# Messages of a group locked and recorded as sent per commit: a commit per message cost more than
# its send, and a worker killed mid-chunk sends at most this many a second time.
SEND_CHUNK = 20


def is_acknowledgement(subject: str | None) -> bool:
    """Whether an outbound subject marks an automatic acknowledgement (not an official reply)."""
    return (subject or "").lstrip().startswith(ACKNOWLEDGEMENT_MARKER)


def sender_domain() -> str:
    """The domain of our sender address, used in our Message-IDs."""
    sender = str(current_app.config["MAIL_DEFAULT_SENDER"])
    return sender.rpartition("@")[2].strip(">") or "localhost"


def queue_outbound_message(
    case: Case,
    subject: str,
    body: str,
    *,
    now: datetime,
    author: StaffUser | None = None,
    in_reply_to: str | None = None,
    secret: str | None = None,
    purpose: str = "notice",
    references: str | None = None,
    notice: tuple[str, int] | None = None,
) -> CaseMessage:
    """Record an outbound e-mail on ``case`` and ask for it to be sent after commit (next flush).

    ``secret`` is the tracking code of a body that shows CODE_MASK in its place: the stored copy
    keeps the mask, the code waits encrypted and is put in only when the e-mail is sent.
    ``purpose`` is one of PURPOSES: only a "reply" is shown to the person as the committee's answer.
    ``references`` is the space-separated chain of ids the reply answers (default: in_reply_to).
    ``notice`` is the (template key, version) the message was written from, kept on it.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    message = CaseMessage(
        case=case,
        direction="outbound",
        subject=subject,
        body_text=body,
        sender=str(current_app.config["MAIL_DEFAULT_SENDER"]),
        recipients=case.submitter_email,
        author=author,
        created_at=now,
        in_reply_to=in_reply_to,
        references=references or in_reply_to,
        purpose=purpose,
        delivery_status="queued",
        sealed_secret=seal(secret) if secret else None,
        notice_key=notice[0] if notice else None,
        notice_version=notice[1] if notice else None,
    )
    message.needs_message_id = True  # type: ignore[attr-defined]  (read by _our_message_id)
    db.session.add(message)
    # The job names the message by its id, known once the message is written: no flush here,
    # so that a mailbox group or a web request writes everything in one flush. The job itself is
    # asked for by that flush (_ask_for_sending): one job for all the messages it writes.
    db.session.info.setdefault(_TO_SEND, []).append(message)
    return message


_TO_SEND = transaction_key("messages_to_send")  # session.info: queued, their job not asked for yet


@event.listens_for(Session, "before_flush")
def _ask_for_sending(session: Session, _context: object, _instances: object) -> None:
    # One message: its own job, as always. Several (a mailbox group's acknowledgements): one job
    # that sends them all over one SMTP connection (about 15 ms of a worker's time saved each).
    queued = session.info.pop(_TO_SEND, None)
    if not queued:
        return
    if len(queued) == 1:
        add_job("send_case_message", message_id=queued[0])
    else:
        add_job(GROUP_JOB, message_ids=queued)


@event.listens_for(CaseMessage, "before_insert")
def _our_message_id(_mapper: object, _connection: object, target: CaseMessage) -> None:
    # The Message-ID names the case, whose id is known by now (the case row is written first). It
    # is fixed before sending, so a retried send keeps it and replies always thread.
    if getattr(target, "needs_message_id", False) and target.message_id is None:
        target.message_id = make_message_id(current_app.config["SECRET_KEY"].encode(), target.case_id,
                                            sender_domain())


def delivery_error_code(error: BaseException) -> str:
    """What went wrong with a send, as a code staff pages name in plain words (cases.staff.labels)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "address_refused"
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError):
        return "sender_refused"
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return "server_unreachable"
    if isinstance(error, smtplib.SMTPResponseException):
        return "message_refused"
    if isinstance(error, OSError):  # refused connection, timeout, unknown host
        return "server_unreachable"
    return "other"


def _not_delivered(error: BaseException, *, attempts: int, final: bool, message_id: int) -> None:
    """A try to send failed: show it on the message (retrying, or failed once no try is left)."""
    message = db.session.get(CaseMessage, message_id)
    if message is None or message.delivery_status == "sent":
        return
    message.delivery_status = "failed" if final else "retrying"
    message.delivery_error = delivery_error_code(error)
    message.delivery_attempts = attempts
    if final:
        note_event(message.case, "email_not_delivered", actor=None, now=utcnow(),
                   reason=message.delivery_error,
                   detail={"message_id": message.id, "purpose": message.purpose, "attempts": attempts})


@job("send_case_message", on_failure=_not_delivered)
def send_case_message(message_id: int) -> str:
    """Send one outbound case message (idempotent: a sent message is not sent again)."""
    message = db.session.get(CaseMessage, message_id)
    why_not = _not_to_send(message)
    if why_not is not None:
        return why_not
    assert message is not None
    deliver(_email(message), message.message_id or str(message.id))
    _mark_sent(message)
    return "sent"


@job(GROUP_JOB)
def send_case_messages(message_ids: list[int]) -> str:
    """Send several outbound messages over one SMTP connection, each recorded and retried on its own.

    Messages are locked, sent and recorded as sent SEND_CHUNK at a time, each chunk in a commit of
    its own, so a second run never sends again what was sent. A message the server refuses (a bad
    address) is marked retrying, or failed on its last try, alone; a lost connection marks those
    not sent yet. The ones that failed go into one new job, run after the backoff.
    """
    pending = sorted(set(message_ids))
    failed: list[tuple[int, int]] = []  # (message id, its failed tries)
    sent = 0
    try:
        with _connection() as connection:
            while pending:
                locked = _lock(pending[:SEND_CHUNK])
                for message_id in pending[:SEND_CHUNK]:
                    message = locked.get(message_id)
                    if _not_to_send(message) is None:
                        assert message is not None
                        try:
                            deliver(_email(message), message.message_id or str(message.id), connection)
                        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                            # This message only: the server said no to it and the connection goes on.
                            failed.append(_failed(message_id, error))
                        else:
                            _mark_sent(message)
                            sent += 1
                    pending.pop(0)
                db.session.commit()
    except (smtplib.SMTPException, OSError) as error:
        # The server is away or hung up: what was sent stays recorded, the rest was not sent.
        failed += [_failed(message_id, error) for message_id in pending]
        db.session.commit()
    again = [message_id for message_id, tries in failed if tries < MAX_ATTEMPTS]
    if again:
        retry_later(GROUP_JOB, min(tries for _, tries in failed), message_ids=again)
    if failed:
        current_app.logger.warning("%d of %d message(s) not sent; %d will be tried again", len(failed),
                                   len(set(message_ids)), len(again))
    return f"sent {sent}, failed {len(failed)}"


def _lock(message_ids: list[int]) -> dict[int, CaseMessage]:
    """Lock these messages (a second run of the job waits, then finds them sent), freshly read."""
    query = (select(CaseMessage).where(CaseMessage.id.in_(message_ids))
             .options(selectinload(CaseMessage.attachments)).with_for_update(of=CaseMessage)
             .execution_options(populate_existing=True))
    return {message.id: message for message in db.session.scalars(query)}


def _connection() -> Any:
    """One SMTP connection for a group (none when mail is written as files)."""
    if current_app.config.get("MAIL_FILE_DIR") and not current_app.config.get("MAIL_SUPPRESS_SEND"):
        return contextlib.nullcontext(None)
    return mail.connect()


def _failed(message_id: int, error: BaseException) -> tuple[int, int]:
    """Record a failed try of one message of a group (the single job's hook); (id, tries so far)."""
    message = db.session.get(CaseMessage, message_id)
    if message is None or message.delivery_status == "sent":
        return message_id, MAX_ATTEMPTS  # nothing to try again
    attempts = (message.delivery_attempts or 0) + 1
    _not_delivered(error, attempts=attempts, final=attempts >= MAX_ATTEMPTS, message_id=message_id)
    return message_id, attempts


def _not_to_send(message: CaseMessage | None) -> str | None:
    """Why a message is not (or no longer) to be sent, recording "no address" on it; None: send it."""
    if message is None or message.direction != "outbound":
        return "missing"
    if message.delivery_status == "sent":
        return "already sent"
    if not message.recipients:
        message.delivery_status, message.sealed_secret = "no_address", None
        return "no address"
    return None


def _email(message: CaseMessage) -> Message:
    """The e-mail of an outbound case message, its secret put in."""
    email = Message(
        subject=message.subject,
        recipients=[message.recipients],
        body=_with_secret(message),
        html=message.body_html or None,
        sender=message.sender or None,
        extra_headers=_headers(message),
    )
    for attachment in message.attachments:
        email.attach(filename=attachment.filename, content_type=attachment.content_type,
                     data=attachment.data, disposition="attachment")
    email.msgId = f"<{message.message_id}>"
    return email


def _mark_sent(message: CaseMessage) -> None:
    # Sent: the code is in the person's mailbox and nowhere else, not even encrypted.
    message.delivery_status, message.sealed_secret = "sent", None
    message.delivery_attempts, message.delivery_error = (message.delivery_attempts or 0) + 1, None


def deliver(email: Message, name: str, connection: Connection | None = None) -> None:
    """Send ``email`` by SMTP (over ``connection`` when given), or write it as ``<name>.eml`` when
    MAIL_FILE_DIR is set."""
    folder = current_app.config.get("MAIL_FILE_DIR")
    if not folder or current_app.config.get("MAIL_SUPPRESS_SEND"):
        if connection is not None:
            connection.send(email)
        else:
            mail.send(email)
        return
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    # The Message-ID is ours and safe as a name once its @ and brackets are gone; a retried job
    # rewrites the same file instead of adding a second one.
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:150]
    partial = target / f".{stem}.eml.tmp"
    partial.write_bytes(email.as_bytes())
    partial.replace(target / f"{stem}.eml")


def _headers(message: CaseMessage) -> dict[str, str]:
    headers = {LOOP_HEADER: sender_domain()}  # marks our own mail if it ever comes back to us
    if message.purpose in ("notice", "acknowledgement"):
        # RFC 3834: an automatic message; other robots must not answer it. A reply or a report back
        # a person wrote is not one.
        headers["Auto-Submitted"] = "auto-replied"
    if message.in_reply_to:
        headers["In-Reply-To"] = f"<{message.in_reply_to}>"
    # Without a message of the person's to answer (a web opinion), our own earlier mail still
    # makes a thread of it in their mail client.
    chain = (message.references or message.in_reply_to or "").split()
    if chain:
        headers["References"] = " ".join(f"<{ref}>" for ref in chain)
    return headers


def _with_secret(message: CaseMessage) -> str:
    """The body to send: the stored copy with the waiting secret put in place of its mask."""
    if not message.sealed_secret:
        return message.body_text
    secret = unseal(message.sealed_secret)
    if secret is None:
        # SECRET_KEY changed since it was queued: the person still gets the message, with the
        # mask, and can ask the office for their case with the reference.
        current_app.logger.error("the secret of message %s cannot be read; sent with its mask", message.id)
        return message.body_text
    return message.body_text.replace(CODE_MASK, secret)
