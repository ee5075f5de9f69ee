"""Screening after intake: held cases, the screening job, sealing on suspicion, the home notice."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from cases.extensions import db
from cases.models import Case, CaseEvent, OutboxItem
from cases.outbox import RQ_JOB_FUNCTION, run_item
from cases.triage import access, screening
from tests.cases.triage_support import login, new_case, setup_departments, staff

ACCUSATION = "举报经济发展处王科长收受企业红包，利用职权为亲属公司谋利。"


@pytest.fixture
def world(app: Flask, catalogue: object) -> None:
    setup_departments()


def _screen_jobs() -> list[OutboxItem]:
    return list(db.session.scalars(select(OutboxItem).where(OutboxItem.job == screening.SCREEN_JOB)))


def test_a_case_screened_later_is_held_until_the_job_has_run(world: None) -> None:
    cases = [new_case(channel="email", screen_later=True) for _ in range(2)]
    triager, supervisor = staff("triager"), staff("supervisor")
    for case in cases:
        assert case.screened_at is None and case.suggestions is None and case.search_text == ""
        assert case.acceptance_due is not None  # the clock runs from receipt all the same
        assert not access.can_view(triager, case) and access.can_view(supervisor, case)
        assert not access.can_triage(supervisor, case)  # decisions wait for the screening
    [job] = _screen_jobs()  # one job for everything waiting, however many cases
    assert job.state == "pending"

    assert run_item(job.id) == "screened 2"
    for case in cases:
        db.session.refresh(case)
        assert case.screened_at is not None and case.suggestions["suggestions"][0]["problem"] == "1.1"
        assert "空置" in case.search_text.split()
        assert access.can_view(triager, case) and access.can_triage(triager, case)
    assert run_item(job.id) is None  # done: never run twice


def test_a_suspected_accusation_is_sealed_by_the_screening(app: Flask, world: None) -> None:
    app.config["CLOCK_DISCIPLINE_NOTICE_DAYS"] = 3
    case = new_case(ACCUSATION, subject="举报", channel="email", screen_later=True)
    received_due = case.acceptance_due
    [job] = _screen_jobs()
    run_item(job.id)
    db.session.refresh(case)
    assert case.kind == "accusation" and case.confidential and case.screened_at is not None
    assert "sealed_on_intake" in [event.action for event in case.events]
    # The discipline track's clock: 1 March 2024 (Friday) + 3 working days.
    assert case.acceptance_due == date(2024, 3, 6) and case.acceptance_due < received_due
    assert not access.can_view(staff("triager"), case)


def test_the_job_asks_for_another_run_while_cases_wait(world: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screening, "SCREEN_BATCH", 2)
    for _ in range(3):
        new_case(channel="email", screen_later=True)
    [first] = _screen_jobs()
    assert run_item(first.id) == "screened 2"
    second = [job for job in _screen_jobs() if job.id != first.id]
    assert [job.state for job in second] == ["pending"]
    assert run_item(second[0].id) == "screened 1"
    assert db.session.scalar(select(Case.id).where(Case.screened_at.is_(None))) is None


def test_with_a_worker_the_next_run_is_queued_at_once(app: Flask, world: None, redis_url: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from redis import Redis
    from rq import Queue

    # With RQ, the run a job asks for goes to the queue after the job's commit (not a minute later,
    # with the cron sweep): a backlog larger than a batch is screened run after run.
    monkeypatch.setattr(screening, "SCREEN_BATCH", 2)
    app.config.update(EMBEDDED_JOBS=False, REDIS_URL=redis_url, RQ_QUEUE=f"test-screen-{id(app)}")
    for _ in range(3):
        new_case(channel="email", screen_later=True)
    [first] = _screen_jobs()
    assert run_item(first.id) == "screened 2"
    [second] = [job for job in _screen_jobs() if job.id != first.id]
    assert second.state == "enqueued"
    queued = Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis_url)).jobs
    # (the report facts' refresh after the commit is a job of its own in the queue)
    assert [job.args for job in queued if job.func_name == RQ_JOB_FUNCTION] == [(second.id,)]


def test_the_staff_home_tells_who_waits_for_screening(app: Flask, world: None, client: FlaskClient) -> None:
    new_case(channel="email", screen_later=True)
    staff("triager")
    staff("handler")
    login(client, "triager")
    html = client.get("/staff/").get_data(as_text=True)
    assert "有 1 件新件正在等待自动筛查" in html
    handler = app.test_client()
    login(handler, "handler")
    assert "等待自动筛查" not in handler.get("/staff/").get_data(as_text=True)


def test_a_view_of_a_held_case_is_logged(world: None, client: FlaskClient) -> None:
    case = new_case(channel="email", screen_later=True)
    staff("supervisor")
    login(client, "supervisor")
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "等待自动筛查" in page
    db.session.expire_all()
    assert db.session.scalar(select(CaseEvent.action).where(CaseEvent.action == "viewed")) == "viewed"
