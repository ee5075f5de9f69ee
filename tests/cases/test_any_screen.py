"""Issue 14, point 5: staff pages on any screen. At 390 px the inbox, the workspace and the case page
scroll only downwards (the inbox and workspace tables become stacked cards, CSS only); at 1440 px the
main content uses most of the width. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from cases.extensions import db
from tests.cases.handling_support import assigned_case, people
from tests.cases.test_handling_browser import _log_in
from tests.cases.triage_support import new_case, setup_departments
from tests.feedback.test_browser import _shot
from tests.support.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
MAIN_SHARE = ("document.querySelector('main').getBoundingClientRect().width"
              " / document.documentElement.clientWidth")


def _cases() -> str:
    """An inbox with long subjects, a case of the economy division with a trail; its reference."""
    world = people()
    for n in range(3):
        new_case("核心区楼宇空置率高，建议加大招商力度。" * 3,
                 subject=f"关于核心区楼宇空置率偏高问题的意见建议第{n}件" * 2,
                 email=f"very.long.address.of.a.citizen.{n}@example-mail-provider.test")
    case = assigned_case(world["triager"])
    db.session.commit()
    return case.reference


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_inbox_workspace_and_case_page_fit_the_screen(browser, live_server, size: str) -> None:  # noqa: ANN001
    setup_departments()
    reference = _cases()
    viewport = PHONE if size == "phone" else DESKTOP
    triager = browser.new_context(viewport=viewport, java_script_enabled=False, locale="zh-CN")
    handler = browser.new_context(viewport=viewport, java_script_enabled=False, locale="zh-CN")
    try:
        pages = [(_log_in(triager, live_server, "triager"), "/staff/cases", "inbox"),
                 (_log_in(handler, live_server, "handler"), "/staff/work", "workspace")]
        pages.append((pages[0][0], f"/staff/cases/{reference}", "case"))
        for page, path, name in pages:
            page.goto(live_server + path)
            assert reference in page.content(), name
            _shot(page, f"40-{name}", f"{viewport['width']}")
            if size == "phone":
                assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} scrolls sideways at 390 px"
                if name in ("inbox", "workspace"):
                    first_row = page.locator("table.table--cards tbody tr").first
                    assert first_row.evaluate("row => getComputedStyle(row).display") == "block"
                    assert page.locator("table.table--cards thead").first.bounding_box()["height"] <= 1
            else:
                assert page.evaluate(MAIN_SHARE) >= 0.9, f"{name} leaves the desktop's width unused"
                assert page.evaluate(NO_SIDEWAYS_SCROLL)
            assert_accessible(page, f"{name} at {viewport['width']} px")
    finally:
        triager.close()
        handler.close()
