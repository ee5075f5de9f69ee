"""Every page, public and staff, passes axe-core's WCAG 2.1 AA rules in Chromium, in both languages.

The pages need no JavaScript; axe itself does, so the browser runs it in a context of its own.
A page added to the product is added to PAGES (or to the walk below when it needs a case).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.cases.discipline_support import accepted_accusation, concluded, setup_discipline, step
from tests.cases.test_staff_web import make_user
from tests.cases.triage_support import PASSWORD, new_case, setup_departments, staff
from tests.support.axe import axe_violations as violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PUBLIC = ["/", "/problems/1.1", "/feedback/new", "/feedback/received", "/track", "/staff/login",
          "/transparency", "/no-such-page"]
STAFF = ["/staff/", "/staff/cases", "/staff/cases?status=open&q=空置", "/staff/cases/new",
         "/staff/mailbox/", "/staff/staged", "/staff/work", "/staff/replies/not-delivered",
         "/staff/account/password", "/staff/account/tokens", "/staff/notices", "/staff/notices/extension",
         "/staff/reports", "/staff/reports?from=2024-13-01&kind=x", "/staff/reports/problems?sort=late",
         "/staff/reports/monthly", "/staff/reports/monthly?month=2024-13",
         "/staff/reports/monthly?month=2024-03",
         "/staff/reports/problems?from=2024-03-01&to=2024-03-31",  # where each linked opinion stands
         "/staff/admin/"]  # the last: 403 for a supervisor
ADMIN = ["/staff/admin/", "/staff/admin/accounts", "/staff/admin/accounts/new", "/staff/admin/departments",
         "/staff/admin/departments/new", "/staff/admin/routing", "/staff/admin/routing?probe-item=p:1.1",
         "/staff/admin/routing?probe-reference=HQ-2000-000001", "/staff/admin/holidays?year=2030",
         "/staff/admin/discipline", "/staff/admin/audit"]


@pytest.fixture
def page_in(browser, live_server) -> Iterator[object]:
    """A JavaScript-enabled page (for axe) on the live server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _check(page, url: str, failures: dict[str, list[str]]) -> None:  # noqa: ANN001
    page.goto(url)
    found = violations(page)
    if found:
        failures[url] = found


def _log_in(page, base: str, email: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name=re.compile("登录|Log in")).click()


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_every_page_passes_wcag_2_1_aa(app: Flask, catalogue: object, page_in, live_server,
                                      language: str) -> None:
    setup_departments()
    staff("supervisor")
    make_user(email="admin@hqcbd.test", roles=("admin",))
    case = new_case("核心区楼宇空置率高，建议加大招商力度。")
    # A repeat from the same sender: the case page shows its likely-duplicates panel.
    new_case(f"又来反映{case.reference}：核心区楼宇空置率高，建议加大招商力度。")
    # Linked to 1.1, from someone else: the progress page lists where it stands (March 2024).
    new_case("建议按季度公布楼宇空置率。", email="other@example.test", phone="13900000000", problems=("1.1",))
    base = live_server
    failures: dict[str, list[str]] = {}
    page_in.goto(f"{base}/lang/{language}?next=/")
    for path in PUBLIC:
        _check(page_in, base + path, failures)
    # The form with its error summary, as a person who forgot the required fields sees it.
    page_in.goto(f"{base}/feedback/new")
    page_in.locator("form button[type=submit]").last.click()
    if found := violations(page_in):
        failures["/feedback/new (errors)"] = found
    _log_in(page_in, base, "supervisor@hqcbd.test")
    for path in [*STAFF, f"/staff/cases/{case.reference}"]:
        _check(page_in, base + path, failures)
    assert page_in.locator("#duplicates form button").count() == 1  # the panel was checked too
    _notice_form(page_in, base, failures)
    page_in.context.clear_cookies()
    _log_in(page_in, base, "admin@hqcbd.test")
    for path in [*ADMIN, *_admin_walk()]:
        _check(page_in, base + path, failures)
        assert "/staff/login" not in page_in.url and "无权" not in page_in.title(), path  # really seen
    _admin_forms(page_in, base, failures)
    assert failures == {}


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_discipline_panel_passes_wcag_2_1_aa(app: Flask, page_in, live_server, language: str) -> None:
    inspector = setup_discipline()
    handled, closed = accepted_accusation(inspector), accepted_accusation(inspector, email="b@example.test")
    step(handled, "preliminary_check", handled.case.accepted_at.date(), "调阅审批材料。")
    concluded(closed)  # long ago: the report back is overdue, its form is shown
    base = live_server
    page_in.goto(f"{base}/lang/{language}?next=/")
    # The home page's favicon request may still be out: its answer would put back the session cookie
    # of before the login page (without the login form's CSRF token).
    page_in.wait_for_load_state("networkidle")
    _log_in(page_in, base, "inspector@hqcbd.test")
    failures: dict[str, list[str]] = {}
    for found in (handled, closed):
        _check(page_in, f"{base}/staff/cases/{found.case.reference}", failures)
        assert page_in.locator("#discipline").count() == 1
    # A refused step: the page again, with the error and what was typed.
    page_in.goto(f"{base}/staff/cases/{handled.case.reference}")
    page_in.fill("#step-on", "2099-01-01")
    page_in.fill("#step-note", "未来的日期")
    page_in.locator("#discipline form").first.locator("button[type=submit]").click()
    assert page_in.input_value("#step-note") == "未来的日期"
    if found_now := violations(page_in):
        failures["discipline step refused"] = found_now
    assert failures == {}


