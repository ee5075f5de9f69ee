"""One case from the web form to its closing, in a real browser, as the people involved would do it
(issue 12, acceptance): the person writes with an e-mail address; the party office accepts and
routes it; the economy division's handler takes it and answers point by point; the head sends the
draft back, then approves it; the party office approves and sends it; the reply reaches the real SMTP
server threaded to our receipt; the person answers by e-mail (the real Dovecot, the poller) and the
answer joins the case; the person rates 不满意, which opens a review (复查); a second reply; 满意
closes it. The tracking page tells each step in plain words. No JavaScript anywhere.
"""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cases.extensions import db
from cases.models import Case
from tests.cases.test_staff_web import PASSWORD
from tests.cases.triage_support import setup_departments, staff
from tests.mailbox.conftest import message
from tests.mailbox.test_poller import poll

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LETTER = ("一、建议按季度公开核心区楼宇空置率的数据，便于社会监督。\n"
          "二、建议增加虹桥枢纽到核心区的公交班次，早晚高峰很难挤上车。")


def _browser_page(browser, server: str, key: str | None = None):  # noqa: ANN001, ANN202
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    if key is not None:
        page.goto(f"{server}/staff/login")
        page.fill("#email", f"{key}@hqcbd.test")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="登录").click()
        assert "/staff/login" not in page.url
    return page


def _mails(smtp) -> list[email.message.EmailMessage]:  # noqa: ANN001
    return [email.message_from_bytes(raw, policy=email.policy.default) for _f, _t, raw in smtp.messages]


def _case(reference: str) -> Case:
    db.session.expire_all()
    found = db.session.scalar(select(Case).where(Case.reference == reference))
    assert found is not None
    return found


def _answer_and_submit(page, server: str, reference: str, answers: tuple[str, ...]) -> None:  # noqa: ANN001
    """The handler writes the reply point by point and submits it."""
    page.goto(f"{server}/staff/cases/{reference}")
    if page.locator("#points-0-answer").count() == 0:
        page.get_by_role("button", name="将群众来信拆分为要点").click()
    page.fill("#opening", "您好！您反映的问题收悉，现逐条答复如下。")
    for number, answer in enumerate(answers):
        page.fill(f"#points-{number}-answer", answer)
    page.get_by_role("button", name="保存并提交审核").click()
    assert "已提交审核" in page.locator("main").inner_text()


def _approve_and_send(browser, server: str, reference: str) -> None:  # noqa: ANN001
    """The head approves (to the party office), the party office approves and sends it by e-mail."""
    head = _browser_page(browser, server, "dept_head")
    head.goto(f"{server}/staff/cases/{reference}")
    head.get_by_role("button", name="审核通过，报机关党委办公室审核").click()
    head.context.close()
    office = _browser_page(browser, server, "supervisor")
    office.goto(f"{server}/staff/cases/{reference}")
    office.get_by_role("button", name="审核通过答复").click()
    office.goto(f"{server}/staff/cases/{reference}")
    office.locator("#reply").locator("..").get_by_role("button", name="发送答复").click()
    office.context.close()


def _track(page, server: str, reference: str, code: str) -> str:  # noqa: ANN001
    page.goto(f"{server}/track")
    page.fill("#reference", reference)
    page.fill("#code", code)
    page.get_by_role("button", name="查询").click()
    assert page.url.endswith("/track/case")
    return page.locator("main").inner_text()


def _rate(page, level: str) -> str:  # noqa: ANN001
    page.check(f"input[name=level][value='{level}']")
    page.get_by_role("button", name="提交评价").click()
    return page.locator("main").inner_text()


