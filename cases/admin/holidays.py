"""Holiday overrides on the administration pages: a date is a working day or a holiday, with its
source (e.g. the State Council's notice). The calendar cache (cases.triage.calendar) forgets
itself when this process writes an override; other processes see it within its minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from cases.admin import AdminError, audit
from cases.extensions import db
from cases.holidays import chinesecalendar_lookup, chinesecalendar_years
from cases.models import HolidayOverride, StaffUser


@dataclass(frozen=True)
class OverrideRow:
    """An override and what the calendar package says about its date (None: beyond its data)."""

    override: HolidayOverride
    package_says: bool | None


def holiday_snapshot(row: HolidayOverride) -> dict[str, Any]:
    """What the audit log keeps of an override."""
    return {"day": row.day.isoformat(), "is_working_day": row.is_working_day, "source": row.note}


def covered_years() -> tuple[int, int]:
    """The years chinesecalendar covers."""
    return chinesecalendar_years()


def override_years() -> list[int]:
    """The years that have overrides, newest first."""
    days = db.session.scalars(db.select(HolidayOverride.day))
    return sorted({day.year for day in days}, reverse=True)


def overrides_in(year: int) -> list[OverrideRow]:
    """The overrides of one year, by date, with what the package says of each date."""
    rows = db.session.scalars(db.select(HolidayOverride).where(
        HolidayOverride.day >= date(year, 1, 1), HolidayOverride.day <= date(year, 12, 31)
    ).order_by(HolidayOverride.day))
    return [OverrideRow(row, chinesecalendar_lookup(row.day)) for row in rows]


def _check_source(source: str) -> str:
    if not source.strip():
        raise AdminError(_("Say where this comes from, e.g. the State Council's notice of the year's "
                           "holidays."), "source")
    return source.strip()


def add_override(day: date, is_working_day: bool, source: str, *, actor: StaffUser) -> HolidayOverride:
    """Set a date as a working day or a holiday (a date has one override at most). Flushes."""
    source = _check_source(source)
    if db.session.get(HolidayOverride, day) is not None:
        raise AdminError(_("This date already has an entry: change it below."), "day")
    row = HolidayOverride(day=day, is_working_day=is_working_day, note=source)
    db.session.add(row)
    db.session.flush()
    audit.record(audit.HOLIDAY, day.isoformat(), "created", actor=actor, after=holiday_snapshot(row))
    return row


def change_override(row: HolidayOverride, is_working_day: bool, source: str, *, actor: StaffUser) -> None:
    """Change an override's kind of day or source. Flushes."""
    source = _check_source(source)
    before = holiday_snapshot(row)
    row.is_working_day, row.note = is_working_day, source
    db.session.flush()
    audit.record(audit.HOLIDAY, row.day.isoformat(), "updated", actor=actor, before=before,
                 after=holiday_snapshot(row))


def remove_override(row: HolidayOverride, *, actor: StaffUser) -> None:
    """Remove an override: the date follows the calendar package (or weekends) again. Flushes."""
    audit.delete_row(row, audit.HOLIDAY, row.day.isoformat(), holiday_snapshot(row), actor=actor)
