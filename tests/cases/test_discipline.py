"""The discipline track (issue 12, point 7): steps from the database list, closing, the report back (回复)."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from cases.domain import discipline as rules
from cases.extensions import db
from cases.handling import discipline
from cases.handling.discipline_measures import active_measures, ensure_default_measures
from cases.models import CaseEvent, CaseMessage, DisciplineMeasure
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from cases.triage.calendar import local_date
from cases.triage.workflow import TriageError
from tests.cases.discipline_support import (
    ACCEPTED,
    Accusation,
    accepted_accusation,
    concluded,
    setup_discipline,
    step,
)
from tests.cases.triage_support import csrf_any, login, reload_case

LATER = ACCEPTED + timedelta(days=3)  # Thursday 2024-03-07


@pytest.fixture
def found(app: Flask, catalogue: object) -> Accusation:
    """A named reporter's accusation, accepted by the discipline group."""
    return accepted_accusation(setup_discipline())


# -- the rules (pure) ---------------------------------------------------------------------------

def test_closing_rule() -> None:
    day = date(2024, 3, 5)
    assert rules.closing_refusal([]) == rules.NO_STEP
    check = rules.Step("preliminary_check", day, False, 1)
    end = rules.Step("concluded", day, True, 2)
    assert rules.closing_refusal([check]) == rules.NOT_CONCLUDED
    assert rules.closing_refusal([end, check]) is None  # recorded later, but the check happened first
    later_check = rules.Step("case_review", day + timedelta(days=1), False, 3)
    assert rules.closing_refusal([check, end, later_check]) == rules.NOT_CONCLUDED


def test_report_back_methods() -> None:
    assert rules.report_back_methods(anonymous=True, email=True, phone=True) == ()
    assert rules.report_back_methods(anonymous=False, email=True, phone=False) == ("email", "post", "meeting")
    assert rules.report_back_methods(anonymous=False, email=False, phone=True) == ("post", "phone", "meeting")


# -- 1. recording the handling ------------------------------------------------------------------

def test_steps_are_recorded_as_events_and_listed_in_the_order_they_happened(found: Accusation,
                                                                          client: FlaskClient) -> None:
    step(found, "preliminary_check", date(2024, 3, 5), "调阅相关审批材料。", now=LATER)
    step(found, "talk_or_letter", date(2024, 3, 6), "与王某谈话。", now=LATER)
    step(found, "case_review", date(2024, 3, 4), "补录：受理当日即立案审查。", now=LATER)
    steps = discipline.recorded_steps(found.case)
    assert [(s.measure, s.on) for s in steps] == [
        ("case_review", date(2024, 3, 4)), ("preliminary_check", date(2024, 3, 5)),
        ("talk_or_letter", date(2024, 3, 6))]
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.action == "discipline_step")).all()
    assert len(events) == 3
    assert all(e.reason == "" and e.actor_label == "inspector@hqcbd.test" for e in events)
    assert events[0].detail["name_zh"] == "初步核实" and events[0].detail["note"] == "调阅相关审批材料。"

    login(client, "inspector")
    html = client.get(f"/staff/cases/{found.case.reference}").get_data(as_text=True)
    panel = html[html.index('id="discipline"'):]
    assert panel.index("2024-03-04") < panel.index("立案审查") < panel.index("2024-03-05") < panel.index(
        "初步核实") < panel.index("2024-03-06") < panel.index("谈话函询")
    assert "与王某谈话。" in panel


