"""Input nobody types on purpose (NUL bytes, ids past 64 bits, odd redirects) and rows that cannot be
recorded: no server error, nothing lost, and intake never stops (issue 11, points 1, 4 and 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select

from cases import staging
from cases.domain.tracking import hash_code
from cases.extensions import db
from cases.models import Case, CaseMessage, StagedCase
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from tests.cases.triage_support import csrf_any, enter_letter, login, new_case, setup_departments, staff
from tests.feedback.helpers import csrf_token, open_case, opinion, post_opinion, submit

NUL_BODY = "建议公开\x00核心区楼宇空置率的\x07季度数据，便于社会监督。"


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _only_case() -> Case:
    db.session.expire_all()
    return db.session.scalars(select(Case)).one()


def test_a_nul_in_the_public_form_is_cleaned_and_the_opinion_recorded(
        app: Flask, client: FlaskClient, catalogue: object) -> None:
    reference, code = submit(client, subject="空置\x00率\r\n", body=NUL_BODY, name="张\x00三")
    case = _only_case()
    assert case.reference == reference
    assert case.body == "建议公开核心区楼宇空置率的季度数据，便于社会监督。"
    assert case.subject == "空置率" and case.submitter_name == "张三"
    # The person can open it, add information with a NUL in it, and nothing breaks.
    assert open_case(client, reference, code).status_code == 303
    page = client.get("/track/case").get_data(as_text=True)
    response = client.post("/track/case/information", data={"csrf_token": csrf_token(page),
                                                             "text": "补充\x00材料：见附件说明。"})
    assert response.status_code == 303
    inbound = select(CaseMessage).where(CaseMessage.direction == "inbound")
    texts = [m.body_text for m in db.session.scalars(inbound)]
    assert "补充材料：见附件说明。" in texts


def test_a_nul_in_the_tracking_form_is_a_clear_answer_not_a_server_error(
        app: Flask, client: FlaskClient, catalogue: object) -> None:
    reference, code = submit(client)
    assert open_case(client, reference + "\x00", "\x00" + code).status_code == 303  # cleaned, found
    page = client.get("/track/case").get_data(as_text=True)
    client.post("/track/leave", data={"csrf_token": csrf_token(page)})
    response = open_case(client, "HQ-2026-\x00000001", "\x00")
    assert response.status_code == 400
    assert "请填写回执上的查询码" in response.get_data(as_text=True)


def test_staff_entry_and_decisions_with_control_characters(
        app: Flask, client: FlaskClient, catalogue: object) -> None:
    setup_departments()
    staff("triager")
    login(client, "triager")
    response = enter_letter(client, subject="来信\x00", body="关于楼宇\x00空置率的来信，建议公开数据。",
                            name="李\x1b四", address="上海市\x00闵行区")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = _only_case()
    assert "\x00" not in case.body and case.subject == "来信" and case.submitter_name == "李四"
    response = client.post(f"/staff/cases/{case.reference}/do/note",
                           data={"csrf_token": csrf_any(client.get(f"/staff/cases/{case.reference}")
                                                        .get_data(as_text=True)), "text": "内部\x00说明"})
    assert response.status_code in (302, 303)
    notes = db.session.scalars(select(CaseMessage.body_text).where(CaseMessage.direction == "note")).all()
    assert list(notes) == ["内部说明"]


def _poison_row(reference: str) -> None:
    """A staged row the case table refuses (written by an older release, or by a bug)."""
    db.session.execute(insert(StagedCase).values(
        reference=reference, tracking_code_hash=hash_code("AAAA-BBBB-CCCC-DDDD-EEEE"),
        received_at=utcnow() - timedelta(minutes=5), acceptance_due=None, due_estimated=False,
        payload={"channel": "fax", "body": "无法记录的一行"}, has_files=False))


def test_poison_rows_are_set_aside_and_every_later_opinion_is_recorded(
        app: Flask, client: FlaskClient, catalogue: object) -> None:
    for number in range(staging.RECORD_BATCH + 1):  # more than a whole batch of them
        _poison_row(f"HQ-2025-{number + 1:06d}")
    db.session.commit()
    app.config.update(EMBEDDED_JOBS=True)
    reference, _code = submit(client)  # recorded in the request (embedded mode) behind 201 bad rows
    while (run := staging.record_staged_cases()).recorded or run.more:
        commit_and_dispatch()
    commit_and_dispatch()
    assert db.session.scalar(select(Case.reference)) == reference
    assert staging.set_aside_count() == staging.RECORD_BATCH + 1
    assert {row.error for row in staging.set_aside_rows()} == {"ValueError: unknown channel 'fax'"}

    setup_departments()
    staff("triager")
    login(client, "triager")
    home = client.get("/staff/").get_data(as_text=True)
    assert "201 条网上意见未能记录为案件" in home
    listed = client.get("/staff/staged").get_data(as_text=True)
    assert "HQ-2025-000001" in listed and "无法记录的一行" not in listed  # no content on this page
    response = client.post("/staff/staged/retry", data={"csrf_token": csrf_any(listed)})
    assert response.status_code == 302
    # Tried again (a batch now, the rest with the next runs): still failing, all still kept.
    assert staging.set_aside_count() == staging.RECORD_BATCH
    assert _count(StagedCase) == staging.RECORD_BATCH + 1


def test_tracking_an_opinion_that_cannot_be_recorded_says_so_without_an_error(
        app: Flask, client: FlaskClient, catalogue: object) -> None:
    _poison_row("HQ-2025-000077")
    db.session.commit()
    response = open_case(client, "HQ-2025-000077", "AAAA-BBBB-CCCC-DDDD-EEEE")
    assert response.status_code == 200
    assert "HQ-2025-000077" in response.get_data(as_text=True)
    assert staging.set_aside_count() == 1 and _count(Case) == 0


@pytest.mark.postgres_only
def test_a_staged_row_holding_a_nul_from_before_the_fix_is_recorded_clean_on_postgresql(
        app: Flask, client: FlaskClient, catalogue: object) -> None:
    # Rows like this stopped intake for ever: PostgreSQL's json keeps \u0000, its text refuses it.
    db.session.execute(insert(StagedCase).values(
        reference="HQ-2025-000001", tracking_code_hash=hash_code("AAAA-BBBB-CCCC-DDDD-EEEE"),
        received_at=utcnow(), payload={"channel": "web", "body": "含有\x00的旧行，建议公开数据。"},
        has_files=False))
    db.session.commit()
    app.config.update(EMBEDDED_JOBS=True)
    reference, _code = submit(client)  # the form records its own case; the old row waits for a run
    assert staging.record_staged_cases().recorded == 1  # what `flask init`, a worker or tracking runs
    db.session.commit()
    bodies = dict(db.session.execute(select(Case.reference, Case.body)).all())
    assert bodies["HQ-2025-000001"] == "含有的旧行，建议公开数据。" and reference in bodies
    assert staging.set_aside_count() == 0


def test_the_language_switch_redirects_only_to_this_site(app: Flask, client: FlaskClient) -> None:
    for target in ("/%09/evil.example", "/\t/evil.example", "//evil.example", "/\\evil.example",
                   "https://evil.example/", "/%0D%0ALocation:%20https://evil.example"):
        response = client.get(f"/lang/en?next={target}")
        assert response.status_code == 302, target
        assert response.headers["Location"] == "/", target
    assert client.get("/lang/en?next=/track").headers["Location"] == "/track"


def test_odd_staff_parameters_answer_400_or_404_never_500(
        app: Flask, client: FlaskClient, catalogue: object) -> None:
    setup_departments()
    staff("supervisor")
    case = new_case()
    login(client, "supervisor")
    for query in ("after=2024-01-01T00:00:00_99999999999999999999", "after=9999-12-31T23:00:00-05:00_5",
                  "department=%00", "status=%00", "channel=%00web", "kind=%00", "problem=%00",
                  "q=%00", "confidential=%00", "after=%00_%00", "q=" + "空置" * 500):
        response = client.get(f"/staff/cases?{query}")
        assert response.status_code == 200, query
    huge = 2**70
    assert client.get(f"/staff/cases/{case.reference}/attachments/{huge}").status_code == 404
    assert client.get(f"/staff/cases/{case.reference}/attachments/{2**31}").status_code == 404
    token = csrf_any(client.get("/staff/cases").get_data(as_text=True))
    for action in ("retry", "case"):
        assert client.post(f"/staff/mailbox/quarantine/{huge}/{action}",
                           data={"csrf_token": token}).status_code == 404
    assert client.get("/staff/cases/HQ-2024-\x00").status_code == 404


def test_the_public_form_with_a_nul_in_every_field_never_fails(
        app: Flask, client: FlaskClient, catalogue: object) -> None:
    data = opinion(subject="\x00", body="\x00" * 20, name="\x00", email="a\x00@example.cn",
                   phone="\x00138", problem="\x00")
    response = post_opinion(client, data)
    assert response.status_code == 400  # a clear message for each field, nothing stored
    assert _count(Case) == 0 and _count(StagedCase) == 0
