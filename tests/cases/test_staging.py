"""Staged intake: the web form's one row, the job that records it as a case, exactly once."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import func, select

from cases import staging
from cases.extensions import db
from cases.models import Attachment, Case, CaseMessage, OutboxItem, StagedCase, StagedFile
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from tests.cases.triage_support import login, setup_departments, staff
from tests.feedback.helpers import csrf_token, opinion, submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def with_redis(app: Flask, redis_url: str, request: pytest.FixtureRequest) -> Redis:
    """The app with a real Redis and no worker: opinions stay staged until the job runs."""
    queue = f"staging-{request.node.name}"[:60]
    app.config.update(EMBEDDED_JOBS=False, REDIS_URL=redis_url, RQ_QUEUE=queue)
    client = Redis.from_url(redis_url)
    client.delete(f"rq:queue:{queue}", f"hqcbd:staged-kick:{queue}")
    return client


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _run() -> staging.StagedRun:
    run = staging.record_staged_cases()
    commit_and_dispatch()
    return run


def test_the_form_writes_one_staged_row_and_asks_for_one_run(
        app: Flask, client: FlaskClient, catalogue: object, with_redis: Redis) -> None:
    references = [submit(client, body=f"建议公开核心区楼宇空置率的季度数据，第{n}条。")[0] for n in range(3)]
    assert _count(Case) == 0 and _count(StagedCase) == 3
    # One run waits for all three: the flag spares a Redis job per submission.
    assert with_redis.llen(f"rq:queue:{app.config['RQ_QUEUE']}") == 1

    assert str(_run()) == "recorded 3 staged opinion(s), 0 failed"
    recorded = {case.reference: case for case in db.session.scalars(select(Case))}
    assert sorted(recorded) == sorted(references) and _count(StagedCase) == 0
    case = recorded[references[0]]
    assert case.channel == "web" and case.screened_at is not None and case.suggestions is not None
    assert [event.action for event in case.events][0] == "received"
    assert [problem.code for problem in case.problems] == ["1.1"]
    assert case.acceptance_due is not None
    # The acknowledgement written in the request is queued with the case.
    outbound = db.session.scalars(select(CaseMessage).where(CaseMessage.direction == "outbound")).all()
    assert sorted(next(r for r in references if r in m.subject) for m in outbound) == sorted(references)
    # The three acknowledgements of one run go out in one job over one SMTP connection.
    [item] = db.session.scalars(select(OutboxItem)).all()
    assert item.job == "send_case_messages"
    assert sorted(item.args["message_ids"]) == sorted(m.id for m in outbound)

    assert str(_run()) == "recorded 0 staged opinion(s), 0 failed"  # idempotent: nothing twice
    assert _count(Case) == 3


def test_the_case_keeps_what_the_receipt_showed(
        app: Flask, client: FlaskClient, catalogue: object, with_redis: Redis) -> None:
    page = client.get("/feedback/new").get_data(as_text=True)
    data = {**opinion(), "attachments": [(io.BytesIO(PDF), "scan.pdf")]}
    response = client.post("/feedback/new", data={"csrf_token": csrf_token(page), **data},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    staged = db.session.scalar(select(StagedCase))
    assert staged.reference in receipt and staged.has_files and _count(StagedFile) == 1
    due, received = staged.acceptance_due, staged.received_at

    _run()
    case = db.session.scalar(select(Case))
    assert case.reference == staged.reference and case.acceptance_due == due
    assert case.received_at == received and case.created_at == received
    [attachment] = db.session.scalars(select(Attachment)).all()
    assert attachment.filename == "scan.pdf" and attachment.data == PDF
    assert _count(StagedFile) == 0


def test_tracking_a_staged_opinion_records_it_on_the_spot(
        app: Flask, client: FlaskClient, catalogue: object, with_redis: Redis) -> None:
    reference, code = submit(client)
    assert _count(Case) == 0
    page = client.get("/track").get_data(as_text=True)
    response = client.post("/track", data={"csrf_token": csrf_token(page), "reference": reference,
                                           "code": code})
    assert response.status_code == 303
    assert reference in client.get("/track/case").get_data(as_text=True)
    db.session.expire_all()
    assert _count(StagedCase) == 0 and db.session.scalar(select(Case.reference)) == reference
    assert str(_run()) == "recorded 0 staged opinion(s), 0 failed"


def test_a_wrong_code_for_a_staged_opinion_records_nothing(
        app: Flask, client: FlaskClient, catalogue: object, with_redis: Redis) -> None:
    reference, _code = submit(client)
    page = client.get("/track").get_data(as_text=True)
    response = client.post("/track", data={"csrf_token": csrf_token(page), "reference": reference,
                                           "code": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert response.status_code == 400
    assert _count(Case) == 0 and _count(StagedCase) == 1


def test_one_row_that_fails_does_not_hold_up_the_others(
        app: Flask, client: FlaskClient, catalogue: object, with_redis: Redis,
        monkeypatch: pytest.MonkeyPatch) -> None:
    references = [submit(client, body=f"建议公开核心区楼宇空置率的季度数据，第{n}条。")[0] for n in range(3)]
    real = staging.record_case

    def failing_for_the_second(new, **kwargs):  # type: ignore[no-untyped-def]
        if new.reference == references[1]:
            raise RuntimeError("injected fault")
        return real(new, **kwargs)

    monkeypatch.setattr(staging, "record_case", failing_for_the_second)
    assert str(_run()) == "recorded 2 staged opinion(s), 1 failed"
    assert sorted(db.session.scalars(select(Case.reference))) == [references[0], references[2]]
    kept = db.session.scalar(select(StagedCase))
    assert kept.reference == references[1]  # kept, set aside with its error, skipped by later runs
    assert kept.failed_at is not None and kept.error == "RuntimeError: injected fault"
    assert str(_run()) == "recorded 0 staged opinion(s), 0 failed"

    monkeypatch.setattr(staging, "record_case", real)
    assert staging.retry_set_aside() == 1  # staff put it back in line once the cause is fixed
    assert str(_run()) == "recorded 1 staged opinion(s), 0 failed"
    assert _count(Case) == 3 and _count(StagedCase) == 0


def test_with_redis_down_the_request_records_its_own_opinion(
        app: Flask, client: FlaskClient, catalogue: object) -> None:
    from tests.support.services import free_port

    app.config.update(EMBEDDED_JOBS=False, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    reference, _code = submit(client)
    assert db.session.scalar(select(Case.reference)) == reference and _count(StagedCase) == 0


def test_the_staff_home_tells_when_staged_opinions_wait_too_long(
        app: Flask, client: FlaskClient, catalogue: object, with_redis: Redis) -> None:
    setup_departments()
    submit(client)
    staff("triager")
    triager = app.test_client()
    login(triager, "triager")
    assert "尚未登记为案件" not in triager.get("/staff/").get_data(as_text=True)  # seconds old: normal
    staged = db.session.scalar(select(StagedCase))
    staged.received_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert "有 1 条网上意见已收到超过两分钟" in triager.get("/staff/").get_data(as_text=True)


def test_a_real_worker_records_the_staged_opinion_and_sends_the_acknowledgement(
        app: Flask, client: FlaskClient, catalogue: object, with_redis: Redis,
        subprocess_env: dict[str, str]) -> None:
    import subprocess
    import sys
    from pathlib import Path

    from tests.support.services import smtp_server

    reference, code = submit(client)
    assert _count(Case) == 0
    with smtp_server() as (port, handler):
        env = dict(subprocess_env, REDIS_URL=app.config["REDIS_URL"], RQ_QUEUE=app.config["RQ_QUEUE"],
                   MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port), MAIL_SUPPRESS_SEND="false",
                   SECRET_KEY=app.config["SECRET_KEY"], MAIL_DEFAULT_SENDER="hqcbd@example.test")
        worker = subprocess.run(  # as `make worker` runs it
            [str(Path(sys.executable).parent / "rq"), "worker", "--burst", "--worker-class",
             "rq.worker.SimpleWorker", "--url", env["REDIS_URL"], env["RQ_QUEUE"]],
            cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True, timeout=120,
            check=False,
        )
        assert worker.returncode == 0, worker.stderr
        assert len(handler.messages) == 1, worker.stdout + worker.stderr
    [(_sender, recipients, raw)] = handler.messages
    assert recipients == ["zhang@example.cn"] and reference.encode() in raw and code.encode() in raw
    db.session.expire_all()
    assert db.session.scalar(select(Case.reference)) == reference and _count(StagedCase) == 0
    assert db.session.scalar(select(OutboxItem.state)) == "done"


def test_recording_on_the_spot_after_the_job_returns_the_jobs_case(
        app: Flask, client: FlaskClient, catalogue: object, with_redis: Redis) -> None:
    reference, _code = submit(client)
    staged = staging.find_staged(reference)
    assert staged is not None
    _run()  # a worker got there between the look-up and the recording
    case = staging.record_staged_now(staged)
    assert case is not None and case.reference == reference
    assert _count(Case) == 1  # not a second case