def _admin_walk() -> list[str]:
    """Pages of one account, department, rule, date and measure, and a one-time link's page."""
    from datetime import UTC, date, datetime

    from cases.admin.accounts import issue_password_link
    from cases.admin.discipline_list import create_measure
    from cases.admin.holidays import add_override
    from cases.api_tokens import create_token
    from cases.extensions import db
    from cases.models import Department, RoutingRule, StaffUser

    admin = db.session.scalar(db.select(StaffUser).where(StaffUser.email == "admin@hqcbd.test"))
    add_override(date(2030, 10, 1), False, "国务院办公厅通知", actor=admin)
    measure = create_measure("referral", "移送处理", "Referred", 5, False, actor=admin)
    supervisor = db.session.scalar(db.select(StaffUser).where(StaffUser.email == "supervisor@hqcbd.test"))
    token = issue_password_link(supervisor, actor=admin, now=datetime.now(UTC))
    create_token(admin, "OA系统", now=datetime.now(UTC))
    db.session.commit()
    department = db.session.scalar(db.select(Department).where(Department.code == "economy"))
    rule = db.session.scalar(db.select(RoutingRule).order_by(RoutingRule.id))
    return [f"/staff/admin/accounts/{supervisor.id}", f"/staff/admin/departments/{department.id}",
            f"/staff/admin/routing/{rule.id}", "/staff/admin/holidays/2030-10-01",
            f"/staff/admin/discipline/{measure.id}", f"/staff/password/{token}", "/staff/account/tokens"]


def _admin_forms(page, base: str, failures: dict[str, list[str]]) -> None:  # noqa: ANN001
    """The new-account form with its errors, then the page that shows a temporary password once."""
    page.goto(f"{base}/staff/admin/accounts/new")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    if found := violations(page):
        failures["/staff/admin/accounts/new (errors)"] = found
    page.fill("#email", "new.colleague@hqcbd.shanghai.gov.cn")
    page.fill("#display_name", "新同事")
    page.check("#roles-0")
    page.check("#password_method-1")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("#temporary-password")).to_be_visible()
    if found := violations(page):
        failures["/staff/admin/accounts/new (temporary password)"] = found


def _notice_form(page, base: str, failures: dict[str, list[str]]) -> None:  # noqa: ANN001
    """A notice template refused (an unknown placeholder): the error summary and the preview."""
    page.goto(f"{base}/staff/notices/extension")
    page.fill("#body_en", "Due {due_date}, {nonsense}")
    page.locator("form.form button[value=save]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    if found := violations(page):
        failures["/staff/notices/extension (errors)"] = found


def test_the_check_finds_a_violation_when_there_is_one(page_in) -> None:
    page_in.set_content('<html lang="en"><head><title>t</title></head><body><main><input type="text">'
                        '<p style="color:#ccc;background:#fff">faint</p></main></body></html>')
    found = " ".join(violations(page_in))
    assert "label" in found and "color-contrast" in found
