"""The discipline track's rules (检举控告): steps of the handling, closing and the report back.

Pure: dates and facts are passed in. The services in cases.handling.discipline turn the refusals
named here into messages for the inspector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# How the discipline group reports back to a named reporter (回复); the codes match
# CaseMessage.delivery_method ("meeting": in person).
EMAIL, POST, PHONE, MEETING = "email", "post", "phone", "meeting"
REPORT_BACK_METHODS: tuple[str, ...] = (EMAIL, POST, PHONE, MEETING)

# Refusals, named for the service to translate.
NO_STEP = "no_step"  # closing before any step was recorded
NOT_CONCLUDED = "not_concluded"  # closing while the latest step does not end the handling
DATE_IN_FUTURE = "date_in_future"
DATE_TOO_EARLY = "date_too_early"  # before the accusation was accepted (or closed, for a report back)


@dataclass(frozen=True)
class Step:
    """One recorded step of the handling: the measure taken, on which day, and whether it ends it."""

    measure: str
    on: date
    concludes: bool
    seq: int  # the order it was recorded in (the event id): breaks ties between steps of one day


def in_order(steps: Iterable[Step]) -> list[Step]:
    """The steps as they happened: by their date, then in the order they were recorded."""
    return sorted(steps, key=lambda step: (step.on, step.seq))


def closing_refusal(steps: Iterable[Step]) -> str | None:
    """Why the accusation cannot be closed yet (NO_STEP, NOT_CONCLUDED), or None when it can.

    The handling must end with a measure that concludes it (了结 by default): a step recorded after
    the concluding one means the handling went on, and closing waits for the next conclusion.
    """
    ordered = in_order(steps)
    if not ordered:
        return NO_STEP
    if not ordered[-1].concludes:
        return NOT_CONCLUDED
    return None


def date_refusal(on: date, earliest: date | None, today: date) -> str | None:
    """Why a step or report back cannot carry the date ``on`` (DATE_IN_FUTURE, DATE_TOO_EARLY), or None."""
    if on > today:
        return DATE_IN_FUTURE
    if earliest is not None and on < earliest:
        return DATE_TOO_EARLY
    return None


def report_back_methods(*, anonymous: bool, email: bool, phone: bool) -> tuple[str, ...]:
    """How a reporter can be reported back to: none when anonymous; by post and in person always
    (a letter's address is in its text, a reporter may be met); by e-mail or phone when known."""
    if anonymous:
        return ()
    available = {EMAIL: email, POST: True, PHONE: phone, MEETING: True}
    return tuple(method for method in REPORT_BACK_METHODS if available[method])
