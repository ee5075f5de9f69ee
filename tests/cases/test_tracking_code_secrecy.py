"""The tracking code is known to the person alone: the e-mail carries it, nothing we keep does
(issue 11, point 5): not the database, not the export, not a cookie the browser can read."""

from __future__ import annotations

import email
import json
import re
from datetime import UTC, datetime
from email import policy

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient
from sqlalchemy import select

from cases.domain.tracking import CODE_MASK, normalise_code
from cases.export import iter_export
from cases.extensions import db
from cases.models import CaseMessage
from cases.outbox import commit_and_dispatch
from mailbox.intake import Fetched, Policy, ingest
from tests.cases.triage_support import enter_letter, login, setup_departments, staff
from tests.feedback.helpers import opinion, post_opinion, text_by_id
from tests.mailbox.conftest import message
from tests.support.services import CollectingHandler

CODE = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\b")


def _session_data(app: Flask, client: FlaskClient) -> tuple[str, dict[str, object]]:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    return cookie.value, serializer.loads(cookie.value)


def _web_codes(app: Flask, client: FlaskClient) -> list[str]:
    codes = []
    for number, address in enumerate(("wang@example.cn", "li@example.cn", "")):
        data = opinion(body=f"建议公开核心区楼宇空置率的季度数据，第{number}条。",
                       email=address or None, anonymous="y" if not address else None)
        response = post_opinion(client, data)
        assert response.status_code == 303
        raw_cookie, data = _session_data(app, client)  # between the redirect and the receipt page
        receipt = client.get(response.headers["Location"]).get_data(as_text=True)
        code = text_by_id(receipt, "tracking-code")
        assert CODE.fullmatch(code)
        for readable in (raw_cookie, json.dumps(data, ensure_ascii=False)):
            assert code not in readable and normalise_code(code) not in readable
        codes.append(code)
    return codes


def _staff_entry_code(client: FlaskClient) -> str:
    setup_departments()
    staff("triager")
    login(client, "triager")
    response = enter_letter(client, email="lisi@example.cn")
    assert response.status_code == 302
    case_page = client.get(response.headers["Location"]).get_data(as_text=True)
    [code] = CODE.findall(case_page)  # shown once, to pass on by post or phone
    assert code not in client.get(response.headers["Location"]).get_data(as_text=True)
    return code


def _everything_stored() -> str:
    """Every value of every row of every table, as text."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            for value in row:
                parts.append(value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value))
    return "\n".join(parts)


def test_no_tracking_code_is_kept_anywhere_but_the_persons_mail(
        app: Flask, client: FlaskClient, catalogue: object, smtp: CollectingHandler) -> None:
    codes = _web_codes(app, client)
    codes.append(_staff_entry_code(app.test_client()))
    ingest(Fetched(raw=message(sender="zhao@example.cn", message_id="secret-1@example.cn"), size=400),
           None, Policy(max_bytes=10_000_000, ack_per_day=5), datetime(2026, 12, 1, tzinfo=UTC))
    commit_and_dispatch()

    sent = {}
    for _from, recipients, raw in smtp.messages:
        body = email.message_from_bytes(raw, policy=policy.default).get_body(("plain",)).get_content()
        sent[recipients[0]] = CODE.findall(body)
    # The e-mails carry the codes: the two web senders with an address, and the e-mail sender.
    assert sent["wang@example.cn"] == [codes[0]] and sent["li@example.cn"] == [codes[1]]
    [mail_code] = sent["zhao@example.cn"]
    codes.append(mail_code)

    # The copies kept on the cases show the mask, and nothing waits encrypted once sent.
    kept = db.session.scalars(select(CaseMessage).where(CaseMessage.direction == "outbound")).all()
    assert len(kept) == 3 and all(CODE_MASK in m.body_text and m.sealed_secret is None for m in kept)
    assert all(m.subject.startswith("【回执】") for m in kept)  # never shown as the committee's reply

    stored = _everything_stored()
    exported = "\n".join(json.dumps(r, ensure_ascii=False) for r in iter_export(include_sealed=True))
    for code in codes:
        for form in (code, normalise_code(code)):
            assert form not in stored, code
            assert form not in exported, code
