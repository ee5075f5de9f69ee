"""The monthly roll-up of the report facts (issue 13 point 7): the same figures as the facts alone.

Random histories spread over two years are stored as facts (as ``write_facts`` stores them), the
roll-up is built from them, and for random periods (one day, partial months, across a new year),
report days, filters, groupings and viewers the figures with the roll-up (whole months from its
cells, the edges from the facts) must be identical to those of the facts alone (the roll-up off);
and the roll-up must follow the facts through the outbox's refresh and ``report rebuild``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from cases.domain.deadlines import WorkingCalendar
from cases.domain.report_facts import as_columns, fact_rows, link_set, valid_on
from cases.domain.report_figures import CaseHistory, HistoryEvent, case_outcome
from cases.domain.report_rollup import adjusted, cell_columns, covers_less, is_empty, roll_up
from cases.extensions import db
from cases.models import (
    Case,
    ReportDirty,
    ReportFact,
    ReportRollup,
    ReportRollupCount,
    ReportState,
    StaffUser,
)
from cases.outbox import commit_and_dispatch
from cases.reports import FigureSet, ReportFilters, compute_figures, figures_by
from cases.reports.aggregate import facts_basis
from cases.reports.facts import rebuild
from cases.reports.rollup import refresh_months, rollup_tallies
from cases.triage import decisions
from tests.cases.report_support import PERIOD, at
from tests.cases.test_report_properties import CLOCKS, histories
from tests.cases.test_reports_service import history as history  # the fixture
from tests.cases.triage_support import new_case
from tests.feedback.workflow import reply

GROUPINGS = (None, "department", "problem", "channel", "month")
FILTERS = ({}, {"department": "economy"}, {"department": ""}, {"problem": "1.1"}, {"channel": "email"},
           {"kind": "accusation"}, {"department": "finance", "channel": "web"})
ZONE = ZoneInfo("Asia/Shanghai")


def served(by: str | None, filters: ReportFilters, sealed: bool) -> list[FigureSet]:
    """What the public API answers."""
    return [compute_figures(filters, sealed)] if by is None else figures_by(by, filters, sealed)


def use_rollup(flag: bool) -> None:
    """Let the reports read the roll-up, or count the facts alone."""
    db.session.get(ReportState, 1).rollup = flag  # type: ignore[union-attr]
    db.session.commit()


def shifted(case: CaseHistory, days: int) -> CaseHistory:
    """The same history, every day ``days`` later."""
    move = timedelta(days=days)
    events = tuple(HistoryEvent(e.on + move, e.action, e.to_status, e.department, e.level, e.days)
                   for e in case.events)
    return CaseHistory(case.case_id, case.received_on + move, case.channel, case.kind, case.sealed, events,
                       case.problems, case.tasks)


def fact_dicts(walk: CaseHistory, case_id: int) -> list[dict[str, Any]]:
    """The fact rows of one history, as write_facts stores them (a plain calendar)."""
    outcome = case_outcome(walk, WorkingCalendar(lambda _day: None, {}), CLOCKS, valid_on(walk))
    shared = {"case_id": case_id, "received_on": walk.received_on,
              "month": walk.received_on.strftime("%Y-%m"), "channel": walk.channel,
              "kind": walk.kind, "restricted": walk.sealed, "problems": link_set(walk.problems),
              "tasks": link_set(walk.tasks), "valid_on": valid_on(walk)}
    return [{**shared, **as_columns(row)} for row in fact_rows(outcome)]


def store(cases: list[CaseHistory], dirty: list[bool]) -> None:
    """Store these histories as cases and facts (as write_facts does), build the roll-up; commits."""
    for table in (ReportRollup, ReportRollupCount, ReportDirty, ReportFact, Case):
        db.session.execute(delete(table))
    rows: list[dict[str, object]] = []
    for number, walk in enumerate(cases):
        case = Case(reference=f"HQ-T-{number}", tracking_code_hash="-", channel=walk.channel,
                    kind=walk.kind, status="received", confidential=walk.sealed,
                    received_at=datetime.combine(walk.received_on, time(12), ZONE), screened_at=None)
        db.session.add(case)
        db.session.flush()
        rows.extend(fact_dicts(walk, case.id))
        if dirty[number]:
            db.session.add(ReportDirty(case_id=case.id))
    if rows:
        db.session.execute(insert(ReportFact), rows)
    refresh_months({row["month"] for row in rows})
    state = db.session.get(ReportState, 1) or ReportState(id=1)
    state.basis, state.rollup = facts_basis(), True
    db.session.add(state)
    db.session.commit()


@pytest.fixture
def stored(app: Flask, catalogue: object) -> Iterator[None]:
    """The app with the catalogue (coverage has a denominator); each example stores its cases."""
    yield


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 9).map(lambda n: n == 0)),
                      min_size=6, max_size=24).flatmap(
           lambda drawn: st.tuples(st.just(drawn), st.tuples(*(histories(n) for n in range(len(drawn)))))),
       start=st.integers(-20, 300),
       length=st.one_of(st.just(0), st.integers(0, 45), st.integers(30, 480), st.integers(60, 480)),
       as_of=st.one_of(st.none(), st.integers(0, 700)), extra=st.sampled_from(FILTERS))
def test_the_rollup_gives_the_figures_of_the_facts(
        stored: None, cases: tuple[list[tuple[int, bool]], tuple[CaseHistory, ...]], start: int, length: int,
        as_of: int | None, extra: dict[str, str]) -> None:
    drawn, walked = cases
    # Spread over up to two years: the n-th case some 20 days after the one before.
    pairs = enumerate(zip(drawn, walked, strict=True))
    spread = [shifted(case, 20 * n + days) for n, ((days, _dirty), case) in pairs]
    store(spread, [dirty for _days, dirty in drawn])
    first = date(2024, 4, 1) + timedelta(days=start)
    filters = ReportFilters(first, first + timedelta(days=length),
                            as_of=None if as_of is None else date(2024, 4, 1) + timedelta(days=as_of),
                            **extra)
    answers = {}
    for flag in (True, False):
        use_rollup(flag)
        answers[flag] = [served(by, filters, sealed) for by in GROUPINGS for sealed in (False, True)]
    assert answers[True] == answers[False]


def test_whole_months_come_from_the_rollup_and_the_edges_from_the_facts(stored: None) -> None:
    day = date(2024, 4, 3)
    cases = [CaseHistory(n, day + timedelta(days=13 * n), "web", "suggestion", False,
                         (HistoryEvent(day + timedelta(days=13 * n), "received", "received"),
                          HistoryEvent(day + timedelta(days=13 * n + n % 7), "accept", "accepted")))
             for n in range(60)]  # every 13 days for two years, acknowledged after 0 to 6 days
    store(cases, [False] * len(cases))
    filters = ReportFilters(date(2024, 4, 20), date(2025, 2, 10), as_of=date(2026, 1, 1))
    groups, days = rollup_tallies(None, filters, False, date(2026, 1, 1))
    assert days == [(date(2024, 4, 20), date(2024, 4, 30)), (date(2025, 2, 1), date(2025, 2, 10))]
    assert 0 < groups[""].received < compute_figures(filters, False)["received"]
    figures = compute_figures(filters, False)
    use_rollup(False)
    assert compute_figures(filters, False) == figures  # the medians and percentiles included
    assert figures["median_days_to_acknowledge"] is not None
    # Two filters at once: no cell holds both, so the facts answer all of it.
    assert rollup_tallies(None, ReportFilters(filters.start, filters.end, channel="web", kind="suggestion"),
                          False, date(2026, 1, 1))[1] == [(filters.start, filters.end)]


def recomputed() -> tuple[list[str], list[str]]:
    """The stored roll-up (cells and counts), and the one built afresh from the stored facts."""
    def table(model: type) -> list[str]:
        rows = db.session.execute(select(*(c for c in model.__table__.c if c.name != "id")))  # type: ignore[attr-defined]
        return sorted(str(sorted(row._mapping.items())) for row in rows)

    facts = [row._mapping for row in db.session.execute(select(*ReportFact.__table__.c))]
    built = [cell_columns(key, cell) for key, cell in roll_up(facts).items()]
    fresh = (sorted(str(sorted(row.items())) for row, _counts in built)
             + sorted(str(sorted(count.items())) for _row, counts in built for count in counts))
    return table(ReportRollup) + table(ReportRollupCount), fresh


def test_the_rollup_follows_the_facts(history: dict[str, Case], app: Flask) -> None:
    # Received now, linked, no kind yet: its acceptance below moves it (and the link) to another cell.
    case = new_case("建议公开空置率。", problems=("1.1",))
    rebuild()
    assert db.session.get(ReportState, 1).rollup  # type: ignore[union-attr]
    before = served("department", PERIOD, False)
    stored_rows, fresh = recomputed()
    assert stored_rows == fresh and stored_rows
    triager = db.session.scalar(select(StaffUser).where(StaffUser.email == "triager@hqcbd.test"))
    decisions.accept(history["undecided"], actor=triager, now=at(3, 20), kind="suggestion")
    reply(history["undecided"], "已答复。", at=at(3, 22))
    decisions.accept(case, actor=triager, now=at(3, 4), kind="suggestion")
    commit_and_dispatch()  # the refresh after the commit rewrites the facts and their months' cells
    assert db.session.scalar(select(ReportDirty.id)) is None
    stored_rows, fresh = recomputed()
    assert stored_rows == fresh
    after = served("department", PERIOD, False)
    assert after != before
    use_rollup(False)
    assert served("department", PERIOD, False) == after


def moved(case_id: int, days: int) -> st.SearchStrategy[CaseHistory]:
    """A random history received some days after the usual start (across month ends)."""
    return histories(case_id).map(lambda walk: shifted(walk, days))


@settings(max_examples=200, deadline=None)
@given(before=st.lists(st.integers(0, 60), min_size=1, max_size=8).flatmap(
           lambda days: st.tuples(*(moved(n, d) for n, d in enumerate(days)))),
       after=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 60)), max_size=4).flatmap(
           lambda drawn: st.tuples(*(moved(n, d) for n, d in drawn))))
def test_replacing_rows_adjusts_the_cells_as_a_new_roll_up(
        before: tuple[CaseHistory, ...], after: tuple[CaseHistory, ...]) -> None:
    """What a refresh does to the stored cells (replace_facts) equals the roll-up of the new facts."""
    old_rows = {case.case_id: fact_dicts(case, case.case_id) for case in before}
    new_rows = {**old_rows, **{case.case_id: fact_dicts(case, case.case_id) for case in after}}
    replaced = {case.case_id for case in after}
    old = roll_up(row for case_id in replaced for row in old_rows.get(case_id, []))
    new = roll_up(row for case_id in replaced for row in new_rows[case_id])
    stored = roll_up(row for rows in old_rows.values() for row in rows)
    expected = roll_up(row for rows in new_rows.values() for row in rows)
    cells = dict(stored)
    for key in set(old) | set(new):
        cells[key] = adjusted(stored.get(key), old.get(key), new.get(key))
        if covers_less(old.get(key), new.get(key)):  # recounted from the facts
            cells[key].covered = expected[key].covered if key in expected else set()
    kept = {key: cell for key, cell in cells.items() if not is_empty(cell)}
    assert kept.keys() == expected.keys()
    for key, cell in expected.items():
        assert (+kept[key].sums, kept[key].counts, kept[key].covered) == (
            +cell.sums, cell.counts, cell.covered), key
        assert kept[key].valid_on >= cell.valid_on  # the latest ever: never earlier than the facts'
