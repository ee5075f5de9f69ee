"""Materialised report facts: one row per (case, department it concerns), and the cases to refresh.

The rows are written only by ``cases.reports.facts`` from ``cases.domain.report_facts.fact_rows``
(the pure walk of the case's events); SQL only filters and counts them. A case whose trail changed
is in ``report_dirty`` (written with the event, in the same transaction) until it is refreshed;
until then the reports read it from its events.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false as sql_false

from cases.extensions import db
from cases.models.case import Case


class ReportFact(db.Model):
    """One case's facts for one department (see cases.domain.report_facts.FactRow)."""

    __tablename__ = "report_fact"
    __table_args__ = (
        # The dashboard's filters: period first (every query has one), then the others.
        Index("ix_report_fact_received_on", "received_on", "restricted"),
        Index("ix_report_fact_department_received_on", "department", "received_on"),
        Index("ix_report_fact_channel_received_on", "channel", "received_on"),
        Index("ix_report_fact_kind_received_on", "kind", "received_on"),
        Index("ix_report_fact_valid_on", "valid_on"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_case.id", ondelete="CASCADE"), primary_key=True)
    department: Mapped[str] = mapped_column(String(40), primary_key=True)  # code; "" for none
    # The case's own facts, repeated on each of its rows so that filters need no join.
    received_on: Mapped[date] = mapped_column(Date)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of received_on
    channel: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str | None] = mapped_column(String(20))
    problems: Mapped[str] = mapped_column(Text, default="")  # link set ",1.1,2.3," (report_facts.link_set)
    tasks: Mapped[str] = mapped_column(Text, default="")
    restricted: Mapped[bool] = mapped_column(Boolean)  # sealed or held: seen by the sealed roles only
    valid_on: Mapped[date] = mapped_column(Date)  # the facts hold for report days from this one
    is_case: Mapped[bool] = mapped_column(Boolean, default=False)
    duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledged_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    replied: Mapped[bool] = mapped_column(Boolean, default=False)
    replied_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    re_reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    ack_days: Mapped[int | None] = mapped_column(Integer)
    reply_days: Mapped[int | None] = mapped_column(Integer)
    due_from: Mapped[date | None] = mapped_column(Date)
    case_due: Mapped[date | None] = mapped_column(Date)
    held_due: Mapped[date | None] = mapped_column(Date)
    assignments: Mapped[int] = mapped_column(SmallInteger, default=0)
    returns: Mapped[int] = mapped_column(SmallInteger, default=0)
    rated_1: Mapped[int] = mapped_column(SmallInteger, default=0)
    rated_2: Mapped[int] = mapped_column(SmallInteger, default=0)
    rated_3: Mapped[int] = mapped_column(SmallInteger, default=0)
    rated_4: Mapped[int] = mapped_column(SmallInteger, default=0)
    rated_5: Mapped[int] = mapped_column(SmallInteger, default=0)


class ReportDirty(db.Model):
    """A case whose report facts are out of date (one row per marking; refreshing deletes them all)."""

    __tablename__ = "report_dirty"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("feedback_case.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship()


class ReportState(db.Model):
    """One row: the calendar and clocks the stored facts were computed with (their due dates)."""

    __tablename__ = "report_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    basis: Mapped[str] = mapped_column(String(64))  # cases.reports.facts.facts_basis()
    # The roll-up was rebuilt from the facts (by `report rebuild`) and is kept with them since.
    rollup: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sql_false())


class ReportRollup(db.Model):
    """One cell of the monthly roll-up of the facts (see cases.domain.report_rollup)."""

    __tablename__ = "report_rollup"
    __table_args__ = (Index("ix_report_rollup_dimension_month", "dimension", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    restricted: Mapped[bool] = mapped_column(Boolean)
    dimension: Mapped[str] = mapped_column(String(12))  # "" (the whole month) or a filter's column
    value: Mapped[str] = mapped_column(Text)  # that column's value ("" for none)
    valid_on: Mapped[date] = mapped_column(Date)  # the latest valid_on of its fact rows
    covered: Mapped[str] = mapped_column(Text)  # link set of "problem:1.1", "task:3" of its counted cases
    # How many of its fact rows have each flag, and the sums of their counts (report_facts.SUMS).
    is_case: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_on_time: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    replied: Mapped[int] = mapped_column(Integer, default=0)
    replied_on_time: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    reviewed: Mapped[int] = mapped_column(Integer, default=0)
    re_reviewed: Mapped[int] = mapped_column(Integer, default=0)
    assignments: Mapped[int] = mapped_column(Integer, default=0)
    returns: Mapped[int] = mapped_column(Integer, default=0)
    rated_1: Mapped[int] = mapped_column(Integer, default=0)
    rated_2: Mapped[int] = mapped_column(Integer, default=0)
    rated_3: Mapped[int] = mapped_column(Integer, default=0)
    rated_4: Mapped[int] = mapped_column(Integer, default=0)
    rated_5: Mapped[int] = mapped_column(Integer, default=0)


class ReportRollupCount(db.Model):
    """How many fact rows of a roll-up cell have one value of a day count or report-day date."""

    __tablename__ = "report_rollup_count"
    __table_args__ = (Index("ix_report_rollup_count_dimension_month", "dimension", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    restricted: Mapped[bool] = mapped_column(Boolean)
    dimension: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(String(10))  # ack_days, reply_days, due_from, case_due, held_due
    number: Mapped[int] = mapped_column(Integer)  # the days, or the date's ordinal
    n: Mapped[int] = mapped_column(Integer)
