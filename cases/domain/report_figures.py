"""The report figures: what happened to each case, read from its event history, and the sums.

Pure: a case's history comes in as plain dataclasses (``CaseHistory`` of ``HistoryEvent``), the
working calendar and the clocks are passed in. The definitions (names, labels, help text, units)
are in ``cases.domain.report_definitions``; every formula is here, once.

Rules every figure follows (documented once):
- The cohort is the cases *received* in the period; events count up to ``as_of`` (the report's
  "now"), so a report for a past month can be reproduced by giving the same ``as_of``.
- A duplicate merged into another case counts in ``received`` (someone sent it) and nowhere
  else: its reply is the reply of the case it was merged into.
- Days are *working* days on the Chinese calendar passed in (holidays and 调休 included), counted
  as ``WorkingCalendar.working_days_between`` does: the day of the start does not count.
- Department attribution follows who held the case when it mattered: a reply (its timeliness,
  its days, the rating of it) belongs to the department that held the case when it was sent;
  a case not replied yet belongs to the department holding it now (to none while it is back in
  triage); a return belongs to the department that returned it; a case overdue now belongs to the
  department holding it (a review returned and re-routed counts against the new holder).
  So a case returned by A and answered late by B counts against B, never A.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from math import ceil

from cases.domain import states
from cases.domain.clocks import Clocks, acceptance_due, reply_due, review_due
from cases.domain.deadlines import CachedCalendar, WorkingCalendar
from cases.domain.satisfaction import LEVELS, REQUEST_RE_REVIEW, REQUEST_REVIEW, is_satisfied

# Actions that decide acceptance (and tell the sender): the acknowledgement.
DECISIONS = frozenset({"accept", "not_accept", "refer_out", "merge"})
# The event actions the figures read (the service loads only these).
READ_ACTIONS = frozenset(DECISIONS | {"received", "assign", "reassign", "return", "extension_approved",
                                      "send_reply", "close", "conclude", REQUEST_REVIEW, REQUEST_RE_REVIEW,
                                      "rated", "reopen"})
UNASSIGNED = ""  # the group of a case no department has held


@dataclass(frozen=True)
class HistoryEvent:
    """One event of a case's trail, as the figures need it (in the order it was written)."""

    on: date  # the local (Shanghai) day it happened
    action: str
    to_status: str | None = None
    department: str | None = None  # assign/reassign: the department given it; return: the one returning it
    level: int | None = None  # rated: the 好差评 level
    days: int | None = None  # extension_approved: the working days granted


@dataclass(frozen=True)
class CaseHistory:
    """One case as the figures see it: its intake facts, its links and its events, oldest first."""

    case_id: int
    received_on: date  # the local day of receipt (for a letter, the postmark date)
    channel: str
    kind: str | None
    sealed: bool
    events: tuple[HistoryEvent, ...] = ()
    problems: tuple[str, ...] = ()
    tasks: tuple[int, ...] = ()


@dataclass(frozen=True)
class Reply:
    """One reply sent: original (round 0), review (1) or re-review (2)."""

    round: int
    opened_on: date
    sent_on: date
    due: date
    department: str | None

    @property
    def on_time(self) -> bool:
        """Sent on or before its due date (an approved extension included)."""
        return self.sent_on <= self.due


@dataclass(frozen=True)
class Outcome:
    """What the history of one case says, as of a day: the per-case facts every figure sums."""

    history: CaseHistory
    status: str
    duplicate: bool
    decided_on: date | None
    acknowledgement_due: date
    accepted_on: date | None
    replies: tuple[Reply, ...]
    due_now: date | None  # what is owed now (acceptance or reply), None when nothing is
    holder: str | None  # the department holding it now
    department: str  # the department the case-level figures are attributed to (UNASSIGNED: none)
    assignments: tuple[str, ...]  # departments given the case by triage (assign / reassign)
    returns: tuple[str, ...]  # departments that returned it
    ratings: tuple[tuple[int, str], ...]  # (level, department of the reply rated)
    reviewed: bool
    re_reviewed: bool
    days_to_acknowledge: int | None
    days_to_reply: int | None
    as_of: date

    @property
    def first_reply(self) -> Reply | None:
        """The original reply (round 0), if sent."""
        return next((reply for reply in self.replies if reply.round == 0), None)

    @property
    def overdue(self) -> bool:
        """Something (acceptance decision or reply) is owed and its due date has passed."""
        return self.due_now is not None and self.as_of > self.due_now


