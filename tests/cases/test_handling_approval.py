"""Review before anything goes out: the head, then (when configured) the party office; send-backs with a
comment the handler sees; nobody approves their own draft or decides their own extension (issue 12,
points 2 and 4)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cases.extensions import db
from cases.handling import approval
from cases.triage import routing
from cases.triage.workflow import TriageError
from tests.cases.handling_support import NOW, assigned_case, people, section, write
from tests.cases.triage_support import dept, login, post_action, reload_case, setup_departments


@pytest.fixture
def world(app: Flask, catalogue: object) -> dict:
    setup_departments()
    return people()


def _no_office(code: str = "economy") -> None:
    dept(code).office_approval = False
    db.session.commit()


def test_submitting_needs_a_saved_answered_draft_and_names_the_version(world: dict) -> None:
    case = assigned_case(world["triager"])
    with pytest.raises(TriageError, match="请先保存答复"):
        approval.submit_for_approval(case, actor=world["handler"], now=NOW)
    write(case, world["handler"], ("空置率", "已公开。"), ("公交", ""))
    with pytest.raises(TriageError, match="第 2 条尚未答复"):
        approval.submit_for_approval(case, actor=world["handler"], now=NOW)
    with pytest.raises(TriageError):
        approval.submit_for_approval(case, actor=world["other_handler"], now=NOW)  # another division
    draft = write(case, world["handler"], ("空置率", "已公开。"), ("公交", "已增开班次。"))
    approval.submit_for_approval(case, actor=world["handler"], now=NOW)
    db.session.commit()
    assert case.status == "answered"
    event = case.events[-1]
    assert (event.action, event.detail) == ("draft_reply", {"draft_id": draft.id, "version": 2})
    assert approval.submitted_draft(case).id == draft.id


def test_the_head_approves_when_the_party_office_need_not(world: dict) -> None:
    _no_office()
    case = assigned_case(world["triager"])
    write(case, world["handler"], ("空置率", "已公开。"))
    approval.submit_for_approval(case, actor=world["handler"], now=NOW)
    with pytest.raises(TriageError):
        approval.approve(case, actor=world["supervisor"], now=NOW)  # the head's turn first
    assert approval.approve(case, actor=world["dept_head"], now=NOW, comment="同意") == "approve"
    db.session.commit()
    assert case.status == "approved" and case.events[-1].detail["version"] == 1


def test_head_endorses_then_the_party_office_approves_per_department_or_kind(world: dict, app: Flask) -> None:
    case = assigned_case(world["triager"])  # economy: office_approval is on by default
    write(case, world["handler"], ("空置率", "已公开。"))
    approval.submit_for_approval(case, actor=world["handler"], now=NOW)
    assert approval.approve(case, actor=world["dept_head"], now=NOW) == "endorse"
    assert case.status == "office_review"
    with pytest.raises(TriageError):
        approval.approve(case, actor=world["dept_head"], now=NOW)  # not the party office
    assert approval.approve(case, actor=world["supervisor"], now=NOW) == "approve"
    assert case.status == "approved"

    # A department without the flag still goes to the party office for a kind listed in the config.
    _no_office()
    app.config["OFFICE_APPROVAL_KINDS"] = ("suggestion",)
    other = assigned_case(world["triager"], "建议增加公交班次。")
    write(other, world["handler"], ("公交", "已增开。"))
    approval.submit_for_approval(other, actor=world["handler"], now=NOW)
    assert approval.needs_office_approval(other)
    app.config["OFFICE_APPROVAL_KINDS"] = ()
    assert not approval.needs_office_approval(other)


def test_send_back_needs_a_comment_the_handler_sees_on_the_case_and_in_the_workspace(
        world: dict, client: FlaskClient) -> None:
    case = assigned_case(world["triager"])
    write(case, world["handler"], ("空置率", "已公开。"))
    approval.submit_for_approval(case, actor=world["handler"], now=NOW)
    db.session.commit()
    login(client, "dept_head")
    refused = post_action(client, case.reference, "send_back", reason="  ")
    assert refused.status_code == 422 and "请说明需要修改的内容" in refused.get_data(as_text=True)
    sent = post_action(client, case.reference, "send_back", reason="请补充空置率的具体数据。")
    assert sent.status_code == 302
    case = reload_case(case.reference)
    assert case.status == "assigned" and case.events[-1].action == "send_back"

    login(handler := client.application.test_client(), "handler")
    html = handler.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "赵处长" in section(html, "draft") and "请补充空置率的具体数据。" in section(html, "draft")
    assert "请补充空置率的具体数据。" in handler.get("/staff/work").get_data(as_text=True)
    # Once submitted again the comment is answered and no longer shown.
    write(case, world["handler"], ("空置率", "2023年末空置率为12%。"))
    approval.submit_for_approval(case, actor=world["handler"], now=NOW)
    db.session.commit()
    assert approval.sent_back(case) is None


def test_an_approved_reply_can_be_sent_back_before_it_is_sent(world: dict) -> None:
    case = assigned_case(world["triager"])
    write(case, world["handler"], ("空置率", "已公开。"))
    approval.submit_for_approval(case, actor=world["handler"], now=NOW)
    approval.approve(case, actor=world["dept_head"], now=NOW)
    approval.approve(case, actor=world["supervisor"], now=NOW)
    with pytest.raises(TriageError):
        approval.send_back(case, actor=world["handler"], now=NOW, comment="我想再改改")
    approval.send_back(case, actor=world["supervisor"], now=NOW, comment="数据口径需与统计局一致。")
    db.session.commit()
    assert case.status == "assigned" and approval.sent_back(case).comment == "数据口径需与统计局一致。"


def test_nobody_approves_their_own_draft(world: dict, client: FlaskClient) -> None:
    # The head wrote the version (a head may write when the case is theirs): another person approves.
    case = assigned_case(world["triager"])
    write(case, world["handler"], ("空置率", "已公开。"))
    db.session.commit()
    head = world["dept_head"]
    case.handler = head
    write(case, head, ("空置率", "我改写的答复。"))
    approval.submit_for_approval(case, actor=head, now=NOW)
    db.session.commit()
    with pytest.raises(TriageError, match="须由他人审核"):
        approval.approve(case, actor=head, now=NOW)
    login(client, "dept_head")
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert 'id="do-approve"' not in html
    assert post_action(client, case.reference, "approve").status_code == 422
    assert reload_case(case.reference).status == "answered"

    # A supervisor who wrote a version cannot approve it for the party office either.
    second = assigned_case(world["triager"], "建议增加公交班次。")
    world["supervisor"].role_rows  # noqa: B018 - loaded
    second.handler = world["handler"]
    write(second, world["handler"], ("公交", "已增开。"))
    approval.submit_for_approval(second, actor=world["handler"], now=NOW)
    approval.approve(second, actor=head, now=NOW)
    db.session.commit()
    from cases.models import ReplyDraft

    db.session.get(ReplyDraft, approval.submitted_draft(second).id).author_id = world["supervisor"].id
    with pytest.raises(TriageError, match="须由他人审核"):
        approval.approve(second, actor=world["supervisor"], now=NOW)
    db.session.rollback()


def test_nobody_decides_their_own_extension_request(world: dict, app: Flask) -> None:
    from cases.models import StaffRole

    # An inspector may both request and decide on the discipline track: never on their own request.
    inspector = world["inspector"]
    sealed = assigned_case(world["triager"], "举报某处长收受礼金。")
    from cases.triage import decisions

    decisions.mark_accusation(sealed, actor=world["supervisor"], now=NOW, reason="检举具体人员")
    db.session.commit()
    assert sealed.department.code == "discipline"
    routing.request_extension(sealed, 10, actor=inspector, now=NOW, reason="需要调取材料")
    with pytest.raises(TriageError, match="须由他人决定"):
        routing.decide_extension(sealed, True, actor=inspector, now=NOW, reason="同意")
    routing.decide_extension(sealed, True, actor=world["supervisor"], now=NOW, reason="同意")
    assert sealed.extension_days == 10

    # The same for someone who holds both a department role and the party office's.
    both = world["handler"]
    both.role_rows.append(StaffRole("triager"))
    db.session.commit()
    case = assigned_case(world["triager"], "建议增加公交班次。")
    routing.request_extension(case, 5, actor=both, now=NOW, reason="需要协调公交公司")
    with pytest.raises(TriageError, match="须由他人决定"):
        routing.decide_extension(case, False, actor=both, now=NOW, reason="不同意")
