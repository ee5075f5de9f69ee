"""Per-case report facts: what ``case_outcome`` says of one case, stored so that SQL can count it.

Pure. A case's ``Outcome`` (``report_figures.case_outcome``, the one walk of its events) becomes
one ``FactRow`` per department it concerns: the case-level facts on the row of the department the
case is attributed to (``is_case``), and on each department's row what ``tally`` gives that
department (assignments, returns, ratings of its replies, overdue while it holds the case). The
report day enters only through three dates compared with it (``as_of > date``), so the rows of a
case stay true for every report day on or after its last event (``valid_on``).

Each flag is set only on the row it counts in (a duplicate's row carries ``is_case`` and
``duplicate`` alone), so SQL needs nothing but plain counts and sums; ``add_sums`` adds them
into the same ``Tally`` that ``tally`` fills from outcomes, so every figure still comes from
``Tally.figures``: the facts path and the streaming path cannot drift apart (a test compares them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from cases.domain import states
from cases.domain.report_figures import UNASSIGNED, CaseHistory, Outcome, Tally
from cases.domain.satisfaction import LEVELS

ALWAYS_DUE = date(1, 1, 1)  # due_from of a replied case: it counts as due whatever the report day


@dataclass
class FactRow:
    """One (case, department) row of facts: see the module text for what each row carries."""

    department: str
    is_case: bool = False  # carries the case-level facts (the department the case is attributed to)
    duplicate: bool = False
    acknowledged: bool = False
    acknowledged_on_time: bool = False
    accepted: bool = False
    replied: bool = False
    replied_on_time: bool = False
    closed: bool = False
    reviewed: bool = False
    re_reviewed: bool = False
    ack_days: int | None = None
    reply_days: int | None = None
    # Report-day dependent facts: each counts when the report day is after the date.
    due_from: date | None = None  # the case counts in the response rate's denominator ("due")
    case_due: date | None = None  # the case is overdue (counted with the case)
    held_due: date | None = None  # overdue, counted for this department as the holder
    assignments: int = 0
    returns: int = 0
    # 好差评 level → how many, of the replies this department sent.
    ratings: dict[int, int] = field(default_factory=dict)


def valid_on(history: CaseHistory) -> date:
    """The first report day a case's facts hold for: the day of its last event (or of receipt)."""
    return max([history.received_on, *(event.on for event in history.events)])


def fact_rows(outcome: Outcome) -> list[FactRow]:
    """The rows of one case's facts (its outcome walked with every event, as of ``valid_on``)."""
    rows: dict[str, FactRow] = {}

    def row(department: str) -> FactRow:
        return rows.setdefault(department, FactRow(department))

    case = row(outcome.department)
    case.is_case = True
    if outcome.duplicate:
        case.duplicate = True  # counted in received only: no routing, ratings or overdue of its own
        return list(rows.values())
    first = outcome.first_reply
    if outcome.decided_on is not None:
        case.acknowledged = True
        case.acknowledged_on_time = outcome.decided_on <= outcome.acknowledgement_due
        case.ack_days = outcome.days_to_acknowledge or 0
    if outcome.accepted_on is not None:
        case.accepted = True
        case.due_from = ALWAYS_DUE if first is not None else outcome.due_now
        case.closed = outcome.status == states.CLOSED
    if first is not None:
        case.replied, case.replied_on_time = True, first.on_time
        case.reply_days = outcome.days_to_reply or 0
    case.reviewed, case.re_reviewed = outcome.reviewed, outcome.re_reviewed
    case.case_due = outcome.due_now
    if outcome.due_now is not None:
        row(outcome.holder or UNASSIGNED).held_due = outcome.due_now
    for department in outcome.assignments:
        row(department).assignments += 1
    for department in outcome.returns:
        row(department).returns += 1
    for level, department in outcome.ratings:
        ratings = row(department).ratings
        ratings[level] = ratings.get(level, 0) + 1
    return list(rows.values())


