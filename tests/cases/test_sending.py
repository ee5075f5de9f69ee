"""Sending the approved reply (issue 12, point 5): who may, which text, e-mail threading through the real
SMTP server, and what a send that fails or bounces shows and does."""

from __future__ import annotations

import email
import hashlib
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from flask import Flask
from sqlalchemy import select

from cases.extensions import db, mail
from cases.handling.sending import send_reply
from cases.intake import NewCase, record_case
from cases.mailer import queue_outbound_message
from cases.models import Case, CaseEvent, CaseMessage, DraftFile, OutboxItem
from cases.models.types import utcnow
from cases.outbox import MAX_ATTEMPTS, commit_and_dispatch, dispatch_pending, run_item
from cases.triage.workflow import TriageError
from tests.cases.triage_support import new_case, setup_departments, staff
from tests.feedback.workflow import approve, draft, move, staff_user
from tests.support.services import free_port, smtp_server

NOW = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEXT = "经核实，核心区楼宇空置率数据将按季度公开。"


@pytest.fixture
def offices(app: Flask, catalogue: object) -> None:
    setup_departments()


def _mail_case() -> Case:
    """An e-mail case with our receipt and a second message of the person's (the thread so far)."""
    case = record_case(NewCase(channel="email", body="请公布空置率", subject="楼宇空置", received_at=NOW,
                               submitter_name="张三", submitter_email="reader@example.cn",
                               message_id="orig-1@example.cn"), now=NOW).case
    queue_outbound_message(case, f"【回执】[{case.reference}] 已收到", "已收到。", now=NOW,
                           in_reply_to="orig-1@example.cn", purpose="acknowledgement")
    db.session.add(CaseMessage(case=case, direction="inbound", body_text="补充：数据来源。",
                               sender="reader@example.cn", message_id="more-2@example.cn", created_at=NOW))
    commit_and_dispatch()  # the receipt goes (or tries to go) out
    return case


def _file(case: Case) -> DraftFile:
    saved = DraftFile(case_id=case.id, filename="空置率数据.pdf", content_type="application/pdf",
                      size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(), data=PDF)
    db.session.add(saved)
    db.session.flush()
    return saved


def _use_smtp(app: Flask, port: int) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)  # Flask-Mail reads its settings when it is initialised


def test_an_email_reply_reaches_smtp_threaded_with_its_attachment(offices, smtp) -> None:  # noqa: ANN001
    case = _mail_case()
    ack_id = db.session.scalar(select(CaseMessage.message_id).where(CaseMessage.purpose == "acknowledgement"))
    smtp.messages.clear()  # the receipt went out; what follows is the reply
    approve(case, TEXT, at=NOW, file_ids=[_file(case).id],
            body_html=f"<p>{TEXT}</p><script>alert(1)</script><a href='javascript:x()'>链接</a>")
    message = send_reply(case, actor=staff_user(), now=NOW)
    assert smtp.messages == []  # nothing leaves before the commit
    commit_and_dispatch()

    [(sender, recipients, raw)] = smtp.messages
    sent = email.message_from_bytes(raw, policy=policy.default)
    assert sender == "hqcbd@example.test" and recipients == ["reader@example.cn"]
    assert sent["Subject"] == f"[{case.reference}] 对您意见的答复：楼宇空置"
    assert sent["Message-ID"] == f"<{message.message_id}>" and message.message_id.startswith(f"hq.{case.id}.")
    assert sent["In-Reply-To"] == "<more-2@example.cn>"  # the person's last message
    assert sent["References"] == f"<orig-1@example.cn> <{ack_id}> <more-2@example.cn>"
    assert sent["Auto-Submitted"] is None  # a reply people wrote and approved is not automatic
    assert sent.get_body(("plain",)).get_content().strip() == TEXT
    html = sent.get_body(("html",)).get_content()
    assert TEXT in html and "<script" not in html and "javascript:" not in html
    [attached] = list(sent.iter_attachments())
    assert attached.get_filename() == "空置率数据.pdf" and attached.get_content() == PDF
    assert "内部意见" not in raw.decode("utf-8", "replace")  # the internal note never goes out

    db.session.expire_all()
    stored = db.session.get(CaseMessage, message.id)
    assert (stored.purpose, stored.delivery_method, stored.delivery_status) == ("reply", "email", "sent")
    assert stored.draft_id is not None and [a.filename for a in stored.attachments] == ["空置率数据.pdf"]
    case = db.session.get(Case, case.id)
    assert case.status == "replied" and case.replied_at == NOW and case.rating_due is not None
    event = case.events[-1]
    assert event.action == "send_reply" and event.detail["method"] == "email"


