"""Opinions taken in but not yet recorded as cases: the web form's one-row intake."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cases.extensions import db
from cases.models.types import UTCDateTime


class StagedCase(db.Model):
    """An opinion whose reference and tracking code are given, waiting to become a case.

    The public form writes this one row and commits, so a submission costs about as much as the
    stack's cheapest insert; a job turns the row into the case (message, events, screening,
    acknowledgement) seconds later and deletes it in the same transaction, so it is recorded
    exactly once. Anything that needs the case before then records it first (cases.staging).
    """

    __tablename__ = "staged_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    tracking_code_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    acceptance_due: Mapped[date | None] = mapped_column(Date)
    due_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    # The NewCase fields (cases.intake) and, when an e-mail was given, the acknowledgement already
    # written in the sender's language (the request knows the locale, the URL and the code).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    has_files: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set aside when recording it failed on its own (the error for staff; the next runs skip it,
    # so one bad row never holds up the others). Staff retry it once the cause is fixed.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    error: Mapped[str | None] = mapped_column(Text)


class StagedFile(db.Model):
    """A file that came with a staged opinion, moved to the case's message when it is recorded."""

    __tablename__ = "staged_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    staged_id: Mapped[int] = mapped_column(ForeignKey("staged_case.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
