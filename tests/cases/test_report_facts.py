"""The stored report facts (issue 13 point 7): the SQL route gives the same figures as the events.

The streaming route (every case's events walked and summed) is the reference; the facts route
(``report_fact`` rows counted in SQL) must give identical FigureSets for every grouping, filter,
viewer and report day, on the services-built histories of test_reports_service and on random
histories; and a case's facts must follow its events through the outbox job.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cases.domain.deadlines import WorkingCalendar
from cases.domain.report_facts import AFTER, SUMS, add_days, add_sums, as_columns, fact_rows, valid_on
from cases.domain.report_figures import CaseHistory, Tally, case_outcome, keep_for, outcomes_of, tally
from cases.extensions import db
from cases.handling.ratings import rate_reply
from cases.models import Case, HolidayOverride, ReportDirty, ReportFact, StaffUser
from cases.outbox import commit_and_dispatch
from cases.reports import FigureSet, ReportFilters, compute_figures, figures_by, load_histories, today
from cases.reports.aggregate import facts_current, stale_case_ids
from cases.reports.facts import rebuild, sweep_dirty
from cases.reports.service import catalogue_size
from cases.triage import decisions
from cases.triage.calendar import configured_clocks, current_calendar
from tests.cases.report_support import AS_OF, PERIOD, at
from tests.cases.test_report_properties import CATALOGUE, CLOCKS, START, histories
from tests.cases.test_reports_service import history as history  # the fixture
from tests.cases.triage_support import new_case
from tests.feedback.workflow import reply

GROUPINGS = (None, "department", "problem", "channel", "month")


def streamed(by: str | None, filters: ReportFilters, sealed: bool) -> list[FigureSet]:
    """The reference: every case of the period read from its events (the streaming route alone)."""
    outcomes = outcomes_of(load_histories(filters, sealed), current_calendar(), configured_clocks(),
                           filters.as_of or today())
    groups, size = tally(outcomes, by, department=filters.department), catalogue_size()
    if by is None:
        return [FigureSet("", groups.get("", Tally()).figures(size))]
    return [FigureSet(key, groups[key].figures(size)) for key in sorted(groups)]


def served(by: str | None, filters: ReportFilters, sealed: bool) -> list[FigureSet]:
    """What the public API answers."""
    return [compute_figures(filters, sealed)] if by is None else figures_by(by, filters, sealed)


def variants() -> list[ReportFilters]:
    """Filters of every kind, for report days after every event, today, and in the middle of March."""
    start, end = PERIOD.start, PERIOD.end
    return [ReportFilters(start, end, as_of=as_of, **extra)  # type: ignore[arg-type]
            for as_of in (AS_OF, None, date(2024, 3, 9))
            for extra in ({}, {"department": "economy"}, {"department": ""}, {"problem": "1.1"},
                          {"channel": "email"}, {"kind": "suggestion"})]


def test_the_facts_give_the_figures_of_the_events(history: dict[str, Case], app: Flask) -> None:
    expected = {(by, filters, sealed): streamed(by, filters, sealed)
                for by in GROUPINGS for filters in variants() for sealed in (False, True)}
    assert rebuild() == 6
    assert db.session.scalar(select(func.count()).select_from(ReportDirty)) == 0
    # Facts hold from each case's last event on: none is read from its events on the report day.
    assert list(db.session.scalars(stale_case_ids(AS_OF))) == []
    later = {history[name].id for name in ("replied", "returned", "sealed")}  # events after the 9th
    assert set(db.session.scalars(stale_case_ids(date(2024, 3, 9)))) == later
    by_department = {row.department for row in db.session.scalars(select(ReportFact))}
    assert by_department == {"", "economy", "finance", "discipline"}
    for (by, filters, sealed), figures in expected.items():
        assert served(by, filters, sealed) == figures, (by, filters, sealed)
    assert compute_figures(PERIOD, False)["received"] == 5  # and the known answer still holds


def test_a_case_changed_after_the_facts_is_read_from_its_events(history: dict[str, Case]) -> None:
    rebuild()
    triager = db.session.scalar(select(StaffUser).where(StaffUser.email == "triager@hqcbd.test"))
    decisions.accept(history["undecided"], actor=triager, now=at(3, 20), kind="suggestion")
    db.session.commit()  # no dispatch: the case stays marked dirty
    assert db.session.scalar(select(func.count()).select_from(ReportDirty)) == 1
    for by in GROUPINGS:
        assert served(by, PERIOD, False) == streamed(by, PERIOD, False)
    assert compute_figures(PERIOD, False)["accepted"] == 4


def test_a_changed_calendar_sends_the_reports_back_to_the_events(history: dict[str, Case]) -> None:
    rebuild()
    assert facts_current()
    before = served("department", PERIOD, False)
    # 5 March becomes a holiday: every due date after it moves, and the stored ones are wrong.
    db.session.add(HolidayOverride(day=date(2024, 3, 5), is_working_day=False, note="test"))
    db.session.commit()
    assert not facts_current()
    for by in GROUPINGS:
        assert served(by, PERIOD, False) == streamed(by, PERIOD, False)
    assert served("department", PERIOD, False) != before  # the days to acknowledge changed
    rebuild()
    assert facts_current() and served("department", PERIOD, False) == streamed("department", PERIOD, False)


def facts_of(case: Case) -> dict[str, ReportFact]:
    """The stored fact rows of one case, by department."""
    db.session.expire_all()
    rows = db.session.scalars(select(ReportFact).where(ReportFact.case_id == case.id))
    return {row.department: row for row in rows}


def test_a_case_is_refreshed_after_the_commit_of_its_events(history: dict[str, Case]) -> None:
    rebuild()
    case = new_case("建议公开空置率。", problems=("1.1",))  # a plain commit: marked, not refreshed
    assert db.session.scalar(select(func.count()).select_from(ReportDirty)) == 1
    assert sweep_dirty() == 1  # the cron sweep (wsgi.refresh_report_facts) takes it
    assert facts_of(case)[""].is_case and not facts_of(case)[""].accepted
    triager = db.session.scalar(select(StaffUser).where(StaffUser.email == "triager@hqcbd.test"))
    decisions.accept(case, actor=triager, now=at(3, 4), kind="suggestion")
    reply(case, "已按季度公开空置率。", at=at(3, 11))
    commit_and_dispatch()  # the boundary's commit: refreshed after it (in-process in the embedded mode)
    assert db.session.scalar(select(func.count()).select_from(ReportDirty)) == 0
    economy = facts_of(case)["economy"]
    assert economy.is_case and economy.accepted and economy.replied and economy.replied_on_time
    assert economy.rated_5 == 0 and economy.valid_on == date(2024, 3, 11)
    rate_reply(case, 5, now=at(3, 12))
    commit_and_dispatch()
    assert facts_of(case)["economy"].rated_5 == 1 and facts_of(case)["economy"].valid_on == date(2024, 3, 12)


def test_rebuild_command_shows_progress(history: dict[str, Case], app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["report", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "rebuilt the report facts of 6 case(s)" in result.output
    assert db.session.scalar(select(func.count(func.distinct(ReportFact.case_id)))) == 6


def from_facts(cases: list[CaseHistory], calendar: WorkingCalendar, as_of: date, sealed: bool,
               by: str | None, department: str | None) -> dict[str, Tally]:
    """What the service does, with Python in place of SQL: the facts of cases whose facts hold on
    the report day (grouped rows counted one by one), the others walked from their events."""
    keep = keep_for(sealed)
    fresh = [case for case in cases if keep(case) and valid_on(case) <= as_of]
    stale = [case for case in cases if keep(case) and valid_on(case) > as_of]
    groups: dict[str, Tally] = {}
    per_holder = by == "department" or department is not None
    for case in fresh:
        outcome = case_outcome(case, calendar, CLOCKS, valid_on(case))
        keys = {"channel": [case.channel], "month": [case.received_on.strftime("%Y-%m")],
                "problem": list(case.problems) or [""], None: [""]}
        for row in fact_rows(outcome):
            if department is not None and row.department != department:
                continue
            columns = as_columns(row)
            sums = {**{name: int(columns[name]) for name in SUMS},
                    **{name: int(columns[column] is not None and as_of > columns[column])
                       for name, column in AFTER.items()},
                    "ack_days": row.ack_days, "reply_days": row.reply_days}
            for key in [row.department] if by == "department" else keys[by]:
                add_sums(groups, key, sums, per_holder)
                add_days(groups, key, "ack_days", row.ack_days, int(row.acknowledged))
                add_days(groups, key, "reply_days", row.reply_days, int(row.replied))
                if row.is_case and not row.duplicate:
                    groups[key].covered |= ({f"problem:{code}" for code in case.problems}
                                            | {f"task:{task}" for task in case.tasks})
    for key, group in tally(outcomes_of(stale, calendar, CLOCKS, as_of), by, department).items():
        groups.setdefault(key, Tally()).merge(group)
    return groups


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(st.integers(), max_size=8).flatmap(
           lambda ids: st.tuples(*(histories(n) for n in range(len(ids))))),
       overrides=st.dictionaries(st.integers(0, 120).map(lambda n: START + timedelta(days=n)),
                                 st.booleans(), max_size=12),
       day=st.integers(0, 150), sealed=st.booleans(),
       by=st.sampled_from(GROUPINGS), department=st.sampled_from((None, "", "economy", "finance")))
def test_facts_and_events_agree_on_random_histories(
        cases: tuple[CaseHistory, ...], overrides: dict[date, bool], day: int, sealed: bool, by: str | None,
        department: str | None) -> None:
    calendar, as_of = WorkingCalendar(lambda _day: None, overrides), START + timedelta(days=day)
    expected = tally(outcomes_of(cases, calendar, CLOCKS, as_of, keep_for(sealed)), by, department)
    actual = from_facts(list(cases), calendar, as_of, sealed, by, department)
    assert {key: group.figures(CATALOGUE) for key, group in actual.items()} == {
        key: group.figures(CATALOGUE) for key, group in expected.items()}