def test_a_step_is_recorded_from_the_panel(found: Accusation, client: FlaskClient) -> None:
    login(client, "inspector")
    reference = found.case.reference
    page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    response = client.post(f"/staff/cases/{reference}/discipline/step", data={
        "csrf_token": csrf_any(page), "step-measure": "talk_or_letter", "step-on": "2024-03-05",
        "step-note": "函询王某，要求书面说明。"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#discipline")
    db.session.expire_all()
    [recorded] = discipline.recorded_steps(reload_case(reference))
    assert (recorded.measure, recorded.on, recorded.note) == ("talk_or_letter", date(2024, 3, 5),
                                                             "函询王某，要求书面说明。")


def test_a_refused_step_keeps_what_was_typed(found: Accusation, client: FlaskClient) -> None:
    login(client, "inspector")
    reference = found.case.reference
    page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    future = (utcnow() + timedelta(days=3)).date().isoformat()
    response = client.post(f"/staff/cases/{reference}/discipline/step", data={
        "csrf_token": csrf_any(page), "step-measure": "preliminary_check", "step-on": future,
        "step-note": "这段说明不应丢失。"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "日期不能晚于今天" in html and "这段说明不应丢失。" in html and f'value="{future}"' in html
    assert discipline.recorded_steps(reload_case(reference)) == []


def test_only_active_measures_in_the_list_order(found: Accusation, client: FlaskClient) -> None:
    talk = db.session.scalar(select(DisciplineMeasure).where(DisciplineMeasure.code == "talk_or_letter"))
    review = db.session.scalar(select(DisciplineMeasure).where(DisciplineMeasure.code == "case_review"))
    talk.active, review.position = False, 0
    db.session.commit()
    assert [m.code for m in active_measures()] == ["case_review", "preliminary_check", "concluded"]
    with pytest.raises(TriageError, match="请从列表中选择"):
        step(found, "talk_or_letter", date(2024, 3, 5), "谈话。")
    db.session.rollback()
    login(client, "inspector")
    html = client.get(f"/staff/cases/{found.case.reference}").get_data(as_text=True)
    options = html[html.index('id="step-measure"'):html.index("</select>", html.index('id="step-measure"'))]
    assert "谈话函询" not in options
    assert options.index("立案审查") < options.index("初步核实") < options.index("了结")


def test_a_step_date_lies_between_acceptance_and_today(found: Accusation) -> None:
    with pytest.raises(TriageError, match="不能早于 2024-03-04"):
        step(found, "preliminary_check", date(2024, 3, 1), "早于受理。", now=LATER)
    db.session.rollback()
    with pytest.raises(TriageError, match="不能晚于今天"):
        step(found, "preliminary_check", date(2024, 3, 8), "晚于今天。", now=LATER)
    db.session.rollback()
    with pytest.raises(TriageError, match="请填写"):
        step(found, "preliminary_check", date(2024, 3, 5), "   ", now=LATER)


# -- 2. closing ---------------------------------------------------------------------------------

def test_closing_is_refused_without_a_step(found: Accusation) -> None:
    with pytest.raises(TriageError, match="至少记录一个"):
        discipline.conclude(found.case, "结论。", actor=found.inspector, now=LATER)
    db.session.rollback()
    assert reload_case(found.case.reference).status == "assigned"


def test_closing_waits_for_a_concluding_step(found: Accusation) -> None:
    step(found, "preliminary_check", date(2024, 3, 5), "初核。", now=LATER)
    with pytest.raises(TriageError, match="了结"):
        discipline.conclude(found.case, "结论。", actor=found.inspector, now=LATER)
    db.session.rollback()
    assert reload_case(found.case.reference).status == "assigned"


def test_closing_starts_the_report_back_clock(found: Accusation) -> None:
    concluded(found, now=LATER, conclusion="经核查，反映问题属实，已给予党纪处分。")
    case = reload_case(found.case.reference)
    assert case.status == "closed" and case.closed_at == LATER
    # 15 working days from Thursday 2024-03-07: no holiday in between.
    assert case.report_back_due == date(2024, 3, 28) and case.reported_back_at is None
    closing = discipline.conclusion(case)
    assert closing is not None and closing.action == "conclude" and closing.reason == ""
    assert closing.detail["conclusion"] == "经核查，反映问题属实，已给予党纪处分。"


def test_an_anonymous_accusation_has_no_report_back_clock(app: Flask, catalogue: object) -> None:
    found = accepted_accusation(setup_discipline(), anonymous=True)
    concluded(found, now=LATER)
    assert reload_case(found.case.reference).report_back_due is None


# -- 3. the report back ---------------------------------------------------------------------------

def test_report_back_by_email_reaches_the_reporter_with_the_reference_only(found: Accusation,
                                                                           client: FlaskClient, smtp) -> None:
    concluded(found, now=LATER)
    login(client, "inspector")
    reference = found.case.reference
    page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    text = "李四同志：您反映的问题经核查部分属实，已依规依纪处理。感谢您的监督。"
    response = client.post(f"/staff/cases/{reference}/discipline/report-back", data={
        "csrf_token": csrf_any(page), "report-method": "email", "report-on": "", "report-text": text})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    sent = [email.message_from_bytes(raw, policy=email.policy.default) for _f, _to, raw in smtp.messages]
    [report] = [m for m in sent if m["Subject"] == f"[{reference}] 回复"]
    assert report["To"] == "reporter@example.test"
    assert report.get_content().strip() == text
    for secret in ("举报", "王科长", "红包", found.case.subject):
        assert secret not in report["Subject"]

    case = reload_case(reference)
    assert case.reported_back_at is not None
    [message] = db.session.scalars(select(CaseMessage).where(CaseMessage.purpose == "report_back")).all()
    assert message.delivery_status == "sent" and message.delivery_method == "email"
    [done] = discipline.recorded_report_backs(case)
    assert (done.method, done.on, done.text) == ("email", local_date(case.reported_back_at), text)
    assert done.message == message
    html = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "邮件已发送" in html and 'id="report-text"' not in html  # recorded once: no form any more


def test_report_back_by_post_is_recorded_with_its_date(found: Accusation) -> None:
    concluded(found, now=LATER)
    now = LATER + timedelta(days=7)
    discipline.report_back(found.case, "post", date(2024, 3, 12), "书面告知处理结果。", actor=found.inspector,
                           now=now)
    db.session.commit()
    case = reload_case(found.case.reference)
    assert case.reported_back_at is not None and local_date(case.reported_back_at) == date(2024, 3, 12)
    assert db.session.scalars(select(CaseMessage).where(CaseMessage.purpose == "report_back")).all() == []
    with pytest.raises(TriageError, match="已经记录"):
        discipline.report_back(case, "phone", date(2024, 3, 13), "再次告知。", actor=found.inspector, now=now)
    db.session.rollback()
    with pytest.raises(TriageError, match="不能早于"):
        other = accepted_accusation(found.inspector, email="other@example.test")
        concluded(other, now=LATER)
        discipline.report_back(other.case, "post", date(2024, 3, 6), "早于办结。", actor=found.inspector,
                               now=now)


def test_an_email_that_bounced_may_be_followed_by_another_report_back(found: Accusation, smtp) -> None:
    concluded(found, now=LATER)
    discipline.report_back(found.case, "email", None, "处理结果。", actor=found.inspector, now=LATER)
    commit_and_dispatch()
    assert not discipline.may_report_back_again(found.case)
    found.case.email_undeliverable = True  # what a bounce marks (mailbox intake)
    db.session.commit()
    assert discipline.may_report_back_again(found.case)
    assert discipline.report_back_methods(found.case) == ("post", "phone", "meeting")
    discipline.report_back(found.case, "phone", date(2024, 3, 8), "电话告知处理结果。", actor=found.inspector,
                           now=LATER + timedelta(days=1))
    db.session.commit()
    assert [d.method for d in discipline.recorded_report_backs(found.case)] == ["email", "phone"]


def test_an_anonymous_accusation_gets_no_report_back(app: Flask, catalogue: object,
                                                     client: FlaskClient) -> None:
    found = accepted_accusation(setup_discipline(), anonymous=True)
    concluded(found, now=LATER)
    with pytest.raises(TriageError, match="匿名"):
        discipline.report_back(found.case, "post", date(2024, 3, 8), "告知。", actor=found.inspector,
                               now=LATER)
    db.session.rollback()
    login(client, "inspector")
    reference = found.case.reference
    html = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert "匿名检举控告，不予回复" in html and 'id="report-text"' not in html
    response = client.post(f"/staff/cases/{reference}/discipline/report-back", data={
        "csrf_token": csrf_any(html), "report-method": "post", "report-on": "2024-03-08",
        "report-text": "告知。"})
    assert response.status_code == 422
    assert reload_case(reference).reported_back_at is None
    assert db.session.scalar(select(CaseEvent).where(CaseEvent.action == "reported_back")) is None


def test_the_report_back_clock_shows_days_left_and_an_overdue_mark(found: Accusation, client: FlaskClient,
                                                                  app: Flask, catalogue: object) -> None:
    concluded(found, now=LATER)  # due 2024-03-28: long past
    fresh = accepted_accusation(found.inspector, email="fresh@example.test")
    now = utcnow()
    step(fresh, "preliminary_check", now.date() - timedelta(days=1), "初核。", now=now)
    concluded(fresh, now=now)
    login(client, "inspector")
    old_page = client.get(f"/staff/cases/{found.case.reference}").get_data(as_text=True)
    panel = old_page[old_page.index('id="discipline"'):]
    assert "2024-03-28" in panel and '<strong class="tag tag--alert">已超期</strong>' in panel
    assert "个工作日" in panel and "已超期" in panel[panel.index("2024-03-28"):]
    new_page = client.get(f"/staff/cases/{fresh.case.reference}").get_data(as_text=True)
    panel = new_page[new_page.index('id="discipline"'):]
    assert "还剩 15 个工作日" in panel and "tag--alert" not in panel

    discipline.report_back(reload_case(found.case.reference), "meeting", date(2024, 4, 2), "当面告知。",
                           actor=found.inspector, now=datetime(2024, 4, 2, 3, 0, tzinfo=UTC))
    db.session.commit()
    done_page = client.get(f"/staff/cases/{found.case.reference}").get_data(as_text=True)
    panel = done_page[done_page.index('id="discipline"'):]
    assert "tag--alert" not in panel and "当面" in panel and "当面告知。" in panel


# -- 5. the list is kept in the database ----------------------------------------------------------

# `flask init` migrates on a connection of its own.
@pytest.mark.committed
def test_init_adds_missing_measures_and_keeps_edits(runner) -> None:
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0 and "discipline measures added: 4" in first.output
    measures = {m.code: m for m in db.session.scalars(select(DisciplineMeasure))}
    measures["concluded"].name_zh, measures["concluded"].active = "予以了结", False
    db.session.delete(measures["case_review"])
    db.session.commit()
    second = runner.invoke(args=["init"])
    assert "discipline measures added: 1" in second.output
    db.session.expire_all()
    rows = {m.code: (m.name_zh, m.active) for m in db.session.scalars(select(DisciplineMeasure))}
    assert rows == {"preliminary_check": ("初步核实", True), "talk_or_letter": ("谈话函询", True),
                    "case_review": ("立案审查", True), "concluded": ("予以了结", False)}
    assert ensure_default_measures() == 0
