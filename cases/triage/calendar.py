"""The working calendar and the clocks as configured: chinesecalendar plus the database's overrides."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from cases.domain.clocks import Clocks
from cases.domain.deadlines import WorkingCalendar
from cases.extensions import db
from cases.holidays import working_calendar
from cases.models import HolidayOverride
from cases.process_cache import RowCache

# Every intake asks for the calendar; overrides change a few times a year.
_CALENDAR = RowCache("working_calendar", 60.0, (HolidayOverride,))


def current_calendar() -> WorkingCalendar:
    """The calendar with every holiday override kept in the database (cached for a minute)."""
    return _CALENDAR.get(lambda: working_calendar(
        {row.day: row.is_working_day for row in db.session.scalars(db.select(HolidayOverride))}))


def configured_clocks() -> Clocks:
    """The clocks from the CLOCK_* configuration keys."""
    config = current_app.config
    return Clocks(
        acceptance_days=int(config["CLOCK_ACCEPTANCE_DAYS"]),
        reply_days=int(config["CLOCK_REPLY_DAYS"]),
        extension_max_days=int(config["CLOCK_EXTENSION_MAX_DAYS"]),
        return_days=int(config["CLOCK_RETURN_DAYS"]),
        review_days=int(config["CLOCK_REVIEW_DAYS"]),
        discipline_notice_days=int(config["CLOCK_DISCIPLINE_NOTICE_DAYS"]),
        discipline_report_days=int(config["CLOCK_DISCIPLINE_REPORT_DAYS"]),
        rating_wait_days=int(config["CLOCK_RATING_WAIT_DAYS"]),
    )


def local_date(moment: datetime) -> date:
    """The calendar day of ``moment`` in the committee's time zone (Shanghai), where clocks run."""
    return moment.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).date()
