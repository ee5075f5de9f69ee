"""Allocation of case references from a per-year counter row."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from cases.domain.tracking import format_reference
from cases.extensions import db
from cases.models import ReferenceCounter


def next_reference(year: int) -> str:
    """Take the next reference of ``year`` inside the current transaction.

    The UPDATE takes a row lock that is held until commit, so concurrent intakes get distinct
    numbers; a rolled-back transaction gives its number back.
    """
    for _attempt in range(3):
        number = db.session.execute(
            update(ReferenceCounter)
            .where(ReferenceCounter.year == year)
            .values(last_value=ReferenceCounter.last_value + 1)
            .returning(ReferenceCounter.last_value)
        ).scalar_one_or_none()
        if number is not None:
            return format_reference(year, number)
        try:
            with db.session.begin_nested():
                db.session.add(ReferenceCounter(year=year, last_value=0))
        except IntegrityError:
            pass  # another transaction created the row first; update it now
    raise RuntimeError(f"could not allocate a case reference for {year}")
