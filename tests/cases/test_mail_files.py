"""Mail without a mail server (issue 16, point 5): written as files in the embedded mode, and a
server that is away costs one log line per try, not a traceback."""

from __future__ import annotations

import email
import logging
from datetime import UTC, datetime
from email import policy

from sqlalchemy import select

from cases.config import load_config
from cases.extensions import db
from cases.intake import NewCase, record_case
from cases.mailer import queue_outbound_message
from cases.models import CaseMessage
from cases.outbox import commit_and_dispatch
from tests.support.services import free_port

NOW = datetime(2026, 11, 28, 6, 30, tzinfo=UTC)


def _queue_reply() -> str:
    case = record_case(NewCase(channel="email", body="请公布空置率", received_at=NOW,
                               submitter_email="reader@example.cn", message_id="orig-f@example.cn"),
                       now=NOW).case
    queue_outbound_message(case, f"[{case.reference}] 已收到您的意见", "您的意见已收到。", now=NOW,
                           in_reply_to="orig-f@example.cn")
    return case.reference


def test_embedded_mode_without_a_mail_server_writes_files(tmp_path):
    embedded = load_config(tmp_path, env={})
    assert embedded["MAIL_FILE_DIR"] == str(tmp_path / "outgoing-mail")
    # A mail server named, Redis in use, or the folder switched off: mail is sent by SMTP.
    assert load_config(tmp_path, env={"MAIL_SERVER": "smtp.example.cn"})["MAIL_FILE_DIR"] is None
    assert load_config(tmp_path, env={"REDIS_URL": "redis://r:6379/0"})["MAIL_FILE_DIR"] is None
    assert load_config(tmp_path, env={"MAIL_FILE_DIR": ""})["MAIL_FILE_DIR"] is None
    assert load_config(tmp_path, env={"MAIL_FILE_DIR": "/srv/mail"})["MAIL_FILE_DIR"] == "/srv/mail"


def test_mail_written_as_a_file_is_the_message_that_would_be_sent(app, tmp_path):
    folder = tmp_path / "outgoing-mail"
    app.config.update(MAIL_FILE_DIR=str(folder), MAIL_SUPPRESS_SEND=False)
    reference = _queue_reply()
    commit_and_dispatch()
    [written] = list(folder.glob("*.eml"))
    sent = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert sent["Subject"] == f"[{reference}] 已收到您的意见"
    assert sent["To"] == "reader@example.cn"
    assert sent["In-Reply-To"] == "<orig-f@example.cn>"
    assert "您的意见已收到。" in sent.get_body(("plain",)).get_content()
    message = db.session.scalar(select(CaseMessage).where(CaseMessage.direction == "outbound"))
    assert written.name == message.message_id.replace("@", "_") + ".eml"
    assert message.delivery_status == "sent"
    assert not list(folder.glob(".*"))  # no partial file left behind


def test_a_mail_server_away_logs_one_line_per_try(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SUPPRESS_SEND=False)
    from cases.extensions import mail

    mail.init_app(app)
    for _ in range(3):
        _queue_reply()
    with caplog.at_level(logging.WARNING):
        commit_and_dispatch()  # the request's own commit must still succeed
    failures = [record for record in caplog.records if "embedded job" in record.getMessage()]
    assert len(failures) == 3
    assert all(record.exc_info is None and "\n" not in record.getMessage() for record in failures)
    statuses = set(db.session.scalars(select(CaseMessage.delivery_status)
                                      .where(CaseMessage.direction == "outbound")))
    assert statuses == {"retrying"}


def test_the_mailbox_page_lists_mail_that_did_not_leave(app, client):
    from tests.cases.test_staff_web import PASSWORD, make_user, post_login

    make_user(email="supervisor@hqcbd.test", roles=("supervisor",))
    post_login(client, "supervisor@hqcbd.test", PASSWORD)
    assert "所有电子邮件均已送达。" in client.get("/staff/mailbox/").get_data(as_text=True)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SUPPRESS_SEND=False)
    from cases.extensions import mail

    mail.init_app(app)
    reference = _queue_reply()
    commit_and_dispatch()
    html = client.get("/staff/mailbox/").get_data(as_text=True)
    assert "所有电子邮件均已送达。" not in html
    assert reference in html and "告知" in html and "尚未送达：将自动重试" in html
    assert "retrying" not in html and "notice" not in html
