"""The definition of every report figure: machine name, label, help text (its formula), unit, days.

One list, ``DEFINITIONS``, read by the CLI and by any page or export that shows a figure: the
label and help are marked with ``N_`` and translated where they are shown. The formulas are in
``cases.domain.report_figures`` (``Tally.figures``); the help text says the same in words.
Common to all: the cohort is the cases received in the period, events count up to the report's
day ("as of"), duplicates merged into another case count only in ``received`` and ``duplicates``,
sealed cases (accusations) and cases waiting for screening count only when the viewer may see them.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.i18n import N_

COUNT, RATE, DAYS = "count", "rate", "working_days"


@dataclass(frozen=True)
class Definition:
    """One figure: its stable machine name, label, help text, unit and what kind of days it counts."""

    name: str
    label: str  # N_-marked: translate when shown
    help: str  # N_-marked: the formula in words, and what it excludes
    unit: str  # count, rate (a fraction 0…1, None without a denominator) or working_days
    days: str | None = None  # "working" or "calendar" when the figure measures time


def _level(level: int, label: str) -> Definition:
    return Definition(f"rated_{level}", label,
                      N_("Ratings at this level (raw count, for 3- or 2-level variants)."), COUNT)


DEFINITIONS: tuple[Definition, ...] = (
    Definition("received", N_("Received"), N_(
        "Opinions received in the period (the day of receipt; for a letter the postmark), every channel, "
        "duplicates included."), COUNT),
    Definition("duplicates", N_("Merged duplicates"), N_(
        "Received opinions merged into another case: counted here and in Received only."), COUNT),
    Definition("accepted", N_("Accepted"), N_(
        "Received opinions accepted (受理) by the report's day; duplicates excluded."), COUNT),
    Definition("acknowledged", N_("Acceptance decided"), N_(
        "Opinions whose acceptance was decided (accepted, not accepted, referred elsewhere or merged)."),
        COUNT),
    Definition("acknowledged_on_time", N_("Acceptance decided on time"), N_(
        "Acceptance decided (and the sender told) within the acceptance clock: working days from receipt, "
        "the discipline clock for accusations."), COUNT, "working"),
    Definition("replied", N_("Replied"), N_(
        "Accepted cases whose reply (the first one, before any review) was sent by the report's day."),
        COUNT),
    Definition("response_rate", N_("Response rate"), N_(
        "Replied ÷ accepted cases whose reply due date had passed by the report's day (or already "
        "sent); a case closed without a reply (an accusation concluded on the discipline track) is not "
        "counted."), RATE),
    Definition("on_time_reply_rate", N_("On-time reply rate"), N_(
        "Replies sent by their due date (working days from the latest acceptance, an approved extension "
        "included) ÷ replied. Counted against the department that sent the reply."), RATE, "working"),
    Definition("closed", N_("Closed"), N_(
        "Accepted cases closed by the report's day (the numerator of the closure rate; public rates are "
        "shown only from a minimum of closed cases)."), COUNT),
    Definition("closure_rate", N_("Closure rate"),
               N_("Accepted cases closed by the report's day ÷ accepted."), RATE),
    Definition("rated", N_("Ratings"), N_(
        "好差评 ratings given by the report's day: one per reply rated (a review's reply can be rated "
        "again)."),
        COUNT),
    _level(5, N_("Very satisfied")),
    _level(4, N_("Satisfied")),
    _level(3, N_("Basically satisfied")),
    _level(2, N_("Dissatisfied")),
    _level(1, N_("Very dissatisfied")),
    Definition("satisfaction_rate", N_("Satisfaction rate"), N_(
        "(Very satisfied + satisfied + basically satisfied) ÷ ratings. By department: the department whose "
        "reply was rated."), RATE),
    Definition("review_rate", N_("Review rate"),
               N_("Replied cases that went to review (复查) ÷ replied."), RATE),
    Definition("re_review_rate", N_("Re-review rate"), N_(
        "Reviewed cases that went to re-review (复核) ÷ reviewed."), RATE),
    Definition("return_rate", N_("Return rate"), N_(
        "Returns of a misrouted case by a department ÷ cases given to departments by triage (a review "
        "going back to its department is not counted). By department: that department's returns ÷ the "
        "cases given to it."), RATE),
    Definition("overdue_now", N_("Overdue now"), N_(
        "Open cases whose acceptance decision or reply (review included) is past its due date on the "
        "report's day. By department: the department holding the case."), COUNT, "working"),
    Definition("median_days_to_acknowledge", N_("Median working days to decide acceptance"), N_(
        "Median of the working days from receipt to the acceptance decision (day of receipt not counted)."),
        DAYS, "working"),
    Definition("p90_days_to_acknowledge", N_("90th percentile, working days to decide acceptance"), N_(
        "Nine in ten acceptance decisions took at most this many working days (nearest rank)."),
        DAYS, "working"),
    Definition("median_days_to_reply", N_("Median working days to reply"), N_(
        "Median of the working days from the first acceptance to the first reply sent."), DAYS, "working"),
    Definition("p90_days_to_reply", N_("90th percentile, working days to reply"), N_(
        "Nine in ten first replies took at most this many working days from acceptance (nearest rank)."),
        DAYS, "working"),
    Definition("catalogue_coverage", N_("Catalogue coverage"), N_(
        "Rectification problems and tasks with at least one linked opinion (duplicates excluded) ÷ all "
        "problems and tasks of the catalogue."), RATE),
)

NAMES: tuple[str, ...] = tuple(definition.name for definition in DEFINITIONS)
BY_NAME: dict[str, Definition] = {definition.name: definition for definition in DEFINITIONS}
