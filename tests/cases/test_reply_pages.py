"""The staff side of the reply (issue 12, points 5 and 6): the panel, answering a letter by post and
printing it, not-delivered e-mail on the case and the home page, ratings in the panel and the inbox."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from cases.extensions import db, mail
from cases.handling.sending import send_reply
from cases.models import Case, CaseMessage, StaffUser
from cases.models.types import utcnow
from cases.triage.calendar import local_date
from tests.cases.triage_support import csrf_any, login, new_case, reload_case, setup_departments, staff
from tests.feedback.workflow import approve, reply, staff_user
from tests.support.services import free_port

POINTS = [{"point": "核心区楼宇空置率偏高", "answer": "已制定专项招商方案，空置率数据按季度公开。"},
          {"point": "停车难", "answer": "新增公共停车位三百个。"}]


@pytest.fixture
def office(app: Flask, catalogue: object) -> None:
    setup_departments()
    for key in ("triager", "supervisor", "handler", "other_handler", "leader", "dept_head"):
        staff(key)


def _letter_case(**fields: object) -> Case:
    case = new_case("来信反映楼宇空置与停车难。", channel="letter", email="", **fields)  # type: ignore[arg-type]
    approve(case, "张三同志：来信收悉。现答复如下：……", opening="来信收悉。现将有关情况答复如下：",
            points=POINTS, closing="感谢您对虹桥国际中央商务区建设的关心和支持。")
    db.session.commit()
    return case


def _send(client: FlaskClient, case: Case, **data: str):  # noqa: ANN202
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    return client.post(f"/staff/cases/{case.reference}/reply/send",
                       data={"csrf_token": csrf_any(page), **data})


def test_a_letter_is_answered_by_post_recorded_and_printed(office, client: FlaskClient) -> None:  # noqa: ANN001
    case = _letter_case()
    login(client, "handler")
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "已审核、待发送的答复" in page and "打印答复函" in page
    # The way the person used comes first and is chosen; e-mail is not offered without an address.
    assert re.search(r'<input checked[^>]*id="send-method-0"[^>]*value="post"|'
                     r'<input[^>]*id="send-method-0"[^>]*value="post"[^>]*checked', page)
    assert 'value="email"' not in page

    # Printed before posting: the approved draft, points numbered, the committee's name, the reference.
    letter = client.get(f"/staff/cases/{case.reference}/letter")
    html = letter.get_data(as_text=True)
    assert letter.status_code == 200 and "no-store" in letter.headers["Cache-Control"]
    assert "上海虹桥国际中央商务区管理委员会" in html and case.reference in html
    assert "尊敬的张三：" in html and "一、" in html and "二、" in html
    assert html.index("核心区楼宇空置率偏高") < html.index("停车难") < html.index("感谢您对虹桥")
    assert 'class="site-nav"' not in html and "css/letter.css" in html  # no site navigation
    today = local_date(utcnow())
    assert f"{today.year}年{today.month}月{today.day}日" in html

    # A post answer without its day comes back with what was typed and the problem.
    refused = _send(client, case, **{"send-method": "post", "send-note": "已挂号寄出"})
    assert refused.status_code == 400
    again = refused.get_data(as_text=True)
    assert "请填写答复寄出" in again and "已挂号寄出" in again
    assert reload_case(case.reference).status == "approved"

    posted_on = today - timedelta(days=1)
    done = _send(client, case, **{"send-method": "post", "send-answered_on": posted_on.isoformat()})
    assert done.status_code == 302
    case = reload_case(case.reference)
    assert case.status == "replied" and case.rating_due is not None
    message = db.session.scalar(select(CaseMessage).where(CaseMessage.purpose == "reply"))
    assert (message.delivery_method, message.delivered_on) == ("post", posted_on)
    assert message.delivery_status is None  # no e-mail: nothing to deliver
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "已发出的答复" in page and "邮寄" in page and posted_on.isoformat() in page
    # Printed again later: the reply as sent, dated the day it was posted.
    html = client.get(f"/staff/cases/{case.reference}/letter").get_data(as_text=True)
    assert f"{posted_on.year}年{posted_on.month}月{posted_on.day}日" in html and "二、" in html


def test_an_anonymous_letter_is_addressed_to_the_writer(office, client: FlaskClient) -> None:  # noqa: ANN001
    case = _letter_case()
    case.anonymous = True
    db.session.commit()
    login(client, "triager")
    assert "尊敬的来信人：" in client.get(f"/staff/cases/{case.reference}/letter").get_data(as_text=True)


def test_the_letter_needs_the_case_and_its_contact_details(office, client: FlaskClient) -> None:  # noqa: ANN001
    case = _letter_case()
    path = f"/staff/cases/{case.reference}/letter"

    def status_for(key: str) -> int:
        browser = client.application.test_client()
        login(browser, key)
        return browser.get(path).status_code

    assert status_for("triager") == 200
    assert status_for("leader") == 403  # sees every ordinary case, not the contact details
    assert status_for("other_handler") == 404  # another department: the case does not exist for them
    case.kind = "accusation"
    db.session.commit()
    assert status_for("supervisor") == 404  # a sealed case is answered by the discipline track


def test_a_phone_call_answer_keeps_what_was_said(office, client: FlaskClient) -> None:  # noqa: ANN001
    case = new_case("电话反映：停车难。", channel="phone", email="")
    approve(case, "经核实，新增公共停车位三百个。")
    db.session.commit()
    login(client, "dept_head")
    today = local_date(utcnow()).isoformat()
    response = _send(client, case, **{"send-method": "phone", "send-answered_on": today,
                                      "send-note": "已电话告知，来信人表示理解。"})
    assert response.status_code == 302
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "电话" in page and "已电话告知，来信人表示理解。" in page


def test_a_reply_not_delivered_shows_on_the_case_and_the_home(app, office, client: FlaskClient) -> None:  # noqa: ANN001
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)
    case = new_case()
    approve(case, "经核实，空置率数据将按季度公开。")
    db.session.commit()
    login(client, "handler")
    assert _send(client, case, **{"send-method": "email"}).status_code == 302  # tried at once, refused
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "未送达" in page and "尚未送达：将自动重试" in page and "无法连接我们的邮件服务器" in page
    assert "queued" not in page.split('id="reply"')[1] and "retrying" not in page.split('id="reply"')[1]
    home = client.get("/staff/").get_data(as_text=True)
    assert "有 1 份通过电子邮件发送的答复未送达来信人" in home
    listed = client.get("/staff/replies/not-delivered").get_data(as_text=True)
    assert case.reference in listed and "无法连接我们的邮件服务器" in listed

    # A bounce shows the same way; the reply is then told by phone and recorded: nothing is missing.
    message = db.session.scalar(select(CaseMessage).where(CaseMessage.purpose == "reply"))
    message.delivery_status = "bounced"  # as mailbox.intake does when the delivery report comes back
    db.session.commit()
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "被对方邮件服务器退回" in page and "重新发送邮件" in page
    token = csrf_any(page)
    recorded = client.post(f"/staff/cases/{case.reference}/reply/{message.id}/delivered", data={
        "csrf_token": token, f"deliver{message.id}-method": "phone",
        f"deliver{message.id}-answered_on": local_date(utcnow()).isoformat()})
    assert recorded.status_code == 302
    assert "未送达" not in client.get("/staff/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CaseMessage, message.id).delivery_method == "phone"


def test_staff_see_the_rating_and_record_one_given_by_phone(office, client: FlaskClient) -> None:  # noqa: ANN001
    case = new_case()
    reply(case, "经核实，空置率数据将按季度公开。", method="portal")
    db.session.commit()
    login(client, "handler")
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "答复正等待来信人评价" in page and "录入评价" in page
    token = csrf_any(page)
    response = client.post(f"/staff/cases/{case.reference}/rating",
                           data={"csrf_token": token, "rating-level": "2", "rating-comment": "数据不够细"})
    assert response.status_code == 302
    case = reload_case(case.reference)
    assert case.status == "assigned" and case.review_round == 1  # back to the department: 复查
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert re.search(r'id="latest-rating">最新评价： <strong>不满意</strong> — 数据不够细', page)
    assert "电话或当面评价，由 王小明 录入" in page
    inbox = client.get("/staff/cases").get_data(as_text=True)
    assert '<strong class="tag tag--alert">不满意</strong>' in inbox

    # The review's answer, rated 满意 by phone: the case closes, exactly as on the web.
    reply(case, "复查答复：已补充分区数据。", method="portal")
    db.session.commit()
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    client.post(f"/staff/cases/{case.reference}/rating",
                data={"csrf_token": csrf_any(page), "rating-level": "4"})
    assert reload_case(case.reference).status == "closed"
    assert ">满意</td>" in client.get("/staff/cases").get_data(as_text=True)


def test_only_those_who_may_send_see_the_send_form(office, client: FlaskClient) -> None:  # noqa: ANN001
    case = new_case()
    approve(case, "经核实。")
    db.session.commit()
    login(client, "leader")
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "已审核、待发送的答复" in page and "发送答复</button>" not in page
    refused = client.post(f"/staff/cases/{case.reference}/reply/send",
                          data={"csrf_token": csrf_any(page), "send-method": "portal"})
    assert refused.status_code == 400 and reload_case(case.reference).status == "approved"
    assert send_reply(reload_case(case.reference), actor=staff_user(), now=utcnow(), method="portal")


def test_the_inbox_reads_the_ratings_of_a_page_in_one_query(office) -> None:  # noqa: ANN001
    from sqlalchemy import event

    from cases.models import CaseRating
    from cases.triage.inbox import InboxFilters, inbox_page

    cases = [new_case(body=f"第{n}条意见：楼宇空置率。") for n in range(5)]
    for n, case in enumerate(cases):
        db.session.add(CaseRating(case_id=case.id, level=2))
        db.session.flush()
        db.session.add(CaseRating(case_id=case.id, level=5 - n % 3))  # the newer one
    db.session.commit()
    triager = db.session.scalar(select(StaffUser).where(StaffUser.email == "triager@hqcbd.test"))
    statements: list[str] = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = inbox_page(triager, InboxFilters(), local_date(utcnow()), 50)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len([s for s in statements if "case_rating" in s]) == 1  # never one per row
    assert page.ratings == {case.id: 5 - n % 3 for n, case in enumerate(cases)}  # the newest rating
