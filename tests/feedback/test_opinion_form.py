"""The opinion form at /feedback/new: validation, receipt once, acknowledgement, limits, outages."""

from __future__ import annotations

import email
import io
import re
from email import policy

import pytest
from sqlalchemy import create_engine, func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from cases.extensions import db, mail
from cases.mailer import ACKNOWLEDGEMENT_MARKER
from cases.models import Attachment, Case, CaseEvent, CaseMessage, OutboxItem
from tests.feedback.helpers import csrf_token, opinion, post_opinion, submit, text_by_id
from tests.support.services import free_port, smtp_server

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def _cases() -> int:
    return db.session.scalar(select(func.count(Case.id)))


def test_the_form_lists_the_problems_and_preselects_one(client, catalogue):
    html = client.get("/feedback/new?problem=2.3").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html and "提出意见建议" in html
    for name in ("subject", "body", "problem", "anonymous", "name", "email", "phone", "attachments",
                 "consent", "csrf_token"):
        assert f'name="{name}"' in html, name
    assert '<option selected value="2.3">' in html
    assert html.count("<option") == 13  # the twelve problems and "not sure"
    assert 'enctype="multipart/form-data"' in html
    assert "个人信息" in html and "5年" in html  # the PIPL notice: what, who, how long
    assert client.get("/feedback/new?problem=9.9").status_code == 200


def test_a_valid_opinion_is_recorded_and_the_receipt_shown_once(client, catalogue):
    response = post_opinion(client, opinion(attachments=[(io.BytesIO(PDF), "材料.pdf")]))
    assert response.status_code == 303 and response.headers["Location"] == "/feedback/received"
    receipt = client.get("/feedback/received")
    assert receipt.headers["Cache-Control"] == "no-store"
    html = receipt.get_data(as_text=True)
    reference, code = text_by_id(html, "case-reference"), text_by_id(html, "tracking-code")
    assert reference.startswith("HQ-") and len(code) == 24
    assert "15个工作日" in html and "下一步" in html

    case = db.session.scalar(select(Case))
    assert case.reference == reference and case.channel == "web" and case.status == "received"
    assert [p.code for p in case.problems] == ["1.1"]
    assert case.submitter_phone == "13812345678" and case.consent and case.language == "zh_Hans"
    assert case.acceptance_due is not None and case.acceptance_due.isoformat() in html
    [attachment] = db.session.scalars(select(Attachment)).all()
    assert attachment.filename == "材料.pdf" and attachment.content_type == "application/pdf"
    assert attachment.data == PDF
    assert db.session.scalar(select(CaseEvent.action)) == "received"

    # A reload shows neither the code nor a second case.
    again = client.get("/feedback/received").get_data(as_text=True)
    assert code not in again and reference not in again and "只显示一次" in again
    assert _cases() == 1


def test_the_acknowledgement_goes_out_by_smtp(app, client, catalogue):
    with smtp_server() as (port, handler):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
        mail.init_app(app)
        reference, code = submit(client)
    [(_from, recipients, raw)] = handler.messages
    assert recipients == ["zhang@example.cn"]
    sent = email.message_from_bytes(raw, policy=policy.default)
    assert sent["Subject"].startswith(f"{ACKNOWLEDGEMENT_MARKER}[{reference}]")
    body = sent.get_content()
    assert code in body and reference in body and "/track" in body
    stored = db.session.scalar(select(CaseMessage).where(CaseMessage.direction == "outbound"))
    assert sent["Message-ID"] == f"<{stored.message_id}>" and stored.delivery_status == "sent"


def test_no_acknowledgement_without_an_email_address(client, catalogue):
    submit(client, email="", phone="021-34733909")
    assert db.session.scalar(select(func.count(OutboxItem.id))) == 0


@pytest.mark.parametrize("phone", ["13812345678", "+86 138 1234 5678", "8613812345678", "021-34733909",
                                   "02134733909", "0571-8888888", "021-34733909-123", "021-34733909转8001"])
def test_chinese_phone_formats_are_accepted(client, catalogue, phone):
    response = post_opinion(client, opinion(email="", phone=phone))
    assert response.status_code == 303, response.get_data(as_text=True)


