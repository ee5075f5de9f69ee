"""Departments, routing rules with the dry run, holidays, the discipline list and the audit log on the
administration pages (issue 14, point 3), over HTTP on the real database."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cases.admin import audit
from cases.admin.discipline_list import measure_in_use
from cases.extensions import db
from cases.handling.discipline_measures import active_measure
from cases.holidays import chinesecalendar_years
from cases.models import (
    AuditEvent,
    CaseEvent,
    DisciplineMeasure,
    HolidayOverride,
    Problem,
    RoutingRule,
    StaffUser,
)
from cases.triage import decisions, links
from cases.triage.calendar import current_calendar
from cases.triage.routing import routed_department
from tests.cases.admin_support import ADMIN_EMAIL, admin, audit_events, log_in, page_text, post_form
from tests.cases.discipline_support import accepted_accusation, setup_discipline, step
from tests.cases.triage_support import dept, new_case, reload_case, staff

NOW = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def as_admin(app: Flask, client: FlaskClient, catalogue: object) -> FlaskClient:
    """The client, logged in as an admin; default departments, rules and the catalogue exist."""
    admin()
    log_in(client, ADMIN_EMAIL)
    return client


def _problem(code: str) -> Problem:
    found = db.session.scalar(db.select(Problem).where(Problem.code == code))
    assert found is not None
    return found


def _dry_run(client: FlaskClient, **query: str) -> str:
    response = client.get("/staff/admin/routing", query_string={f"probe-{k}": v for k, v in query.items()})
    assert response.status_code == 200
    return page_text(response)


def _dry_run_department(html: str) -> str:
    match = re.search(r'id="dry-run-department">([^<]+)<', html)
    assert match, html[html.find("<main"):][:3000]
    return match.group(1)


def _triager() -> StaffUser:
    found = db.session.scalar(db.select(StaffUser).where(StaffUser.email == "triager@hqcbd.test"))
    return found or staff("triager")


def _linked(*codes: str, task_of: str | None = None):  # noqa: ANN202
    """A new case linked to these problems (and the first task of ``task_of``), and a triager."""
    triager = _triager()
    case = new_case()
    for code in codes:
        links.link_problem(case, _problem(code), actor=triager, now=NOW)
    if task_of:
        problem = _problem(task_of)
        links.link_problem(case, problem, actor=triager, now=NOW, task=problem.tasks[0])
    db.session.commit()
    return case, triager


def test_adding_a_department_keeps_what_was_typed_on_error_and_records_it(as_admin: FlaskClient):
    bad = post_form(as_admin, "/staff/admin/departments/new",
                    {"code": "Trade Centre", "name_zh": "贸易服务中心", "name_en": "", "kind": "division",
                     "office_approval": "y"})
    html = page_text(bad)
    assert "error-summary" in html and "代码由2至40个小写字母" in html and "贸易服务中心" in html
    second_office = post_form(as_admin, "/staff/admin/departments/new",
                              {"code": "office2", "name_zh": "第二办公室", "name_en": "Second office",
                               "kind": "party_office"})
    assert "该类别只能有一个" in page_text(second_office)
    done = post_form(as_admin, "/staff/admin/departments/new",
                     {"code": "trade_centre", "name_zh": "贸易服务中心", "name_en": "Trade Service Centre",
                      "kind": "division"})
    assert done.status_code == 302
    listed = page_text(as_admin.get("/staff/admin/departments"))
    assert "贸易服务中心" in listed and "Trade Service Centre" in listed and "处室、中心" in listed
    assert "division" not in listed
    [event] = audit_events("department")
    assert event.action == "created" and event.after == {
        "code": "trade_centre", "name_zh": "贸易服务中心", "name_en": "Trade Service Centre",
        "kind": "division", "active": True, "office_approval": False}
    duplicate = post_form(as_admin, "/staff/admin/departments/new",
                          {"code": "trade_centre", "name_zh": "x", "name_en": "x", "kind": "division"})
    assert "已有使用该代码的部门" in page_text(duplicate)


def test_a_department_with_open_cases_is_deactivated_only_when_confirmed(as_admin: FlaskClient):
    case, triager = _linked("1.1")
    decisions.accept(case, actor=triager, now=NOW, kind="suggestion")
    db.session.commit()
    economy = dept("economy")
    page = f"/staff/admin/departments/{economy.id}"
    fields = {"name_zh": "经济发展处", "name_en": "Economic Development Division", "kind": "division",
              "office_approval": "y"}
    refused = post_form(as_admin, page, fields)  # "active" unticked, no confirmation
    assert "该部门仍有1件未办结案件" in page_text(refused)
    db.session.expire_all()
    assert dept("economy").active
    assert post_form(as_admin, page, {**fields, "confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert not dept("economy").active
    assert reload_case(case.reference).department.code == "economy"  # the case stays with it
    event = audit_events("department")[-1]
    assert event.action == "deactivated" and event.before["active"] and not event.after["active"]
    # Its rules are passed over from now on, and the dry run says why.
    html = _dry_run(as_admin, item="p:1.1")
    assert _dry_run_department(html) == "机关党委办公室"
    assert "已跳过" in html and "经济发展处" in html


def test_departments_the_handling_needs_cannot_be_deactivated(as_admin: FlaskClient):
    for code, message in (("party_office", "默认分办规则"), ("discipline", "唯一启用的部门")):
        department = dept(code)
        response = post_form(as_admin, f"/staff/admin/departments/{department.id}",
                             {"name_zh": department.name_zh, "name_en": department.name_en,
                              "kind": department.kind, "confirm": "y"})
        assert message in page_text(response), code
        db.session.expire_all()
        assert dept(code).active


def test_rules_are_added_changed_and_removed_one_per_item(as_admin: FlaskClient):
    task = _problem("2.1").tasks[0]
    added = post_form(as_admin, "/staff/admin/routing", {"item": f"t:{task.id}", "department": "policy",
                                                          "note": "专项"})
    assert added.status_code == 302
    html = page_text(as_admin.get("/staff/admin/routing"))
    assert task.headline in html and "政策研究处" in html
    again = post_form(as_admin, "/staff/admin/routing", {"item": f"t:{task.id}", "department": "finance"})
    assert "该事项已有分办规则" in page_text(again)
    assert re.search(r'<option selected value="t:\d+">', page_text(again))  # the choice is kept
    second_default = post_form(as_admin, "/staff/admin/routing", {"item": "default", "department": "finance"})
    assert "该事项已有分办规则" in page_text(second_default)

    rule = db.session.scalar(db.select(RoutingRule).where(RoutingRule.task_id == task.id))
    assert post_form(as_admin, f"/staff/admin/routing/{rule.id}", {"department": "finance", "note": ""}
                     ).status_code == 302
    assert post_form(as_admin, f"/staff/admin/routing/{rule.id}", {},
                     action=f"/staff/admin/routing/{rule.id}/remove").status_code == 302
    default = db.session.scalar(db.select(RoutingRule).where(RoutingRule.problem_code.is_(None),
                                                             RoutingRule.task_id.is_(None)))
    refused = post_form(as_admin, f"/staff/admin/routing/{default.id}", {},
                        action=f"/staff/admin/routing/{default.id}/remove", follow_redirects=True)
    assert "默认规则不能删除" in page_text(refused)
    events = audit_events("routing_rule")
    assert [e.action for e in events] == ["created", "updated", "deleted"]
    assert events[1].before["department"] == "policy" and events[1].after["department"] == "finance"
    assert events[2].before["task"] == task.id and events[2].after is None


def test_the_dry_run_gives_the_answer_routing_gives_on_acceptance(as_admin: FlaskClient):
    task = _problem("2.1").tasks[0]
    post_form(as_admin, "/staff/admin/routing", {"item": f"t:{task.id}", "department": "policy"})
    examples = [(("1.3",), None), (("3.2", "1.1"), None), ((), "2.1"), ((), None), (("2.2",), None)]
    for codes, task_of in examples:
        case, triager = _linked(*codes, task_of=task_of)
        by_problem = _dry_run(as_admin, item=f"t:{task.id}" if task_of else f"p:{codes[0]}") if (
            codes or task_of) else None
        by_reference = _dry_run(as_admin, reference=case.reference)
        decisions.accept(case, actor=triager, now=NOW, kind="suggestion")
        db.session.commit()
        routed = reload_case(case.reference).department.name_zh
        assert _dry_run_department(by_reference) == routed, (codes, task_of)
        if by_problem and len(codes) <= 1:
            assert _dry_run_department(by_problem) == routed, (codes, task_of)
    why = _dry_run(as_admin, item=f"t:{task.id}")
    assert "适用其整改任务" in why and task.headline in why
    assert "适用其问题 1.3" in _dry_run(as_admin, item="p:1.3")
    assert "适用默认规则" in _dry_run(as_admin, reference=new_case().reference)


def test_the_dry_run_never_shows_a_sealed_case_to_an_admin(as_admin: FlaskClient):
    sealed = new_case("我实名举报某处长收受开发商贿赂，要求查处。")
    db.session.expire_all()
    assert reload_case(sealed.reference).confidential or reload_case(sealed.reference).kind == "accusation"
    html = _dry_run(as_admin, reference=sealed.reference)
    assert "没有您可查看的该编号案件" in html and "dry-run-department" not in html
    assert routed_department(reload_case(sealed.reference))[0].code == "discipline"


def test_holiday_overrides_take_effect_at_once_with_their_source(as_admin: FlaskClient):
    first, last = chinesecalendar_years()
    page = page_text(as_admin.get("/staff/admin/holidays?year=2030"))
    assert f"{first}年至{last}年" in page and "仅按周末计算" in page
    day = date(last + 3, 10, 1)  # beyond the package: a weekday counted as working until told
    assert current_calendar().is_working_day(day) == (day.weekday() < 5, False)  # cached now
    missing = post_form(as_admin, "/staff/admin/holidays",
                        {"day": day.isoformat(), "is_working_day": "holiday", "source": ""})
    assert "请注明依据" in page_text(missing) and day.isoformat() in page_text(missing)
    added = post_form(as_admin, "/staff/admin/holidays",
                      {"day": day.isoformat(), "is_working_day": "holiday", "source": "国务院办公厅通知"})
    assert added.status_code == 302
    assert current_calendar().is_working_day(day) == (False, True)
    listed = page_text(as_admin.get(f"/staff/admin/holidays?year={day.year}"))
    assert "国务院办公厅通知" in listed and "超出数据范围" in listed
    changed = post_form(as_admin, f"/staff/admin/holidays/{day.isoformat()}",
                        {"is_working_day": "working", "source": "调休"})
    assert changed.status_code == 302 and current_calendar().is_working_day(day) == (True, True)
    post_form(as_admin, f"/staff/admin/holidays/{day.isoformat()}", {},
              action=f"/staff/admin/holidays/{day.isoformat()}/remove")
    assert db.session.get(HolidayOverride, day) is None
    assert current_calendar().is_working_day(day) == (day.weekday() < 5, False)
    events = audit_events("holiday_override")
    assert [e.action for e in events] == ["created", "updated", "deleted"]
    assert events[1].before == {"day": day.isoformat(), "is_working_day": False, "source": "国务院办公厅通知"}
    assert events[1].after["is_working_day"] is True


def test_the_discipline_list_deactivates_what_a_case_used(as_admin: FlaskClient):
    inspector = setup_discipline()  # the seeded list (every test starts from empty tables)
    added = post_form(as_admin, "/staff/admin/discipline", {"code": "referral", "name_zh": "移送处理",
                                                            "name_en": "Referred", "position": "5"})
    assert added.status_code == 302
    measure = db.session.scalar(db.select(DisciplineMeasure).where(DisciplineMeasure.code == "referral"))
    used = db.session.scalar(db.select(DisciplineMeasure).where(DisciplineMeasure.code == "talk_or_letter"))
    # An inspector records a step with the second one on an accusation (the discipline track's service).
    accusation = accepted_accusation(inspector)
    step(accusation, "talk_or_letter", accusation.case.accepted_at.date(), "约谈当事人。")
    html = page_text(as_admin.get(f"/staff/admin/discipline/{used.id}"))
    assert "不能删除" in html and f"/staff/admin/discipline/{used.id}/delete" not in html
    refused = post_form(as_admin, f"/staff/admin/discipline/{used.id}", {},
                        action=f"/staff/admin/discipline/{used.id}/delete", follow_redirects=True)
    assert "请改为停用" in page_text(refused)
    deactivated = post_form(as_admin, f"/staff/admin/discipline/{used.id}",
                            {"name_zh": used.name_zh, "name_en": used.name_en, "position": "2"})
    assert deactivated.status_code == 302
    db.session.expire_all()
    assert db.session.get(DisciplineMeasure, used.id).active is False
    assert active_measure("talk_or_letter") is None  # no longer offered to inspectors
    assert post_form(as_admin, f"/staff/admin/discipline/{measure.id}", {},
                     action=f"/staff/admin/discipline/{measure.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(DisciplineMeasure).where(DisciplineMeasure.code == "referral")) is None
    assert [e.action for e in audit_events("discipline_measure")] == ["created", "deactivated", "deleted"]
    assert "移送处理" not in page_text(as_admin.get("/staff/admin/discipline"))
    # The code is matched whole and literally: the underscore is no wildcard.
    db.session.add(CaseEvent(case_id=accusation.case.id, action="discipline_step", actor_label="system",
                             detail={"measure": "preliminaryXcheck", "other": "preliminary"}))
    db.session.commit()
    checked = db.session.scalar(db.select(DisciplineMeasure)
                                .where(DisciplineMeasure.code == "preliminary_check"))
    assert not measure_in_use(checked) and measure_in_use(used)


def test_the_audit_log_is_append_only_and_keeps_no_secret(as_admin: FlaskClient):
    event = audit.record(audit.DEPARTMENT, 1, "updated", actor=None, before={"a": 1}, after={"a": 2})
    db.session.commit()
    assert audit.record(audit.DEPARTMENT, 1, "updated", actor=None, before={"a": 1}, after={"a": 1}) is None
    with pytest.raises(ValueError, match="secrets"):
        audit.record(audit.STAFF_USER, 1, "updated", actor=None, after={"password_hash": "x"})
    event.action = "deleted"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()


def test_the_audit_page_filters_by_entity_newest_first_in_pages(as_admin: FlaskClient):
    for number in range(3):
        audit.record(audit.HOLIDAY, f"2030-01-0{number + 1}", "created", actor=None,
                     after={"day": f"2030-01-0{number + 1}", "is_working_day": False, "source": "通知"})
    audit.record(audit.DEPARTMENT, 1, "created", actor=None, after={"code": "x", "name_zh": "某处"})
    db.session.commit()
    first = audit.events_page("holiday_override", size=2)
    assert [e.entity_id for e in first.events] == ["2030-01-03", "2030-01-02"] and first.next_before
    rest = audit.events_page("holiday_override", before_id=first.next_before, size=2)
    assert [e.entity_id for e in rest.events] == ["2030-01-01"] and rest.next_before is None
    html = page_text(as_admin.get("/staff/admin/audit?entity=holiday_override"))
    assert "2030-01-03" in html and "某处" not in html and "节假日" in html
    assert ">holiday_override<" not in html and "created" not in html
    assert "某处" in page_text(as_admin.get("/staff/admin/audit"))
