"""Jobs go through the outbox after the commit; outbound mail goes out through a real SMTP server."""

from __future__ import annotations

import email
import subprocess
import sys
from datetime import UTC, datetime
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

from cases.domain.mailids import case_id_from_message_id
from cases.extensions import db, mail
from cases.intake import NewCase, record_case
from cases.mailer import queue_outbound_message
from cases.models import CaseMessage, OutboxItem
from cases.outbox import commit_and_dispatch, dispatch_pending, run_item
from tests.conftest import PROJECT_ROOT
from tests.support.services import free_port, smtp_server

NOW = datetime(2026, 11, 28, 6, 30, tzinfo=UTC)


def _use_smtp(app, port: int) -> None:
    # Flask-Mail reads its settings when it is initialised.
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)


@pytest.fixture
def smtp(app):
    with smtp_server() as (port, handler):
        _use_smtp(app, port)
        yield port, handler


def _case_with_reply(app):
    case = record_case(NewCase(channel="email", body="请公布空置率", received_at=NOW,
                               submitter_email="reader@example.cn", message_id="orig-1@example.cn"),
                       now=NOW).case
    queue_outbound_message(case, f"[{case.reference}] 已收到您的意见", "您的意见已收到。", now=NOW,
                           in_reply_to="orig-1@example.cn")
    return case


def test_embedded_mode_sends_after_commit(app, smtp):
    _port, handler = smtp
    case = _case_with_reply(app)
    assert handler.messages == []  # nothing leaves before the commit
    commit_and_dispatch()
    [(mail_from, recipients, raw)] = handler.messages
    assert recipients == ["reader@example.cn"]
    sent = email.message_from_bytes(raw, policy=policy.default)
    assert sent["Subject"] == f"[{case.reference}] 已收到您的意见"
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["X-HQCBD-Loop"]
    assert sent["In-Reply-To"] == "<orig-1@example.cn>"
    assert sent.get_content().strip() == "您的意见已收到。"
    stored = db.session.scalar(select(CaseMessage).where(CaseMessage.direction == "outbound"))
    assert sent["Message-ID"] == f"<{stored.message_id}>"
    assert case_id_from_message_id(app.config["SECRET_KEY"].encode(), sent["Message-ID"]) == case.id
    assert stored.delivery_status == "sent"
    assert db.session.scalar(select(OutboxItem.state)) == "done"


def test_a_job_runs_once_even_if_dispatched_twice(app, smtp):
    _port, handler = smtp
    _case_with_reply(app)
    db.session.commit()
    item_id = db.session.scalar(select(OutboxItem.id))
    run_item(item_id)
    run_item(item_id)
    assert len(handler.messages) == 1


def test_smtp_failure_keeps_the_job_and_records_the_error(app):
    _use_smtp(app, free_port())
    _case_with_reply(app)
    db.session.commit()
    item_id = db.session.scalar(select(OutboxItem.id))
    with pytest.raises(ConnectionRefusedError):
        run_item(item_id)
    item = db.session.get(OutboxItem, item_id)
    assert item.attempts == 1 and "ConnectionRefusedError" in item.last_error
    assert item.state == "enqueued"
    # The failure shows on the message (its job's on_failure hook), not only on the outbox row.
    message = db.session.scalar(select(CaseMessage).where(CaseMessage.direction == "outbound"))
    assert (message.delivery_status, message.delivery_error, message.delivery_attempts) == (
        "retrying", "server_unreachable", 1)


def test_forged_message_ids_are_not_ours(app):
    key = app.config["SECRET_KEY"].encode()
    assert case_id_from_message_id(key, "<hq.7.abcdef012345.0123456789abcdef@x.cn>") is None
    assert case_id_from_message_id(key, "random@example.cn") is None


def test_redis_down_keeps_jobs_pending_then_a_worker_sends_them(app, redis_url, subprocess_env):
    with smtp_server() as (port, handler):
        app.config.update(EMBEDDED_JOBS=False, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
        _case_with_reply(app)
        commit_and_dispatch()  # Redis is unreachable: the case is saved, the job waits
        assert db.session.scalar(select(OutboxItem.state)) == "pending"
        assert handler.messages == []

        queue = f"test-{datetime.now(UTC).timestamp():.0f}"
        app.config.update(REDIS_URL=redis_url, RQ_QUEUE=queue)
        assert dispatch_pending() == 1  # the sweep, once Redis is back
        assert db.session.scalar(select(OutboxItem.state)) == "enqueued"
        env = dict(subprocess_env, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port), MAIL_SUPPRESS_SEND="false",
                   SECRET_KEY=app.config["SECRET_KEY"], MAIL_DEFAULT_SENDER="hqcbd@example.test")
        worker = subprocess.run(
            [str(Path(sys.executable).parent / "rq"), "worker", "--burst", "--url", redis_url, queue],
            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
        )
        assert worker.returncode == 0, worker.stderr
        assert len(handler.messages) == 1, worker.stdout + worker.stderr
    db.session.expire_all()
    assert db.session.scalar(select(OutboxItem.state)) == "done"