@pytest.mark.parametrize("phone", ["12345678901", "1381234567", "021-123", "abc", "+1 415 555 0100"])
def test_other_phone_numbers_are_refused(client, catalogue, phone):
    response = post_opinion(client, opinion(email="", phone=phone))
    assert response.status_code == 400
    assert "手机号码" in response.get_data(as_text=True)


def test_errors_are_shown_next_to_fields_and_everything_typed_is_kept(client, catalogue):
    response = post_opinion(client, opinion(
        body="太短", email="not-an-address", phone="", consent=None, subject="<b>标题</b>",
        name="李四", attachments=[(io.BytesIO(PDF), "a.pdf")]))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    for field_id in ("body", "email", "consent"):
        assert f'href="#{field_id}"' in html and f'id="{field_id}-error"' in html
    assert "10至10000个字" in html or "10 to 10,000" not in html
    assert 'value="&lt;b&gt;标题&lt;/b&gt;"' in html  # kept, and escaped
    assert 'value="李四"' in html and "太短</textarea>" in html and 'value="not-an-address"' in html
    assert '<option selected value="1.1">' in html
    assert "请重新选择文件" in html  # files are not kept: the page says so
    assert _cases() == 0


def test_a_contact_is_needed_unless_anonymous(client, catalogue):
    response = post_opinion(client, opinion(email="", phone="", name=""))
    assert response.status_code == 400 and "匿名" in response.get_data(as_text=True)
    response = post_opinion(client, opinion(email="", phone="", name="王五", anonymous="y"))
    assert response.status_code == 303
    case = db.session.scalar(select(Case))
    assert case.anonymous and case.submitter_name == ""


def test_errors_in_english(client, catalogue):
    client.get("/lang/en")
    html = post_opinion(client, opinion(body="short", consent=None)).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Your opinion must have 10 to 10,000 characters" in html
    assert "Tick the box to agree" in html


def test_the_honeypot_stops_robots(client, catalogue):
    response = post_opinion(client, opinion(homepage="http://spam.example"))
    assert response.status_code == 400 and _cases() == 0


