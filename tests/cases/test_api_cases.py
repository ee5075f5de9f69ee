"""The JSON API's cases (issue 15, point 2): the inbox's list and filters with cursor paging, one case as
its page shows it to that user, and the reports' figures, with the access rules of the staff pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from cases.extensions import db
from cases.models import CaseEvent
from cases.triage import decisions
from tests.cases.api_support import bearer, token_for
from tests.cases.triage_support import RECEIVED, new_case, setup_departments, staff


@pytest.fixture
def offices(app: Flask, catalogue: object) -> None:
    setup_departments()


def test_the_list_uses_the_inbox_filters_and_pages_by_cursor(client, offices) -> None:  # noqa: ANN001
    triager = staff("triager")
    token = token_for(triager)
    made = [new_case(f"第{n}条意见：核心区楼宇空置率高。", received_at=RECEIVED + timedelta(hours=n),
                     problems=("1.1",) if n % 2 else ("2.1",)) for n in range(5)]
    decisions.accept(made[0], actor=triager, now=RECEIVED + timedelta(days=1), kind="suggestion")
    db.session.commit()
    seen, cursor = [], None
    while True:
        paging = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        answer = client.get("/api/v1/cases", query_string=paging, headers=bearer(token))
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        seen += [item["reference"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == [case.reference for case in reversed(made)]  # newest first, each once
    received = client.get("/api/v1/cases?status=received&problem=1.1", headers=bearer(token)).get_json()
    assert {item["reference"] for item in received["items"]} == {made[1].reference, made[3].reference}
    [item] = client.get("/api/v1/cases?department=planning_land", headers=bearer(token)).get_json()["items"]
    assert item["reference"] == made[0].reference and item["department"]["code"] == "planning_land"
    assert item["status"] == "assigned" and item["status_label"] == "Assigned to a department"
    assert item["overdue"] is True
    assert "contact" not in item and item["problems"] == ["2.1"]
    late = client.get("/api/v1/cases?overdue=true&status=received", headers=bearer(token)).get_json()["items"]
    assert {i["reference"] for i in late} == {c.reference for c in made[1:]}  # acceptance long overdue


def test_a_bad_filter_is_a_422_naming_the_field(client, offices) -> None:  # noqa: ANN001
    token = token_for(staff("triager"))
    answer = client.get("/api/v1/cases?status=lost&limit=0&overdue=maybe&cursor=x_y&department=mars",
                        headers=bearer(token))
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["error"] == "invalid" and set(body["fields"]) == {"status", "limit", "overdue", "cursor",
                                                                   "department"}
    chinese = client.get("/api/v1/cases?channel=fax", headers=bearer(token, "zh-CN")).get_json()
    assert "web" in chinese["fields"]["channel"][0] and chinese["message"] != body["message"]


def test_a_case_as_its_page_shows_it_with_contact_only_for_contact_roles(client, offices) -> None:  # noqa: ANN001
    triager, leader = staff("triager"), staff("leader")
    case = new_case("核心区楼宇空置率高，建议公开出租率。", problems=("1.1",))
    decisions.accept(case, actor=triager, now=RECEIVED + timedelta(days=1), kind="suggestion")
    db.session.commit()
    shown = client.get(f"/api/v1/cases/{case.reference}", headers=bearer(token_for(triager))).get_json()
    assert shown["reference"] == case.reference and shown["kind"] == "suggestion"
    assert shown["kind_label"].startswith("Suggestion") and shown["problems"] == ["1.1"]
    assert shown["reply_due"] == case.reply_due.isoformat()
    assert shown["contact"]["email"] == "citizen@example.test"
    assert shown["messages"][0]["direction"] == "inbound" and "出租率" in shown["messages"][0]["body_text"]
    actions = [e["action"] for e in shown["events"]]
    assert "accept" in actions and all(e["label"] and e["actor"]["name"] for e in shown["events"])
    assert [a["action"] for a in shown["allowed_actions"]][-1] == "note"
    assert "reroute" in [a["action"] for a in shown["allowed_actions"]]
    for_leader = client.get(f"/api/v1/cases/{case.reference.lower()}", headers=bearer(token_for(leader)))
    assert for_leader.status_code == 200 and for_leader.get_json()["contact"] is None
    assert for_leader.get_json()["allowed_actions"] == []  # a leader reads; the page offers nothing


def test_department_and_seal_rules_hold_and_every_sealed_view_is_logged(client, offices) -> None:  # noqa: ANN001
    triager, other, inspector = staff("triager"), staff("other_handler"), staff("inspector")
    ordinary = new_case("核心区楼宇空置率高。", problems=("1.1",))
    decisions.accept(ordinary, actor=triager, now=RECEIVED + timedelta(days=1), kind="suggestion")
    sealed = new_case("举报某处长收受好处。")
    decisions.mark_accusation(sealed, actor=staff("supervisor"), now=RECEIVED, reason="检举")
    db.session.commit()
    other_token = token_for(other)
    assert client.get(f"/api/v1/cases/{ordinary.reference}", headers=bearer(other_token)).status_code == 404
    assert client.get("/api/v1/cases", headers=bearer(other_token)).get_json()["items"] == []
    missing = client.get(f"/api/v1/cases/{sealed.reference}", headers=bearer(token_for(triager)))
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    assert client.get("/api/v1/cases/HQ-2024-999999", headers=bearer(token_for(triager))).status_code == 404
    shown = client.get(f"/api/v1/cases/{sealed.reference}", headers=bearer(token_for(inspector)))
    assert shown.status_code == 200 and shown.get_json()["sealed"] is True
    views = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == sealed.id,
                                                       CaseEvent.action == "viewed")).all()
    assert [(v.actor_id, v.detail["what"]) for v in views] == [(inspector.id, "api")]


def test_reports_give_the_figures_by_machine_name(client, offices) -> None:  # noqa: ANN001
    triager = staff("triager")
    case = new_case("核心区楼宇空置率高。", problems=("1.1",))
    decisions.accept(case, actor=triager, now=RECEIVED + timedelta(days=1), kind="suggestion")
    sealed = new_case("举报某处长收受好处。")
    decisions.mark_accusation(sealed, actor=staff("supervisor"), now=RECEIVED, reason="检举")
    db.session.commit()
    query = "/api/v1/reports?from=2024-03-01&to=2024-03-31"
    plain = client.get(query + "&by=department", headers=bearer(token_for(staff("leader")))).get_json()
    assert plain["total"]["received"] == 1 and plain["total"]["accepted"] == 1
    assert not plain["sealed_included"]
    assert {g["group"] for g in plain["groups"]} == {"economy"} and "response_rate" in plain["definitions"]
    full = client.get(query, headers=bearer(token_for(staff("inspector")))).get_json()
    assert full["total"]["received"] == 2 and full["sealed_included"] and full["groups"] == []
    wrong = client.get("/api/v1/reports?from=2024-3-1&by=colour", headers=bearer(token_for(triager)))
    assert wrong.status_code == 422 and set(wrong.get_json()["fields"]) == {"from", "by"}
