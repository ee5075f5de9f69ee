"""The staff mailbox page: quarantine list, retry, a case from the raw message, replies not delivered."""

from __future__ import annotations

import re

from sqlalchemy import select

from cases.extensions import db
from cases.models import Case, QuarantinedEmail
from mailbox.intake import Fetched, LedgerKey
from mailbox.poller import quarantine
from tests.cases.test_staff_web import PASSWORD, make_user, post_login
from tests.mailbox.conftest import message


def _quarantined(raw: bytes, error: str = "RuntimeError: injected", uid: int = 1) -> QuarantinedEmail:
    entry = quarantine(Fetched(raw=raw, size=len(raw)), LedgerKey("box", "INBOX", 1, uid), error)
    db.session.commit()
    return entry


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_quarantine_page_needs_a_mailbox_role(app, client):
    assert client.get("/staff/mailbox/").status_code == 302  # to the login page
    make_user(email="handler@hqcbd.test", roles=("leader",))
    post_login(client, "handler@hqcbd.test", PASSWORD)
    assert client.get("/staff/mailbox/").status_code == 403


def test_retry_and_make_a_case_from_the_raw_message(app, client):
    good = _quarantined(message(subject="重试的信", message_id="q1@example.cn"))
    broken = _quarantined(b"\x00\x01 not a message at all", "MessageParseError: no header fields", 2)
    make_user(email="triager@hqcbd.test", roles=("triager",))
    post_login(client, "triager@hqcbd.test", PASSWORD)
    page = client.get("/staff/mailbox/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    # Never screened, so maybe an accusation: a triager sees that it is there, not what it says.
    assert "重试的信" not in html and "zhang.wei@example.cn" not in html and "no header fields" in html
    assert "仅纪检监察人员和督办人员可见" in html
    make_user(email="supervisor@hqcbd.test", roles=("supervisor",))
    supervisor = app.test_client()
    post_login(supervisor, "supervisor@hqcbd.test", PASSWORD)
    assert "重试的信" in supervisor.get("/staff/mailbox/").get_data(as_text=True)
    # Without the CSRF token nothing happens.
    assert client.post(f"/staff/mailbox/quarantine/{good.id}/retry").status_code == 400
    token = _token(html)
    response = client.post(f"/staff/mailbox/quarantine/{good.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    response = client.post(f"/staff/mailbox/quarantine/{broken.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(QuarantinedEmail, good.id).state == "resolved"
    failed = db.session.get(QuarantinedEmail, broken.id)
    assert failed.state == "open" and failed.retries == 1
    response = client.post(f"/staff/mailbox/quarantine/{broken.id}/case", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    converted = db.session.get(QuarantinedEmail, broken.id)
    assert converted.state == "converted"
    case = db.session.get(Case, converted.case_id)
    assert case.channel == "email" and case.messages[0].attachments[0].filename == "original.eml"
    assert "created_from_quarantine" in [event.action for event in case.events]
    assert db.session.scalar(select(QuarantinedEmail).where(QuarantinedEmail.state == "open")) is None


def test_replies_not_delivered_are_listed(app, client):
    from cases.intake import NewCase, record_case
    from cases.models.types import utcnow

    case = record_case(NewCase(channel="email", body="x", received_at=utcnow(), subject="退信的案件",
                               submitter_email="gone@example.cn"), now=utcnow()).case
    case.email_undeliverable = True
    db.session.commit()
    make_user(email="triager@hqcbd.test", roles=("triager",))
    post_login(client, "triager@hqcbd.test", PASSWORD)
    html = client.get("/staff/mailbox/").get_data(as_text=True)
    assert case.reference in html and "退信的案件" in html


def test_the_staff_home_shows_the_quarantine_while_it_is_not_empty(app, client):
    make_user(email="triager@hqcbd.test", roles=("triager",))
    make_user(email="leader@hqcbd.test", roles=("leader",))
    post_login(client, "triager@hqcbd.test", PASSWORD)
    assert "隔离区" not in client.get("/staff/").get_data(as_text=True)
    entry = _quarantined(message(subject="坏信", message_id="q-home@example.cn"))
    html = client.get("/staff/").get_data(as_text=True)
    assert "有 1 封邮件未能自动受理" in html and 'href="/staff/mailbox/"' in html
    leader = app.test_client()
    post_login(leader, "leader@hqcbd.test", PASSWORD)
    assert "隔离区" not in leader.get("/staff/").get_data(as_text=True)  # not a mailbox role
    entry.state = "resolved"
    db.session.commit()
    assert "隔离区" not in client.get("/staff/").get_data(as_text=True)


def test_a_message_whose_from_and_content_type_do_not_fit_their_columns_becomes_a_case(app, client):
    long_address = "x" * 300 + "@example.cn"
    long_type = "application/" + "y" * 300
    raw = (f"From: {long_address}\r\nTo: hqcbd@example.test\r\nSubject: long\r\n"
           "Message-ID: <long@example.cn>\r\nMIME-Version: 1.0\r\n"
           'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
           '--b\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n建议增加公共停车位。\r\n'
           f'--b\r\nContent-Type: {long_type}\r\nContent-Disposition: attachment; filename="a.bin"\r\n'
           "Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b--\r\n").encode()
    entry = _quarantined(raw)
    make_user(email="triager@hqcbd.test", roles=("triager",))
    post_login(client, "triager@hqcbd.test", PASSWORD)
    token = _token(client.get("/staff/mailbox/").get_data(as_text=True))
    response = client.post(f"/staff/mailbox/quarantine/{entry.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    response = client.post(f"/staff/mailbox/quarantine/{entry.id}/case", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    entry = db.session.get(QuarantinedEmail, entry.id)
    case = db.session.get(Case, entry.case_id)
    # An address that long is no address we can answer: kept as the sender's text, not for replies.
    assert case.submitter_email == "" and case.messages[0].sender.startswith("xxxx")
    types = sorted(a.content_type for a in case.messages[0].attachments)
    assert all(len(t) <= 255 for t in types), types
