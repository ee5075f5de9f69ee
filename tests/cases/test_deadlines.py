"""Working-day deadlines on the Chinese calendar, with a weekends-only fallback beyond its data."""

from __future__ import annotations

from datetime import date

import pytest

from cases.domain.deadlines import WorkingCalendar, add_calendar_days
from cases.holidays import chinesecalendar_lookup, working_calendar


def test_national_day_week_is_skipped():
    # 2026-09-30 (Wednesday) + 1 working day: 1–7 October 2026 are holidays.
    due = working_calendar().add_working_days(date(2026, 9, 30), 1)
    assert due.due == date(2026, 10, 8) and not due.estimated and due.warning is None


def test_beyond_the_package_data_falls_back_to_weekends_with_a_warning():
    # Accepted 2026-12-20 with 15 working days: the package knows nothing of 2027.
    assert chinesecalendar_lookup(date(2027, 1, 4)) is None
    due = working_calendar().add_working_days(date(2026, 12, 20), 15)
    assert due.due.year == 2027 and due.estimated
    assert "weekends only" in due.warning
    assert due.due == date(2027, 1, 8)


def test_overrides_win_over_the_package():
    overrides = {date(2027, 1, 1): False, date(2027, 1, 4): False}
    due = working_calendar(overrides).add_working_days(date(2026, 12, 31), 1)
    assert due.due == date(2027, 1, 5)


def test_pure_calendar_with_a_fake_lookup():
    weekdays_only = WorkingCalendar(lookup=lambda d: d.weekday() < 5, overrides={})
    assert weekdays_only.add_working_days(date(2026, 11, 27), 1).due == date(2026, 11, 30)
    assert weekdays_only.add_working_days(date(2026, 11, 27), 0).due == date(2026, 11, 27)
    assert weekdays_only.working_days_between(date(2026, 11, 27), date(2026, 12, 4)) == 5
    with pytest.raises(ValueError):
        weekdays_only.add_working_days(date(2026, 11, 27), -1)
    assert add_calendar_days(date(2026, 11, 28), 60).due == date(2027, 1, 27)
