"""Issue 14, point 5: no internal codes on staff pages. A case walks through its life on the real
services (with a few events as older releases wrote them, in English), and the Chinese case page,
inbox and workspace show labels and translated reasons, never codes or English reasons."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cases.events import record_event
from cases.extensions import db
from cases.handling import approval
from cases.handling.follow_up import record_follow_up
from cases.handling.ratings import rate_reply
from cases.handling.sending import send_reply
from cases.models import Case, CaseMessage
from cases.reasons import reason_text
from cases.staff.labels import EVENT_LABELS
from cases.triage.workflow import note_event
from tests.cases.admin_support import ADMIN_EMAIL, admin, log_in
from tests.cases.handling_support import NOW, assigned_case, people, write
from tests.cases.triage_support import login, new_case, setup_departments
from tests.feedback.workflow import reply

# Reasons older releases stored in English, and what the page must say instead.
LEGACY = {
    "set on acceptance": "受理时确定类别",
    "problem 1.1": "问题 1.1 的转办规则",
    "task 7": "所关联整改任务的转办规则",
    "default rule": "默认转办规则：转回机关党委办公室",
    "sealed: discipline inspection group": "检举控告已封存：转驻委纪检组",
    "override: 属于规划土地处": "未按转办规则选择部门：属于规划土地处",
    "the classifier flagged a possible accusation": "自动甄别发现可能属于检举控告",
    "the sender added information after closing": "办结后反映人补充了材料",
    "rated 4 of 5": "反映人评价答复：4分（满分5分）",
    "rated 2 of 5: not satisfied": "反映人对答复不满意（2分，满分5分）",
    "no rating within 15 working days of the reply": "答复后15个工作日内未评价",
    "automatic mail (Auto-Submitted: auto-replied)": "自动邮件（自动回复、退信或邮件列表），不予回复",
    "X-Auto-Response-Suppress: All": "发件人的邮件程序要求不自动回复",
    "no sender address": "没有发件人地址",
    "rate limit: 5 automatic answers to this address in 24 hours": "已达上限：24小时内已向该地址自动回复5次",
}
ENGLISH_REASONS = [*LEGACY, "multipart/report", "server_unreachable", "rated", "override", "classifier"]
CODES = [*(code for code in EVENT_LABELS if "_" in code), "queued", "public", "mailbox", "system",
         "received", "accept", "assign", "approve", "endorse"]


def visible_text(page: str) -> str:
    """The words a reader sees: no tags, no attributes."""
    without_code = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", without_code))


def _section(page: str, title: str) -> str:
    start = page.index(f"<h2>{title}</h2>")
    return page[start:page.index("</table>", start)]


@pytest.fixture
def lived(app: Flask, catalogue: object) -> tuple[Case, dict]:
    """A web case accepted, answered, approved, sent (still queued), rated 不满意, reopened."""
    setup_departments()
    staff = people()
    case = assigned_case(staff["triager"])
    write(case, staff["handler"], ("空置率", "将按季度公开。"))
    approval.submit_for_approval(case, actor=staff["handler"], now=NOW)
    approval.approve(case, actor=staff["dept_head"], now=NOW)
    if case.status == "office_review":
        approval.approve(case, actor=staff["supervisor"], now=NOW)
    send_reply(case, actor=staff["supervisor"], now=NOW, method="email")
    db.session.commit()
    assert rate_reply(case, 2, "没有回应", now=NOW + timedelta(days=1)) == "request_review"
    # What older releases wrote, and a failed send (its reason is an error code).
    for n, reason in enumerate(LEGACY):
        record_event(case, "note_added" if n % 2 else "kind_set", at=NOW + timedelta(days=2), reason=reason,
                     actor_label="public" if n % 3 else "mailbox")
    note_event(case, "email_not_delivered", actor=None, now=NOW + timedelta(days=2),
               reason="server_unreachable")
    record_event(case, "email_bounced", at=NOW + timedelta(days=2), actor_label="mailbox",
                 reason="multipart/report; report-type=delivery-status")
    db.session.commit()
    return case, staff


def test_the_chinese_case_page_has_no_codes_and_no_english_reasons(lived, client: FlaskClient) -> None:
    case, staff = lived
    assert any(m.delivery_status == "queued" for m in case.messages)
    login(client, "triager")
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    timeline = visible_text(_section(page, "时间线"))
    for chinese in LEGACY.values():
        assert chinese in timeline, chinese
    # The reasons the walk wrote, translated.
    for written in ("受理时确定类别", "问题 1.1 的转办规则", "反映人对答复不满意（2分，满分5分）",
                    "无法连接我们的邮件服务器。"):
        assert written in timeline, written
    assert "来信人" in timeline and "孙分办" in timeline and "赵处长" in timeline  # people by name
    assert re.findall(r"[A-Za-z]{2,}", timeline) == [], timeline  # not one English word in the trail
    text = visible_text(page)
    for code in [*CODES, *ENGLISH_REASONS, "triager@hqcbd.test", "dept_head@hqcbd.test"]:
        assert not re.search(rf"(?<![\w@.-]){re.escape(code)}(?![\w@.-])", text), code
    assert "等待发送" in text  # the queued reply's delivery state, as a label


def test_inbox_and_workspace_speak_chinese(lived, client: FlaskClient, app: Flask) -> None:
    case, _staff = lived
    login(client, "triager")
    inbox = visible_text(client.get("/staff/cases").get_data(as_text=True))
    handler = app.test_client()  # the same class as ``client``: a fresh app context per request
    login(handler, "handler")
    work = visible_text(handler.get("/staff/work").get_data(as_text=True))
    for text in (inbox, work):
        assert case.reference in text
        for code in [*CODES, "assigned", "suggestion", "economy", "web"]:
            assert not re.search(rf"(?<![\w@./-]){re.escape(code)}(?![\w@./-])", text), code


def test_information_after_closing_is_a_translated_reason(app: Flask, catalogue: object) -> None:
    setup_departments()
    case = new_case()
    reply(case, "经核实，空置率数据将按季度公开。", at=NOW)
    assert rate_reply(case, 4, now=NOW) == "close"
    message = CaseMessage(case=case, direction="inbound", body_text="补充材料",
                          created_at=NOW + timedelta(days=1))
    db.session.add(message)
    assert record_follow_up(case, message, now=NOW + timedelta(days=1), event="information_added",
                            actor_label="public") == "request_review"
    closing, reopening = [e for e in case.events if e.action in ("close", "request_review")]
    assert reopening.reason == "The person added information after the case was closed"
    with app.test_request_context():
        assert reason_text(closing.action, closing.reason, closing.detail) == "反映人评价答复：4分（满分5分）"
        assert reason_text(reopening.action, reopening.reason, reopening.detail) == "办结后反映人补充了材料"
        # A person's own words are shown as typed.
        assert reason_text("return", "不属于本处职责", None) == "不属于本处职责"


def test_the_seeded_routing_note_speaks_chinese(app: Flask, catalogue: object, client: FlaskClient) -> None:
    admin()
    log_in(client, ADMIN_EMAIL)
    routing = visible_text(client.get("/staff/admin/routing").get_data(as_text=True))
    assert "默认规则：转回机关党委办公室分办" in routing and "back to the party office" not in routing