def test_only_an_approved_case_is_sent_and_only_by_those_who_may(offices) -> None:  # noqa: ANN001
    case = new_case()
    move(case, "accept")
    with pytest.raises(TriageError, match="只有审核通过的答复才能发送|Only an approved reply"):
        send_reply(case, actor=staff_user(), now=utcnow())
    db.session.rollback()
    case = new_case(body="另一件事：停车难。")
    approve(case, TEXT)
    db.session.commit()
    for key in ("leader", "other_handler", "inspector"):
        with pytest.raises(TriageError):
            send_reply(case, actor=staff(key), now=utcnow())
    # The department's handler and head may (and the party office: tests.feedback.workflow does).
    assert send_reply(case, actor=staff("dept_head"), now=utcnow(), method="portal").purpose == "reply"
    assert case.status == "replied"
    with pytest.raises(TriageError):  # once sent, it cannot be sent twice
        send_reply(case, actor=staff("handler"), now=utcnow())


def test_a_sealed_case_is_not_answered_here(offices) -> None:  # noqa: ANN001
    case = new_case()
    approve(case, TEXT)
    case.kind = "accusation"
    with pytest.raises(TriageError):
        send_reply(case, actor=staff("supervisor"), now=utcnow())


def test_the_approved_version_is_sent_and_the_method_must_fit(offices) -> None:  # noqa: ANN001
    case = new_case(email="")
    approve(case, "第一版：已审核的答复。")
    draft(case, "第二版：审核后才写的，不得发出。")
    with pytest.raises(TriageError, match="电子邮箱|e-mail"):
        send_reply(case, actor=staff_user(), now=utcnow(), method="email")  # no address
    with pytest.raises(TriageError):
        send_reply(case, actor=staff_user(), now=utcnow(), method="post")  # the day is missing
    with pytest.raises(TriageError):
        send_reply(case, actor=staff_user(), now=utcnow(), method="post",
                   answered_on=utcnow().date() + timedelta(days=3))  # not in the future
    message = send_reply(case, actor=staff_user(), now=utcnow())  # a web case without e-mail: the page
    assert message.body_text == "第一版：已审核的答复。" and message.delivery_method == "portal"
    assert message.delivery_status is None and message.message_id is None
    assert db.session.scalar(select(OutboxItem.id).where(OutboxItem.job == "send_case_message")) is None


def _item(message: CaseMessage) -> OutboxItem:
    rows = db.session.scalars(select(OutboxItem).where(OutboxItem.job == "send_case_message")).all()
    return next(row for row in rows if row.args.get("message_id") == message.id)


def test_a_refused_send_shows_not_delivered_and_is_retried_with_backoff(app, offices) -> None:  # noqa: ANN001
    _use_smtp(app, free_port())  # nothing listens there: the connection is refused
    case = _mail_case()
    approve(case, TEXT, at=NOW)
    message = send_reply(case, actor=staff_user(), now=NOW)
    commit_and_dispatch()  # the embedded mode tries at once, in the request; the failure is kept

    db.session.expire_all()
    message = db.session.get(CaseMessage, message.id)
    assert (message.delivery_status, message.delivery_error, message.delivery_attempts) == (
        "retrying", "server_unreachable", 1)
    item = _item(message)
    assert item.state == "enqueued" and "ConnectionRefusedError" in item.last_error
    assert dispatch_pending() == 0  # the backoff: not again at once
    with smtp_server() as (port, handler):
        _use_smtp(app, port)
        item = _item(message)
        item.enqueued_at -= timedelta(seconds=10)  # the first interval has passed
        db.session.commit()
        assert dispatch_pending() >= 1  # the sweep tries it again
        assert len([m for m in handler.messages if m[1] == ["reader@example.cn"]]) >= 1
    db.session.expire_all()
    message = db.session.get(CaseMessage, message.id)
    assert (message.delivery_status, message.delivery_error, message.delivery_attempts) == ("sent", None, 2)


def test_a_send_that_keeps_failing_is_given_up_and_said_so(app, offices) -> None:  # noqa: ANN001
    case = _mail_case()
    approve(case, TEXT, at=NOW)
    message = send_reply(case, actor=staff_user(), now=NOW)
    db.session.commit()
    _use_smtp(app, free_port())
    item_id = _item(message).id
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(ConnectionRefusedError):
            run_item(item_id)
        db.session.expire_all()
        assert db.session.get(CaseMessage, message.id).delivery_attempts == attempt
    message = db.session.get(CaseMessage, message.id)
    assert message.delivery_status == "failed" and db.session.get(OutboxItem, item_id).state == "failed"
    given_up = db.session.scalar(select(CaseEvent).where(CaseEvent.action == "email_not_delivered"))
    assert given_up is not None and given_up.detail["message_id"] == message.id
    assert given_up.reason == "server_unreachable"
