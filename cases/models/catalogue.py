"""The rectification catalogue: plan → area → problem → task → measure."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.extensions import db
from cases.models.types import UTCDateTime, utcnow


class RectificationPlan(db.Model):
    """One published notice, with the figures it states about itself."""

    __tablename__ = "rectification_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_text: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    problems_total: Mapped[int | None] = mapped_column(Integer)
    problems_rectified: Mapped[int | None] = mapped_column(Integer)
    measures_total: Mapped[int | None] = mapped_column(Integer)
    measures_done: Mapped[int | None] = mapped_column(Integer)
    rules_new: Mapped[int | None] = mapped_column(Integer)
    rules_revised: Mapped[int | None] = mapped_column(Integer)
    people_criticised: Mapped[int | None] = mapped_column(Integer)

    areas: Mapped[list[Area]] = relationship(
        back_populates="plan", order_by="Area.number", cascade="all, delete-orphan"
    )


class Area(db.Model):
    """A 方面: one of the numbered (一)…(四) headings of section 二."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rectification_plan.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)

    plan: Mapped[RectificationPlan] = relationship(back_populates="areas")
    problems: Mapped[list[Problem]] = relationship(
        back_populates="area", order_by="Problem.number", cascade="all, delete-orphan"
    )


class Problem(db.Model):
    """A 问题 with its code "A.P" (area number, problem number)."""

    __tablename__ = "problem"
    __table_args__ = (UniqueConstraint("area_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(Text)

    area: Mapped[Area] = relationship(back_populates="problems")
    tasks: Mapped[list[Task]] = relationship(
        back_populates="problem", order_by="Task.position", cascade="all, delete-orphan"
    )


class Task(db.Model):
    """A 整改任务: the headline sentence opening a paragraph under a problem."""

    __tablename__ = "task"
    __table_args__ = (UniqueConstraint("problem_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    headline: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)

    problem: Mapped[Problem] = relationship(back_populates="tasks")
    measures: Mapped[list[Measure]] = relationship(
        back_populates="task", order_by="Measure.position", cascade="all, delete-orphan"
    )


class Measure(db.Model):
    """A 整改措施 (一是…二是…) inside a task paragraph."""

    __tablename__ = "measure"
    __table_args__ = (UniqueConstraint("task_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)

    task: Mapped[Task] = relationship(back_populates="measures")
