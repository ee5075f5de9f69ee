"""The staff report pages and their downloads, on cases built through the real services (issue 13)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from cases.extensions import db
from cases.models import Case, StaffUser
from cases.reports import (
    DEFINITIONS,
    NAMES,
    ReportFilters,
    compute_figures,
    figures_by,
    linked_per_task,
    today,
)
from cases.staff.report_tables import format_value
from cases.triage.links import link_problem, problem_by_code
from tests.cases.report_support import at, build_history
from tests.cases.triage_support import login, new_case, staff

MARCH = {"from": "2024-03-01", "to": "2024-03-31"}


@pytest.fixture
def history(app: Flask, catalogue: object) -> dict[str, Case]:
    """Six opinions of March 2024 (see report_support.build_history), a leader and a supervisor."""
    cases = build_history()  # with the triager, handler and inspector
    staff("leader"), staff("supervisor")
    return cases


def march(**filters: str | None) -> ReportFilters:
    """The filters the pages compute for March 2024 (as of today, their default)."""
    return ReportFilters(date(2024, 3, 1), date(2024, 3, 31), as_of=today(), **filters)


def shown_figures(html: str) -> dict[str, str]:
    """The dashboard's table of figures: machine name → value text."""
    row = r'<tr id="figure-(\w+)"><th scope="row">[^<]*</th><td class="num">([^<]*)</td>'
    return dict(re.findall(row, html))


def relogin(client: FlaskClient, key: str) -> None:
    """Forget whoever was logged in, and log in as the STAFF user ``key``."""
    with client.session_transaction() as session:
        session.clear()
    login(client, key)


def stored(value: int | float | None) -> object:
    """A figure as read back from XLSX, which keeps about 15 significant digits of a fraction."""
    return pytest.approx(value, rel=1e-12) if isinstance(value, float) else value