def test_a_web_opinion_answered_reviewed_and_closed(
        app, mailbox_app, dovecot, smtp, browser, live_server) -> None:  # noqa: ANN001
    setup_departments()
    for key in ("triager", "handler", "dept_head", "supervisor"):
        staff(key)
    server = live_server

    # The person writes, with an e-mail address, and keeps the receipt.
    person = _browser_page(browser, server)
    person.goto(f"{server}/feedback/new?problem=1.1")
    person.fill("#subject", "空置率和公交")
    person.fill("#body", LETTER)
    person.fill("#email", "resident@example.cn")
    person.check("#consent")
    person.get_by_role("button", name="提交意见建议").click()
    reference = person.locator("#case-reference").inner_text().strip()
    code = person.locator("#tracking-code").inner_text().strip()
    [receipt] = _mails(smtp)
    assert receipt["Subject"].startswith(f"【回执】[{reference}]")
    assert code in receipt.get_body().get_content()

    # The party office accepts it: the rules route problem 1.1 to the economy division.
    triager = _browser_page(browser, server, "triager")
    triager.goto(f"{server}/staff/cases/{reference}")
    triager.locator("#do-accept").get_by_role("button", name="受理并转办").click()
    triager.context.close()
    assert _case(reference).department.code == "economy"

    # The handler finds it in the workspace, takes it, answers point by point.
    handler = _browser_page(browser, server, "handler")
    handler.goto(f"{server}/staff/work")
    handler.get_by_role("button", name=f"认领 {reference}").click()
    _answer_and_submit(handler, server, reference, ("空置率数据自二季度起按季度公开。", "已增开班次。"))

    # The head sends it back with a comment; the handler sees it and answers again.
    head = _browser_page(browser, server, "dept_head")
    head.goto(f"{server}/staff/cases/{reference}")
    head.fill("#send_back-reason", "第二条请写明增开的线路和时间。")
    head.get_by_role("button", name="退回答复并说明意见").click()
    head.context.close()
    handler.goto(f"{server}/staff/cases/{reference}")
    expect(handler.locator("#draft").get_by_text("第二条请写明增开的线路和时间。")).to_be_visible()
    _answer_and_submit(handler, server, reference,
                       ("空置率数据自二季度起按季度公开。", "941路自12月起早晚高峰加密至每6分钟一班。"))
    _approve_and_send(browser, server, reference)

    # The reply reaches the person, threaded to our receipt, from the published address.
    replies = [m for m in _mails(smtp) if "对您意见的答复" in str(m["Subject"])]
    assert len(replies) == 1
    ours = replies[0]
    assert ours["Subject"].startswith(f"[{reference}]") and "941路" in ours.get_body().get_content()
    assert receipt["Message-ID"] in ours["References"].split()
    assert re.fullmatch(r"<[^@>]+@example\.test>", ours["Message-ID"])
    assert ours["Auto-Submitted"] is None  # a person wrote and approved it

    # The person answers by e-mail: it joins the case.
    dovecot.deliver([message(sender="resident@example.cn", subject=f"回复：{ours['Subject']}",
                             body="谢谢答复，但空置率数据在哪里公布？", message_id="answer.1@example.cn",
                             extra=f"In-Reply-To: {ours['Message-ID']}\r\nReferences: {ours['Message-ID']}")])
    assert poll().threaded == 1
    inbound = [m.body_text for m in _case(reference).messages if m.direction == "inbound"]
    assert inbound[-1] == "谢谢答复，但空置率数据在哪里公布？"

    # On the tracking page: the reply, then 不满意 opens the review.
    text = _track(person, server, reference, code)
    assert "941路" in text and "已答复" in text
    text = _rate(person, "2")
    assert "复查" in text
    case = _case(reference)
    assert case.status == "assigned" and case.review_round == 1 and case.department.code == "economy"

    # The review answers the person's newest message (one point), approved and sent the same way.
    _answer_and_submit(handler, server, reference, ("数据在管委会网站“信息公开”栏目每季度首月公布。",))
    _approve_and_send(browser, server, reference)
    assert len([m for m in _mails(smtp) if "对您意见的答复" in str(m["Subject"])]) == 2
    text = _track(person, server, reference, code)
    assert "信息公开" in text
    text = _rate(person, "4")
    assert _case(reference).status == "closed"
    # Each step in plain words, in order, and nothing internal.
    lines = person.locator("ol.timeline .timeline__text").all_inner_texts()
    steps = ["已接收", "已受理", "已答复", "复查中", "已答复", "已办结"]
    found = [line for line in lines if any(line.startswith(step) for step in steps)]
    assert [next(s for s in steps if line.startswith(s)) for line in found] == steps, lines
    for internal in ("office_review", "draft_reply", "send_back", "第二条请写明", "赵", "handler@"):
        assert internal not in text
