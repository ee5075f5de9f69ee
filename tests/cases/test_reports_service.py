"""The report service and ``flask report`` on real cases built through the real services (issue 13)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from cases.domain.report_definitions import NAMES
from cases.extensions import db
from cases.models import Case
from cases.reports import ReportFilters, compute_figures, figures_by
from tests.cases.report_support import AS_OF, PERIOD, build_history
from tests.cases.triage_support import new_case


@pytest.fixture
def history(app: Flask, catalogue: object) -> dict[str, Case]:
    """Six opinions of March 2024 (see report_support.build_history)."""
    return build_history()


def test_the_total_of_a_period(history: dict[str, Case]) -> None:
    figures = compute_figures(PERIOD, viewer_may_see_sealed=False)
    assert {name: figures[name] for name in NAMES} == {
        "received": 5, "duplicates": 1, "accepted": 3, "acknowledged": 3, "acknowledged_on_time": 3,
        "replied": 2, "response_rate": 2 / 3, "on_time_reply_rate": 1.0, "closed": 1,
        "closure_rate": 1 / 3,
        "rated": 2, "rated_5": 1, "rated_4": 0, "rated_3": 0, "rated_2": 1, "rated_1": 0,
        "satisfaction_rate": 0.5, "review_rate": 0.5, "re_review_rate": 0.0, "return_rate": 1 / 4,
        # The undecided letter, the review with finance (due 30 working days after 11 March), the
        # extended case (60 + 10 working days after 4 March: 13 June, 端午 on the 10th).
        "overdue_now": 3, "median_days_to_acknowledge": 1.0, "p90_days_to_acknowledge": 1,
        "median_days_to_reply": 4.5, "p90_days_to_reply": 5, "catalogue_coverage": 1 / 44,
    }
    before = compute_figures(ReportFilters(PERIOD.start, PERIOD.end, as_of=date(2024, 6, 13)), False)
    assert before["overdue_now"] == 2 and before["response_rate"] == 1.0  # due that day: not late yet


def test_sealed_cases_count_only_for_those_who_may_see_them(history: dict[str, Case]) -> None:
    figures = compute_figures(PERIOD, viewer_may_see_sealed=True)
    assert (figures["received"], figures["accepted"], figures["closure_rate"]) == (6, 4, 2 / 4)
    # A case nobody has screened yet may be an accusation: it is held like a sealed one.
    new_case("还没有筛查的来信。", screen_later=True)
    assert compute_figures(PERIOD, viewer_may_see_sealed=False)["received"] == 5
    assert compute_figures(PERIOD, viewer_may_see_sealed=True)["received"] == 7
    assert "discipline" in {row.group for row in figures_by("department", PERIOD, True)}
    assert "discipline" not in {row.group for row in figures_by("department", PERIOD, False)}


def test_by_department_attributes_returns_and_replies_fairly(history: dict[str, Case]) -> None:
    rows = {row.group: row for row in figures_by("department", PERIOD, viewer_may_see_sealed=False)}
    assert set(rows) == {"", "economy", "finance"}
    economy, finance = rows["economy"], rows["finance"]
    assert (economy["received"], economy["replied"], economy["return_rate"]) == (2, 1, 1 / 3)
    assert (finance["received"], finance["replied"], finance["return_rate"]) == (1, 1, 0.0)
    assert (finance["satisfaction_rate"], finance["review_rate"]) == (0.0, 1.0)
    assert economy["satisfaction_rate"] == 1.0
    assert (rows[""]["received"], rows[""]["duplicates"], rows[""]["overdue_now"]) == (2, 1, 1)
    only = ReportFilters(PERIOD.start, PERIOD.end, department="economy", as_of=AS_OF)
    filtered = compute_figures(only, viewer_may_see_sealed=False)
    assert filtered.values == economy.values


def test_filters_and_other_groupings(history: dict[str, Case]) -> None:
    email = compute_figures(ReportFilters(PERIOD.start, PERIOD.end, channel="email", as_of=AS_OF), False)
    assert (email["received"], email["return_rate"]) == (1, 0.5)
    problem = compute_figures(ReportFilters(PERIOD.start, PERIOD.end, problem="1.1", as_of=AS_OF), False)
    assert (problem["received"], problem["duplicates"], problem["replied"]) == (4, 1, 2)
    assert {row.group: row["received"] for row in figures_by("channel", PERIOD, False)} == {
        "email": 1, "letter": 1, "web": 3}
    by_problem = figures_by("problem", PERIOD, False)
    assert [(row.group, row["received"]) for row in by_problem] == [("", 1), ("1.1", 4)]
    assert [row.group for row in figures_by("month", PERIOD, False)] == ["2024-03"]
    empty = compute_figures(ReportFilters(date(2024, 4, 1), date(2024, 4, 30), as_of=AS_OF), True)
    assert empty["received"] == 0 and empty["response_rate"] is None


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the test runs from here on."""
    seen: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The tests' own savepoints (tests/conftest.py) are not queries of the report.
        if "SAVEPOINT" not in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    yield seen
    event.remove(db.engine, "before_cursor_execute", listen)


def test_a_few_queries_whatever_the_number_of_cases(history: dict[str, Case], statements: list[str]) -> None:
    compute_figures(PERIOD, viewer_may_see_sealed=True)
    few = len(statements)
    for n in range(20):
        new_case(f"又一条意见 {n}", problems=("1.1",))
    statements.clear()
    figures = compute_figures(PERIOD, viewer_may_see_sealed=True)
    assert figures["received"] == 26 and len(statements) == few <= 8


def test_cli_prints_json_and_csv(history: dict[str, Case], app: Flask) -> None:
    runner = app.test_cli_runner()
    args = ["report", "--from", "2024-03-01", "--to", "2024-03-31", "--as-of", "2024-06-28"]
    result = runner.invoke(args=[*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    expected = compute_figures(PERIOD, viewer_may_see_sealed=False).as_dict()
    assert document["figures"] == {name: expected[name] for name in NAMES}
    assert list(document["figures"]) == list(NAMES)
    assert (document["figures"]["received"], document["figures"]["response_rate"]) == (5, 2 / 3)
    sealed = json.loads(runner.invoke(args=[*args, "--include-sealed", "--by", "department"]).output)
    assert {row["group"]: row["received"] for row in sealed["groups"]} == {
        "": 2, "discipline": 1, "economy": 2, "finance": 1}
    table = runner.invoke(args=[*args, "--format", "csv", "--by", "channel"])
    rows = list(csv.DictReader(io.StringIO(table.output)))
    assert [row["group"] for row in rows] == ["email", "letter", "web"]
    assert rows[0]["return_rate"] == "0.5" and rows[1]["response_rate"] == ""
    assert list(rows[0]) == ["group", *NAMES]
    bad = runner.invoke(args=["report", "--from", "2024-03-31", "--to", "2024-03-01"])
    assert bad.exit_code == 2 and "--to is before --from" in bad.output
