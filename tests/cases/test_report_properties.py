"""Property test: the report figures recomputed from the raw events by a second, simple route.

Hypothesis walks random legal histories through the transition table (with ratings, extensions
and returns in between) on a calendar with random holidays and 调休 days, and compares every
figure of ``report_figures`` with plain loops over the events written here independently.
"""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from math import ceil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.domain.clocks import Clocks
from cases.domain.deadlines import WorkingCalendar
from cases.domain.report_figures import CaseHistory, HistoryEvent, keep_for, outcomes_of, tally
from cases.domain.states import FINAL_STATUSES, REPLIED, allowed_actions, transition

START = date(2024, 4, 1)
CLOCKS = Clocks(acceptance_days=3, reply_days=6, extension_max_days=4, review_days=4,
                discipline_notice_days=2)
DEPARTMENTS = ("economy", "finance", "planning")
DECIDE = {"accept", "not_accept", "refer_out", "merge"}
OPENERS = {"accept", "request_review", "request_re_review"}
CATALOGUE = 10
# The step a case usually takes next: walks follow it most of the time, so replies, ratings and
# reviews are common, and any other legal action is drawn otherwise.
FORWARD = {"received": "accept", "accepted": "assign", "assigned": "draft_reply", "answered": "approve",
           "office_review": "approve", "approved": "send_reply", "review": "assign", "re_review": "assign"}


@st.composite
def histories(draw: st.DrawFn, case_id: int) -> CaseHistory:
    """A random legal history: a walk through the table, ratings and extensions in between."""
    day = START + timedelta(days=draw(st.integers(0, 20)))
    received, status, holder = day, "received", None
    events = [HistoryEvent(day, "received", "received")]
    for _ in range(draw(st.integers(0, 12))):
        day += timedelta(days=draw(st.integers(0, 4)))
        if status == REPLIED and draw(st.booleans()):
            events.append(HistoryEvent(day, "rated", level=draw(st.integers(1, 5))))
        if status in ("assigned", "answered") and draw(st.integers(0, 4)) == 0:
            events.append(HistoryEvent(day, "extension_approved", days=draw(st.integers(1, 4))))
        actions = allowed_actions(status)
        if not actions:
            break
        forward = FORWARD.get(status)
        action = forward if forward and draw(st.integers(0, 3)) else draw(st.sampled_from(actions))
        department = None
        if action in ("assign", "reassign"):
            department = holder = draw(st.sampled_from(DEPARTMENTS))
        elif action == "return":
            department, holder = holder, None
        status = transition(status, action).to_status
        events.append(HistoryEvent(day, action, status, department))
    problems = tuple(draw(st.lists(st.sampled_from(("1.1", "1.2", "2.1")), max_size=2, unique=True)))
    tasks = tuple(draw(st.lists(st.integers(1, 7), max_size=2, unique=True)))
    kind = draw(st.sampled_from(("suggestion", "accusation")))
    return CaseHistory(case_id, received, draw(st.sampled_from(("web", "email", "letter"))), kind,
                       kind == "accusation", tuple(events), problems, tasks)


