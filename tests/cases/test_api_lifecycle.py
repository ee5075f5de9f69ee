"""The JSON API's actions (issue 15, point 2, and the acceptance test): a case's whole life driven with
the API alone, the reply arriving at the real SMTP test server, and the refusals (403, 409, 422)."""

from __future__ import annotations

import email
from email import policy

from flask import Flask
from sqlalchemy import select

from cases.extensions import db
from cases.models import Case, CaseEvent
from cases.models.types import utcnow
from cases.triage import decisions
from tests.cases.api_support import bearer, token_for
from tests.cases.handling_support import people
from tests.cases.triage_support import login, new_case, setup_departments
from tests.feedback.helpers import csrf_token, open_case, submit


def _actor(client, tokens: dict[str, str], reference: str):  # noqa: ANN202, ANN001
    def act(who: str, action: str, expected: int = 200, **body: object) -> dict:
        answer = client.post(f"/api/v1/cases/{reference}/actions/{action}", json=body,
                             headers=bearer(tokens[who]))
        assert answer.status_code == expected, (action, answer.get_json())
        return answer.get_json()

    return act


def test_a_case_lives_its_whole_life_through_the_api(app: Flask, client, catalogue, smtp) -> None:  # noqa: ANN001
    setup_departments()
    crew = people()
    public = app.test_client()
    reference, code = submit(public, email="zhang@example.cn")
    tokens = {key: token_for(user) for key, user in crew.items()}
    api = app.test_client()
    act = _actor(api, tokens, reference)

    accepted = act("triager", "accept", kind="suggestion")["case"]
    assert accepted["status"] == "assigned" and accepted["department"]["code"] == "economy"
    # A handler of another division does not see it at all; a triager's token sees no sealed case.
    assert api.get(f"/api/v1/cases/{reference}", headers=bearer(tokens["other_handler"])).status_code == 404
    assert api.get("/api/v1/cases", headers=bearer(tokens["other_handler"])).get_json()["items"] == []
    sealed = new_case("举报某处长收受好处。")
    decisions.mark_accusation(sealed, actor=crew["supervisor"], now=utcnow(), reason="检举")
    db.session.commit()
    assert api.get(f"/api/v1/cases/{sealed.reference}", headers=bearer(tokens["triager"])).status_code == 404
    listed = api.get("/api/v1/cases?confidential=yes", headers=bearer(tokens["triager"])).get_json()
    assert listed["items"] == []
    inspector = bearer(tokens["inspector"])
    assert api.get(f"/api/v1/cases/{sealed.reference}", headers=inspector).status_code == 200

    mine = act("handler", "take")["case"]  # the handler assigns it to themselves
    assert mine["handler"]["name"] == "张办事员"
    assert "draft_reply" in [a["action"] for a in mine["allowed_actions"]]
    point = {"raised": "公开楼宇空置率", "answer": "空置率数据将按季度在官网公开。"}
    drafted = act("handler", "draft_reply", opening="张三：您好！", points=[point], closing="感谢监督。",
                  submit=True)["case"]
    assert drafted["status"] == "answered"
    back = act("dept_head", "send_back", reason="请写明公开的时间。")["case"]
    assert back["status"] == "assigned"
    point["answer"] = "空置率数据自下季度起每季度首月在官网公开。"
    act("handler", "draft_reply", opening="张三：您好！", points=[point], closing="感谢监督。", submit=True)
    approved = act("dept_head", "approve")["case"]
    if approved["status"] == "office_review":  # this division's replies need the party office too
        approved = act("supervisor", "approve")["case"]
    assert approved["status"] == "approved"
    smtp.messages.clear()  # the receipt went out at intake; what follows is the reply
    sent = act("triager", "send_reply", method="email")["case"]
    assert sent["status"] == "replied"
    [(_sender, recipients, raw)] = smtp.messages
    message = email.message_from_bytes(raw, policy=policy.default)
    assert recipients == ["zhang@example.cn"] and reference in message["Subject"]
    assert "每季度首月在官网公开" in message.get_body(("plain",)).get_content()

    assert open_case(public, reference, code).status_code == 303
    page = public.get("/track/case").get_data(as_text=True)
    rated = public.post("/track/case/rating", data={"csrf_token": csrf_token(page), "level": "5"})
    assert rated.status_code == 303
    closed = api.get(f"/api/v1/cases/{reference}", headers=bearer(tokens["triager"])).get_json()
    assert closed["status"] == "closed"
    assert closed["allowed_actions"] == [{"action": "note", "label": "Add an internal note"}]
    codes = [e["action"] for e in closed["events"]]
    for step in ("accept", "assign", "taken", "draft_reply", "send_back", "send_reply", "rated", "close"):
        assert step in codes, step
    # Every write is an event by the token's user.
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
    by = {e.action: e.actor_id for e in events}
    assert by["accept"] == crew["triager"].id and by["send_back"] == crew["dept_head"].id
    assert by["taken"] == crew["handler"].id and by["send_reply"] == crew["triager"].id
    # ... and says it came through the API, with which token; the intake (the web form) does not.
    trail = list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)))
    via = {e.action: (e.detail or {}).get("via") for e in trail}
    assert via["accept"] == {"api_token": via["accept"]["api_token"], "name": "test"}
    assert via["received"] is None and via["rated"] is None
    staff_client = app.test_client()
    login(staff_client, "triager")
    assert "（通过接口，令牌“test”）" in staff_client.get(f"/staff/cases/{reference}").get_data(as_text=True)


def test_refusals_are_403_409_and_422_in_json(app: Flask, catalogue) -> None:  # noqa: ANN001
    setup_departments()
    crew = people()
    case = new_case("核心区楼宇空置率高，建议公开出租率。", problems=("1.1",))
    tokens = {key: token_for(user) for key, user in crew.items()}
    api = app.test_client()
    act = _actor(api, tokens, case.reference)
    forbidden = act("handler", "accept", 404)  # the handler does not even see a case not yet routed
    assert forbidden["error"] == "not_found"
    wrong_kind = act("triager", "accept", 422, kind="poem")
    assert wrong_kind["error"] == "invalid" and wrong_kind["message"]
    not_json = api.post(f"/api/v1/cases/{case.reference}/actions/note", data="[1]",
                        headers={**bearer(tokens["triager"]), "Content-Type": "application/json"})
    assert not_json.status_code == 422 and "body" in not_json.get_json()["fields"]
    assert act("triager", "fly", 404)["error"] == "not_found"
    act("triager", "accept", kind="suggestion")
    conflict = act("triager", "accept", 409, kind="suggestion")
    assert conflict["status"] == "assigned" and "reroute" in conflict["allowed_actions"]
    assert act("handler", "accept", 403)["error"] == "forbidden"
    assert act("handler", "approve", 409)["allowed_actions"][:1] == ["draft_reply"]
    too_long = act("handler", "draft_reply", 422, opening="长" * 50_001)
    assert list(too_long["fields"]) == ["opening"]
    empty = act("handler", "draft_reply", 422, points=[{"raised": "x" * 50_001, "answer": ""}])
    assert list(empty["fields"]) == ["points-0-raised"]
    assert act("dept_head", "send_reply", 409)["status"] == "assigned"
    noted = act("handler", "note", text="已电话联系。")["case"]
    last = noted["messages"][-1]
    assert last["direction"] == "note" and last["body_text"] == "已电话联系。"
    assert act("triager", "note", 422, text="")["error"] == "invalid"
