"""The report formulas on histories with known answers: transfers, returns, extensions, holidays
and 调休, reviews, duplicates and accusations, every figure checked (pure: no app, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cases.domain.clocks import Clocks
from cases.domain.deadlines import CachedCalendar, WorkingCalendar
from cases.domain.report_definitions import DEFINITIONS, NAMES
from cases.domain.report_figures import (
    CaseHistory,
    HistoryEvent,
    case_outcome,
    keep_for,
    median,
    outcomes_of,
    percentile,
    tally,
)

# April 2024: 清明 on Thursday 4 and Friday 5 (days off), Sunday 7 a 调休 working day.
HOLIDAYS = {date(2024, 4, 4): False, date(2024, 4, 5): False, date(2024, 4, 7): True}
CALENDAR = WorkingCalendar(lookup=lambda day: None, overrides=HOLIDAYS)
CLOCKS = Clocks(acceptance_days=3, reply_days=5, extension_max_days=3, return_days=2, review_days=4,
                discipline_notice_days=2)
AS_OF = date(2024, 4, 30)
CATALOGUE = 20


def d(day: int) -> date:
    """A day of April 2024."""
    return date(2024, 4, day)


def ev(day: int, action: str, to: str | None = None, dep: str | None = None, level: int | None = None,
       days: int | None = None) -> HistoryEvent:
    """One event of April ``day``."""
    return HistoryEvent(d(day), action, to, dep, level, days)


def case(case_id: int, day: int, events: list[HistoryEvent], *, channel: str = "web",
         kind: str = "suggestion", problems: tuple[str, ...] = (),
         tasks: tuple[int, ...] = ()) -> CaseHistory:
    """A case received on April ``day``."""
    return CaseHistory(case_id, d(day), channel, kind, kind == "accusation",
                       (ev(day, "received", "received"), *events), problems, tasks)


# A: on time everywhere, rated 非常满意. Reply due 1 + 5 working days counting the 调休 Sunday: 10 April.
A = case(1, 1, [ev(2, "accept", "accepted"), ev(2, "assign", "assigned", "economy"),
                ev(9, "send_reply", "replied"), ev(10, "rated", level=5), ev(10, "close", "closed")],
         problems=("1.1",))
# B: economy returns it, planning answers late, the person asks for review then re-review (left open).
B = case(2, 1, [ev(1, "accept", "accepted"), ev(1, "assign", "assigned", "economy"),
                ev(2, "return", "received", "economy"), ev(3, "accept", "accepted"),
                ev(3, "assign", "assigned", "planning"), ev(15, "send_reply", "replied"),
                ev(16, "rated", level=2), ev(16, "request_review", "review"),
                ev(16, "assign", "assigned", "planning"),
                ev(19, "send_reply", "replied"), ev(22, "rated", level=1),
                ev(22, "request_re_review", "re_review"), ev(22, "assign", "assigned", "planning")],
         channel="email", problems=("1.2",))
# C: a letter, extended by 3 working days (due 15 → 18), replied on the 17th: on time; closed unrated.
C = case(3, 8, [ev(8, "accept", "accepted"), ev(8, "assign", "assigned", "economy"),
                ev(12, "extension_approved", days=3), ev(17, "send_reply", "replied"),
                ev(30, "close", "closed")],
         channel="letter", problems=("1.1",), tasks=(7,))
# D: a duplicate merged into A: counted as received only.
D = case(4, 2, [ev(3, "merge", "duplicate")], problems=("2.1",))
# E: an accusation, accepted late on its own clock (2 working days), concluded without a reply.
E = case(5, 1, [ev(8, "accept", "accepted"), ev(8, "assign", "assigned", "discipline"),
                ev(12, "conclude", "closed")], kind="accusation", problems=("3.1",))
# F: not accepted on time. G: never decided (overdue acceptance). H: with economy, reply overdue.
F = case(6, 10, [ev(11, "not_accept", "not_accepted")], channel="phone")
G = case(7, 9, [], channel="visit")
H = case(8, 15, [ev(15, "accept", "accepted"), ev(15, "assign", "assigned", "economy")])
ALL = [A, B, C, D, E, F, G, H]


def figures(histories: list[CaseHistory], by: str | None = None, department: str | None = None,
            sealed: bool = True) -> dict[str, dict[str, object]]:
    """The figures of every group."""
    outcomes = outcomes_of(histories, CALENDAR, CLOCKS, AS_OF, keep_for(sealed))
    return {key: group.figures(CATALOGUE) for key, group in tally(outcomes, by, department).items()}


def test_due_dates_follow_holidays_and_tiaoxiu() -> None:
    a, b, c = (case_outcome(h, CALENDAR, CLOCKS, AS_OF) for h in (A, B, C))
    assert a.first_reply and a.first_reply.due == d(10)  # 2 + 5: 3, 7 (调休), 8, 9, 10
    assert a.acknowledgement_due == d(7) and a.days_to_reply == 4
    assert b.first_reply and b.first_reply.due == d(11)  # counted from the second acceptance
    assert b.first_reply.department == "planning" and not b.first_reply.on_time
    assert b.days_to_reply == 9  # the person's wait runs from the first acceptance
    assert [r.due for r in b.replies] == [d(11), d(22)] and b.due_now == d(26) and b.overdue
    assert c.first_reply and c.first_reply.due == d(18) and c.first_reply.on_time


def test_every_figure_of_the_total() -> None:
    total = figures(ALL)[""]
    assert total == {
        "received": 8, "duplicates": 1, "accepted": 5, "acknowledged": 6, "acknowledged_on_time": 5,
        "replied": 3, "response_rate": 3 / 4, "on_time_reply_rate": 2 / 3, "closed": 3,
        "closure_rate": 3 / 5,
        "rated": 3, "rated_5": 1, "rated_4": 0, "rated_3": 0, "rated_2": 1, "rated_1": 1,
        "satisfaction_rate": 1 / 3, "review_rate": 1 / 3, "re_review_rate": 1.0, "return_rate": 1 / 6,
        "overdue_now": 3, "median_days_to_acknowledge": 0.5, "p90_days_to_acknowledge": 4,
        "median_days_to_reply": 7.0, "p90_days_to_reply": 9, "catalogue_coverage": 4 / 20,
    }
    assert set(total) == set(NAMES)


def test_transfers_and_returns_are_fair_by_department() -> None:
    rows = figures(ALL, by="department")
    assert set(rows) == {"", "economy", "planning", "discipline"}
    economy, planning = rows["economy"], rows["planning"]
    # economy: A, C (on time) and H (overdue); it returned B: its return, not B's late reply.
    assert (economy["received"], economy["replied"], economy["on_time_reply_rate"]) == (3, 2, 1.0)
    assert (economy["response_rate"], economy["return_rate"], economy["overdue_now"]) == (2 / 3, 1 / 4, 1)
    assert (economy["satisfaction_rate"], economy["median_days_to_reply"], economy["p90_days_to_reply"]) == (
        1.0, 5.5, 7)
    # planning answered B late and was rated badly twice; B never counts as planning's routing return.
    assert planning["received"] == 1
    assert (planning["on_time_reply_rate"], planning["satisfaction_rate"]) == (0.0, 0.0)
    assert (planning["rated"], planning["review_rate"], planning["re_review_rate"]) == (2, 1.0, 1.0)
    assert (planning["return_rate"], planning["overdue_now"]) == (0.0, 1)
    assert rows["discipline"]["closure_rate"] == 1.0 and rows["discipline"]["response_rate"] is None
    assert (rows[""]["received"], rows[""]["duplicates"], rows[""]["overdue_now"]) == (3, 1, 1)
    # A department filter gives exactly its row.
    assert figures(ALL, department="economy")[""] == economy
    assert figures(ALL, department="planning")[""] == planning


def test_accusations_count_only_for_those_who_may_see_them() -> None:
    hidden = figures(ALL, sealed=False)[""]
    assert (hidden["received"], hidden["accepted"], hidden["acknowledged_on_time"]) == (7, 4, 5)
    assert hidden["catalogue_coverage"] == 3 / 20 and hidden["closure_rate"] == 2 / 4
    assert "discipline" not in figures(ALL, by="department", sealed=False)


def test_duplicates_count_as_received_only() -> None:
    only = figures([D])[""]
    assert (only["received"], only["duplicates"], only["acknowledged"]) == (1, 1, 0)
    assert only["catalogue_coverage"] == 0.0
    assert only["response_rate"] is None and only["median_days_to_acknowledge"] is None


def test_groupings_by_channel_problem_and_month() -> None:
    by_channel = figures(ALL, by="channel")
    assert {key: row["received"] for key, row in by_channel.items()} == {
        "web": 4, "email": 1, "letter": 1, "phone": 1, "visit": 1}
    by_problem = figures(ALL, by="problem")
    assert by_problem["1.1"]["replied"] == 2 and by_problem["1.2"]["on_time_reply_rate"] == 0.0
    assert by_problem[""]["received"] == 3  # F, G, H link no problem
    assert list(figures(ALL, by="month")) == ["2024-04"]
    with pytest.raises(ValueError):
        figures(ALL, by="colour")


def test_as_of_replays_the_past() -> None:
    early = {key: value for key, value in tally(outcomes_of(ALL, CALENDAR, CLOCKS, d(9)))[""].figures(
        CATALOGUE).items() if key in ("received", "replied", "overdue_now", "accepted")}
    # On 9 April: A replied that day; G's acceptance not due until the 12th; H not yet received
    # (the cohort is chosen by the caller, its events count up to as_of).
    assert early == {"received": 8, "accepted": 4, "replied": 1, "overdue_now": 0}


def test_median_and_percentile() -> None:
    assert median({}) is None and percentile({}, 0.9) is None
    assert median({3: 1}) == 3 and median({1: 1, 2: 1}) == 1.5 and percentile({1: 9, 10: 1}, 0.9) == 1
    assert percentile({1: 8, 10: 2}, 0.9) == 10


def test_definitions_name_every_figure_once() -> None:
    assert len(NAMES) == len(set(NAMES)) and set(NAMES) == set(figures(ALL)[""])
    for definition in DEFINITIONS:
        assert definition.label and definition.help and definition.unit in ("count", "rate", "working_days")


def test_overdue_review_counts_for_the_department_holding_it() -> None:
    # Answered by economy on time; the review goes back to economy, which returns it; triage accepts
    # it again (the workflow restarts the reply clock: due 25 April) for planning, which is late.
    review = case(9, 1, [ev(2, "accept", "accepted"), ev(2, "assign", "assigned", "economy"),
                         ev(9, "send_reply", "replied"), ev(16, "rated", level=1),
                         ev(16, "request_review", "review"), ev(16, "assign", "assigned", "economy"),
                         ev(17, "return", "received", "economy"), ev(18, "accept", "accepted"),
                         ev(18, "assign", "assigned", "planning")])
    outcome = case_outcome(review, CALENDAR, CLOCKS, AS_OF)
    assert outcome.department == "economy" and outcome.holder == "planning"
    assert outcome.due_now == d(25) and outcome.overdue
    rows = figures([review], by="department")
    assert (rows["economy"]["overdue_now"], rows["economy"]["on_time_reply_rate"]) == (0, 1.0)
    assert (rows["economy"]["return_rate"], rows["planning"]["overdue_now"]) == (1.0, 1)
    assert figures([review], department="planning")[""]["overdue_now"] == 1
    assert figures([review], department="economy")[""]["overdue_now"] == 0
    assert figures([review])[""]["overdue_now"] == 1


def test_the_remembering_calendar_agrees_with_the_calendar() -> None:
    cached = CachedCalendar(CALENDAR)
    days = [date(2024, 4, 10) + timedelta(days=n) for n in (0, 5, -9, 20, -3, 1, -15)]  # both ways
    for start in days:
        for end in days:
            assert cached.working_days_between(start, end) == CALENDAR.working_days_between(start, end)
        assert cached.add_working_days(start, 5) == CALENDAR.add_working_days(start, 5)
