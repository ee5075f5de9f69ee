"""Outgoing e-mail: outbound case messages, sent by a job through Flask-Mail after the commit."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_mail import Message
from sqlalchemy import event

from cases.domain.mailids import make_message_id
from cases.domain.tracking import CODE_MASK
from cases.extensions import db, mail
from cases.jobs import job
from cases.models import Case, CaseMessage, StaffUser
from cases.outbox import add_job
from cases.secret_box import seal, unseal

LOOP_HEADER = "X-HQCBD-Loop"
# Automatic answers (acknowledgements, receipts) start their subject with this marker; every
# other outbound message is an answer from the committee and is shown on the public tracking
# page. One rule for every channel, so the web and the mailbox agree on what "the reply" is.
ACKNOWLEDGEMENT_MARKER = "【回执】"


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
) -> CaseMessage:
    """Record an outbound e-mail on ``case`` and ask for it to be sent after commit (next flush).

    ``secret`` is the tracking code of a body that shows CODE_MASK in its place: the stored copy
    keeps the mask, the code waits encrypted and is put in only when the e-mail is sent.
    """
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
        references=in_reply_to,
        delivery_status="queued",
        sealed_secret=seal(secret) if secret else None,
    )
    message.needs_message_id = True  # type: ignore[attr-defined]  (read by _our_message_id)
    db.session.add(message)
    # The job names the message by its id, known once the message is written: no flush here,
    # so that a mailbox group or a web request writes everything in one flush.
    add_job("send_case_message", message_id=message)
    return message


@event.listens_for(CaseMessage, "before_insert")
def _our_message_id(_mapper: object, _connection: object, target: CaseMessage) -> None:
    # The Message-ID names the case, whose id is known by now (the case row is written first). It
    # is fixed before sending, so a retried send keeps it and replies always thread.
    if getattr(target, "needs_message_id", False) and target.message_id is None:
        target.message_id = make_message_id(current_app.config["SECRET_KEY"].encode(), target.case_id,
                                            sender_domain())


@job("send_case_message")
def send_case_message(message_id: int) -> str:
    """Send one outbound case message (idempotent: a sent message is not sent again)."""
    message = db.session.get(CaseMessage, message_id)
    if message is None or message.direction != "outbound":
        return "missing"
    if message.delivery_status == "sent":
        return "already sent"
    if not message.recipients:
        message.delivery_status, message.sealed_secret = "no_address", None
        return "no address"
    email = Message(
        subject=message.subject,
        recipients=[message.recipients],
        body=_with_secret(message),
        sender=message.sender or None,
        extra_headers={
            # RFC 3834: tell other robots not to answer us, and mark our own loop.
            "Auto-Submitted": "auto-replied",
            LOOP_HEADER: sender_domain(),
            **({"In-Reply-To": f"<{message.in_reply_to}>",
                "References": f"<{message.references}>"} if message.in_reply_to else {}),
        },
    )
    email.msgId = f"<{message.message_id}>"
    mail.send(email)
    # Sent: the code is in the person's mailbox and nowhere else, not even encrypted.
    message.delivery_status, message.sealed_secret = "sent", None
    return "sent"


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