def page(client: FlaskClient, path: str, **args: str) -> str:
    response = client.get(path, query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_dashboard_shows_the_services_figures(history: dict[str, Case], client: FlaskClient) -> None:
    login(client, "leader")
    html = page(client, "/staff/reports", **MARCH)
    expected = compute_figures(march(), viewer_may_see_sealed=False)
    shown = shown_figures(html)
    assert list(shown) == list(NAMES)
    assert shown == {name: format_value(name, expected[name]) for name in NAMES}
    assert (shown["received"], shown["response_rate"], shown["return_rate"]) == ("5", "66.7%", "25.0%")
    # Labels and help text are the definitions', translated (Chinese by default).
    assert "答复率" in html and "不计入" in html
    # By department: names, not codes, and the chart with its text alternative.
    assert '<th scope="row">经济发展处</th>' in html
    assert re.search(r'<svg role="img" aria-labelledby="chart-title chart-desc"', html)
    filtered = shown_figures(page(client, "/staff/reports", department="economy", channel="web", **MARCH))
    economy = compute_figures(march(department="economy", channel="web"), viewer_may_see_sealed=False)
    assert filtered == {name: format_value(name, economy[name]) for name in NAMES}


def test_accusations_count_only_for_those_who_may_see_them(history: dict[str, Case],
                                                           client: FlaskClient) -> None:
    for key, received, included in (("leader", "5", False), ("triager", "5", False), ("inspector", "6", True),
                                    ("supervisor", "6", True)):
        relogin(client, key)
        html = page(client, "/staff/reports", **MARCH)
        assert shown_figures(html)["received"] == received, key
        assert ("不包括" not in html) == included, key
        # The discipline group's row in the table by department.
        assert ('<th scope="row">驻委纪检组</th>' in html) == included, key


def test_who_may_read_the_reports(history: dict[str, Case], client: FlaskClient) -> None:
    assert client.get("/staff/reports").status_code == 302  # to the login page
    login(client, "handler")
    for path in ("/staff/reports", "/staff/reports/problems", "/staff/reports.xlsx", "/staff/reports.csv"):
        assert client.get(path).status_code == 403, path
    assert "/staff/reports" not in page(client, "/staff/")
    relogin(client, "leader")
    assert 'href="/staff/reports"' in page(client, "/staff/")


@pytest.mark.parametrize("args, field", [
    ({"from": "2024-13-01"}, "from"), ({"from": "2024-03-31", "to": "2024-03-01"}, "to"),
    ({"kind": "bribery"}, "kind"), ({"department": "nowhere"}, "department"), ({"problem": "9.9"}, "problem"),
    ({"channel": "fax"}, "channel"), ({"from": "1900-01-01", "to": "2024-01-01"}, "to"),
])
def test_bad_filters_are_refused_with_a_message(history: dict[str, Case], client: FlaskClient,
                                               args: dict[str, str], field: str) -> None:
    login(client, "leader")
    html = page(client, "/staff/reports", **args)
    assert f'<li><a href="#{field}">' in html and f'id="{field}-error"' in html
    assert "Choose" not in html and "Enter a date" not in html  # in Chinese
    # The default report is shown meanwhile: this year's opinions (none of them in 2024's March).
    assert shown_figures(html)["received"] == str(compute_figures(
        ReportFilters(date(today().year, 1, 1), today(), as_of=today()), False)["received"])


def test_downloads_hold_the_pages_figures(history: dict[str, Case], client: FlaskClient) -> None:
    login(client, "leader")
    response = client.get("/staff/reports.xlsx", query_string=MARCH)
    assert response.status_code == 200 and "report-2024-03-01-2024-03-31.xlsx" in response.headers[
        "Content-Disposition"]
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert book.sheetnames == ["统计数据", "按部门", "指标定义"]
    total = compute_figures(march(), viewer_may_see_sealed=False)
    rows = list(book["统计数据"].iter_rows(values_only=True))
    assert [row[1] for row in rows[:4]] == ["2024-03-01", "2024-03-31", today().isoformat(), "否"]
    assert rows[5] == ("指标", "指标代码", "数值")
    table = {row[1]: row[2] for row in rows[6:]}
    # XLSX keeps about 15 significant digits of a fraction.
    assert table == {name: stored(total[name]) for name in NAMES}
    groups = {row.group: row for row in figures_by("department", march(), viewer_may_see_sealed=False)}
    departments = list(book["按部门"].iter_rows(values_only=True))
    assert departments[1][2:] == tuple(NAMES)
    assert {row[1] or "": list(row[2:]) for row in departments[2:]} == {
        code: [stored(row[name]) for name in NAMES] for code, row in groups.items()}
    definitions = list(book["指标定义"].iter_rows(values_only=True))[1:]
    assert [row[0] for row in definitions] == [d.name for d in DEFINITIONS]
    assert all(row[2] for row in definitions)

    text = client.get("/staff/reports.csv", query_string=MARCH).get_data()
    assert text.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert lines[1] == ["", "", *NAMES]
    by_code = {line[1]: line for line in lines[2:]}
    assert set(by_code) == set(groups)
    assert by_code["economy"][2 + NAMES.index("received")] == str(groups["economy"]["received"])
    assert by_code[""][2 + NAMES.index("response_rate")] == ""  # no denominator: empty, not 0
    by_problem = client.get("/staff/reports.csv", query_string={"by": "problem", **MARCH}).get_data()
    lines = list(csv.reader(io.StringIO(by_problem.decode("utf-8-sig"))))
    assert lines[0][0] == "整改问题"
    assert [(line[1], line[2]) for line in lines[2:]] == [("", "1"), ("1.1", "4")]
    # Wrong filters never give a download of other numbers: back to the page that says what is wrong.
    refused = client.get("/staff/reports.xlsx", query_string={"from": "2024-02-30"})
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith("/staff/reports?from=2024-02-30")
    assert client.get("/staff/reports.csv", query_string={"by": "case"}).status_code == 404


def test_progress_per_item(history: dict[str, Case], client: FlaskClient) -> None:
    problem = problem_by_code("2.1")
    assert problem is not None
    triager = db.session.scalar(select(StaffUser).where(StaffUser.email == "triager@hqcbd.test"))
    late = new_case("营商环境的意见。", problems=("2.1",))
    link_problem(late, problem, actor=triager, now=at(3, 2), task=problem.tasks[0])
    # A sealed accusation linked to the same task: counted for the discipline group only.
    inspector = db.session.scalar(select(StaffUser).where(StaffUser.email == "inspector@hqcbd.test"))
    link_problem(history["sealed"], problem, actor=inspector, now=at(3, 2), task=problem.tasks[0])
    db.session.commit()
    task = problem.tasks[0].id
    assert linked_per_task(march(), viewer_may_see_sealed=False)[task] == 1
    assert linked_per_task(march(), viewer_may_see_sealed=True)[task] == 2
    login(client, "leader")
    html = page(client, "/staff/reports/problems", **MARCH)
    order = re.findall(r'<tr id="problem-([\d.]+)">', html)
    assert order[:2] == ["1.1", "2.1"] and len(order) == 12  # most opinions first: 1.1 has four
    by_problem = {row.group: row for row in figures_by("problem", march(), viewer_may_see_sealed=False)}
    row = re.search(r'<tr id="problem-1\.1">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">(?:<strong[^>]*>)?([^<]*)', row.group(1))
    one = by_problem["1.1"]
    assert cells[1:] == [format_value(name, one[name]) for name in (
        "received", "replied", "response_rate", "on_time_reply_rate", "overdue_now", "satisfaction_rate")]
    # The task linked above shows its one opinion, next to its published measures.
    task_row = re.search(re.escape(problem.tasks[0].headline) + r'</span></th>\s*<td class="num">(\d+)</td>'
                         r'<td class="num">(\d+)</td>', html)
    assert task_row is not None and task_row.groups() == (str(len(problem.tasks[0].measures)), "1")
    html = page(client, "/staff/reports/problems", sort="overdue", **MARCH)
    overdue = re.findall(r'<tr id="problem-([\d.]+)">', html)
    assert overdue[0] in {code for code, row in by_problem.items() if row["overdue_now"]}
