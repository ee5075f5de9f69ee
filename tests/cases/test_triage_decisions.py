"""Triage services: the one status-change function, decisions, routing, clocks, links and retraining."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from cases.domain.states import IllegalTransition
from cases.extensions import db
from cases.models import CaseEvent, CaseMessage, ClassifierModel, ConfirmedLink, HolidayOverride, Problem
from cases.reasons import RULE_PROBLEM, RULE_TASK
from cases.triage import decisions, links, routing
from cases.triage.suggest import current_classifier
from cases.triage.workflow import TriageError, change_status
from tests.cases.triage_support import dept, new_case, setup_departments, staff

NOW = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture
def world(app: Flask, catalogue: object) -> None:
    setup_departments()


def problem(code: str) -> Problem:
    found = db.session.scalar(db.select(Problem).where(Problem.code == code))
    assert found is not None
    return found


def outbound(case_id: int) -> list[CaseMessage]:
    return list(
        db.session.scalars(
            db.select(CaseMessage).where(CaseMessage.case_id == case_id, CaseMessage.direction == "outbound")
        )
    )


def test_every_change_writes_an_event_and_illegal_ones_change_nothing(world: None) -> None:
    user = staff("triager")
    case = new_case()
    change_status(case, "accept", actor=user, now=NOW, reason="looks fine")
    db.session.commit()
    event = case.events[-1]
    assert (event.action, event.from_status, event.to_status, event.reason) == (
        "accept",
        "received",
        "accepted",
        "looks fine",
    )
    assert event.actor_id == user.id and event.at == NOW and event.actor_label == user.email
    before = db.session.scalar(db.select(db.func.count(CaseEvent.id)))
    with pytest.raises(IllegalTransition, match="'send_reply' is not allowed when a case is 'accepted'"):
        change_status(case, "send_reply", actor=user, now=NOW)
    assert case.status == "accepted"
    assert db.session.scalar(db.select(db.func.count(CaseEvent.id))) == before


def test_intake_sets_suggestions_search_words_and_the_acceptance_clock(world: None) -> None:
    case = new_case()
    assert case.suggestions["suggestions"][0]["problem"] == "1.1"
    assert case.suggestions["kind"] == "suggestion" and not case.suggestions["accusation"]
    assert "空置" in case.search_text.split()
    assert case.acceptance_due == date(2024, 3, 22) and not case.due_estimated
    assert case.kind is None and not case.confidential  # the kind is set at triage


def test_a_suspected_accusation_is_sealed_at_intake(world: None) -> None:
    case = new_case("举报经济发展处王科长收受企业红包，利用职权为亲属公司谋利。", subject="举报")
    assert case.kind == "accusation" and case.confidential
    assert "sealed_on_intake" in [e.action for e in case.events]


def test_accept_routes_by_the_linked_problem_with_the_calendar_and_overrides(app: Flask, world: None) -> None:
    user = staff("triager")
    case = new_case()
    links.link_problem(case, problem("1.1"), actor=user, now=NOW)
    # A day the package thinks is a workday, closed by an override from the database.
    db.session.add(HolidayOverride(day=date(2024, 3, 5), is_working_day=False, note="test"))
    app.config["CLOCK_REPLY_DAYS"] = 2
    decisions.accept(case, actor=user, now=NOW, kind="suggestion")
    db.session.commit()
    assert case.status == "assigned" and case.department.code == "economy"
    assert case.reply_due == date(2024, 3, 7)  # 4 March + 2 working days, skipping the 5th
    actions = [(e.action, e.from_status, e.to_status) for e in case.events]
    assert ("accept", "received", "accepted") in actions and ("assign", "accepted", "assigned") in actions
    assigned = [e for e in case.events if e.action == "assign"][-1]
    assert assigned.detail["department"] == "economy" and assigned.reason == RULE_PROBLEM
    assert assigned.detail["reason_args"] == {"problem": "1.1"}
    # 受理告知: the person is told it was accepted, by whom it is answered and by when.
    told = case.events[-1]
    assert (told.action, told.detail["notice"], told.detail["about"]) == (
        "person_told", "accepted_case", "accept")


def test_override_needs_a_reason_and_a_department_can_return_within_five_days(world: None) -> None:
    user, handler = staff("triager"), staff("handler")
    case = new_case()
    decisions.accept(case, actor=user, now=NOW, kind="suggestion")
    with pytest.raises(TriageError):
        routing.override_route(case, dept("economy"), actor=user, now=NOW, reason=" ")
    routing.override_route(case, dept("economy"), actor=user, now=NOW, reason="招商问题")
    db.session.commit()
    assert case.department.code == "economy" and case.events[-1].action == "reassign"
    with pytest.raises(TriageError, match="5 个工作日"):
        routing.return_case(case, actor=handler, now=NOW + timedelta(days=10), reason="不是我们的")
    routing.return_case(case, actor=handler, now=NOW + timedelta(days=7), reason="属于规划土地处")
    db.session.commit()
    assert case.status == "received" and case.department is None
    assert case.events[-1].reason == "属于规划土地处"


def test_one_extension_approved_and_the_person_told_why(world: None) -> None:
    user, handler = staff("triager"), staff("handler")
    case = new_case()
    decisions.accept(case, actor=user, now=NOW, kind="suggestion")
    due = case.reply_due
    with pytest.raises(TriageError):
        routing.request_extension(case, 31, actor=handler, now=NOW, reason="需要现场核查")
    routing.request_extension(case, 10, actor=handler, now=NOW, reason="需要现场核查")
    with pytest.raises(TriageError, match="已有延期申请"):
        routing.request_extension(case, 10, actor=handler, now=NOW, reason="again")
    routing.decide_extension(case, True, actor=user, now=NOW, reason="涉及多个部门，需要现场核查")
    db.session.commit()
    assert case.extension_days == 10 and case.reply_due > due
    accepted, extended = outbound(case.id)  # 受理告知, then 延期告知
    assert "已受理" in accepted.subject and due.isoformat() in accepted.body_text
    assert "涉及多个部门" in extended.body_text and case.reply_due.isoformat() in extended.body_text
    with pytest.raises(TriageError, match="已延期过一次"):
        routing.request_extension(case, 5, actor=handler, now=NOW, reason="more")


def test_not_accepted_with_the_reason_sent_to_the_person(world: None) -> None:
    user = staff("triager")
    case = new_case()
    with pytest.raises(TriageError):
        decisions.not_accept(case, actor=user, now=NOW, reason="")
    assert decisions.not_accept(case, actor=user, now=NOW, reason="内容与整改无关且无具体事实") == "email"
    db.session.commit()
    assert case.status == "not_accepted"
    assert "内容与整改无关且无具体事实" in outbound(case.id)[0].body_text
    silent = new_case(email="")
    assert decisions.not_accept(silent, actor=user, now=NOW, reason="重复来信") == "no_email"


def test_out_of_scope_is_referred_and_the_person_told_where(world: None) -> None:
    user = staff("triager")
    case = new_case("我家楼下停车位太少，物业不管。")
    decisions.refer_out(case, actor=user, now=NOW, referred_to="闵行区住房保障和房屋管理局")
    db.session.commit()
    assert case.status == "out_of_scope" and case.kind == "out_of_scope"
    assert case.referred_to == "闵行区住房保障和房屋管理局"
    assert "闵行区住房保障和房屋管理局" in outbound(case.id)[0].body_text


def test_a_duplicate_is_merged_into_an_open_case_and_counted_once(world: None) -> None:
    user = staff("triager")
    first, second = new_case(), new_case("同一件事：楼宇空置的问题还是没解决。", email="other@example.test")
    decisions.merge(second, first, actor=user, now=NOW, reason="同一事项")
    db.session.commit()
    assert second.status == "duplicate" and second.duplicate_of_id == first.id
    inbound = [m for m in first.messages if m.direction == "inbound"]
    assert len(inbound) == 2
    assert [m.direction for m in second.messages] == ["outbound"]  # only the notice to the person
    assert first.reference in second.messages[0].body_text
    assert "merged_in" in [e.action for e in first.events]
    counted = db.session.scalar(
        db.select(db.func.count()).select_from(type(first)).where(type(first).status != "duplicate")
    )
    assert counted == 1


def test_a_repeat_of_a_closed_case_is_linked_not_reopened(world: None) -> None:
    user = staff("triager")
    closed = new_case()
    closed.status = "closed"
    db.session.commit()
    repeat = new_case("又来反映楼宇空置问题。")
    decisions.merge(repeat, closed, actor=user, now=NOW)
    db.session.commit()
    assert closed.status == "closed" and repeat.status == "duplicate"
    assert repeat.duplicate_of_id == closed.id
    assert any(m.direction == "inbound" for m in repeat.messages)  # nothing moved into the closed case
    assert closed.events[-1].action == "repeat_linked"
    with pytest.raises(IllegalTransition):  # a closed case is never merged away either
        decisions.merge(closed, new_case("第三封"), actor=user, now=NOW)


def test_mark_and_unmark_an_accusation_with_a_reason(world: None) -> None:
    user = staff("supervisor")
    case = new_case()
    decisions.accept(case, actor=user, now=NOW, kind="suggestion")
    assert case.department.code == "party_office"
    with pytest.raises(TriageError):
        decisions.mark_accusation(case, actor=user, now=NOW, reason="")
    decisions.mark_accusation(case, actor=user, now=NOW, reason="反映具体干部违纪")
    db.session.commit()
    assert case.kind == "accusation" and case.confidential and case.department.code == "discipline"
    with pytest.raises(TriageError):
        routing.override_route(case, dept("economy"), actor=user, now=NOW, reason="试试")
    decisions.unmark_accusation(case, "suggestion", actor=user, now=NOW, reason="仅为一般建议")
    db.session.commit()
    assert case.kind == "suggestion" and not case.confidential


def test_a_named_unit_can_never_be_given_the_case(world: None) -> None:
    user = staff("supervisor")
    case = new_case("举报经济发展处王科长收受企业红包。")
    decisions.add_named_party(case, actor=user, now=NOW, name="经济发展处", department=dept("discipline"))
    with pytest.raises(TriageError, match="反映的正是该部门"):
        decisions.accept(case, actor=user, now=NOW)


def test_confirmed_links_retrain_the_classifier_through_the_outbox(world: None) -> None:
    from cases.outbox import commit_and_dispatch

    user = staff("triager")
    case = new_case("那个叫‘大白楼’的地方一直没人", subject="")
    links.link_problem(case, problem("1.1"), actor=user, now=NOW)
    commit_and_dispatch()  # embedded mode: the retraining job runs after the commit
    assert db.session.scalar(db.select(ConfirmedLink.problem_code)) == "1.1"
    model = db.session.scalar(db.select(ClassifierModel))
    assert model is not None and model.examples == 1
    assert current_classifier().naive_bayes is not None
    links.unlink_problem(case, problem("1.1"), actor=user, now=NOW)
    commit_and_dispatch()
    assert db.session.scalar(db.select(db.func.count(ConfirmedLink.id))) == 0
    with pytest.raises(TriageError):
        links.unlink_problem(case, problem("1.1"), actor=user, now=NOW)


def test_closing_a_sealed_case_starts_the_report_back_clock(world: None) -> None:
    user = staff("inspector")
    case = new_case("举报经济发展处王科长收受企业红包，利用职权为亲属公司谋利。", subject="举报")
    decisions.accept(case, actor=user, now=NOW)
    assert case.department.code == "discipline"
    # A named reporter with an address was told the report was accepted.
    assert "已受理" in outbound(case.id)[0].body_text
    for action in ("draft_reply", "approve", "send_reply", "close"):
        change_status(case, action, actor=user, now=NOW)
    assert case.events[-1].detail["report_back_due"] == "2024-03-25"  # 15 working days after 4 March


def test_a_task_rule_routes_before_the_problem_rule(world: None) -> None:
    from cases.models import RoutingRule

    user = staff("triager")
    task = problem("1.1").tasks[0]
    db.session.add(RoutingRule(task_id=task.id, department=dept("finance")))
    case = new_case()
    links.link_problem(case, problem("1.1"), actor=user, now=NOW, task=task)
    decisions.accept(case, actor=user, now=NOW, kind="suggestion")
    assigned = [e for e in case.events if e.action == "assign"][-1]
    assert case.department.code == "finance" and assigned.reason == RULE_TASK
    assert assigned.detail["reason_args"] == {"task": task.id}