def simple_figures(cases: list[CaseHistory], calendar: WorkingCalendar, as_of: date) -> dict[str, object]:
    """Every figure by plain loops over the events, without report_figures' walk."""
    def wd(start: date, end: date) -> int:
        return sum(1 for n in range(1, (end - start).days + 1)
                   if calendar.is_working_day(start + timedelta(days=n))[0])

    def plus(start: date, days: int) -> date:
        return calendar.add_working_days(start, days).due

    c: dict[str, int] = dict.fromkeys(("received", "duplicates", "accepted", "acknowledged", "ack_on_time",
                                       "due", "replied", "on_time", "closed", "reviewed", "re_reviewed",
                                       "assignments", "returns", "overdue"), 0)
    ack_days: list[int] = []
    reply_days: list[int] = []
    levels: list[int] = []
    covered: set[str] = set()
    for case in cases:
        events = [e for e in case.events if e.on <= as_of]
        statuses = [e.to_status for e in events if e.to_status]
        status = statuses[-1] if statuses else "received"
        c["received"] += 1
        if status == "duplicate":
            c["duplicates"] += 1
            continue
        covered |= {f"p{p}" for p in case.problems} | {f"t{t}" for t in case.tasks}
        acts = [e.action for e in events]
        sealed = case.kind == "accusation"
        ack_due = plus(case.received_on, CLOCKS.discipline_notice_days if sealed else CLOCKS.acceptance_days)
        decided = [e.on for e in events if e.action in DECIDE]
        if decided:
            c["acknowledged"] += 1
            c["ack_on_time"] += decided[0] <= ack_due
            ack_days.append(wd(case.received_on, decided[0]))
        accepted = "accept" in acts
        c["accepted"] += accepted
        # The current round: the last opener and what follows it.
        opener = max((i for i, e in enumerate(events) if e.action in OPENERS), default=None)
        current_due = None
        if opener is not None and "send_reply" not in acts[opener:]:
            base = CLOCKS.reply_days if events[opener].action == "accept" else CLOCKS.review_days
            current_due = plus(events[opener].on, base)
            for e in events[opener:]:
                if e.action == "extension_approved":
                    current_due = plus(current_due, e.days or 0)
        first_review = min((i for i, a in enumerate(acts) if a in ("request_review", "request_re_review")),
                           default=len(acts))
        first_reply = next((i for i, a in enumerate(acts[:first_review]) if a == "send_reply"), None)
        open_case = status not in FINAL_STATUSES and status != REPLIED
        owed = (current_due if accepted else ack_due) if open_case else None
        c["overdue"] += owed is not None and as_of > owed
        if first_reply is not None:
            last_accept = max(i for i in range(first_reply) if acts[i] == "accept")
            due = plus(events[last_accept].on, CLOCKS.reply_days)
            for e in events[last_accept:first_reply]:
                if e.action == "extension_approved":
                    due = plus(due, e.days or 0)
            c["replied"] += 1
            c["due"] += 1
            c["on_time"] += events[first_reply].on <= due
            reply_days.append(wd(events[acts.index("accept")].on, events[first_reply].on))
        elif accepted and open_case and current_due is not None and current_due < as_of:
            c["due"] += 1
        c["closed"] += accepted and status == "closed"
        c["reviewed"] += "request_review" in acts or "request_re_review" in acts
        c["re_reviewed"] += "request_re_review" in acts
        levels += [e.level for e in events if e.action == "rated" and e.level is not None]
        for i, e in enumerate(events):  # a routing, unless the case was in review just before
            earlier = ["received", *(x.to_status for x in events[:i] if x.to_status)]
            if e.action in ("assign", "reassign") and earlier[-1] not in ("review", "re_review"):
                c["assignments"] += 1
        c["returns"] += acts.count("return")

    def ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    def p90(values: list[int]) -> int | None:
        return sorted(values)[ceil(0.9 * len(values)) - 1] if values else None

    return {
        "received": c["received"], "duplicates": c["duplicates"], "accepted": c["accepted"],
        "acknowledged": c["acknowledged"], "acknowledged_on_time": c["ack_on_time"], "replied": c["replied"],
        "response_rate": ratio(c["replied"], c["due"]),
        "on_time_reply_rate": ratio(c["on_time"], c["replied"]),
        "closed": c["closed"], "closure_rate": ratio(c["closed"], c["accepted"]), "rated": len(levels),
        **{f"rated_{n}": levels.count(n) for n in (5, 4, 3, 2, 1)},
        "satisfaction_rate": ratio(sum(level >= 3 for level in levels), len(levels)),
        "review_rate": ratio(c["reviewed"], c["replied"]),
        "re_review_rate": ratio(c["re_reviewed"], c["reviewed"]),
        "return_rate": ratio(c["returns"], c["assignments"]), "overdue_now": c["overdue"],
        "median_days_to_acknowledge": statistics.median(ack_days) if ack_days else None,
        "p90_days_to_acknowledge": p90(ack_days),
        "median_days_to_reply": statistics.median(reply_days) if reply_days else None,
        "p90_days_to_reply": p90(reply_days), "catalogue_coverage": ratio(len(covered), CATALOGUE),
    }


Scenario = tuple[list[CaseHistory], WorkingCalendar, date, bool]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Some cases, a calendar with random holidays and 调休 days, a report day, sealed or not."""
    cases = [draw(histories(n)) for n in range(draw(st.integers(0, 8)))]
    days = st.integers(0, 120).map(lambda n: START + timedelta(days=n))
    overrides = draw(st.dictionaries(days, st.booleans(), max_size=12))
    # Mostly while cases are open (deadlines fall on the report's day), sometimes long after.
    as_of = START + timedelta(days=draw(st.one_of(st.integers(5, 40), st.integers(0, 150))))
    return cases, WorkingCalendar(lambda day: None, overrides), as_of, draw(st.booleans())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_figures_match_a_simple_recomputation(scenario: Scenario) -> None:
    cases, calendar, as_of, sealed = scenario
    total = tally(outcomes_of(cases, calendar, CLOCKS, as_of, keep_for(sealed))).get("")
    visible = [c for c in cases if sealed or not c.sealed]
    expected = simple_figures(visible, calendar, as_of)
    if total is None:
        assert expected["received"] == 0
        return
    assert total.figures(CATALOGUE) == expected
    # Grouped by department, every case and every return lands in exactly one group.
    groups = tally(outcomes_of(cases, calendar, CLOCKS, as_of, keep_for(sealed)), "department")
    assert sum(g.received for g in groups.values()) == expected["received"]
    assert sum(g.returns for g in groups.values()) == total.returns
    assert sum(g.overdue_now for g in groups.values()) == expected["overdue_now"]
    assert sum(sum(g.levels.values()) for g in groups.values()) == expected["rated"]