def case_outcome(history: CaseHistory, calendar: WorkingCalendar | CachedCalendar, clocks: Clocks,
                 as_of: date) -> Outcome:
    """Walk the events of one case up to ``as_of`` and return what the figures need.

    Due dates are recomputed from the events with the clocks passed in, as the workflow sets them:
    the reply is due ``reply_days`` after the latest acceptance, a review's reply ``review_days``
    after it opens, plus the working days of an approved extension in that round.
    """
    work = calendar if isinstance(calendar, CachedCalendar) else CachedCalendar(calendar)
    cal: WorkingCalendar = work  # type: ignore[assignment]  # same two methods, remembered
    status, holder = states.RECEIVED, None
    decided = accepted = None
    due: date | None = None
    opened: date | None = None
    round_ = 0
    replies: list[Reply] = []
    assignments: list[str] = []
    returns: list[str] = []
    ratings: list[tuple[int, str]] = []
    reviewed = re_reviewed = False
    for event in history.events:
        if event.on > as_of:
            break
        action = event.action
        if action in DECISIONS and decided is None:
            decided = event.on
        if action == "accept":
            accepted = accepted or event.on
            due, opened = reply_due(cal, event.on, clocks).due, event.on
        elif action in ("assign", "reassign"):
            if status not in (states.REVIEW, states.RE_REVIEW):  # a review goes back; not a routing
                assignments.append(event.department or UNASSIGNED)
            holder = event.department
        elif action == "return":
            returns.append(event.department or holder or UNASSIGNED)
            holder = None
        elif action == "extension_approved" and due is not None:
            due = cal.add_working_days(due, event.days or 0).due
        elif action == "send_reply":
            replies.append(Reply(round_, opened or event.on, event.on, due or event.on, holder))
            due = None
        elif action in (REQUEST_REVIEW, REQUEST_RE_REVIEW):
            reviewed = True
            re_reviewed = re_reviewed or action == REQUEST_RE_REVIEW
            round_ = 2 if action == REQUEST_RE_REVIEW else 1
            due, opened = review_due(cal, event.on, clocks).due, event.on
        elif action == "rated" and event.level is not None:
            rated = replies[-1].department if replies else holder
            ratings.append((event.level, rated or UNASSIGNED))
        if event.to_status:
            status = event.to_status
    ack_due = acceptance_due(cal, history.received_on, clocks, history.sealed).due
    first = next((reply for reply in replies if reply.round == 0), None)
    if status in states.FINAL_STATUSES or status == states.REPLIED:
        due_now = None
    elif accepted is not None:
        due_now = due
    else:
        due_now = ack_due
    owner = first.department if first is not None else holder
    return Outcome(
        history=history, status=status, duplicate=status == states.DUPLICATE, decided_on=decided,
        acknowledgement_due=ack_due, accepted_on=accepted, replies=tuple(replies), due_now=due_now,
        holder=holder, department=owner or UNASSIGNED, assignments=tuple(assignments),
        returns=tuple(returns), ratings=tuple(ratings), reviewed=reviewed, re_reviewed=re_reviewed,
        days_to_acknowledge=None if decided is None else cal.working_days_between(history.received_on,
                                                                                   decided),
        days_to_reply=(None if first is None or accepted is None
                       else cal.working_days_between(accepted, first.sent_on)),
        as_of=as_of,
    )


def rate(numerator: int, denominator: int) -> float | None:
    """numerator ÷ denominator, or None when nothing is counted (never a division by zero)."""
    return numerator / denominator if denominator else None


