"""Mailbox intake records: raw messages, the exactly-once UID ledger, folder state, quarantine."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.extensions import db
from cases.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from cases.models.case import Case


class RawEmail(db.Model):
    """The bytes of one received message, exactly as fetched (deduplicated by Message-ID + hash)."""

    __tablename__ = "raw_email"
    __table_args__ = (UniqueConstraint("message_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # new_case, threaded, duplicate, auto_reply, bounce, too_large, quarantined
    outcome: Mapped[str] = mapped_column(String(20), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_case.id"), index=True)

    case: Mapped[Case | None] = relationship()


class MailboxLedger(db.Model):
    """One row per (mailbox, folder, UIDVALIDITY, UID) ever seen: the exactly-once record."""

    __tablename__ = "mailbox_ledger"
    __table_args__ = (UniqueConstraint("mailbox", "folder", "uidvalidity", "uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(255))
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(Integer, default=0)
    raw_email_id: Mapped[int | None] = mapped_column(ForeignKey("raw_email.id"))
    outcome: Mapped[str] = mapped_column(String(20), default="")
    # Whether the server-side step (move or \\Seen) is done; recorded first, acted on after commit.
    server_done: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    raw_email: Mapped[RawEmail | None] = relationship()


class MailboxFolderState(db.Model):
    """The last UIDVALIDITY and highest UID recorded for a folder, to fetch only what is new."""

    __tablename__ = "mailbox_folder_state"
    __table_args__ = (UniqueConstraint("mailbox", "folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(255))
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuarantinedEmail(db.Model):
    """A message that failed at some step: kept with its bytes and the error, never dropped."""

    __tablename__ = "quarantined_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    raw_email_id: Mapped[int] = mapped_column(ForeignKey("raw_email.id"), index=True)
    error: Mapped[str] = mapped_column(Text)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    # open, resolved (retried successfully) or converted (a case was made by hand)
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    case_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_case.id"))

    raw_email: Mapped[RawEmail] = relationship()
