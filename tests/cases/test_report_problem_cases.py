"""Progress per rectification item: where each linked opinion stands (issue 13 point 3)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from cases.extensions import db
from cases.models import Case, StaffUser
from cases.staff import report_problem_cases
from cases.staff.labels import status_label
from cases.triage.links import link_problem, problem_by_code
from tests.cases.report_support import at
from tests.cases.test_report_pages import MARCH, history, page, relogin  # noqa: F401  (fixture)
from tests.cases.triage_support import login


def opinions(html: str, code: str) -> str:
    """The expandable list of a problem's opinions."""
    found = re.search(rf'<details id="opinions-{re.escape(code)}">(.*?)</details>', html, re.S)
    assert found is not None, code
    return found.group(1)


def rows(block: str) -> dict[str, list[str]]:
    """Reference → its cells' text (tags removed), from a list of opinions."""
    found: dict[str, list[str]] = {}
    for row in re.findall(r"<tr><td><a href=\"/staff/cases/([^\"]+)\">.*?</tr>", block, re.S):
        cells = re.search(rf'<a href="/staff/cases/{re.escape(row)}">.*?</tr>', block, re.S)
        assert cells is not None
        found[row] = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>",
                                                                                   cells.group(0), re.S)]
    return found


def test_each_problem_lists_its_opinions_and_where_they_stand(
        app: Flask, history: dict[str, Case], client: FlaskClient) -> None:  # noqa: F811
    problem = problem_by_code("2.1")
    assert problem is not None
    inspector = db.session.scalar(select(StaffUser).where(StaffUser.email == "inspector@hqcbd.test"))
    link_problem(history["sealed"], problem, actor=inspector, now=at(3, 2))
    db.session.commit()
    login(client, "leader")
    html = page(client, "/staff/reports/problems", **MARCH)
    listed = rows(opinions(html, "1.1"))
    assert set(listed) == {history[key].reference for key in ("replied", "returned", "duplicate", "extended")}
    with force_locale("zh_Hans"):
        for key in ("replied", "returned", "duplicate", "extended"):
            case = history[key]
            status, department, due = listed[case.reference]
            assert status == status_label(case.status) and case.status not in status, key
            party_office = "未交办（在机关党委办公室）"
            assert department == (case.department.name_zh if case.department else party_office), key
    # The extended case waits for its reply, long past its due date: the date and the mark.
    extended = history["extended"]
    assert extended.reply_due is not None
    assert listed[extended.reference][2] == f"{extended.reply_due.isoformat()} 已超期"
    assert listed[history["replied"].reference][2] == "—"  # closed: no date to wait for
    assert 'href="/staff/cases/' + extended.reference + '"' in html
    # A sealed accusation linked to 2.1 is not listed for a leader; the discipline group sees it.
    assert 'id="opinions-2.1"' not in html and history["sealed"].reference not in html
    relogin(client, "inspector")
    html = page(client, "/staff/reports/problems", **MARCH)
    assert history["sealed"].reference in rows(opinions(html, "2.1"))
    # Outside the period, nothing is listed.
    relogin(client, "leader")
    html = page(client, "/staff/reports/problems", **{"from": "2024-04-01", "to": "2024-04-30"})
    assert "<details" not in html


def test_the_list_is_bounded(history: dict[str, Case], client: FlaskClient,  # noqa: F811
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_problem_cases, "SHOWN", 2)
    login(client, "leader")
    block = opinions(page(client, "/staff/reports/problems", **MARCH), "1.1")
    listed = rows(block)
    # The two most recent (received last), and the inbox filtered by the problem for all four.
    newest = sorted((history[key] for key in ("replied", "returned", "duplicate", "extended")),
                    key=lambda case: (case.received_at, case.id), reverse=True)[:2]
    assert set(listed) == {case.reference for case in newest}
    assert "（4 件）" in block
    assert 'href="/staff/cases?problem=1.1"' in block
