"""The acceptance of issue 14's administration pages in a real browser (Debian's Chromium through
Playwright, JavaScript off): an admin adds a handler of the economy division, who then logs in,
replaces the temporary password and sees their department's cases only."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect

from cases.extensions import db
from cases.triage import decisions, links
from tests.cases.admin_support import ADMIN_EMAIL, admin
from tests.cases.test_staff_web import PASSWORD
from tests.cases.triage_support import new_case, staff
from tests.conftest import PROJECT_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
HANDLER = "zhao.min@hqcbd.shanghai.gov.cn"
OWN_PASSWORD = "my own long passphrase 2027"


def _case_for(problem_code: str) -> str:
    """A case about ``problem_code``, accepted: the routing rules give it to a department."""
    from cases.models import Problem, StaffUser

    triager = db.session.scalar(db.select(StaffUser).where(StaffUser.email == "triager@hqcbd.test"))
    triager = triager or staff("triager")
    case = new_case(f"关于问题{problem_code}的意见：建议公开进展。")
    problem = db.session.scalar(db.select(Problem).where(Problem.code == problem_code))
    links.link_problem(case, problem, actor=triager, now=case.received_at)
    decisions.accept(case, actor=triager, now=case.received_at, kind="suggestion")
    db.session.commit()
    return case.reference


def _shot(page, name: str) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"admin-{name}.png"), full_page=True)


def test_an_admin_adds_a_handler_who_then_sees_their_departments_cases(app: Flask, browser, live_server):
    admin()
    economy_case, finance_case = _case_for("1.1"), _case_for("3.2")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server}/staff/login")
    page.fill("#email", ADMIN_EMAIL)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="系统管理").click()
    page.get_by_role("link", name="工作人员账户").first.click()
    page.get_by_role("link", name="添加工作人员账户").click()
    page.fill("#email", HANDLER)
    page.fill("#display_name", "赵敏")
    page.get_by_label("部门承办人").check()
    page.get_by_label("经济发展处").check()
    page.get_by_label("在此显示的临时密码，首次登录时须修改").check()
    _shot(page, "01-new-account")
    page.get_by_role("button", name="创建账户").click()
    temporary = page.locator("#temporary-password").inner_text().strip()
    assert len(temporary) >= 12
    _shot(page, "02-temporary-password")
    page.get_by_role("button", name="退出登录").first.click()

    page.fill("#email", HANDLER)
    page.fill("#password", temporary)
    page.get_by_role("button", name="登录").click()
    assert page.url.endswith("/staff/account/password")  # the temporary password must go first
    page.fill("#current", temporary)
    page.fill("#new", OWN_PASSWORD)
    page.fill("#new_again", OWN_PASSWORD)
    _shot(page, "03-change-password")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_text("您的密码已修改")).to_be_visible()
    expect(page.get_by_text("经济发展处").first).to_be_visible()  # the home page names their department

    page.get_by_role("link", name="打开收件箱").click()
    inbox = page.locator("main").inner_text()
    _shot(page, "04-handler-inbox")
    assert economy_case in inbox and finance_case not in inbox
    page.get_by_role("link", name=economy_case).click()
    assert re.search(rf"{economy_case}", page.locator("h1").inner_text())
    # The administration stays closed to a handler, with the site's own page.
    response = page.goto(f"{live_server}/staff/admin/accounts")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="您无权打开此页面")).to_be_visible()
    context.close()
