"""What the suggestion classifier learns from: links staff confirmed, and the model trained on them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cases.extensions import db
from cases.models.types import UTCDateTime, utcnow


class ConfirmedLink(db.Model):
    """A rectification problem a staff member linked a case to: one training example."""

    __tablename__ = "confirmed_link"
    __table_args__ = (UniqueConstraint("case_id", "problem_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_case.id", ondelete="CASCADE"), index=True)
    problem_code: Mapped[str] = mapped_column(String(16))
    # The text as it was when confirmed: later merges must not change what was learned.
    text: Mapped[str] = mapped_column(Text, default="")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ClassifierModel(db.Model):
    """A learned part of the classifier, trained by the retraining job (the newest one is used)."""

    __tablename__ = "classifier_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rectification_plan.id", ondelete="CASCADE"), index=True)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    examples: Mapped[int] = mapped_column(Integer, default=0)
    # The naive-Bayes counts as JSON (classes, class_counts, feature_counts, size).
    model: Mapped[dict[str, Any]] = mapped_column(JSON)
