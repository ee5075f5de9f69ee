"""A letter answered by post, in a real browser (Debian's Chromium, no JavaScript): the handler sends the
approved reply as a posted letter, opens the letter page and prints it (issue 12, point 5)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cases.extensions import db
from cases.models import CaseMessage
from cases.models.types import utcnow
from cases.triage.calendar import local_date
from tests.cases.test_staff_web import PASSWORD
from tests.cases.triage_support import new_case, reload_case, setup_departments, staff
from tests.feedback.test_browser import SHOTS
from tests.feedback.workflow import approve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_letter_is_answered_by_post_and_printed_in_a_browser(app, browser, live_server) -> None:  # noqa: ANN001
    setup_departments()
    staff("handler")
    case = new_case("来信反映：核心区楼宇空置率高，停车难。", channel="letter", email="")
    approve(case, "来信收悉。", opening="来信收悉。现将有关情况答复如下：", closing="感谢您的关心和支持。",
            points=[{"point": "关于楼宇空置率", "answer": "空置率数据将按季度公开。"},
                    {"point": "关于停车难", "answer": "新增公共停车位三百个。"}])
    db.session.commit()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False,
                                  locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/staff/login")
    page.fill("#email", "handler@hqcbd.test")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/staff/cases/{case.reference}")
    assert page.get_by_label("邮寄").is_checked()  # the way the person wrote comes first
    today = local_date(utcnow()).isoformat()
    page.fill("#send-answered_on", today)
    page.get_by_role("button", name="发送答复").click()
    expect(page.get_by_text("已登记答复方式：邮寄")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "10-staff-reply-posted-desktop.png"), full_page=True)

    page.get_by_role("link", name="打印答复函").click()
    assert page.url.endswith(f"/staff/cases/{case.reference}/letter")
    assert page.locator("#letter-reference").inner_text() == case.reference
    assert page.locator("#letter-addressee").inner_text() == "尊敬的张三："
    page.emulate_media(media="print")
    assert not page.locator(".letter-tools").is_visible()  # nothing but the letter on paper
    expect(page.get_by_text("上海虹桥国际中央商务区管理委员会").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "11-letter-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    (SHOTS / "11-letter.pdf").write_bytes(pdf)
    context.close()

    assert reload_case(case.reference).status == "replied"
    sent = db.session.scalar(select(CaseMessage).where(CaseMessage.purpose == "reply"))
    assert (sent.delivery_method, sent.delivered_on.isoformat()) == ("post", today)
