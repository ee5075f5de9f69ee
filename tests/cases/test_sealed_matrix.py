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
from cases.handling import discipline
from cases.intake import IncomingFile
from cases.models import Case, CaseEvent, Problem, StaffUser
from cases.outbox import commit_and_dispatch
from cases.triage import access, decisions, links
from feedback import tracking
from tests.cases.discipline_support import Accusation, accepted_accusation, concluded, setup_discipline, step
from tests.cases.test_staff_web import make_user
from tests.cases.triage_support import csrf_any, dept, login, new_case, reload_case, setup_departments, staff
from tests.feedback.helpers import open_case

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
# A single case's pages ask access's Python twin, which gives the same answer on SQLite: only the lists
# and counts (access's SQL condition) run in the SQLite pass too (tests/conftest.py, ``above_db``).
SINGLE = pytest.mark.above_db
PAGES = ["home", "inbox", "search", *(pytest.param(page, marks=SINGLE) for page in ("case", "attachment"))]
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


# -- The discipline track's handling (issue 12, point 7): for discipline inspectors only --------------

DISCIPLINE_ROLES = ["triager", "supervisor", "inspector", "named_inspector", "handler", "dept_head",
                    "discipline_handler", "discipline_head", "leader", "admin"]
DISCIPLINE_PAGES = [*(pytest.param(page, marks=SINGLE)
                      for page in ("case", "step", "conclude", "report_back")), "lists"]
# Texts of the handling that nobody but the discipline group may read, wherever they would show.
SECRETS = ("初核笔记甲", "了结说明乙", "办理结论丙", "回复内容丁")


def _discipline_user(role: str) -> None:
    extra = {"discipline_handler": ("handler", "discipline"), "discipline_head": ("dept_head", "discipline"),
             "admin": ("admin", None)}
    if role in extra:
        kind, code = extra[role]
        make_user(email=f"{role}@hqcbd.test", roles=(kind,), departments=(dept(code),) if code else ())
    elif role not in ("inspector", "named_inspector"):
        staff(role)


def _handled_accusations() -> list[Accusation]:
    """Three accusations in the discipline group's hands: being handled (its last step concludes it),
    closed, and closed and reported back; each with texts of the handling."""
    inspector = setup_discipline()
    handled, closed, reported = (accepted_accusation(inspector, email=f"r{n}@example.test") for n in range(3))
    step(handled, "preliminary_check", NOW.date(), "初核笔记甲")
    step(handled, "concluded", NOW.date(), "了结说明乙")
    for found in (closed, reported):
        concluded(found, conclusion="办理结论丙")
    discipline.report_back(reported.case, "post", NOW.date(), "回复内容丁", actor=inspector, now=NOW)
    db.session.commit()
    return [handled, closed, reported]


def _post_discipline(client: FlaskClient, reference: str, page: str) -> int:
    token = csrf_any(client.get("/staff/").get_data(as_text=True))
    path, data = {
        "step": ("step", {"step-measure": "talk_or_letter", "step-on": NOW.date().isoformat(),
                          "step-note": "谈话"}),
        "conclude": ("conclude", {"conclude-conclusion": "结论"}),
        "report_back": ("report-back", {"report-method": "post", "report-on": NOW.date().isoformat(),
                                        "report-text": "回复"}),
    }[page]
    response = client.post(f"/staff/cases/{reference}/discipline/{path}", data={"csrf_token": token, **data})
    return response.status_code


