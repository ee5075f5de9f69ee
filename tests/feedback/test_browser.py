"""The public pages in a real browser: Debian's Chromium driven by Playwright, no JavaScript of ours.

Fill and submit the form with an attachment, read the receipt, open the tracking page, add
information, rate after a reply; a screenshot of every page at phone and desktop width goes to
test-artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cases.extensions import db
from cases.models import Attachment, Case, CaseMessage, CaseRating
from tests.conftest import PROJECT_ROOT
from tests.feedback.workflow import reply

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def _shot(page, name: str, width: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def _no_horizontal_scroll(page) -> bool:
    page.wait_for_load_state()  # a page a click is still loading would destroy the evaluation
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_send_follow_add_and_rate_in_a_browser(browser, live_server, tmp_path: Path, width: str):
    context = browser.new_context(viewport=VIEWPORTS[width], java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    external: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server) else external.append(r.url))

    page.goto(f"{live_server}/")
    page.get_by_role("link", name="对此项整改提意见").first.click()
    assert page.url.endswith("/feedback/new?problem=1.1")
    assert page.locator("#problem").input_value() == "1.1"
    _shot(page, "01-form", width)

    # Submitting with mistakes: the summary links to the fields, what was typed stays.
    page.fill("#body", "太短")
    page.fill("#phone", "12345")
    page.get_by_role("button", name="提交意见建议").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.locator("#body-error").is_visible() and page.locator("#consent-error").is_visible()
    assert page.locator("#phone").input_value() == "12345"
    _shot(page, "02-form-errors", width)

    scan = tmp_path / "现场照片说明.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n")
    page.fill("#body", "建议按季度公开核心区楼宇空置率，并说明招商进展。")
    page.fill("#email", "resident@example.cn")
    page.fill("#phone", "021-34733909")
    page.set_input_files("#attachments", str(scan))
    page.check("#consent")
    page.keyboard.press("Tab")  # the keyboard reaches the button
    page.get_by_role("button", name="提交意见建议").click()
    assert page.url.endswith("/feedback/received")
    reference = page.locator("#case-reference").inner_text().strip()
    code = page.locator("#tracking-code").inner_text().strip()
    assert reference.startswith("HQ-") and len(code) == 24
    _shot(page, "03-receipt", width)
    page.reload()
    assert page.locator("#tracking-code").count() == 0  # shown once

    case = db.session.scalar(select(Case).where(Case.reference == reference))
    [attachment] = db.session.scalars(select(Attachment)).all() if width == "phone" else \
        [a for a in db.session.scalars(select(Attachment)) if a.message.case_id == case.id]
    assert attachment.filename == "现场照片说明.pdf" and attachment.content_type == "application/pdf"

    page.get_by_role("link", name="查询办理进度").first.click()
    page.fill("#reference", reference)
    page.fill("#code", code)
    _shot(page, "04-track", width)
    page.get_by_role("button", name="查询").click()
    assert page.url.endswith("/track/case")
    assert "已接收，等待受理决定" in page.locator("#case-status").inner_text()

    page.fill("#text", "补充：空置率数据可参考区统计年鉴。")
    page.get_by_role("button", name="提交补充材料").click()
    expect(page.get_by_text("您的补充材料已加入该件。")).to_be_visible()

    # Staff reply meanwhile (through the transition table).
    db.session.expire_all()
    reply(db.session.get(Case, case.id), "经核实，空置率数据将按季度公开。")
    db.session.commit()
    page.reload()
    expect(page.get_by_text("经核实，空置率数据将按季度公开。")).to_be_visible()
    page.get_by_label("基本满意").check()
    page.fill("#comment", "希望数据更细。")
    _shot(page, "05-case-replied", width)
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("感谢您的评价，已记录。")).to_be_visible()
    _shot(page, "06-case-rated", width)
    assert _no_horizontal_scroll(page)

    db.session.expire_all()
    rating = db.session.scalar(select(CaseRating).where(CaseRating.case_id == case.id))
    assert (rating.level, rating.comment) == (3, "希望数据更细。")
    inbound = db.session.scalars(select(CaseMessage).where(
        CaseMessage.case_id == case.id, CaseMessage.direction == "inbound")).all()
    assert len(inbound) == 2
    assert external == []  # nothing loaded from elsewhere
    context.close()


def test_pages_are_readable_at_200_percent_text(browser, live_server):
    # Elderly readers enlarge the text: the pages must reflow without sideways scrolling.
    context = browser.new_context(viewport=VIEWPORTS["phone"], bypass_csp=True)
    page = context.new_page()
    for path, name in (("/feedback/new", "07-form-200pct"), ("/track", "08-track-200pct")):
        page.goto(f"{live_server}{path}")
        page.add_style_tag(content="html { font-size: 200% !important; }")
        assert _no_horizontal_scroll(page), path
        _shot(page, name, "phone")
    # English is available too.
    page.goto(f"{live_server}/lang/en?next=/feedback/new")
    expect(page.get_by_role("heading", name="Give your opinion")).to_be_visible()
    _shot(page, "09-form-english", "phone")
    context.close()
