"""The holiday data behind the working-day calendar: chinesecalendar plus staff overrides."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import chinese_calendar
from chinese_calendar.constants import holidays as _package_holidays

from cases.domain.deadlines import WorkingCalendar


@lru_cache(maxsize=4096)  # the package's data is fixed for the life of the process
def chinesecalendar_lookup(day: date) -> bool | None:
    """Whether ``day`` is a working day per chinesecalendar, or None beyond its data."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None  # the package only knows the years it was released for


def chinesecalendar_years() -> tuple[int, int]:
    """The first and last year chinesecalendar knows (beyond them: weekends only, plus overrides)."""
    years = [day.year for day in _package_holidays]
    return min(years), max(years)


def working_calendar(overrides: dict[date, bool] | None = None) -> WorkingCalendar:
    """The calendar used for every due date (overrides come from the database later)."""
    return WorkingCalendar(lookup=chinesecalendar_lookup, overrides=overrides or {})
