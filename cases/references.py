"""Allocation of case references from a per-year counter row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cases.domain.tracking import format_reference
from cases.extensions import db
from cases.models import ReferenceCounter

_COUNTER = ReferenceCounter.__table__
_BLOCK = "reference_block"  # session.info: {year: [number the database gave, last number taken]}


def next_reference(year: int) -> str:
    """Take the next reference of ``year`` inside the current transaction. Never flushes.

    The first reference of a transaction comes from an UPDATE, which takes the counter's row lock
    until the commit, so concurrent intakes get distinct numbers and the numbers have no gaps (a
    rolled-back transaction gives its numbers back): take it as late as possible. Further ones in
    the same transaction (a group of e-mails) are counted on under that lock and written back
    before the commit, in one statement.
    """
    block = db.session.info.setdefault(_BLOCK, {})
    if year in block:
        block[year][1] += 1
        return format_reference(year, block[year][1])
    number = _take_from_database(year)
    block[year] = [number, number]
    return format_reference(year, number)


def _take_from_database(year: int) -> int:
    for _attempt in range(2):
        # On the session's connection, as plain Core: no autoflush, and none of the ORM's
        # bulk-update machinery (a third of the cost of the web form's one-row intake).
        connection = db.session.connection()
        number = connection.execute(
            update(_COUNTER).where(_COUNTER.c.year == year)
            .values(last_value=_COUNTER.c.last_value + 1).returning(_COUNTER.c.last_value)
        ).scalar_one_or_none()
        if number is not None:
            return int(number)
        # The year's first case: create its row (another transaction may do so at the same time).
        connection.execute(_insert_ignoring_conflict().values(year=year, last_value=0))
    raise RuntimeError(f"could not allocate a case reference for {year}")


@event.listens_for(Session, "before_commit")
def _write_back(session: Session) -> None:
    for year, (given, taken) in session.info.pop(_BLOCK, {}).items():
        if taken > given:
            session.connection().execute(
                update(_COUNTER).where(_COUNTER.c.year == year).values(last_value=taken))


@event.listens_for(Session, "after_soft_rollback")
def _forget_block(session: Session, _previous: object) -> None:
    # Also after a savepoint's rollback: the row lock may have gone with it, so the next number
    # must come from the database again (a gap at worst, never a number twice).
    session.info.pop(_BLOCK, None)


def _insert_ignoring_conflict() -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(_COUNTER).on_conflict_do_nothing(index_elements=["year"])
    return sqlite.insert(_COUNTER).on_conflict_do_nothing(index_elements=["year"])
