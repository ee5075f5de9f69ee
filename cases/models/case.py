"""Cases, their messages, attachments, audit events and the reference counter."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.extensions import db
from cases.models.catalogue import Problem, Task

if TYPE_CHECKING:
    from cases.models.mail import RawEmail
from cases.models.org import Department, StaffUser
from cases.models.types import UTCDateTime, utcnow

case_problem = Table(
    "case_problem",
    db.metadata,
    Column("case_id", ForeignKey("feedback_case.id", ondelete="CASCADE"), primary_key=True),
    Column("problem_id", ForeignKey("problem.id", ondelete="CASCADE"), primary_key=True),
    # The inbox filters by problem: the primary key leads with case_id and cannot serve that.
    Index("ix_case_problem_problem_id", "problem_id"),
)

case_task = Table(
    "case_task",
    db.metadata,
    Column("case_id", ForeignKey("feedback_case.id", ondelete="CASCADE"), primary_key=True),
    Column("task_id", ForeignKey("task.id", ondelete="CASCADE"), primary_key=True),
)


class ReferenceCounter(db.Model):
    """The last case number issued in a year (HQ-YYYY-NNNNNN)."""

    __tablename__ = "reference_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Case(db.Model):
    """One opinion from the public, on any channel, and everything done with it."""

    __tablename__ = "feedback_case"
    # The inbox pages newest first by (received_at, id): one index serves the keyset.
    __table_args__ = (Index("ix_feedback_case_received_at_id", "received_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    tracking_code_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10), index=True)
    kind: Mapped[str | None] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    submitter_name: Mapped[str] = mapped_column(Text, default="", index=True)
    submitter_email: Mapped[str] = mapped_column(String(254), default="", index=True)
    submitter_phone: Mapped[str] = mapped_column(String(40), default="")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    acceptance_due: Mapped[date | None] = mapped_column(Date)
    reply_due: Mapped[date | None] = mapped_column(Date, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_case.id"))
    email_undeliverable: Mapped[bool] = mapped_column(Boolean, default=False)
    # Triage and workflow (filled by later stages; null until then).
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_estimated: Mapped[bool] = mapped_column(Boolean, default=False)  # weekends-only fallback used
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    referred_to: Mapped[str] = mapped_column(Text, default="")  # out of scope: referred to whom
    suggestions: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # classifier output at intake
    search_text: Mapped[str] = mapped_column(Text, default="")  # segmented words for full-text search
    # When the classifier looked at it (suggestions, search words, sealing). Until then the case
    # is held: seen only by those who may see sealed cases (cases/triage/screening.py).
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Handling (cases.handling): the handler who took it; 0 the reply, 1 复查, 2 复核; when the
    # case closes by itself if the person gives no rating; the discipline track's report back.
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    review_round: Mapped[int] = mapped_column(Integer, default=0)
    rating_due: Mapped[date | None] = mapped_column(Date, index=True)
    report_back_due: Mapped[date | None] = mapped_column(Date)
    reported_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    department: Mapped[Department | None] = relationship()
    handler: Mapped[StaffUser | None] = relationship(foreign_keys=[handler_id])
    problems: Mapped[list[Problem]] = relationship(secondary=case_problem, order_by="Problem.code")
    tasks: Mapped[list[Task]] = relationship(secondary=case_task, order_by="Task.id")
    messages: Mapped[list[CaseMessage]] = relationship(
        back_populates="case", order_by="CaseMessage.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )


class CaseMessage(db.Model):
    """An inbound message, one of our outbound messages, or an internal note on a case."""

    __tablename__ = "case_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_case.id", ondelete="CASCADE"), index=True)
    # inbound, outbound or note
    direction: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text)  # sanitised (nh3) before it is stored
    sender: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(Text)
    references: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Outbound e-mail: queued → sent, or retrying → failed (SMTP), bounced (a delivery report came
    # back) or no_address. The staff home counts the replies not delivered, hence the index.
    delivery_status: Mapped[str | None] = mapped_column(String(20), index=True)
    raw_email_id: Mapped[int | None] = mapped_column(ForeignKey("raw_email.id"), index=True)
    # Decoding repairs, for staff. None is SQL NULL, not JSON null: every row then names the column
    # in its INSERT, so a group's inbound messages and acknowledgements are written in one batch
    # (the ORM batches only rows with the same columns: JSON null made each row a statement).
    charset_flags: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    # A secret the e-mail must carry but the stored copy must not (the tracking code): encrypted
    # (cases.secret_box), put in place of its mask when the mail is sent, erased once it is.
    sealed_secret: Mapped[str | None] = mapped_column(Text)
    # Outbound only: reply (the committee's answer), notice (acceptance, extension…),
    # acknowledgement (automatic receipt) or report_back (discipline track). Only a reply is shown
    # to the person as the committee's answer.
    purpose: Mapped[str | None] = mapped_column(String(20))
    # How a reply reached the person: email, portal (the tracking page), post, phone or meeting.
    delivery_method: Mapped[str | None] = mapped_column(String(20))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("reply_draft.id"))
    # A message written from a notice template (cases.notice_templates): which one, and its version.
    notice_key: Mapped[str | None] = mapped_column(String(40))
    notice_version: Mapped[int | None] = mapped_column(Integer)
    # Why the last try to send it failed (a code named in plain words by cases.staff.labels), and
    # how many tries so far; for a reply answered by post, phone or meeting (or an e-mail that did
    # not arrive and was answered that way after all): the day it reached the person and a short
    # note of what was said.
    delivery_error: Mapped[str | None] = mapped_column(String(40))
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    delivery_note: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="messages")
    author: Mapped[StaffUser | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    raw_email: Mapped[RawEmail | None] = relationship()


class Attachment(db.Model):
    """A file that came with a message, kept byte for byte."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("case_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Deferred: lists and exports need the metadata, only a download needs the bytes.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    message: Mapped[CaseMessage] = relationship(back_populates="attachments")


class CaseEvent(db.Model):
    """One entry of the append-only audit trail of a case."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_case.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # Who acted when no staff user did: "public", "system", "mailbox".
    actor_label: Mapped[str] = mapped_column(String(254), default="system")  # an e-mail address fits
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[StaffUser | None] = relationship()


@event.listens_for(CaseEvent, "before_update")
def _refuse_event_update(mapper: object, connection: object, target: CaseEvent) -> None:
    raise PermissionError("case events are append-only")


@event.listens_for(CaseEvent, "before_delete")
def _refuse_event_delete(mapper: object, connection: object, target: CaseEvent) -> None:
    raise PermissionError("case events are append-only")