def link_set(items: Iterable[object]) -> str:
    """A case's linked problem codes (or task ids) as stored beside its facts: ",1.1,2.3," ("" for none)."""
    values = sorted(dict.fromkeys(str(item) for item in items))
    return f",{','.join(values)}," if values else ""


def link_items(stored: str | None) -> list[str]:
    """The codes (or ids) of a stored link set, in order."""
    return [item for item in (stored or "").split(",") if item]


def covered_items(problems: str | None, tasks: str | None) -> list[str]:
    """The catalogue items a counted case with these stored link sets covers ("problem:1.1", "task:3")."""
    return ([f"problem:{code}" for code in link_items(problems)]
            + [f"task:{task}" for task in link_items(tasks)])


# The columns a FactRow is stored in (its ratings as rated_1 … rated_5).
FLAGS = ("is_case", "duplicate", "acknowledged", "acknowledged_on_time", "accepted", "replied",
         "replied_on_time", "closed", "reviewed", "re_reviewed")
COLUMNS = (tuple(f.name for f in fields(FactRow) if f.name != "ratings")
           + tuple(f"rated_{level}" for level in LEVELS))


def as_columns(row: FactRow) -> dict[str, Any]:
    """The row as stored: one column per field, one per 好差评 level."""
    values = {name: getattr(row, name) for name in COLUMNS if not name.startswith("rated_")}
    return {**values, **{f"rated_{level}": row.ratings.get(level, 0) for level in LEVELS}}


# What SQL sums over the fact rows of a group (each flag is set on the rows it counts in only, so
# a plain count or sum is right): name → the stored column (a flag counted, or a number summed).
SUMS = ("is_case", "duplicate", "acknowledged", "acknowledged_on_time", "accepted", "replied",
        "replied_on_time", "closed", "reviewed", "re_reviewed", "assignments", "returns",
        *(f"rated_{level}" for level in LEVELS))
# The report-day comparisons: name → the date column counted when the report day is after it.
AFTER = {"due": "due_from", "overdue_case": "case_due", "overdue_held": "held_due"}


def add_sums(groups: dict[str, Tally], key: str, sums: Mapping[str, Any], per_holder: bool) -> None:
    """Add one group's sums (``SUMS`` and ``AFTER`` by name) to ``groups[key]``; their day counts'
    histograms: ``add_days``.

    ``per_holder``: overdue counts for the holder's row (by department, or with a department
    filter), else with the case. A group nothing counts in is not made, as ``tally`` makes none.
    """
    overdue = sums["overdue_held"] if per_holder else sums["overdue_case"]
    ratings = {level: sums[f"rated_{level}"] for level in LEVELS if sums[f"rated_{level}"]}
    if not (sums["is_case"] or sums["assignments"] or sums["returns"] or ratings or overdue):
        return
    group = groups.setdefault(key, Tally())
    group.received += sums["is_case"]
    group.duplicates += sums["duplicate"]
    group.acknowledged += sums["acknowledged"]
    group.acknowledged_on_time += sums["acknowledged_on_time"]
    group.accepted += sums["accepted"]
    group.due += sums["due"]
    group.closed += sums["closed"]
    group.replied += sums["replied"]
    group.replied_on_time += sums["replied_on_time"]
    group.reviewed += sums["reviewed"]
    group.re_reviewed += sums["re_reviewed"]
    group.overdue_now += overdue
    group.add_routing(sums["assignments"], sums["returns"])
    for level, n in ratings.items():
        group.levels[level] += n


# The day counts stored (FactRow fields) → the Tally histogram of each.
HISTOGRAMS = {"ack_days": "acknowledge_days", "reply_days": "reply_days"}


def add_days(groups: dict[str, Tally], key: str, measure: str, days: int | None, n: int) -> None:
    """Count ``n`` cases whose ``measure`` (``ack_days``: working days to decide acceptance, of the
    acknowledged; ``reply_days``: to the first reply, of the replied) is ``days`` in ``groups[key]``."""
    if n and key in groups:
        getattr(groups[key], HISTOGRAMS[measure])[days or 0] += n
