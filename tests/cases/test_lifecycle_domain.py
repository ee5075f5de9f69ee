"""The transition table, the clocks and the routing rules: pure Python, no database."""

from __future__ import annotations

from datetime import date

import pytest

from cases.domain import states
from cases.domain.clocks import (
    ClockError,
    Clocks,
    acceptance_due,
    extended_due,
    is_overdue,
    may_return,
    reply_due,
    report_back_due,
)
from cases.domain.routing import Rule, choose_department
from cases.holidays import working_calendar

CAL = working_calendar()


def test_every_status_in_the_table_is_known_and_reachable() -> None:
    sources = {source for source, _action in states.TRANSITIONS}
    targets = set(states.TRANSITIONS.values())
    assert sources | targets <= set(states.STATUSES)
    assert targets | {states.RECEIVED} == set(states.STATUSES)


def test_the_lifecycle_of_design_md_walks_through_the_table() -> None:
    status = states.RECEIVED
    for action in (
        "accept",
        "assign",
        "draft_reply",
        "approve",
        "send_reply",
        "close",
        "request_review",
        "close",
        "request_re_review",
        "close",
    ):
        status = states.transition(status, action).to_status
    assert status == states.CLOSED
    assert states.transition(states.ASSIGNED, "return").to_status == states.RECEIVED
    assert states.transition(states.RECEIVED, "merge").to_status == states.DUPLICATE
    assert states.transition(states.RECEIVED, "refer_out").to_status == states.OUT_OF_SCOPE


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (states.CLOSED, "accept"),
        (states.DUPLICATE, "accept"),
        (states.RECEIVED, "send_reply"),
        (states.CLOSED, "merge"),
        (states.OUT_OF_SCOPE, "reopen"),
        (states.RE_REVIEW, "request_re_review"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message(status: str, action: str) -> None:
    with pytest.raises(states.IllegalTransition) as caught:
        states.transition(status, action)
    assert f"action {action!r} is not allowed when a case is {status!r}" in str(caught.value)
    assert "allowed:" in str(caught.value)


def test_a_closed_case_is_never_reopened_by_a_repeat() -> None:
    # Repeats are linked (merge of the new case), the table has no way back to work from closed.
    assert not any(
        source == states.CLOSED and target in {states.RECEIVED, states.ACCEPTED}
        for (source, _action), target in states.TRANSITIONS.items()
    )


def test_acceptance_clock_counts_working_days_over_a_holiday() -> None:
    # Received on 2024-09-27 (Friday): National Day week (10-01..10-07) is off,
    # 09-29 and 10-12 are 调休 working days.
    due = acceptance_due(CAL, date(2024, 9, 27), Clocks(), sealed=False)
    assert due == acceptance_due(CAL, date(2024, 9, 27), Clocks(acceptance_days=15), sealed=False)
    assert due.due == date(2024, 10, 23) and not due.estimated


def test_reply_clock_and_configurable_days() -> None:
    assert reply_due(CAL, date(2024, 3, 1), Clocks()).due == date(2024, 5, 28)  # Qingming, May Day
    assert reply_due(CAL, date(2024, 3, 1), Clocks(reply_days=5)).due == date(2024, 3, 8)


def test_beyond_the_calendar_data_a_date_is_still_computed_and_flagged() -> None:
    due = acceptance_due(CAL, date(2026, 12, 20), Clocks(), sealed=True)
    assert due.due.year == 2027 and due.due.month == 1
    assert due.estimated and due.warning


def test_overrides_from_the_database_fill_the_gap() -> None:
    calendar = working_calendar({date(2027, 1, 1): False})
    plain = working_calendar()
    assert calendar.add_working_days(date(2026, 12, 31), 1).due == date(2027, 1, 4)
    assert plain.add_working_days(date(2026, 12, 31), 1).due == date(2027, 1, 1)


def test_one_extension_of_at_most_the_configured_days() -> None:
    clocks = Clocks()
    assert extended_due(CAL, date(2024, 3, 1), 30, 0, clocks).due == date(2024, 4, 15)
    with pytest.raises(ClockError):
        extended_due(CAL, date(2024, 3, 1), 31, 0, clocks)
    with pytest.raises(ClockError):
        extended_due(CAL, date(2024, 3, 1), 5, 10, clocks)


def test_return_window_and_discipline_report_back() -> None:
    assert may_return(CAL, date(2024, 3, 1), date(2024, 3, 8), Clocks())  # 5 working days later
    assert not may_return(CAL, date(2024, 3, 1), date(2024, 3, 11), Clocks())
    assert report_back_due(CAL, date(2024, 3, 1), Clocks()).due == date(2024, 3, 22)
    assert is_overdue(date(2024, 3, 1), date(2024, 3, 2)) and not is_overdue(None, date(2024, 3, 2))


def test_routing_rules_task_then_problem_then_default() -> None:
    rules = [
        Rule("party_office"),
        Rule("economy", problem_code="1.1"),
        Rule("policy", problem_code="1.3"),
        Rule("finance", task_id=7),
    ]
    assert choose_department(rules, ["1.3", "1.1"], []).department == "economy"
    assert choose_department(rules, ["1.1"], [7]).department == "finance"
    assert choose_department(rules, ["9.9"], []).department == "party_office"
    assert choose_department([], ["1.1"], []) is None
