"""Sealed accusations (检举控告): role × page × case kind.

An accusation is seen only by discipline inspectors and party-office supervisors, never by a
department, never by anyone it names; it is never counted on a page a department sees, and every
view of it is logged. Ordinary cases are seen by the party office, leaders and their own department.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cases.extensions import db
from cases.intake import IncomingFile
from cases.models import Case, CaseEvent, Problem, StaffUser
from cases.triage import decisions, links
from tests.cases.test_staff_web import make_user
from tests.cases.triage_support import dept, login, new_case, setup_departments, staff

NOW = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)
ROLES = [
    "triager",
    "supervisor",
    "inspector",
    "named_inspector",
    "handler",
    "other_handler",
    "dept_head",
    "leader",
]
PAGES = ["home", "inbox", "search", "case", "attachment"]
# "held": an e-mail case the screening job has not looked at yet (it may be an accusation).
KINDS = ["suggestion", "accusation", "held"]

SEES = {
    "suggestion": {"triager", "supervisor", "handler", "dept_head", "leader"},
    "accusation": {"supervisor", "inspector"},
    "held": {"supervisor", "inspector"},
}


def _make_case(kind: str) -> Case:
    supervisor = staff("supervisor")
    scan = (IncomingFile("扫描件.pdf", "application/pdf", b"%PDF-1.4 test"),)
    if kind == "held":
        case = new_case(files=scan, channel="email", screen_later=True)
        assert case.screened_at is None and case.search_text == ""
        return case
    if kind == "accusation":
        case = new_case("举报经济发展处王科长收受企业红包，为亲属公司谋利。", subject="举报信", files=scan)
        assert case.kind == "accusation"
    else:
        case = new_case(files=scan)
        problem = db.session.scalar(db.select(Problem).where(Problem.code == "1.1"))
        links.link_problem(case, problem, actor=supervisor, now=NOW)
    decisions.accept(case, actor=supervisor, now=NOW, kind=kind, reason="test")
    db.session.commit()
    return case


@pytest.fixture
def scene(app: Flask, catalogue: object) -> None:
    setup_departments()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_what(scene: None, client: FlaskClient, role: str, page: str, kind: str) -> None:
    case = _make_case(kind)
    expected = role in SEES[kind]
    if kind == "accusation":
        assert case.department.code == "discipline"  # never a department
    elif kind == "suggestion":
        assert case.department.code == "economy"
    else:
        assert case.department is None  # no decision before the screening
    if role == "named_inspector":
        user = make_user(
            email="named_inspector@hqcbd.test", roles=("inspector",), departments=(dept("discipline"),)
        )
        decisions.add_named_party(case, actor=user, now=NOW, name="被举报人", staff_user=user)
        db.session.commit()
    elif role not in ("supervisor",):
        staff(role)
    login(client, role)
    views_before = db.session.scalar(
        db.select(db.func.count(CaseEvent.id)).where(CaseEvent.action == "viewed")
    )

    if page == "home":
        html = client.get("/staff/").get_data(as_text=True)
        total = re.search(r'<th scope="row">合计</th><td class="num">(\d+)</td>', html)
        assert total and int(total.group(1)) == (1 if expected else 0)
    elif page in ("inbox", "search"):
        words = {"accusation": "红包", "suggestion": "空置", "held": case.reference}
        query = {"q": words[kind]} if page == "search" else {}
        response = client.get("/staff/cases", query_string=query)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert (f'href="/staff/cases/{case.reference}"' in html) is expected  # (the query is echoed)
        # The badges never count what the user may not see.
        status, label = ("received", "已接收") if kind == "held" else ("assigned", "已交办部门")
        badge = re.search(label + r' <span class="badge">(\d+)</span>', html)
        assert case.status == status and badge and int(badge.group(1)) == (1 if expected else 0)
    elif page == "case":
        response = client.get(f"/staff/cases/{case.reference}")
        assert response.status_code == (200 if expected else 404)
        if expected:  # contact details only for roles that must contact the person
            assert ("13800000000" in response.get_data(as_text=True)) is (role != "leader")
    else:
        attachment = case.messages[0].attachments[0]
        response = client.get(f"/staff/cases/{case.reference}/attachments/{attachment.id}")
        assert response.status_code == (200 if expected else 404)

    db.session.expire_all()
    views_after = db.session.scalar(
        db.select(db.func.count(CaseEvent.id)).where(CaseEvent.action == "viewed")
    )
    opened = page in ("case", "attachment") and expected
    assert views_after - views_before == (1 if opened and kind != "suggestion" else 0)


def test_a_view_of_a_sealed_case_is_logged_with_the_viewer(scene: None, client: FlaskClient) -> None:
    case = _make_case("accusation")
    staff("inspector")
    login(client, "inspector")
    client.get(f"/staff/cases/{case.reference}")
    db.session.expire_all()
    viewed = db.session.scalars(db.select(CaseEvent).where(CaseEvent.action == "viewed")).all()
    assert [e.actor_label for e in viewed] == ["inspector@hqcbd.test"]
    assert viewed[0].detail == {"what": "case page"}


def test_leaders_see_no_contact_details(scene: None, client: FlaskClient) -> None:
    case = _make_case("suggestion")
    staff("leader")
    login(client, "leader")
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert case.reference in html and "13800000000" not in html and "citizen@example.test" not in html


def test_a_named_unit_sees_nothing_of_the_accusation(scene: None, client: FlaskClient) -> None:
    case = _make_case("accusation")
    supervisor = db.session.scalar(db.select(StaffUser).where(StaffUser.email == "supervisor@hqcbd.test"))
    other = make_user(email="head@hqcbd.test", roles=("supervisor",), departments=(dept("party_office"),))
    decisions.add_named_party(
        case, actor=other, now=NOW, name="机关党委办公室", department=dept("party_office")
    )
    db.session.commit()
    assert supervisor is not None
    login(client, "supervisor")  # a supervisor of the party office, the unit the accusation names
    assert client.get(f"/staff/cases/{case.reference}").status_code == 404
    assert case.reference not in client.get("/staff/cases").get_data(as_text=True)
    html = client.get("/staff/").get_data(as_text=True)
    assert re.search(r'<th scope="row">合计</th><td class="num">0</td>', html)
