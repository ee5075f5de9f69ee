"""The monthly report for the party group (issue 13 point 4): page, print CSS and XLSX."""

from __future__ import annotations

import io
import re
from datetime import date

from flask.testing import FlaskClient
from openpyxl import load_workbook

from cases.models import Case
from cases.reports import NAMES, ReportFilters, compute_figures, figures_by, today
from cases.staff.report_monthly import difference, difference_text
from cases.staff.report_tables import format_value
from tests.cases.report_support import at
from tests.cases.test_report_pages import history, page, relogin, shown_figures, stored  # noqa: F401  (fixture)
from tests.cases.triage_support import login, new_case

MARCH = {"month": "2024-03"}
TITLE = "虹桥国际中央商务区管委会巡视整改意见建议办理情况月报 2024年3月"


def month_filters(first: date, last: date) -> ReportFilters:
    """A month's filters as the monthly report computes them (as of today)."""
    return ReportFilters(first, last, as_of=today())


def march() -> ReportFilters:
    """March 2024 as the monthly report computes it."""
    return month_filters(date(2024, 3, 1), date(2024, 3, 31))


def february() -> ReportFilters:
    """February 2024, the month before."""
    return month_filters(date(2024, 2, 1), date(2024, 2, 29))


def compared(html: str) -> dict[str, tuple[str, str, str]]:
    """The comparison table: machine name → (this month, previous month, difference)."""
    row = (r'<tr id="compare-(\w+)"><th scope="row">[^<]*</th><td class="num">([^<]*)</td>'
           r'<td class="num">([^<]*)</td><td class="num">([^<]*)</td>')
    return {name: (current, previous, change) for name, current, previous, change in re.findall(row, html)}


def test_the_monthly_report_holds_the_services_figures(history: dict[str, Case],  # noqa: F811
                                                       client: FlaskClient) -> None:
    # February: two opinions, one of them linked to 1.1, none decided (both overdue by now).
    new_case("二月的意见。", received_at=at(2, 5), problems=("1.1",))
    new_case("二月的另一条意见。", received_at=at(2, 6))
    login(client, "leader")
    html = page(client, "/staff/reports/monthly", **MARCH)
    assert f"<h1 class=\"monthly__title\">{TITLE}</h1>" in html and f"<title>{TITLE}</title>" in html
    assert "2024-03-01" in html and "2024-03-31" in html and today().isoformat() in html
    in_march = compute_figures(march(), viewer_may_see_sealed=False)
    in_february = compute_figures(february(), viewer_may_see_sealed=False)
    assert shown_figures(html) == {name: format_value(name, in_march[name]) for name in NAMES}
    assert "答复率" in html and "不计入" in html  # labels and definitions, in Chinese
    table = compared(html)
    assert list(table) == list(NAMES)
    for name in NAMES:
        assert table[name] == (format_value(name, in_march[name]), format_value(name, in_february[name]),
                               difference_text(name, difference(in_march[name], in_february[name]))), name
    assert table["received"] == ("5", "2", "+3")
    assert table["response_rate"][2] == "—"  # February has no denominator: no difference
    assert difference_text("response_rate", 0.25) == "+25.0个百分点"
    # Per department and per problem: the service's groups, by name.
    groups = figures_by("department", march(), False)
    assert re.search(r'<tr id="departments-economy"><th scope="row">经济发展处</th>', html)
    assert len(re.findall(r'<tr id="departments-', html)) == len(groups)
    assert re.search(r'<tr id="problems-1\.1"><th scope="row">1\.1 ', html)
    # Overdue: references and departments only, never the sender or the text.
    assert history["undecided"].reference in html and "张三" not in html and "来信反映问题" not in html
    assert history["sealed"].reference not in html
    # Print: its own A4 style sheet, no site navigation, a page per section.
    assert 'href="/static/css/monthly.css"' in html and 'class="site-nav"' not in html
    with client.get("/static/css/monthly.css") as response:
        css = response.get_data(as_text=True)
    assert "size: A4" in css and "break-before: page" in css and "@media print" in css
    # Linked from the dashboard.
    assert 'href="/staff/reports/monthly"' in page(client, "/staff/reports")


def test_accusations_and_who_may_read_it(history: dict[str, Case], client: FlaskClient) -> None:  # noqa: F811
    sealed = history["sealed"].reference
    login(client, "handler")
    assert client.get("/staff/reports/monthly", query_string=MARCH).status_code == 403
    assert client.get("/staff/reports/monthly.xlsx", query_string=MARCH).status_code == 403
    relogin(client, "inspector")
    html = page(client, "/staff/reports/monthly", **MARCH)
    assert shown_figures(html)["received"] == "6"
    everything = compute_figures(march(), viewer_may_see_sealed=True)
    assert shown_figures(html)["overdue_now"] == format_value("overdue_now", everything["overdue_now"])
    relogin(client, "leader")
    html = page(client, "/staff/reports/monthly", **MARCH)
    assert shown_figures(html)["received"] == "5" and sealed not in html
    assert '<tr id="departments-discipline">' not in html


def test_a_wrong_month_gets_a_message(history: dict[str, Case], client: FlaskClient) -> None:  # noqa: F811
    login(client, "leader")
    for wrong in ("2024-13", "March", "2999-01"):
        html = page(client, "/staff/reports/monthly", month=wrong)
        assert 'id="month-error"' in html and 'aria-invalid="true"' in html, wrong
    refused = client.get("/staff/reports/monthly.xlsx", query_string={"month": "2024-3"})
    assert refused.status_code == 302
    assert refused.headers["Location"].endswith("/staff/reports/monthly?month=2024-3")


def test_the_monthly_workbook(history: dict[str, Case], client: FlaskClient) -> None:  # noqa: F811
    login(client, "leader")
    response = client.get("/staff/reports/monthly.xlsx", query_string=MARCH)
    assert response.status_code == 200
    assert "monthly-report-2024-03.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert book.sheetnames == ["概要", "与上月比较", "按部门", "按整改问题", "逾期案件", "指标定义"]
    in_march = compute_figures(march(), viewer_may_see_sealed=False)
    summary = list(book["概要"].iter_rows(values_only=True))
    assert summary[0][0] == TITLE
    assert {row[1]: row[2] for row in summary[6:]} == {name: stored(in_march[name]) for name in NAMES}
    compared_rows = {row[1]: row[2:] for row in list(book["与上月比较"].iter_rows(values_only=True))[1:]}
    assert compared_rows["received"] == (5, 0, 5)
    departments = list(book["按部门"].iter_rows(values_only=True))
    groups = figures_by("department", march(), False)
    assert {row[1] or "": row[2 + NAMES.index("received")] for row in departments[2:]} == {
        row.group: row["received"] for row in groups}
    overdue = [row[0] for row in list(book["逾期案件"].iter_rows(values_only=True))[1:]]
    assert history["undecided"].reference in overdue and history["sealed"].reference not in overdue
    assert [row[0] for row in list(book["指标定义"].iter_rows(values_only=True))[1:]] == list(NAMES)
