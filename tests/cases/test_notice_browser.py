"""The notice templates page in a browser without JavaScript, on a phone and a desktop: a supervisor
previews and saves a notice, the refusal keeps what was typed, and nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.extensions import db
from cases.models import NoticeTemplate
from tests.cases.test_staff_web import PASSWORD
from tests.cases.triage_support import setup_departments, staff
from tests.feedback.test_browser import VIEWPORTS, _no_horizontal_scroll, _shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_a_supervisor_previews_and_saves_a_notice(browser, live_server, width: str) -> None:  # noqa: ANN001
    setup_departments()
    staff("supervisor")
    context = browser.new_context(viewport=VIEWPORTS[width], java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/staff/login")
    page.fill("#email", "supervisor@hqcbd.test")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="告知来信人的通知").click()
    assert _no_horizontal_scroll(page)
    page.get_by_role("link", name="延期告知").click()
    assert _no_horizontal_scroll(page)

    page.fill("#body_zh_Hans", "您的意见 {reference} 需要延期答复，新的期限：{due_date}。理由：{reason}")
    page.get_by_role("button", name="预览").click()
    preview = page.locator("#preview-zh_Hans").locator("..").inner_text()
    assert "您的意见 HQ-2026-000123 需要延期答复，新的期限：2026-05-29。" in preview
    assert _no_horizontal_scroll(page)
    _shot(page, "60-notice-preview", width)

    page.fill("#body_en", "Due {due_date}, {nonsense}")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".error-summary")).to_be_visible()  # waits for the page the POST answers
    assert "{nonsense} 不是此通知可以使用的占位符" in page.locator(".error-summary").inner_text()
    assert page.locator("#body_zh_Hans").input_value().startswith("您的意见 {reference} 需要延期答复")
    assert db.session.scalar(db.select(db.func.count(NoticeTemplate.id))) == 0

    page.fill("#body_en", "Your case {reference} needs more time: due {due_date}. {reason}")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("通知已保存。")).to_be_visible()  # is_visible() did not wait for the redirect
    assert "第 2 版" in page.locator("legend").first.inner_text()
    _shot(page, "61-notice-saved", width)
    context.close()
