"""The Open311 GeoReport v2 style public feed (issue 15, point 3): problems as services, accepted
suggestions as requests; nothing personal, sealed, held or not accepted; no token needed."""

from __future__ import annotations

import json

from flask import Flask

from cases.extensions import db
from cases.handling.sending import send_reply
from cases.models.types import utcnow
from cases.triage import decisions
from tests.cases.handling_support import assigned_case
from tests.cases.triage_support import new_case, setup_departments, staff
from tests.feedback.workflow import approve, staff_user

ANSWER = "空置率数据自下季度起每季度首月在官网公开。"


def test_services_are_the_rectification_problems(app: Flask, client, catalogue) -> None:  # noqa: ANN001
    answer = client.get("/api/open311/v2/services.json")
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == "*"
    services = answer.get_json()
    assert [s["service_code"] for s in services][:3] == ["1.1", "1.2", "1.3"] and len(services) == 12
    assert all(s["service_name"] and s["type"] == "batch" and s["metadata"] is False for s in services)


def test_requests_show_accepted_suggestions_only_and_nothing_personal(app: Flask, client, catalogue) -> None:  # noqa: ANN001
    setup_departments()
    triager = staff("triager")
    now = utcnow()
    replied = assigned_case(triager, received_at=now, email="wang@example.cn")
    approve(replied, "王先生：您好！" + ANSWER, at=now,
            points=[{"raised": "王先生家门口的楼空着", "answer": ANSWER}], opening="王先生：您好！")
    send_reply(replied, actor=staff_user(), now=now)
    waiting = assigned_case(triager, received_at=now)
    not_yet = new_case("核心区楼宇空置率高。", received_at=now, problems=("1.1",))
    refused = new_case("核心区楼宇空置率高。", received_at=now)
    decisions.not_accept(refused, actor=triager, now=now, reason="重复")
    enquiry = new_case("请问办事时间？", received_at=now)
    decisions.accept(enquiry, actor=triager, now=now, kind="enquiry")
    sealed = new_case("举报某处长收受好处。", received_at=now, problems=("1.1",))
    decisions.mark_accusation(sealed, actor=staff("supervisor"), now=now, reason="检举")
    held = new_case("核心区楼宇空置率高。", received_at=now, screen_later=True)
    db.session.commit()

    answer = client.get("/api/open311/v2/requests.json")
    assert answer.status_code == 200
    found = {r["service_request_id"]: r for r in answer.get_json()}
    assert set(found) == {replied.reference, waiting.reference}
    assert not_yet.reference not in found and held.reference not in found and sealed.reference not in found
    shown = found[replied.reference]
    assert shown["status_notes"] == ANSWER and shown["status"] == "open"  # replied, waiting for the rating
    assert shown["service_code"] == "1.1" and shown["agency_responsible"] == "经济发展处"
    assert shown["expected_datetime"].startswith(replied.reply_due.isoformat())
    assert found[waiting.reference]["status_notes"] is None
    text = json.dumps(answer.get_json(), ensure_ascii=False)
    for personal in ("张三", "王先生", "wang@example.cn", "citizen@example.test", "13800000000", "空置率高"):
        assert personal not in text
    assert [r["service_request_id"] for r in client.get(
        "/api/open311/v2/requests.json?status=closed").get_json()] == []
    assert client.get("/api/open311/v2/requests.json?service_code=2.1").get_json() == []
    by_id = f"/api/open311/v2/requests.json?service_request_id={waiting.reference.lower()}"
    one = client.get(by_id).get_json()
    assert [r["service_request_id"] for r in one] == [waiting.reference]
    assert client.get("/api/open311/v2/requests.json?start_date=yesterday").status_code == 400
