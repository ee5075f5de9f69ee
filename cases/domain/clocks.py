"""The clocks of a case: how many working days each stage may take, and the due dates they give.

Pure: the calendar and the times are passed in. Every clock counts working days on the Chinese
calendar (statutory holidays and 调休 working days); the numbers come from configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cases.domain.deadlines import DueDate, WorkingCalendar


@dataclass(frozen=True)
class Clocks:
    """Working days allowed per stage (defaults follow 信访工作条例 practice)."""

    acceptance_days: int = 15  # decide acceptance and tell the sender, from receipt (postmark)
    reply_days: int = 60  # reply, from acceptance
    extension_max_days: int = 30  # one extension at most, approved, the person told why
    return_days: int = 5  # a department may return a misrouted case within this many days
    review_days: int = 30  # 复查 and 复核
    discipline_notice_days: int = 15  # tell a named reporter whether the accusation was accepted
    discipline_report_days: int = 15  # report back to the reporter after closing
    rating_wait_days: int = 15  # a replied case nobody rates closes by itself after this


class ClockError(ValueError):
    """A request the clocks do not allow (a second extension, a return after the window)."""


def acceptance_due(calendar: WorkingCalendar, received: date, clocks: Clocks, sealed: bool) -> DueDate:
    """When the acceptance decision (and the notice to the sender) is due."""
    days = clocks.discipline_notice_days if sealed else clocks.acceptance_days
    return calendar.add_working_days(received, days)


def reply_due(calendar: WorkingCalendar, accepted: date, clocks: Clocks) -> DueDate:
    """When the reply is due, counted from acceptance."""
    return calendar.add_working_days(accepted, clocks.reply_days)


def report_back_due(calendar: WorkingCalendar, closed: date, clocks: Clocks) -> DueDate:
    """When the discipline group must report back to a named reporter after closing."""
    return calendar.add_working_days(closed, clocks.discipline_report_days)


def review_due(calendar: WorkingCalendar, opened: date, clocks: Clocks) -> DueDate:
    """When the reply of a review (复查) or re-review (复核) is due, counted from its opening."""
    return calendar.add_working_days(opened, clocks.review_days)


def rating_due(calendar: WorkingCalendar, replied: date, clocks: Clocks) -> DueDate:
    """The day after which a replied case nobody has rated closes by itself."""
    return calendar.add_working_days(replied, clocks.rating_wait_days)


def working_days_left(calendar: WorkingCalendar, due: date | None, today: date) -> int | None:
    """Working days from ``today`` to ``due`` (negative once overdue), or None without a due date."""
    if due is None:
        return None
    if today <= due:
        return calendar.working_days_between(today, due)
    return -calendar.working_days_between(due, today)


def extended_due(
    calendar: WorkingCalendar, current_due: date, days: int, already_extended: int, clocks: Clocks
) -> DueDate:
    """The reply date after one extension of ``days`` working days (refused beyond the rules)."""
    if already_extended:
        raise ClockError("a case can be extended only once")
    if not 1 <= days <= clocks.extension_max_days:
        raise ClockError(f"an extension is between 1 and {clocks.extension_max_days} working days")
    return calendar.add_working_days(current_due, days)


def may_return(calendar: WorkingCalendar, assigned: date, today: date, clocks: Clocks) -> bool:
    """Whether a department may still return a case it was given on ``assigned``."""
    return calendar.working_days_between(assigned, today) <= clocks.return_days


def is_overdue(due: date | None, today: date) -> bool:
    """Whether a due date has passed."""
    return due is not None and today > due
