"""Reminders and digests sent to staff: one row per reminder, unique, so none is sent twice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cases.extensions import db
from cases.models.types import UTCDateTime, utcnow


class Reminder(db.Model):
    """One reminder about a case's clock, or one day's digest for one staff member.

    ``key`` is unique (cases.domain.reminders.reminder_key / digest_key): a run inserts the row or
    skips it when another run already did, and only the run that inserted it sends the e-mail.
    """

    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    # half, eighty, three_days, overdue (a case's clock), or digest.
    kind: Mapped[str] = mapped_column(String(20))
    clock: Mapped[str | None] = mapped_column(String(20))  # acceptance, reply, report_back
    case_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_case.id", ondelete="CASCADE"),
                                                index=True)
    due: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recipients: Mapped[str] = mapped_column(Text, default="")  # comma-separated staff addresses
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # queued → sent (or no_recipients: nobody to tell; failed after the outbox's last try).
    state: Mapped[str] = mapped_column(String(20), default="queued")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
