"""Likely duplicates on the case page, on the real services: found, explained, filtered, merged, linked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cases.extensions import db
from cases.models import Case, StaffUser
from cases.models.types import utcnow
from cases.triage import duplicates
from tests.cases.triage_support import login, new_case, reload_case, setup_departments, staff

VACANCY = "核心区楼宇空置率太高了，很多写字楼空着，建议加大招商引资力度，降低租金吸引企业入驻。"
VACANCY_AGAIN = "你好，我再反映一次：核心区楼宇空置率太高，很多写字楼空着，建议加大招商引资力度，降低租金。"
TRAFFIC = "会展期间地铁站交通拥堵严重，出租车排队一个多小时，希望增加公交接驳和指示牌。"


@pytest.fixture
def world(app: Flask, catalogue: object) -> None:
    setup_departments()
    for key in ("triager", "inspector", "supervisor"):
        staff(key)


def stranger(n: int, body: str, **fields: object) -> Case:
    """A case from a sender of its own."""
    return new_case(body, subject="", email=f"person{n}@example.test", phone=f"1390000{n:04d}", **fields)


def panel(client: FlaskClient, case: Case) -> str:
    """The likely-duplicates section of the case page ("" when the page has none)."""
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    found = re.search(r'<section id="duplicates".*?</section>', html, re.S)
    return found.group(0) if found else ""


def press_merge(client: FlaskClient, shown: str, reference: str):  # noqa: ANN201
    """Press the merge button of the panel's row for ``reference``: its form, as the page has it."""
    row = re.search(rf'<li class="duplicate">\s*<p><a href="/staff/cases/{reference}".*?</li>', shown, re.S)
    assert row is not None, shown
    form = re.search(r'<form[^>]*action="([^"]+)"', row.group(0))
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', row.group(0)))
    return client.post(form.group(1).replace("&amp;", "&"), data=fields)


def found_for(key: str, case: Case) -> list[str]:
    user = db.session.scalar(db.select(StaffUser).where(StaffUser.email == f"{key}@hqcbd.test"))
    assert user is not None
    return [likely.case.reference for likely in duplicates.likely_duplicates(user, case, utcnow())]


def test_similar_text_is_found_with_its_score_and_unrelated_not(world: None, client: FlaskClient) -> None:
    first = stranger(1, VACANCY)
    unrelated = stranger(2, TRAFFIC)
    again = stranger(3, VACANCY_AGAIN)
    login(client, "triager")
    shown = panel(client, again)
    assert first.reference in shown and unrelated.reference not in shown
    score = re.search(r"内容相似度 (0\.\d\d)", shown)  # the page speaks Chinese by default
    assert score is not None, shown
    assert float(score.group(1)) >= 0.65 and "同一来信人" not in shown
    assert found_for("triager", unrelated) == []
    assert "HQ-" not in panel(client, unrelated)  # no panel at all without a likely duplicate


def test_same_sender_is_found_and_said(world: None, client: FlaskClient) -> None:
    first = new_case(VACANCY, subject="", email="li@example.test", phone="13911112222")
    later = new_case(TRAFFIC, subject="", email="LI@example.test", phone="")
    other = stranger(4, TRAFFIC.replace("会展", "进博会"))
    assert found_for("triager", later)[0] == first.reference
    client.get("/lang/en?next=/")
    login(client, "triager")
    shown = panel(client, later)
    assert first.reference in shown and "same sender" in shown
    assert other.reference not in shown or "similar text" in shown  # the other one only by its text


def test_the_same_phone_typed_two_ways_is_one_sender(world: None, client: FlaskClient) -> None:
    first = new_case(VACANCY, subject="", email="", phone="139 1111-3333")
    later = new_case(TRAFFIC, subject="", email="", phone="+86 13911113333")
    assert found_for("triager", later) == [first.reference]
    stranger_by_phone = new_case(TRAFFIC, subject="", email="", phone="139 1111 4444")
    assert first.reference not in found_for("triager", stranger_by_phone)