@pytest.mark.parametrize("page", DISCIPLINE_PAGES)
@pytest.mark.parametrize("role", DISCIPLINE_ROLES)
def test_who_sees_the_discipline_handling(scene: None, client: FlaskClient, role: str, page: str) -> None:
    handled, closed, reported = cases = _handled_accusations()
    _discipline_user(role)
    if role == "named_inspector":
        user = make_user(email="named_inspector@hqcbd.test", roles=("inspector",),
                         departments=(dept("discipline"),))
        for found in cases:
            decisions.add_named_party(found.case, actor=user, now=NOW, name="被举报人", staff_user=user)
        db.session.commit()
    login(client, role)
    handles = role == "inspector"
    case_seen = role in ("inspector", "supervisor")  # supervisors triage sealed cases, nothing more

    if page == "case":
        for found in cases:
            views_before = _count("viewed")
            response = client.get(f"/staff/cases/{found.case.reference}")
            html = response.get_data(as_text=True)
            assert response.status_code == (200 if case_seen else 404)
            assert ('id="discipline"' in html) is handles
            assert _count("viewed") - views_before == (1 if case_seen else 0)  # every look is logged
            if not handles:
                assert not [secret for secret in SECRETS if secret in html]
        if handles:
            html = "".join(client.get(f"/staff/cases/{found.case.reference}").get_data(as_text=True)
                           for found in cases)
            assert all(secret in html for secret in SECRETS)
    elif page == "lists":
        home = client.get("/staff/").get_data(as_text=True)
        total = re.search(r'<th scope="row">合计</th><td class="num">(\d+)</td>', home)
        assert total and int(total.group(1)) == (3 if case_seen else 0)
        inbox = client.get("/staff/cases").get_data(as_text=True)
        for found in cases:
            assert (f'href="/staff/cases/{found.case.reference}"' in inbox) is case_seen
    else:
        target = closed if page == "report_back" else handled
        steps_before, status_before = _count("discipline_step"), target.case.status
        assert _post_discipline(client, target.case.reference, page) == (302 if handles else 404)
        changed = _count("discipline_step") != steps_before or reload_case(target.case.reference).status != (
            status_before) or reload_case(target.case.reference).reported_back_at is not None
        assert changed is handles


def _count(action: str) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(CaseEvent.id)).where(CaseEvent.action == action)) or 0


def test_the_timeline_and_thread_hide_the_handling_from_a_supervisor(scene: None, smtp) -> None:
    inspector = setup_discipline()
    found = accepted_accusation(inspector)
    concluded(found)
    discipline.report_back(found.case, "email", None, "回复内容丁", actor=inspector, now=NOW)
    commit_and_dispatch()
    supervisor = staff("supervisor")
    case = reload_case(found.case.reference)
    assert access.can_view(supervisor, case)
    assert not access.handles_discipline(supervisor, case) and access.handles_discipline(inspector, case)
    everything = {e.action for e in case.events}
    assert {"discipline_step", "reported_back", "conclude"} <= everything
    shown = {e.action for e in access.shown_events(supervisor, case, case.events)}
    assert shown == everything - {"discipline_step", "reported_back"}
    # The accusation itself and the notice of its acceptance; the report back for inspectors only.
    assert [m.purpose for m in access.shown_messages(supervisor, case, case.messages)] == [None, "notice"]
    assert [m.purpose for m in access.shown_messages(inspector, case, case.messages)] == [
        None, "notice", "report_back"]
    assert access.shown_events(inspector, case, case.events) == list(case.events)


def test_the_public_tracking_page_says_being_handled_then_closed(scene: None, client: FlaskClient) -> None:
    inspector = setup_discipline()
    found = accepted_accusation(inspector)
    step(found, "preliminary_check", NOW.date(), "初核笔记甲")
    page = _tracking_page(client, found)
    assert "正在办理" in page and not [secret for secret in (*SECRETS, "初步核实") if secret in page]
    concluded(found, conclusion="办理结论丙")
    discipline.report_back(found.case, "post", NOW.date(), "回复内容丁", actor=inspector, now=NOW)
    db.session.commit()
    page = _tracking_page(client, found)
    assert "已办结" in page
    assert not [secret for secret in (*SECRETS, "初步核实", "了结", "驻委纪检组") if secret in page]
    entries = [entry.text for entry in tracking.timeline(reload_case(found.case.reference))]
    assert entries == ["已接收", "已受理", "正在办理", "已办结"]


def _tracking_page(client: FlaskClient, found: Accusation) -> str:
    response = open_case(client, found.case.reference, found.code)
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)
