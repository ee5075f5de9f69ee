"""Notice templates: the text of each notice to the person, per language, as staff edited it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cases.extensions import db
from cases.models.types import UTCDateTime, utcnow


class NoticeTemplate(db.Model):
    """One notice (cases.domain.notice_templates.KEYS) in one language; ``version`` counts the saves
    (1: the text it was seeded with), and each notice sent names the version it used."""

    __tablename__ = "notice_template"
    __table_args__ = (UniqueConstraint("key", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