def test_a_quoted_reference_is_found_either_way(world: None, client: FlaskClient) -> None:
    first = stranger(5, TRAFFIC)
    quoting = stranger(6, f"关于我上次提交的{first.reference}，至今没有回音，请尽快处理。")
    client.get("/lang/en?next=/")
    login(client, "triager")
    assert f"quotes {first.reference}" in panel(client, quoting)
    assert f"quotes {first.reference}" in panel(client, first)  # the older case sees who quotes it


def test_a_sealed_or_held_case_is_never_shown_to_a_triager(world: None, client: FlaskClient) -> None:
    accusation = "举报经济发展处王科长收受企业红包，利用职权为亲属公司谋利。核心区楼宇空置率太高了。"
    sealed = new_case(accusation, subject="", email="same@example.test", phone="13922223333")
    held = new_case(VACANCY, subject="", email="same@example.test", phone="13922223333", screen_later=True)
    ordinary = new_case(VACANCY_AGAIN + f"另见{sealed.reference}、{held.reference}", subject="",
                        email="same@example.test", phone="13922223333")
    assert sealed.confidential and held.screened_at is None
    assert found_for("triager", ordinary) == []
    assert found_for("supervisor", ordinary) == []  # an ordinary case is never merged with a sealed one
    login(client, "triager")
    page = client.get(f"/staff/cases/{ordinary.reference}").get_data(as_text=True)
    assert f'href="/staff/cases/{sealed.reference}"' not in page
    assert f'href="/staff/cases/{held.reference}"' not in page
    # The discipline group, on a sealed case, sees the sealed repeat of it (and still nothing ordinary).
    repeat = new_case(accusation.replace("举报", "再次举报"), subject="", email="other@example.test")
    assert repeat.confidential
    assert found_for("inspector", repeat) == [sealed.reference]


def test_merge_from_the_panel_moves_the_new_case_into_the_open_one(world: None, client: FlaskClient) -> None:
    first = stranger(7, VACANCY)
    again = stranger(8, VACANCY_AGAIN, received_at=first.received_at + timedelta(hours=2))
    client.get("/lang/en?next=/")
    login(client, "triager")
    shown = panel(client, first)  # from the older case: the newer one goes into it
    assert f"Merge {again.reference} into this case" in shown
    response = press_merge(client, shown, again.reference)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/cases/{first.reference}")  # back where it was
    merged, kept = reload_case(again.reference), reload_case(first.reference)
    assert merged.status == "duplicate" and merged.duplicate_of_id == kept.id
    assert len([m for m in kept.messages if m.direction == "inbound"]) == 2
    assert "merged_in" in [e.action for e in kept.events]
    assert panel(client, kept) == ""  # a merged duplicate is no longer suggested


def test_a_repeat_of_a_closed_case_is_linked_not_reopened(world: None, client: FlaskClient) -> None:
    closed = stranger(9, VACANCY)
    closed.status, closed.closed_at = "closed", utcnow() - timedelta(days=10)
    long_ago = stranger(10, VACANCY.replace("太高了", "很高"))
    long_ago.status, long_ago.closed_at = "closed", utcnow() - timedelta(days=120)
    db.session.commit()
    repeat = stranger(11, VACANCY_AGAIN)
    client.get("/lang/en?next=/")
    login(client, "triager")
    shown = panel(client, repeat)
    assert long_ago.reference not in shown  # closed before the 90-day window
    assert f"Link this case to {closed.reference} as a repeat" in shown
    response = press_merge(client, shown, closed.reference)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/cases/{repeat.reference}")
    linked, still_closed = reload_case(repeat.reference), reload_case(closed.reference)
    assert still_closed.status == "closed" and linked.status == "duplicate"
    assert linked.duplicate_of_id == still_closed.id
    assert still_closed.events[-1].action == "repeat_linked"
    assert any(m.direction == "inbound" for m in linked.messages)  # nothing moved into the closed case
