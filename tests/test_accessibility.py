"""Every page, public and staff, passes axe-core's WCAG 2.1 AA rules in Chromium, in both languages.

The pages need no JavaScript; axe itself does, so the browser runs it in a context of its own.
A page added to the product is added to PAGES (or to the walk below when it needs a case).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.cases.discipline_support import accepted_accusation, concluded, setup_discipline, step
from tests.cases.triage_support import PASSWORD, new_case, setup_departments, staff
from tests.support.axe import axe_violations as violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PUBLIC = ["/", "/problems/1.1", "/feedback/new", "/feedback/received", "/track", "/staff/login",
          "/no-such-page"]
STAFF = ["/staff/", "/staff/cases", "/staff/cases?status=open&q=空置", "/staff/cases/new",
         "/staff/mailbox/", "/staff/staged", "/staff/work", "/staff/replies/not-delivered"]


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
def test_every_page_passes_wcag_2_1_aa(app: Flask, page_in, live_server, language: str) -> None:
    setup_departments()
    staff("supervisor")
    case = new_case("核心区楼宇空置率高，建议加大招商力度。")
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


def test_the_check_finds_a_violation_when_there_is_one(page_in) -> None:
    page_in.set_content('<html lang="en"><head><title>t</title></head><body><main><input type="text">'
                        '<p style="color:#ccc;background:#fff">faint</p></main></body></html>')
    found = " ".join(violations(page_in))
    assert "label" in found and "color-contrast" in found