def median(counts: Mapping[int, int]) -> float | None:
    """The median of a multiset given as value → how many (the mean of the two middle values)."""
    total = sum(counts.values())
    if not total:
        return None
    low = _nth(counts, (total - 1) // 2)
    high = _nth(counts, total // 2)
    return (low + high) / 2


def percentile(counts: Mapping[int, int], share: float) -> int | None:
    """Nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    total = sum(counts.values())
    if not total:
        return None
    return _nth(counts, max(ceil(share * total), 1) - 1)


def _nth(counts: Mapping[int, int], index: int) -> int:
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if index < seen:
            return value
    raise IndexError(index)


@dataclass
class Tally:
    """The raw counts of one group, added case by case (streaming: nothing else is kept)."""

    received: int = 0
    duplicates: int = 0
    accepted: int = 0
    acknowledged: int = 0
    acknowledged_on_time: int = 0
    due: int = 0
    replied: int = 0
    replied_on_time: int = 0
    closed: int = 0
    reviewed: int = 0
    re_reviewed: int = 0
    assignments: int = 0
    returns: int = 0
    overdue_now: int = 0
    levels: Counter[int] = field(default_factory=Counter)
    acknowledge_days: Counter[int] = field(default_factory=Counter)
    reply_days: Counter[int] = field(default_factory=Counter)
    covered: set[str] = field(default_factory=set)

    def add_case(self, outcome: Outcome, overdue: bool = True) -> None:
        """Count the case-level facts of one case in this group (``overdue``: its overdue too)."""
        self.received += 1
        if outcome.duplicate:
            self.duplicates += 1
            return
        history, first = outcome.history, outcome.first_reply
        self.covered.update([f"problem:{code}" for code in history.problems]
                            + [f"task:{task}" for task in history.tasks])
        if outcome.decided_on is not None:
            self.acknowledged += 1
            self.acknowledged_on_time += outcome.decided_on <= outcome.acknowledgement_due
            self.acknowledge_days[outcome.days_to_acknowledge or 0] += 1
        if outcome.accepted_on is not None:
            self.accepted += 1
            original_due = first.due if first is not None else outcome.due_now
            if first is not None or (original_due is not None and original_due < outcome.as_of):
                self.due += 1
        if first is not None:
            self.replied += 1
            self.replied_on_time += first.on_time
            self.reply_days[outcome.days_to_reply or 0] += 1
        self.closed += outcome.accepted_on is not None and outcome.status == states.CLOSED
        self.reviewed += outcome.reviewed
        self.re_reviewed += outcome.re_reviewed
        self.overdue_now += overdue and outcome.overdue

    def add_routing(self, assignments: int, returns: int) -> None:
        """Count assignments to and returns by the department of this group."""
        self.assignments += assignments
        self.returns += returns

    def add_rating(self, level: int) -> None:
        """Count one 好差评 rating in this group."""
        self.levels[level] += 1

    def merge(self, other: Tally) -> None:
        """Add the counts of another tally of the same group (cases counted in only one of them)."""
        for name in ("received", "duplicates", "accepted", "acknowledged", "acknowledged_on_time", "due",
                     "replied", "replied_on_time", "closed", "reviewed", "re_reviewed", "assignments",
                     "returns", "overdue_now"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.levels.update(other.levels)
        self.acknowledge_days.update(other.acknowledge_days)
        self.reply_days.update(other.reply_days)
        self.covered |= other.covered

    def figures(self, catalogue_size: int) -> dict[str, int | float | None]:
        """Every figure of this group by its machine name (formulas: see report_definitions)."""
        rated = sum(self.levels.values())
        satisfied = sum(n for level, n in self.levels.items() if is_satisfied(level))
        return {
            "received": self.received,
            "duplicates": self.duplicates,
            "accepted": self.accepted,
            "acknowledged": self.acknowledged,
            "acknowledged_on_time": self.acknowledged_on_time,
            "replied": self.replied,
            "response_rate": rate(self.replied, self.due),
            "on_time_reply_rate": rate(self.replied_on_time, self.replied),
            "closed": self.closed,
            "closure_rate": rate(self.closed, self.accepted),
            "rated": rated,
            **{f"rated_{level}": self.levels[level] for level in LEVELS},
            "satisfaction_rate": rate(satisfied, rated),
            "review_rate": rate(self.reviewed, self.replied),
            "re_review_rate": rate(self.re_reviewed, self.reviewed),
            "return_rate": rate(self.returns, self.assignments),
            "overdue_now": self.overdue_now,
            "median_days_to_acknowledge": median(self.acknowledge_days),
            "p90_days_to_acknowledge": percentile(self.acknowledge_days, 0.9),
            "median_days_to_reply": median(self.reply_days),
            "p90_days_to_reply": percentile(self.reply_days, 0.9),
            "catalogue_coverage": rate(len(self.covered), catalogue_size),
        }


GROUPINGS = ("department", "problem", "channel", "month")


def case_groups(outcome: Outcome, by: str | None) -> list[str]:
    """The groups a case counts in: one, except by problem (each linked problem; none: "")."""
    history = outcome.history
    if by is None:
        return [""]
    if by == "department":
        return [outcome.department]
    if by == "problem":
        return list(dict.fromkeys(history.problems)) or [""]
    if by == "channel":
        return [history.channel]
    if by == "month":
        return [history.received_on.strftime("%Y-%m")]
    raise ValueError(f"unknown grouping {by!r} (one of {', '.join(GROUPINGS)})")


def tally(outcomes: Iterable[Outcome], by: str | None = None,
          department: str | None = None) -> dict[str, Tally]:
    """Sum outcomes into one Tally per group (``by``: None for one total, or one of GROUPINGS).

    By department, returns and ratings go to the department they concern (see the module text);
    by any other grouping they follow the case. ``department`` keeps only what is attributed to
    that department: its cases, its returns, the ratings of its replies, so a filtered total
    equals that department's row of a report by department.
    """
    groups: dict[str, Tally] = {}

    def group(key: str) -> Tally:
        if key not in groups:  # not setdefault: a Tally is too dear to build and throw away
            groups[key] = Tally()
        return groups[key]

    # Overdue follows the holder, which may differ from the case's department during a review.
    per_holder = by == "department" or department is not None
    for outcome in outcomes:
        keys = case_groups(outcome, by)
        if department is None or outcome.department == department:
            for key in keys:
                group(key).add_case(outcome, overdue=not per_holder)
        holder = outcome.holder or UNASSIGNED
        if per_holder and outcome.overdue and department in (None, holder):
            for key in [holder] if by == "department" else keys:
                group(key).overdue_now += 1
        if outcome.duplicate:
            continue  # its routing and ratings are those of the case it was merged into
        routing = [(dep, 1, 0) for dep in outcome.assignments] + [(dep, 0, 1) for dep in outcome.returns]
        for dep, given, returned in routing:
            if department is None or dep == department:
                for key in [dep] if by == "department" else keys:
                    group(key).add_routing(given, returned)
        for level, dep in outcome.ratings:
            if department is None or dep == department:
                for key in [dep] if by == "department" else keys:
                    group(key).add_rating(level)
    return groups


def outcomes_of(histories: Iterable[CaseHistory], calendar: WorkingCalendar, clocks: Clocks,
                as_of: date, keep: Callable[[CaseHistory], bool] = lambda history: True) -> Iterable[Outcome]:
    """The outcome of each history ``keep`` accepts, sharing one remembered calendar (lazy)."""
    cached = CachedCalendar(calendar)
    return (case_outcome(history, cached, clocks, as_of) for history in histories if keep(history))


def keep_for(viewer_may_see_sealed: bool) -> Callable[[CaseHistory], bool]:
    """The cases a viewer's figures count: sealed ones only for those who may see them."""
    return lambda history: viewer_may_see_sealed or not history.sealed
