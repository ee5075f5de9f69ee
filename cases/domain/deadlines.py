"""Deadline arithmetic on the Chinese working-day calendar.

The calendar data is passed in: a lookup that knows statutory holidays and adjusted working days
(调休) for the years it covers and answers None beyond them, plus overrides kept by staff. A
date the lookup does not know falls back to "Monday to Friday" and the result says so, so a due
date is always computed and never silently wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# date → True (working day) / False (day off) / None (this year is beyond the data).
WorkdayLookup = Callable[[date], bool | None]


@dataclass(frozen=True)
class DueDate:
    """A computed due date, and whether any day on the way was guessed from weekends only."""

    due: date
    estimated: bool

    @property
    def warning(self) -> str | None:
        """A sentence for staff when the date rests on the weekends-only fallback."""
        if not self.estimated:
            return None
        return ("holiday data does not cover every day up to this date: weekends only were "
                "assumed; add holiday overrides for that year to make it exact")


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days from a holiday lookup, corrected by staff overrides."""

    lookup: WorkdayLookup
    overrides: Mapping[date, bool]

    def is_working_day(self, day: date) -> tuple[bool, bool]:
        """(is a working day, known for sure) for ``day``."""
        if day in self.overrides:
            return self.overrides[day], True
        known = self.lookup(day)
        if known is None:
            return day.weekday() < 5, False
        return known, True

    def add_working_days(self, start: date, days: int) -> DueDate:
        """The date ``days`` working days after ``start`` (the day of receipt does not count)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted, estimated = start, 0, False
        while counted < days:
            current += timedelta(days=1)
            working, sure = self.is_working_day(current)
            estimated = estimated or not sure
            if working:
                counted += 1
        return DueDate(current, estimated)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after ``start`` up to and including ``end`` (0 if end ≤ start)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current)[0]:
                count += 1
        return count


def add_calendar_days(start: date, days: int) -> DueDate:
    """The date ``days`` calendar days after ``start`` (for clocks counted in natural days)."""
    return DueDate(start + timedelta(days=days), False)


class CachedCalendar:
    """A calendar whose answers are remembered, for reports: a million cases share a few hundred dates."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self._added: dict[tuple[date, int], DueDate] = {}
        self._count: dict[date, int] = {}
        self._first = self._last = date.min

    def add_working_days(self, start: date, days: int) -> DueDate:
        """As WorkingCalendar.add_working_days, remembered."""
        key = (start, days)
        if key not in self._added:
            self._added[key] = self.calendar.add_working_days(start, days)
        return self._added[key]

    def working_days_between(self, start: date, end: date) -> int:
        """As WorkingCalendar.working_days_between: a difference of running counts of working days."""
        if end <= start:
            return 0
        return self._running(end) - self._running(start)

    def _running(self, day: date) -> int:
        """Working days after a fixed first day up to ``day`` (extended on demand, either way)."""
        if not self._count:
            self._first = self._last = day
            self._count[day] = 0
        while day > self._last:
            self._last += timedelta(days=1)
            self._count[self._last] = self._count[self._last - timedelta(days=1)] + self._works(self._last)
        while day < self._first:
            # count(first - 1) = count(first) - works(first): the count excludes its first day.
            self._count[self._first - timedelta(days=1)] = self._count[self._first] - self._works(self._first)
            self._first -= timedelta(days=1)
        return self._count[day]

    def _works(self, day: date) -> int:
        return 1 if self.calendar.is_working_day(day)[0] else 0
