"""Allocation of case references from a per-year counter row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from cases.domain.tracking import format_reference
from cases.extensions import db
from cases.models import ReferenceCounter


def next_reference(year: int) -> str:
    """Take the next reference of ``year`` inside the current transaction. Never flushes.

    The UPDATE takes a row lock that is held until commit, so concurrent intakes get distinct
    numbers and the numbers have no gaps (a rolled-back transaction gives its number back): take
    the reference as late as possible in the transaction, so the lock is held briefly.
    """
    for _attempt in range(2):
        number = db.session.execute(
            update(ReferenceCounter)
            .where(ReferenceCounter.year == year)
            .values(last_value=ReferenceCounter.last_value + 1)
            .returning(ReferenceCounter.last_value),
            execution_options={"autoflush": False},
        ).scalar_one_or_none()
        if number is not None:
            return format_reference(year, number)
        # The year's first case: create its row (another transaction may do so at the same time).
        db.session.execute(_insert_ignoring_conflict().values(year=year, last_value=0),
                           execution_options={"autoflush": False})
    raise RuntimeError(f"could not allocate a case reference for {year}")


def _insert_ignoring_conflict() -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(ReferenceCounter).on_conflict_do_nothing(index_elements=["year"])
    return sqlite.insert(ReferenceCounter).on_conflict_do_nothing(index_elements=["year"])
