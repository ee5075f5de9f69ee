"""When a clock's reminders are due: at 50 % and 80 % of its time, three working days before its
due date, and once it is overdue.

Pure: the calendar and today are passed in. Each reminder is sent once per clock and due date (the
service records it under a unique key), so an extension or a review round starts a new series.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cases.domain.clocks import working_days_left
from cases.domain.deadlines import WorkingCalendar

HALF, EIGHTY, THREE_DAYS, OVERDUE = "half", "eighty", "three_days", "overdue"
# From the least to the most pressing.
THRESHOLDS: tuple[str, ...] = (HALF, EIGHTY, THREE_DAYS, OVERDUE)
DAYS_BEFORE_DUE = 3

# The clocks reminded of: the acceptance decision (for an accusation: the discipline group's notice
# to a named reporter), the reply (and a review's reply), the discipline group's report back.
ACCEPTANCE, REPLY, REPORT_BACK = "acceptance", "reply", "report_back"
CLOCKS: tuple[str, ...] = (ACCEPTANCE, REPLY, REPORT_BACK)


@dataclass(frozen=True)
class ClockState:
    """Where a clock stands today: its span in working days and what has been used of it."""

    total: int
    used: int
    left: int  # working days to the due date, negative once overdue


def clock_state(calendar: WorkingCalendar, start: date, due: date, today: date) -> ClockState:
    """The working days of the clock from ``start`` to ``due``, how many are used by ``today``, and left."""
    left = working_days_left(calendar, due, today)
    assert left is not None
    return ClockState(total=calendar.working_days_between(start, due),
                      used=calendar.working_days_between(start, min(today, due)), left=left)


def reached(calendar: WorkingCalendar, start: date, due: date, today: date) -> str | None:
    """The most pressing threshold the clock has reached by ``today`` (None: nothing yet).

    Only the most pressing one is returned: a reminder missed while nothing ran (the first run after
    installing, a week of outage) is not sent late beside the one that replaced it.
    """
    if today > due:
        return OVERDUE
    state = clock_state(calendar, start, due, today)
    if state.left <= DAYS_BEFORE_DUE:
        return THREE_DAYS
    if state.used * 100 >= 80 * state.total:
        return EIGHTY
    if state.used * 100 >= 50 * state.total:
        return HALF
    return None


def reminder_due(calendar: WorkingCalendar, start: date, due: date, today: date) -> str | None:
    """The threshold to remind of today, or None; nothing is sent on a day off (it waits for the
    next working day, when staff read it)."""
    if not calendar.is_working_day(today)[0]:
        return None
    return reached(calendar, start, due, today)


def reminder_key(case_id: int, clock: str, threshold: str, due: date) -> str:
    """The unique key of one reminder: the case, the clock, the threshold and the clock's due date."""
    return f"case:{case_id}:{clock}:{threshold}:{due.isoformat()}"


def digest_key(scope: str, user_id: int, today: date) -> str:
    """The unique key of one day's digest for one staff member (scope: office or department-<id>)."""
    return f"digest:{scope}:{user_id}:{today.isoformat()}"