def test_attachments_are_checked_by_content_and_counted(client, catalogue):
    renamed = post_opinion(client, opinion(attachments=[(io.BytesIO(b"MZ\x90\x00program"), "report.pdf")]))
    assert renamed.status_code == 400 and "report.pdf" in renamed.get_data(as_text=True)
    six = [(io.BytesIO(PDF), f"{n}.pdf") for n in range(6)]
    too_many = post_opinion(client, opinion(attachments=six))
    assert too_many.status_code == 400 and "最多上传5个文件" in too_many.get_data(as_text=True)
    # Encoded in memory: the test client would spool a body this large to a temporary file.
    page = client.get("/feedback/new").get_data(as_text=True)
    boundary, body = encode_multipart(MultiDict({
        "csrf_token": csrf_token(page), **opinion(),
        "attachments": FileStorage(io.BytesIO(PDF + b"0" * (10 * 1024 * 1024)), "big.pdf")}))
    big = client.post("/feedback/new", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert big.status_code == 400 and "big.pdf" in big.get_data(as_text=True)
    assert _cases() == 0


def test_files_that_could_run_are_refused_and_stored_names_agree_with_the_content(client, catalogue):
    # Issue 11, point 3: each of these used to be accepted as text.
    dangerous = [(io.BytesIO("看起来是PDF".encode()), "report\u202efdp.hta"),
                 (io.BytesIO(b"@echo off\r\ndel *.*\r\n"), "run.bat"),
                 (io.BytesIO(b"<!DOCTYPE html><html><script>alert(1)</script></html>"), "doc.pdf"),
                 (io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"), "pic.txt")]
    refused = post_opinion(client, opinion(subject="附件被拒", attachments=dangerous))
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "\u202e" not in html
    assert "reportfdp.hta 的扩展名属于程序、脚本或网页" in html and "run.bat 的扩展名属于程序" in html
    assert "doc.pdf 的内容是网页或脚本，此类文件不予接收" in html and "pic.txt 的内容是网页或脚本" in html
    assert 'value="附件被拒"' in html and "请重新选择文件" in html  # the rest is kept
    assert _cases() == 0
    accepted = post_opinion(client, opinion(attachments=[(io.BytesIO(PDF), "scan.txt"),
                                                         (io.BytesIO("纯文本说明".encode()), "说明.txt")]))
    assert accepted.status_code == 303
    stored = {(a.filename, a.content_type) for a in db.session.scalars(select(Attachment))}
    assert stored == {("scan.txt.pdf", "application/pdf"), ("说明.txt", "text/plain; charset=utf-8")}


def test_an_oversized_request_gets_the_413_page(app, client, catalogue):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    # A raw body (the test client would spool a multipart file to a temporary file).
    response = client.post("/feedback/new", data=b"x" * 2_000_000,
                           content_type="multipart/form-data; boundary=zzz")
    assert response.status_code == 413
    assert "提交的内容过大" in response.get_data(as_text=True)
    assert _cases() == 0


def test_markup_is_stored_as_text_and_escaped(client, catalogue):
    reference, code = submit(client, subject="<script>alert(1)</script>",
                             body="<img src=x onerror=alert(1)> 请公开数据，谢谢！")
    case = db.session.scalar(select(Case))
    assert case.subject == "<script>alert(1)</script>" and case.body.startswith("<img src=x")
    from tests.feedback.helpers import open_case

    assert open_case(client, reference, code).status_code == 303
    html = client.get("/track/case").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_posting_without_the_csrf_token_is_refused(client, catalogue):
    response = client.post("/feedback/new", data=opinion(), content_type="multipart/form-data")
    assert response.status_code == 400 and "表单已失效" in response.get_data(as_text=True)
    assert _cases() == 0


def test_submissions_are_limited_per_address(app, client, catalogue):
    app.config["FEEDBACK_RATE_LIMIT"] = "2 per hour;5 per day"
    # An invalid post does not count against the limit.
    assert post_opinion(client, opinion(body="短")).status_code == 400
    submit(client)
    submit(client)
    assert post_opinion(client, opinion()).status_code == 429
    other = post_opinion(client, opinion(), environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 303
    assert _cases() == 3


# The outage swaps the app's engine for a dead one: the test's joined connection would hide it.
@pytest.mark.committed
def test_a_database_outage_gives_503_and_saves_nothing(app, client, catalogue):
    page = client.get("/feedback/new").get_data(as_text=True)
    good_uri = app.config["SQLALCHEMY_DATABASE_URI"]
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere?connect_timeout=2"
    engines = db._app_engines[app]
    good_engine = engines[None]
    app.config["SQLALCHEMY_DATABASE_URI"] = dead
    engines[None] = create_engine(dead)  # what the app would build from the closed port's URI
    try:
        response = client.post("/feedback/new", data={"csrf_token": csrf_token(page), **opinion()},
                               content_type="multipart/form-data")
    finally:
        engines[None].dispose()
        engines[None] = good_engine
        app.config["SQLALCHEMY_DATABASE_URI"] = good_uri
    assert response.status_code == 503
    assert "请稍后再试" in response.get_data(as_text=True)
    assert _cases() == 0 and db.session.scalar(select(func.count(CaseMessage.id))) == 0


def test_with_redis_down_the_case_is_saved_and_the_acknowledgement_waits(app, client, catalogue, redis_url):
    from cases.outbox import dispatch_pending

    app.config.update(EMBEDDED_JOBS=False, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    reference, _code = submit(client)
    assert db.session.scalar(select(Case.reference)) == reference
    assert db.session.scalar(select(OutboxItem.state)) == "pending"  # nothing lost, nothing sent

    from redis import Redis

    app.config.update(REDIS_URL=redis_url, RQ_QUEUE=f"web-intake-{reference}")
    assert dispatch_pending() == 1  # the periodic sweep, once Redis is back
    assert db.session.scalar(select(OutboxItem.state)) == "enqueued"
    assert Redis.from_url(redis_url).llen(f"rq:queue:web-intake-{reference}") == 1


def test_public_pages_need_nothing_from_elsewhere_and_no_script(client, catalogue):
    reference, code = submit(client)
    from tests.feedback.helpers import open_case

    pages = {"/feedback/new": None, "/track": None}
    open_case(client, reference, code)
    pages["/track/case"] = None
    for path in pages:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert "<script" not in html and "style=" not in html, path
        assert not re.search(r"(?:href|src|action)=\"https?://", html), path
        # Every input has a label.
        for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
            if field_id != "csrf_token":
                assert f'for="{field_id}"' in html, (path, field_id)
