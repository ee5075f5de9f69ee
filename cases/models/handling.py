"""Handling a case: the reply's drafts (every version kept), their files, the discipline track's list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.extensions import db
from cases.models.org import StaffUser
from cases.models.types import UTCDateTime, utcnow


class ReplyDraft(db.Model):
    """One saved version of the reply to a case; versions are never changed, only added.

    ``points`` holds the point-by-point answer (逐条答复): [{"point": what the person raised,
    "answer": our answer}…], between an opening and a closing paragraph. ``body_text`` (and
    ``body_html`` for rich text, sanitised with nh3) is the whole reply as the person will read it.
    """

    __tablename__ = "reply_draft"
    __table_args__ = (UniqueConstraint("case_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_case.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # The review round the draft answers (0 the reply, 1 复查, 2 复核).
    review_round: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text_format: Mapped[str] = mapped_column(String(10), default="plain")  # plain or rich
    opening: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    closing: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text)
    file_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # DraftFile ids, in order

    author: Mapped[StaffUser | None] = relationship()


class DraftFile(db.Model):
    """A file attached to the reply, uploaded once and named by the draft versions that carry it."""

    __tablename__ = "draft_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_case.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DisciplineMeasure(db.Model):
    """One way the discipline group handles an accusation (初步核实, 谈话函询, 立案审查, 了结…)."""

    __tablename__ = "discipline_measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A measure that ends the handling (了结): recording it lets the inspector close the case.
    concludes: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
