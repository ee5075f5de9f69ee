"""Which case a message belongs to: threading of replies and the owner of a bounced message."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select

from cases.domain.mailids import case_id_from_message_id
from cases.extensions import db
from cases.models import Case, CaseMessage

from .parsing import ParsedMessage


def _key() -> bytes:
    return str(current_app.config["SECRET_KEY"]).encode()


class Replied(NamedTuple):
    """A recorded message a reply may answer: what threading needs of it."""

    row_id: int
    case_id: int
    direction: str
    sender: str | None


def find_case(parsed: ParsedMessage,
              pending: Callable[[list[str]], list[CaseMessage]] | None = None,
              known: Callable[[list[str]], list[Replied] | None] | None = None) -> Case | None:
    """The case a reply belongs to, or None when the message opens a new case.

    ``pending`` gives the inbound messages recorded but not written yet (a group of messages in
    one transaction): a sender may reply to their own letter of the same group. ``known`` gives
    the recorded messages with given Message-IDs as the group read them at its start (None: ask
    the database here).
    """
    sender = parsed.sender_address
    # Our reference in the subject counts only from the case's own sender: anyone can type one.
    if parsed.case_reference and sender:
        case = db.session.scalar(select(Case).where(Case.reference == parsed.case_reference))
        if case is not None and case.submitter_email == sender:
            return case
    ids = list(dict.fromkeys([i for i in [parsed.in_reply_to, *reversed(parsed.references)] if i]))
    if not ids:
        return None
    for message_id in ids:
        # Our outgoing ids carry a signed token: a forged one names no case.
        case_id = case_id_from_message_id(_key(), message_id)
        if case_id is not None:
            case = db.session.get(Case, case_id)
            if case is not None:
                return case
    rows = known(ids[:50]) if known is not None else None
    if rows is None:
        rows = [Replied(*row) for row in db.session.execute(
            select(CaseMessage.id, CaseMessage.case_id, CaseMessage.direction, CaseMessage.sender)
            .where(CaseMessage.message_id.in_(ids[:50]), CaseMessage.direction.in_(("inbound", "outbound")))
            .order_by(CaseMessage.id))]
    for _row_id, case_id, direction, message_sender in rows:
        # A message of the same sender: people reply to their own first mail to add something.
        if direction == "outbound" or (sender and (message_sender or "").strip().lower() == sender):
            return db.session.get(Case, case_id)
    for message in pending(ids[:50]) if pending is not None else []:
        if sender and (message.sender or "").strip().lower() == sender:
            return message.case
    return None


def find_bounced(parsed: ParsedMessage) -> tuple[Case | None, CaseMessage | None]:
    """The case and outbound message a delivery report is about, when it is about our mail."""
    returned = parsed.bounced_message_id
    if returned:
        message = db.session.scalar(
            select(CaseMessage).where(CaseMessage.message_id == returned, CaseMessage.direction == "outbound")
            .limit(1))
        if message is not None:
            return message.case, message
        case_id = case_id_from_message_id(_key(), returned)
        if case_id is not None:
            return db.session.get(Case, case_id), None
    if parsed.bounced_recipients:
        # Many reports do not return our headers: our latest message to the failed address.
        message = db.session.scalar(
            select(CaseMessage)
            .where(CaseMessage.direction == "outbound",
                   func.lower(CaseMessage.recipients).in_(parsed.bounced_recipients))
            .order_by(CaseMessage.id.desc()).limit(1))
        if message is not None:
            return message.case, message
    return None, None
