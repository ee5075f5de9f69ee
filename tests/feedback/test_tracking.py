"""The tracking pages: lookup, timeline, reply, follow-up and rating (wrong codes: test_track_limits.py)."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select

from cases.extensions import db
from cases.models import Case, CaseEvent, CaseMessage, CaseRating
from cases.models.types import utcnow
from tests.feedback.helpers import csrf_token, open_case, submit
from tests.feedback.workflow import move, reply


def _case() -> Case:
    db.session.expire_all()
    return db.session.scalar(select(Case))


def _post(client, path: str, data: dict[str, str]):
    page = client.get("/track/case").get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_token(page), **data})


def test_reference_and_code_open_the_case(client, catalogue):
    reference, code = submit(client)
    # Typed the way people do: lower case, spaces instead of dashes.
    response = open_case(client, f" {reference.lower()} ", code.lower().replace("-", " "))
    assert response.status_code == 303 and response.headers["Location"] == "/track/case"
    assert code not in response.headers["Location"]
    page = client.get("/track/case")
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert reference in html and "已接收，等待受理决定" in html
    assert _case().acceptance_due.isoformat() in html
    assert "建议公开核心区楼宇空置率" in html
    # Without the session the case page sends people to the lookup form.
    client.post("/track/leave", data={"csrf_token": csrf_token(html)})
    assert client.get("/track/case").headers["Location"] == "/track"


def test_unknown_reference_and_wrong_code_get_the_same_answer(client, catalogue):
    reference, code = submit(client)
    wrong = open_case(client, reference, "ABCD-ABCD-ABCD-ABCD-ABCD")
    unknown = open_case(client, "HQ-2099-999999", code)
    assert wrong.status_code == unknown.status_code == 400
    strip = lambda html: html.replace(reference, "").replace("HQ-2099-999999", "").replace(code, "")  # noqa: E731
    assert strip(wrong.get_data(as_text=True)).replace(csrf_token(wrong.get_data(as_text=True)), "") == \
        strip(unknown.get_data(as_text=True)).replace(csrf_token(unknown.get_data(as_text=True)), "")
    assert "受理编号与查询码不匹配" in wrong.get_data(as_text=True)


def test_the_dummy_code_opens_no_unknown_reference(client, catalogue):
    # An unknown reference is compared against a dummy hash: typing that dummy code matches it.
    response = open_case(client, "HQ-2099-999999", "0000-0000-0000-0000-0000")
    assert response.status_code == 400 and "受理编号与查询码不匹配" in response.get_data(as_text=True)


def test_lookups_take_similar_time_for_unknown_and_known_references(client, catalogue):
    reference, _code = submit(client)
    client.application.config["TRACK_RATE_LIMIT"] = "1000 per hour"  # every lookup does the real work
    addresses = (f"10.7.{n // 200}.{n % 200 + 1}" for n in range(1000))

    def timed(ref: str) -> float:
        # A fresh address each time: each lookup is checked and counted (not refused as a repeat
        # guess), so the guessing limits' own work is part of what must take the same time.
        environ = {"REMOTE_ADDR": next(addresses)}
        started = time.perf_counter()
        response = open_case(client, ref, "ABCD-ABCD-ABCD-ABCD-ABCD", environ_base=environ)
        elapsed = time.perf_counter() - started
        assert response.status_code == 400
        return elapsed

    for _ in range(3):  # warm up
        timed(reference), timed("HQ-2099-999999")
    # Interleaved, so that a burst of load on the shared machine slows both series alike.
    pairs = [(timed(reference), timed("HQ-2099-999999")) for _ in range(15)]
    known = sorted(k for k, _u in pairs)[7]
    unknown = sorted(u for _k, u in pairs)[7]
    assert abs(known - unknown) < max(known, unknown) * 0.5 + 0.005


def test_lookups_are_rate_limited_per_address(app, client, catalogue):
    app.config.update(TRACK_RATE_LIMIT="3 per hour", TRACK_LOCKOUT_FAILURES=0)
    for n in range(3):
        assert open_case(client, f"HQ-2099-00000{n}", "X").status_code == 400
    assert open_case(client, "HQ-2099-000009", "X").status_code == 429


def test_timeline_reply_and_due_date_without_internal_details(client, catalogue):
    reference, code = submit(client)
    case = _case()
    move(case, "accept")
    from tests.feedback.workflow import department

    case.department = department()
    case.reply_due = utcnow().date() + timedelta(days=80)
    move(case, "assign")
    db.session.commit()
    open_case(client, reference, code)
    html = client.get("/track/case").get_data(as_text=True)
    assert "已受理" in html and "正在由经济发展处办理" in html
    assert case.reply_due.isoformat() in html

    reply(case, "经核实，空置率数据将按季度公开。")
    db.session.commit()
    html = client.get("/track/case").get_data(as_text=True)
    assert "管委会答复" in html and "经核实，空置率数据将按季度公开。" in html
    assert "已答复" in html
    assert "内部意见" not in html and "赵处长" not in html and "handler@hq.example.cn" not in html
    # The acknowledgement is an automatic message, not the reply.
    assert "【回执】" not in html and "您的查询码" not in html


def test_a_confidential_case_hides_its_routing(client, catalogue):
    reference, code = submit(client)
    case = _case()
    case.confidential = True
    case.kind = "accusation"
    move(case, "accept")
    from tests.feedback.workflow import department

    case.department = department()
    move(case, "assign")
    db.session.commit()
    open_case(client, reference, code)
    html = client.get("/track/case").get_data(as_text=True)
    assert "正在办理" in html and "经济发展处" not in html and "纪检" not in html.split("<main")[1].split(
        "个人信息")[0]


def test_not_accepted_shows_the_reason(client, catalogue):
    reference, code = submit(client)
    move(_case(), "not_accept", reason="反映事项不属于本机关职责范围，请向区政府反映。")
    db.session.commit()
    open_case(client, reference, code)
    html = client.get("/track/case").get_data(as_text=True)
    assert "不予受理" in html and "请向区政府反映" in html


def test_the_sender_adds_information(client, catalogue):
    reference, code = submit(client)
    open_case(client, reference, code)
    response = _post(client, "/track/case/information", {"text": "补充：<b>附上</b>2023年数据来源。"})
    assert response.status_code == 303
    html = client.get("/track/case").get_data(as_text=True)
    assert "补充材料已加入" in html and "您补充了材料" in html
    assert "&lt;b&gt;附上&lt;/b&gt;" in html
    added = db.session.scalars(select(CaseMessage).where(CaseMessage.direction == "inbound")).all()
    assert len(added) == 2 and added[1].body_text.startswith("补充：")
    assert "information_added" in db.session.scalars(select(CaseEvent.action)).all()
    assert _case().status == "received"
    # An empty addition is refused next to its field.
    refused = _post(client, "/track/case/information", {"text": ""})
    assert refused.status_code == 400 and 'id="text-error"' in refused.get_data(as_text=True)


def test_information_reopens_a_recently_closed_case_only(client, catalogue):
    reference, code = submit(client)
    case = _case()
    reply(case, "答复")
    move(case, "close")
    case.closed_at = utcnow() - timedelta(days=10)
    db.session.commit()
    open_case(client, reference, code)
    _post(client, "/track/case/information", {"text": "答复没有回应空置率数据的问题。"})
    case = _case()
    # The review goes back to the department that answered, with its own clock.
    assert case.status == "assigned" and case.review_round == 1 and case.department is not None
    assert "request_review" in [e.action for e in case.events]
    assert "复查" in client.get("/track/case").get_data(as_text=True)

    case.status, case.closed_at = "closed", utcnow() - timedelta(days=40)  # long after closing
    db.session.commit()
    _post(client, "/track/case/information", {"text": "再补充一点情况。"})
    assert _case().status == "closed"


def test_rating_only_after_a_reply_and_kept_raw(client, catalogue):
    reference, code = submit(client)
    open_case(client, reference, code)
    html = client.get("/track/case").get_data(as_text=True)
    assert "评价答复" not in html
    assert _post(client, "/track/case/rating", {"level": "5"}).status_code == 303
    assert db.session.scalar(select(func.count(CaseRating.id))) == 0

    reply(_case(), "答复")
    db.session.commit()
    html = client.get("/track/case").get_data(as_text=True)
    for word in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert f">{word}</label>" in html
    missing = _post(client, "/track/case/rating", {"level": ""})
    assert missing.status_code == 400 and "请选择满意程度" in missing.get_data(as_text=True)
    assert _post(client, "/track/case/rating", {"level": "2", "comment": "数据还不够细"}).status_code == 303
    rating = db.session.scalar(select(CaseRating))
    assert (rating.level, rating.comment) == (2, "数据还不够细")
    html = client.get("/track/case").get_data(as_text=True)
    assert "感谢您的评价" in html and "评价答复" not in html  # rated once per reply
    assert "rated" in db.session.scalars(select(CaseEvent.action)).all()


def test_follow_up_posts_need_the_session_and_the_csrf_token(client, catalogue):
    reference, code = submit(client)
    assert client.post("/track/case/information", data={"text": "x" * 20}).status_code == 400  # no token
    page = client.get("/track").get_data(as_text=True)
    response = client.post("/track/case/information", data={"csrf_token": csrf_token(page), "text": "x" * 20})
    assert response.status_code == 302 and response.headers["Location"] == "/track"
    inbound = select(func.count(CaseMessage.id)).where(CaseMessage.direction == "inbound")
    assert db.session.scalar(inbound) == 1
