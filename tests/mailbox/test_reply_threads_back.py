"""Our e-mail reply, through the real SMTP server, answered by the person through the real Dovecot and the
poller: the answer threads back into the case; a bounce of the reply shows it as not delivered."""

from __future__ import annotations

import email
import email.policy

from flask.testing import FlaskClient
from sqlalchemy import select

from cases.extensions import db
from cases.handling.sending import send_reply
from cases.models import Case, CaseMessage
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from tests.cases.triage_support import login, setup_departments, staff
from tests.feedback.workflow import approve, staff_user
from tests.mailbox.conftest import message
from tests.mailbox.test_poller import poll


def _replied_case(dovecot, smtp) -> tuple[Case, email.message.EmailMessage]:  # noqa: ANN001
    """An e-mail case answered by e-mail: (the case, the reply as the SMTP server received it)."""
    setup_departments()
    dovecot.deliver([message(message_id="first.1@example.cn", subject="关于停车难的建议")])
    assert poll().new_cases == 1
    case = db.session.scalar(select(Case))
    approve(case, "经核实，新增公共停车位三百个。")
    send_reply(case, actor=staff_user(), now=utcnow())
    commit_and_dispatch()
    sent = [email.message_from_bytes(raw, policy=email.policy.default) for _f, _t, raw in smtp.messages]
    [ours] = [m for m in sent if "对您意见的答复" in m["Subject"]]
    return case, ours


def test_the_persons_answer_to_our_reply_threads_back(mailbox_app, dovecot, smtp) -> None:  # noqa: ANN001
    case, ours = _replied_case(dovecot, smtp)
    assert ours["In-Reply-To"] == "<first.1@example.cn>"
    assert ours["References"].split()[0] == "<first.1@example.cn>"
    assert ours["Subject"] == f"[{case.reference}] 对您意见的答复：关于停车难的建议"
    # Their mail client answers with our ids, and keeps our reference in the subject.
    dovecot.deliver([message(
        subject=f"回复：{ours['Subject']}", body="谢谢答复，但停车位在哪里？",
        message_id="answer.2@example.cn",
        extra=f"In-Reply-To: {ours['Message-ID']}\r\nReferences: {ours['References']} {ours['Message-ID']}")])
    summary = poll()
    assert (summary.threaded, summary.new_cases) == (1, 0)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    inbound = [m for m in case.messages if m.direction == "inbound"]
    assert inbound[-1].body_text == "谢谢答复，但停车位在哪里？"
    assert case.status == "replied"  # recorded for the handler; the person may still rate the reply
    assert "email_received" in [event.action for event in case.events]

    # A client that drops the subject still threads by our signed Message-ID alone.
    dovecot.deliver([message(subject="Re:", body="补充一句。", message_id="answer.3@example.cn",
                             extra=f"In-Reply-To: {ours['Message-ID']}")])
    assert poll().threaded == 1


def _bounce_of(ours: email.message.EmailMessage) -> bytes:
    """A delivery report (RFC 3464) returning our reply's headers."""
    return (
        "From: MAILER-DAEMON@example.cn\r\nTo: hqcbd@example.test\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn.9@example.cn>\r\n"
        "Date: Sat, 28 Nov 2026 11:00:00 +0800\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.cn\r\n\r\nFinal-Recipient: rfc822; zhang.wei@example.cn\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {ours['Message-ID']}\r\nSubject: reply\r\n\r\n--b--\r\n"
    ).encode()


def test_a_bounced_reply_shows_as_not_delivered(mailbox_app, dovecot, smtp, client: FlaskClient) -> None:  # noqa: ANN001
    case, ours = _replied_case(dovecot, smtp)
    dovecot.deliver([_bounce_of(ours)])
    assert poll().bounces == 1
    db.session.expire_all()
    reply = db.session.scalar(select(CaseMessage).where(CaseMessage.purpose == "reply"))
    assert reply.delivery_status == "bounced" and reply.case_id == case.id
    staff("handler")
    login(client, "handler")
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "未送达" in page and "被对方邮件服务器退回" in page
    assert "未送达来信人" in client.get("/staff/").get_data(as_text=True)
