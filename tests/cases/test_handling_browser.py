"""The department's pages in a real browser without JavaScript: the workspace, taking a case, writing
the reply point by point, a send-back seen by the handler; every page checked with axe-core (WCAG 2.1
AA); screenshots in test-artifacts/screenshots/ (issue 12, points 2-5)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cases.extensions import db
from cases.handling import drafts
from cases.models import Case
from tests.cases.handling_support import assigned_case, people
from tests.cases.test_staff_web import PASSWORD
from tests.cases.triage_support import setup_departments
from tests.feedback.test_browser import VIEWPORTS, _shot
from tests.support.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _log_in(context, server: str, key: str):  # noqa: ANN001, ANN202
    page = context.new_page()
    page.goto(f"{server}/staff/login")
    page.fill("#email", f"{key}@hqcbd.test")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    return page


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_workspace_draft_and_send_back_in_a_browser(browser, live_server, width: str) -> None:  # noqa: ANN001
    setup_departments()
    world = people()
    case = assigned_case(world["triager"])
    reference = case.reference

    handler = browser.new_context(viewport=VIEWPORTS[width], java_script_enabled=False, locale="zh-CN")
    page = _log_in(handler, live_server, "handler")
    page.get_by_role("link", name="打开工作台").click()
    assert page.url.endswith("/staff/work") and page.get_by_text(reference).first.is_visible()
    assert_accessible(page, "workspace")
    _shot(page, "20-workspace", width)
    page.get_by_role("button", name=f"认领 {reference}").click()
    assert page.url.endswith(f"/staff/cases/{reference}")

    # Split the letter into its points, answer each, save: the reply shows as the person will read it.
    page.get_by_role("button", name="将群众来信拆分为要点").click()
    assert page.locator("#points-2-raised").input_value().startswith("希望管委会定期公布整改进展")
    page.fill("#opening", "王先生：您好！您反映的问题收悉，现答复如下。")
    answers = ("空置率数据自二季度起按季度公开。", "已协调增开班次。", "整改进展每月公布。")
    for n, answer in enumerate(answers):
        page.fill(f"#points-{n}-answer", answer)
    page.fill("#closing", "感谢您对虹桥国际中央商务区整改工作的监督。")
    page.get_by_role("button", name="保存答复", exact=True).click()
    expect(page.get_by_text("答复已保存为第 2 版。")).to_be_visible()
    assert "一、您反映：核心区楼宇空置率" in page.locator("#reply-preview").inner_text()
    assert_accessible(page, "case page with a draft")
    _shot(page, "21-case-draft", width)
    page.get_by_role("button", name="提交答复送审").first.click()
    expect(page.get_by_text("答复已提交审核。")).to_be_visible()
    handler.close()

    head = browser.new_context(viewport=VIEWPORTS[width], java_script_enabled=False, locale="zh-CN")
    page = _log_in(head, live_server, "dept_head")
    page.goto(f"{live_server}/staff/work")
    expect(page.locator("#for-head").get_by_text(reference)).to_be_visible()
    page.locator("#for-head").get_by_role("link", name=reference).click()
    assert page.locator("form.decision button.button").first.inner_text() == "审核通过，报机关党委办公室审核"
    assert_accessible(page, "case page waiting for the head")
    page.fill("#send_back-reason", "第二条请写明增开的线路和时间。")
    page.get_by_role("button", name="退回答复并说明意见").click()
    expect(page.get_by_text("答复已连同您的意见退回承办部门。")).to_be_visible()
    head.close()

    handler = browser.new_context(viewport=VIEWPORTS[width], java_script_enabled=False, locale="zh-CN")
    page = _log_in(handler, live_server, "handler")
    page.goto(f"{live_server}/staff/cases/{reference}")
    expect(page.locator("#draft").get_by_text("第二条请写明增开的线路和时间。")).to_be_visible()
    assert_accessible(page, "case page after a send-back")
    _shot(page, "22-case-sent-back", width)
    handler.close()
    db.session.expire_all()
    found = db.session.scalar(select(Case).where(Case.reference == reference))
    assert found.status == "assigned" and drafts.latest_draft(found).version == 2
