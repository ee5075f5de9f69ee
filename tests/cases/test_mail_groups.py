"""Several outbound messages of one flush go out in one job over one SMTP connection (issue 16,
point 7), each still recorded and retried on its own; against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from cases.extensions import db, mail
from cases.intake import NewCase, record_case
from cases.mailer import GROUP_JOB, queue_outbound_message, send_case_messages
from cases.models import CaseEvent, CaseMessage, OutboxItem
from cases.outbox import MAX_ATTEMPTS, RQ_JOB_FUNCTION, commit_and_dispatch, dispatch_pending, run_item
from tests.conftest import PROJECT_ROOT
from tests.support.services import CollectingHandler, free_port

NOW = datetime(2026, 11, 28, 6, 30, tzinfo=UTC)
BAD = "nobody@example.cn"


class RefusingHandler(CollectingHandler):
    """Keeps what it receives; refuses one address at RCPT (a mailbox that does not exist)."""

    def __init__(self) -> None:
        super().__init__()
        self.tried: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, N802
        self.tried.append(address)
        if address == BAD:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp(app):
    handler = RefusingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)  # Flask-Mail reads its settings when it is initialised
    try:
        yield port, handler
    finally:
        controller.stop()


def _queue_group(addresses: list[str]) -> list[int]:
    """Acknowledgements of new cases, one per address, queued in one transaction and one flush."""
    messages = []
    with db.session.no_autoflush:
        for n, address in enumerate(addresses):
            case = record_case(NewCase(channel="email", body=f"第{n}封来信：请公布空置率", received_at=NOW,
                                       submitter_email=address, message_id=f"g{n}@example.cn"),
                               now=NOW, flush=False).case
            messages.append(queue_outbound_message(
                case, "【回执】已收到您的意见", "您的意见已收到。", now=NOW, in_reply_to=f"g{n}@example.cn",
                purpose="acknowledgement"))
    db.session.flush()
    db.session.flush()  # the job waited for the messages' ids
    return [message.id for message in messages]


def _jobs() -> list[OutboxItem]:
    return list(db.session.scalars(select(OutboxItem).where(
        OutboxItem.job.in_((GROUP_JOB, "send_case_message"))).order_by(OutboxItem.id)))


def _status(message_id: int) -> tuple[str | None, str | None, int | None]:
    message = db.session.get(CaseMessage, message_id)
    return message.delivery_status, message.delivery_error, message.delivery_attempts


ADDRESSES = [f"reader{n}@example.cn" for n in range(5)]


def test_a_group_is_one_job_over_one_smtp_connection(app, smtp):
    _port, handler = smtp
    ids = _queue_group(ADDRESSES)
    [item] = _jobs()
    assert item.job == GROUP_JOB and item.args == {"message_ids": ids}
    commit_and_dispatch()  # embedded mode: run in-process after the commit
    assert sorted(rcpt for _from, [rcpt], _raw in handler.messages) == ADDRESSES
    assert len({peer for peer, _rcpt in handler.peers}) == 1  # one connection for the five
    db.session.expire_all()
    assert {_status(i) for i in ids} == {("sent", None, 1)}
    assert [job.state for job in _jobs()] == ["done"]


def test_a_single_message_keeps_its_own_job(app, smtp):
    _queue_group(ADDRESSES[:1])
    assert [job.job for job in _jobs()] == ["send_case_message"]


def test_a_bad_recipient_fails_alone_and_is_retried_alone(app, smtp):
    _port, handler = smtp
    ids = _queue_group([*ADDRESSES[:2], BAD, *ADDRESSES[2:4]])
    bad = ids[2]
    commit_and_dispatch()
    assert sorted(rcpt for _from, [rcpt], _raw in handler.messages) == ADDRESSES[:4]
    db.session.expire_all()
    assert _status(bad) == ("retrying", "address_refused", 1)
    assert {_status(i) for i in ids if i != bad} == {("sent", None, 1)}
    first, retry = _jobs()
    assert first.state == "done"
    assert retry.job == GROUP_JOB and retry.args == {"message_ids": [bad]} and retry.state == "enqueued"
    assert dispatch_pending() == 0  # the backoff: not at once
    retry.enqueued_at -= timedelta(seconds=10)  # the first interval has passed
    db.session.commit()
    handler.tried.clear()
    assert dispatch_pending() == 1
    assert handler.tried == [BAD]  # only the failed one was tried again
    assert len(handler.messages) == 4  # nothing sent twice
    db.session.expire_all()
    assert _status(bad) == ("retrying", "address_refused", 2)


def test_the_last_try_gives_up_on_that_message_only(app, smtp):
    ids = _queue_group([ADDRESSES[0], BAD])
    db.session.get(CaseMessage, ids[1]).delivery_attempts = MAX_ATTEMPTS - 1
    commit_and_dispatch()
    db.session.expire_all()
    assert _status(ids[0]) == ("sent", None, 1)
    assert _status(ids[1]) == ("failed", "address_refused", MAX_ATTEMPTS)
    assert [job.state for job in _jobs()] == ["done"]  # nothing more to try
    given_up = db.session.scalar(select(CaseEvent).where(CaseEvent.action == "email_not_delivered"))
    assert given_up is not None and given_up.detail["message_id"] == ids[1]


def test_nothing_is_sent_twice_when_the_job_runs_twice(app, smtp):
    _port, handler = smtp
    _queue_group(ADDRESSES)
    db.session.commit()
    [item] = _jobs()
    run_item(item.id)
    run_item(item.id)  # done: not run again
    assert send_case_messages(item.args["message_ids"]) == "sent 0, failed 0"  # sent: skipped
    db.session.commit()
    assert len(handler.messages) == 5


def test_a_server_away_marks_the_whole_group_and_retries_it(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)
    ids = _queue_group(ADDRESSES[:3])
    commit_and_dispatch()  # the request still succeeds
    db.session.expire_all()
    assert {_status(i) for i in ids} == {("retrying", "server_unreachable", 1)}
    first, retry = _jobs()
    assert first.state == "done" and retry.args == {"message_ids": ids}


def test_a_group_written_as_files(app, tmp_path):
    folder = tmp_path / "outgoing-mail"
    app.config.update(MAIL_FILE_DIR=str(folder), MAIL_SUPPRESS_SEND=False)
    ids = _queue_group(ADDRESSES[:3])
    commit_and_dispatch()
    db.session.expire_all()
    names = sorted(db.session.get(CaseMessage, i).message_id.replace("@", "_") + ".eml" for i in ids)
    assert sorted(path.name for path in folder.glob("*.eml")) == names
    assert {_status(i) for i in ids} == {("sent", None, 1)}


def test_a_worker_drains_a_group_in_one_job(app, smtp, redis_url, subprocess_env):
    port, handler = smtp
    queue = f"test-group-{datetime.now(UTC).timestamp():.0f}"
    app.config.update(EMBEDDED_JOBS=False, REDIS_URL=redis_url, RQ_QUEUE=queue)
    _queue_group(ADDRESSES)
    commit_and_dispatch()
    from redis import Redis
    from rq import Queue

    # One outbox job for five messages (the report facts' refresh is a job of its own in the queue).
    jobs = Queue(queue, connection=Redis.from_url(redis_url)).jobs
    assert [job.func_name for job in jobs].count(RQ_JOB_FUNCTION) == 1
    env = dict(subprocess_env, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port), MAIL_SUPPRESS_SEND="false",
               SECRET_KEY=app.config["SECRET_KEY"], MAIL_DEFAULT_SENDER="hqcbd@example.test")
    worker = subprocess.run(
        [str(Path(sys.executable).parent / "rq"), "worker", "--burst", "--worker-class",
         "rq.worker.SimpleWorker", "--url", redis_url, queue],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert worker.returncode == 0, worker.stderr
    assert len(handler.messages) == 5 and len({peer for peer, _rcpt in handler.peers}) == 1
    db.session.expire_all()
    assert [job.state for job in _jobs()] == ["done"]


def test_a_connection_lost_midway_keeps_what_was_sent(app, smtp, monkeypatch):
    import smtplib

    from cases import mailer

    _port, handler = smtp
    ids = _queue_group(ADDRESSES)
    real, calls = mailer.deliver, []

    def hang_up_at_the_third(email, name, connection=None):  # noqa: ANN001, ANN202 - the injected fault
        calls.append(name)
        if len(calls) == 3:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        real(email, name, connection)

    monkeypatch.setattr(mailer, "deliver", hang_up_at_the_third)
    commit_and_dispatch()
    assert len(handler.messages) == 2
    db.session.expire_all()
    assert [_status(i)[0] for i in ids] == ["sent", "sent", "retrying", "retrying", "retrying"]
    assert _status(ids[2])[1] == "server_unreachable"
    assert _jobs()[-1].args == {"message_ids": ids[2:]}
