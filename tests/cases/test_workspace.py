"""The department's workspace, taking a case, the actions the case page offers, the edit lock and the
words shown instead of codes (issue 12, points 2, 5, 6 and 7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cases.extensions import db
from cases.handling import approval
from cases.handling.actions import action_codes, available_actions
from cases.handling.workspace import take_case, workspace_for
from cases.models import CaseEvent, CaseMessage
from cases.models.types import utcnow
from cases.staff.labels import EVENT_LABELS, delivery_label, event_label
from cases.triage import decisions, routing
from cases.triage.workflow import TriageError
from tests.cases.handling_support import NOW, assigned_case, codes, people, post_form, section, write
from tests.cases.triage_support import (
    csrf_any,
    dept,
    login,
    new_case,
    post_action,
    reload_case,
    setup_departments,
)


@pytest.fixture
def world(app: Flask, catalogue: object) -> dict:
    setup_departments()
    return people()


def test_the_workspace_lists_the_department_cases_with_clocks_and_marks(
        world: dict, client: FlaskClient) -> None:
    today = date(2024, 3, 11)
    late = assigned_case(world["triager"], "建议公开空置率。")
    late.reply_due = date(2024, 3, 6)  # three working days ago
    soon = assigned_case(world["triager"], "建议增加公交班次。")
    soon.reply_due = date(2024, 3, 15)
    review = assigned_case(world["triager"], "复查：数据仍未公开。")
    review.review_round = 1
    elsewhere = assigned_case(world["triager"], "另一处室的件")
    routing.override_route(elsewhere, dept("finance"), actor=world["triager"],
                           now=NOW, reason="财务问题")
    sealed = assigned_case(world["triager"], "举报某处长收受礼金。")
    decisions.mark_accusation(sealed, actor=world["supervisor"], now=NOW, reason="检举具体人员")
    take_case(soon, actor=world["colleague"], now=NOW)
    db.session.commit()

    work = workspace_for(world["handler"], today, NOW)
    rows = {row.case.reference: row for row in work.department}
    # No other division's case, nothing sealed.
    assert set(rows) == {late.reference, soon.reference, review.reference}
    assert [row.case.reference for row in work.department][:2] == [late.reference, soon.reference]
    assert rows[late.reference].overdue and rows[late.reference].days_left == -3
    assert not rows[soon.reference].overdue and rows[soon.reference].days_left == 4
    assert rows[soon.reference].case.handler.display_name == "李同事" and not rows[soon.reference].may_take
    assert rows[late.reference].may_take and not work.shows_head and not work.shows_office

    login(client, "handler")
    assert "打开工作台" in client.get("/staff/").get_data(as_text=True)
    html = client.get("/staff/work").get_data(as_text=True)
    assert "已超期" in html and "复查" in html and "李同事" in html and "尚无" in html
    assert sealed.reference not in html and elsewhere.reference not in html and "收受礼金" not in html
    assert f"认领 {late.reference}" in html and f"接手 {soon.reference}" not in html


def test_take_and_take_over_with_events(world: dict, client: FlaskClient) -> None:
    case = assigned_case(world["triager"])
    login(client, "handler")
    page = client.get("/staff/work").get_data(as_text=True)
    response = client.post(f"/staff/cases/{case.reference}/do/take", data={"csrf_token": csrf_any(page)})
    assert response.status_code == 302
    case = reload_case(case.reference)
    assert case.handler.email == "handler@hqcbd.test" and case.events[-1].action == "taken"
    with pytest.raises(TriageError, match="只有部门负责人可以接手"):
        take_case(case, actor=world["colleague"], now=NOW)
    with pytest.raises(TriageError):
        take_case(case, actor=world["other_handler"], now=NOW)
    take_case(case, actor=world["dept_head"], now=NOW)
    db.session.commit()
    event = case.events[-1]
    assert event.action == "taken_over" and event.detail["previous"] == "handler@hqcbd.test"
    assert case.handler.email == "dept_head@hqcbd.test"


def test_heads_and_the_party_office_see_what_waits_for_them(world: dict, client: FlaskClient) -> None:
    waiting = assigned_case(world["triager"])
    write(waiting, world["handler"], ("空置率", "已公开。"))
    approval.submit_for_approval(waiting, actor=world["handler"], now=NOW)
    office = assigned_case(world["triager"], "建议增加公交班次。")
    write(office, world["handler"], ("公交", "已增开。"))
    approval.submit_for_approval(office, actor=world["handler"], now=NOW)
    approval.approve(office, actor=world["dept_head"], now=NOW)
    ready = assigned_case(world["triager"], "建议公开招商数据。")
    write(ready, world["handler"], ("招商", "已公开。"))
    approval.submit_for_approval(ready, actor=world["handler"], now=NOW)
    approval.approve(ready, actor=world["dept_head"], now=NOW)
    approval.approve(ready, actor=world["supervisor"], now=NOW)
    db.session.commit()

    head = workspace_for(world["dept_head"], date(2024, 3, 5), NOW)
    assert [row.case.reference for row in head.for_head] == [waiting.reference]
    supervisor = workspace_for(world["supervisor"], date(2024, 3, 5), NOW)
    assert [row.case.reference for row in supervisor.for_office] == [office.reference]
    assert [row.case.reference for row in supervisor.ready_to_send] == [ready.reference]
    login(client, "supervisor")
    html = client.get("/staff/work").get_data(as_text=True)
    assert "等待机关党委办公室审核" in html and "已审核通过，待发送" in html and office.reference in html
    login(other := client.application.test_client(), "triager")
    assert other.get("/staff/work").status_code == 403


def test_the_case_page_offers_only_what_applies_now_the_main_step_first(
        world: dict, client: FlaskClient) -> None:
    received = new_case()
    triager = world["triager"]
    first_three = action_codes(available_actions(triager, received, NOW))[:3]
    assert first_three == ["accept", "not_accept", "refer_out"]
    case = assigned_case(triager)
    handler = world["handler"]
    assert action_codes(available_actions(handler, case, NOW))[:2] == ["write", "take"]
    write(case, handler, ("空置率", "已公开。"))
    steps = action_codes(available_actions(handler, case, NOW))
    assert steps[0] == "submit" and "decide_extension" not in steps and "accept" not in steps
    assert steps[-1] == "note" and "return" in steps and "request_extension" in steps
    assert "take" not in steps  # the first save took it
    assert action_codes(available_actions(world["other_handler"], case, NOW)) == []
    approval.submit_for_approval(case, actor=handler, now=NOW)
    db.session.commit()
    assert action_codes(available_actions(world["dept_head"], case, NOW))[:2] == ["approve", "send_back"]
    assert "submit" not in action_codes(available_actions(handler, case, NOW))
    assert "link" in action_codes(available_actions(triager, case, NOW))

    # On the page: only those forms, in that order, the main one as the primary button.
    login(client, "dept_head")
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert codes(html)[:2] == ["approve", "send_back"] and "accept" not in codes(html)
    assert "decide_extension" not in codes(html) and "link" not in codes(html)
    assert '<button type="submit" class="button">审核通过，报机关党委办公室审核</button>' in html


def test_after_assignment_the_handler_acts_at_once_and_a_lock_disables_forms_keeping_typed_text(
        world: dict, client: FlaskClient, app: Flask) -> None:
    case = new_case(problems=("1.1",))
    login(client, "triager")
    client.get(f"/staff/cases/{case.reference}")  # the triager has it open…
    assert post_action(client, case.reference, "accept", kind="suggestion").status_code == 302
    client.get(f"/staff/cases/{case.reference}")  # …and looks at it again after assigning it
    assert reload_case(case.reference).locked_by_id is None  # the department's turn: no lock by the triager

    handler = app.test_client()
    login(handler, "handler")
    page = handler.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "正在处理此件" not in page and "<fieldset disabled" not in page
    typed = {"text_format": "plain", "opening": "张先生：您好！", "points-0-raised": "楼宇空置",
             "points-0-answer": "空置率数据将按季度公开。", "closing": "", "op": "save"}
    assert post_form(handler, f"/staff/cases/{case.reference}/draft", typed, page).status_code == 302

    # The handler has it open: a colleague sees who and until when, with every form disabled…
    colleague = app.test_client()
    login(colleague, "colleague")
    html = colleague.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "张办事员" in html and "正在处理此案件" in html and "表单暂不可用" in html
    assert html.count("<fieldset disabled") >= 3
    # …and what they post anyway is refused but shown again, typed text kept and editable.
    typed |= {"points-0-answer": "同事改写的答复：空置率按月公开。"}
    refused = post_form(colleague, f"/staff/cases/{case.reference}/draft", typed, html)
    kept = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "同事改写的答复：空置率按月公开。</textarea>" in kept
    assert "您输入的内容保留在下方" in kept
    assert '<fieldset class="fieldset" disabled' not in section(kept, "draft")
    refused = post_action(colleague, case.reference, "note", text="我的备注不要丢")
    assert refused.status_code == 409 and "我的备注不要丢</textarea>" in refused.get_data(as_text=True)
    assert reload_case(case.reference).events[-1].action == "taken"  # nothing of theirs was saved

    # Submitting hands the case to the head: the handler's lock goes with it.
    assert post_action(handler, case.reference, "submit").status_code == 302
    assert reload_case(case.reference).locked_by_id is None
    handler.get(f"/staff/cases/{case.reference}")
    assert reload_case(case.reference).locked_by_id is None


def test_staff_pages_show_words_never_codes(world: dict, client: FlaskClient) -> None:
    case = assigned_case(world["triager"])
    write(case, world["handler"], ("空置率", "已公开。"))
    approval.submit_for_approval(case, actor=world["handler"], now=NOW)
    approval.send_back(case, actor=world["dept_head"], now=NOW, comment="请补充数据")
    db.session.add(CaseEvent(case=case, action="some_future_step", actor_label="mailbox", at=utcnow()))
    db.session.add(CaseMessage(case=case, direction="outbound", body_text="已收到", delivery_status="queued",
                               created_at=NOW + timedelta(minutes=1)))
    db.session.add(CaseMessage(case=case, direction="outbound", body_text="重试中",
                               delivery_status="odd_state", created_at=NOW + timedelta(minutes=2)))
    db.session.commit()
    login(client, "triager")
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    timeline = html[html.index("时间线"):]
    for code in ("draft_reply", "send_back", "some_future_step", ">assign<", ">accept<", ">mailbox<",
                 ">system<", ">taken<"):
        assert code not in timeline, code
    assert "答复已提交审核 (第 1 版)" in timeline
    assert "答复被退回" in timeline and "其他步骤" in timeline and "邮箱" in timeline
    thread = html[html.index("往来记录"):html.index("时间线")]
    assert "queued" not in thread and "odd_state" not in thread
    assert "待发送" in thread and "发送状态未知" in thread
    assert event_label("unknown") == "其他步骤" and delivery_label("unknown") == "发送状态未知"
    # Every action the code writes has its words.
    for action in ("taken", "taken_over", "draft_reply", "approve", "endorse", "send_back", "send_reply"):
        assert action in EVENT_LABELS
