"""The staff inbox, manual entry, the case page and decisions over HTTP."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from cases.extensions import db
from cases.intake import IncomingFile
from cases.models import CaseMessage, StaffUser
from cases.models.types import utcnow
from cases.triage import decisions
from tests.cases.triage_support import (
    csrf_any,
    login,
    new_case,
    post_action,
    reload_case,
    setup_departments,
    staff,
)


@pytest.fixture
def office(app: Flask, catalogue: object) -> None:
    setup_departments()
    staff("triager")


def references(html: str) -> list[str]:
    return re.findall(r'<a href="/staff/cases/(HQ-\d{4}-\d{6})">', html)


def test_inbox_lists_every_channel_newest_first_with_filters(office: None, client: FlaskClient) -> None:
    base = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
    web = new_case(received_at=base)
    mail = new_case(
        "虹桥的交通太堵了，地铁站离写字楼太远。",
        subject="",
        channel="email",
        received_at=base + timedelta(hours=1),
    )
    letter = new_case(
        "建议加强对干部的教育管理。", subject="", channel="letter", received_at=base + timedelta(hours=2)
    )
    login(client, "triager")
    html = client.get("/staff/cases").get_data(as_text=True)
    assert references(html) == [letter.reference, mail.reference, web.reference]
    assert references(client.get("/staff/cases?channel=email").get_data(as_text=True)) == [mail.reference]
    assert references(client.get("/staff/cases?status=received&kind=none").get_data(as_text=True)) == [
        letter.reference,
        mail.reference,
        web.reference,
    ]
    assert references(client.get("/staff/cases?status=closed").get_data(as_text=True)) == []
    # Full-text search on the segmented words, and by reference.
    assert references(client.get("/staff/cases", query_string={"q": "空置"}).get_data(as_text=True)) == [
        web.reference
    ]
    assert references(
        client.get("/staff/cases", query_string={"q": "地铁站 写字楼"}).get_data(as_text=True)
    ) == [mail.reference]
    assert references(
        client.get("/staff/cases", query_string={"q": letter.reference}).get_data(as_text=True)
    ) == [letter.reference]
    assert '已接收 <span class="badge">3</span>' in html


def test_filters_problem_department_overdue(office: None, client: FlaskClient) -> None:
    user = db.session.scalar(db.select(StaffUser))
    old = new_case(received_at=datetime(2024, 1, 2, 2, 0, tzinfo=UTC))  # acceptance long overdue
    fresh = new_case("干部作风问题", now=utcnow(), received_at=utcnow())
    decisions.accept(fresh, actor=user, now=utcnow(), kind="suggestion")
    db.session.commit()
    login(client, "triager")
    assert references(client.get("/staff/cases?overdue=1").get_data(as_text=True)) == [old.reference]
    assert references(client.get("/staff/cases?department=party_office").get_data(as_text=True)) == [
        fresh.reference
    ]
    assert references(client.get("/staff/cases?problem=1.1").get_data(as_text=True)) == []
    assert 'badge badge--alert">1</span>' in client.get("/staff/cases").get_data(as_text=True)


def test_keyset_pagination_walks_every_case_once(app: Flask, office: None, client: FlaskClient) -> None:
    app.config["INBOX_PAGE_SIZE"] = 2
    same = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
    made = [new_case(received_at=same).reference for _ in range(5)]  # equal times: the id breaks ties
    login(client, "triager")
    seen, url = [], "/staff/cases"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += references(html)
        more = re.search(r'href="(/staff/cases\?after=[^"]+)"', html)
        url = more.group(1).replace("&amp;", "&") if more else ""
    assert seen == list(reversed(made))


def test_manual_entry_of_a_letter_with_its_postmark_and_scans(office: None, client: FlaskClient) -> None:
    login(client, "triager")
    form = client.get("/staff/cases/new")
    assert form.status_code == 200 and 'type="date"' in form.get_data(as_text=True)
    response = client.post(
        "/staff/cases/new",
        data={
            "csrf_token": csrf_any(form.get_data(as_text=True)),
            "channel": "letter",
            "received_on": "2024-09-27",
            "name": "李四",
            "phone": "021-12345678",
            "address": "上海市闵行区申长路1号",
            "subject": "来信",
            "body": "虹桥商务区核心区的楼宇空置问题希望尽快解决。",
            "scans": [
                (io.BytesIO(b"%PDF-1.4 scan"), "信封.pdf", "text/html"),
                (io.BytesIO(b"\xff\xd8\xff\xe0 photo"), "照片", "application/octet-stream"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    reference = response.headers["Location"].rsplit("/", 1)[1]
    case = reload_case(reference)
    assert case.channel == "letter" and case.submitter_name == "李四"
    assert case.received_at.date().isoformat() == "2024-09-27"
    assert case.acceptance_due.isoformat() == "2024-10-23"  # postmark + 15 working days over National Day
    # The detected type is stored, not the browser's, and the name ends in its extension.
    assert [(a.filename, a.content_type) for a in case.messages[0].attachments] == [
        ("信封.pdf", "application/pdf"), ("照片.jpg", "image/jpeg")]
    assert "申长路" in case.body
    assert case.events[0].actor_label == "triager@hqcbd.test"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "查询码" in page and "追踪码" not in page


def test_manual_entry_validates_and_is_for_the_party_office(office: None, client: FlaskClient) -> None:
    login(client, "triager")
    form = client.get("/staff/cases/new").get_data(as_text=True)
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    html = client.post(
        "/staff/cases/new",
        data={
            "csrf_token": csrf_any(form),
            "channel": "phone",
            "received_on": tomorrow,
            "body": "",
        },
    ).get_data(as_text=True)
    assert 'class="error-summary"' in html and 'href="#body"' in html


def test_manual_entry_refuses_files_that_could_run_and_keeps_what_was_typed(
    office: None, client: FlaskClient
) -> None:
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    from cases.models import Case

    login(client, "triager")
    typed = {"channel": "letter", "received_on": "2024-09-27", "name": "李四", "subject": "来信附扫描件",
             "body": "虹桥商务区核心区的楼宇空置问题希望尽快解决。"}

    def post(*files: tuple[bytes, str]) -> TestResponse:
        # Encoded in memory: the test client would spool a 20 MB body to a temporary file.
        token = csrf_any(client.get("/staff/cases/new").get_data(as_text=True))
        fields = MultiDict({"csrf_token": token, **typed})
        for data, name in files:
            fields.add("scans", FileStorage(io.BytesIO(data), name))
        boundary, body = encode_multipart(fields)
        return client.post("/staff/cases/new", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")

    big = b"%PDF-1.4 " + b"0" * (20 << 20)
    refused = post((b"<script>x</script>", "x.html"), ("看起来是PDF".encode(), "report\u202efdp.hta"),
                   (b"<html><body>scan</body></html>", "scan.pdf"), (big, "大.pdf"))
    assert refused.status_code == 200
    html = refused.get_data(as_text=True)
    assert 'class="error-summary"' in html and 'href="#scans"' in html and 'id="scans-error"' in html
    assert "x.html 的扩展名属于程序、脚本或网页" in html and "reportfdp.hta 的扩展名属于程序" in html
    assert "\u202e" not in html and "scan.pdf 的内容是网页或脚本，此类文件不予接收" in html
    assert "大.pdf 超过20MB" in html
    assert 'value="来信附扫描件"' in html and "楼宇空置问题希望尽快解决。</textarea>" in html
    assert "请重新选择文件" in html and db.session.scalar(db.select(db.func.count(Case.id))) == 0
    # A scan of 20 MB is still taken.
    assert post((big[: 20 << 20], "大.pdf")).status_code == 302
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 1


def test_downloads_name_the_file_cleanly_even_for_names_stored_before_cleaning(
    office: None, client: FlaskClient
) -> None:
    case = new_case(files=(IncomingFile("report\u202efdp.hta\r\n.pdf", "application/pdf", b"%PDF-1.4"),))
    login(client, "triager")
    download = client.get(f"/staff/cases/{case.reference}/attachments/{case.messages[0].attachments[0].id}")
    assert download.status_code == 200 and download.mimetype == "application/octet-stream"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"reportfdp.hta.pdf\"; filename*=UTF-8''reportfdp.hta.pdf")


def test_case_page_thread_attachments_and_timeline(office: None, client: FlaskClient) -> None:
    case = new_case(
        "<b>粗体</b> 楼宇空置", files=(IncomingFile("page.html", "text/html", b"<script>alert(1)</script>"),)
    )
    user = db.session.scalar(db.select(StaffUser))
    decisions.add_note(case, "内部备注：先核实", actor=user, now=utcnow())
    db.session.add(
        CaseMessage(case=case, direction="outbound", body_text="已收到您的意见", created_at=utcnow())
    )
    db.session.commit()
    login(client, "triager")
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "message--inbound" in html and "message--outbound" in html and "message--note" in html
    assert "来自群众" in html and "内部备注（不发送）" in html
    assert "&lt;b&gt;粗体&lt;/b&gt;" in html and "<b>粗体</b>" not in html
    # The timeline names each step in words, never by its internal code (issue 12, point 7).
    timeline = html[html.index("时间线"):]
    assert '<td data-label="操作">已接收</td>' in timeline
    assert ">received<" not in timeline and "system" not in timeline
    download = client.get(f"/staff/cases/{case.reference}/attachments/{case.messages[0].attachments[0].id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/octet-stream"
    assert download.data == b"<script>alert(1)</script>"


def test_edit_lock_shows_the_colleague_and_refuses_their_decisions(
    office: None, client: FlaskClient, app: Flask
) -> None:
    case = new_case()
    staff("supervisor")
    login(client, "triager")
    client.get(f"/staff/cases/{case.reference}")
    other = app.test_client()
    login(other, "supervisor")
    html = other.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "王小明" in html and "正在处理此案件" in html
    post_action(other, case.reference, "not_accept", reason="无关")
    assert reload_case(case.reference).status == "received"
    # Closing it for editing frees it.
    token = csrf_any(client.get(f"/staff/cases/{case.reference}").get_data(as_text=True))
    client.post(f"/staff/cases/{case.reference}/do/release", data={"csrf_token": token})
    post_action(other, case.reference, "not_accept", reason="无关")
    assert reload_case(case.reference).status == "not_accepted"


def test_decisions_over_http_and_a_clear_refusal(office: None, client: FlaskClient) -> None:
    case = new_case()
    staff("handler")
    login(client, "triager")
    response = post_action(
        client, case.reference, "accept", kind="suggestion", department="economy", reason="涉及招商"
    )
    assert response.status_code == 302
    case = reload_case(case.reference)
    assert case.status == "assigned" and case.department.code == "economy"
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    # A refused decision shows the page again with the reason and what was typed.
    html = post_action(client, case.reference, "refer_out", referred_to="区信访办").get_data(as_text=True)
    assert "当前状态为“已交办部门”，不能进行此操作" in html
    token = csrf_any(html)
    client.post(f"/staff/cases/{case.reference}/do/release", data={"csrf_token": token})
    # The department returns it: it goes back to triage and out of the handler's sight.
    handler = client.application.test_client()
    login(handler, "handler")
    response = post_action(handler, case.reference, "return", reason="应由规划土地处办理")
    assert response.headers["Location"] == "/staff/cases"
    assert reload_case(case.reference).status == "received"
    assert handler.get(f"/staff/cases/{case.reference}").status_code == 404


def test_pages_in_english(office: None, client: FlaskClient) -> None:
    case = new_case()
    client.get("/lang/en")
    login(client, "triager")
    html = client.get("/staff/cases").get_data(as_text=True)
    assert "Inbox" in html and "Received" in html
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "Accept and route" in html and "Timeline" in html and "<script" not in html


def test_link_a_task_from_the_case_page(office: None, client: FlaskClient) -> None:
    from cases.models import Problem

    case = new_case()
    problem = db.session.scalar(db.select(Problem).where(Problem.code == "2.1"))
    task = problem.tasks[1]
    login(client, "triager")
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert f'value="2.1:{task.id}"' in html
    post_action(client, case.reference, "link", item=f"2.1:{task.id}")
    case = reload_case(case.reference)
    assert [p.code for p in case.problems] == ["2.1"] and [t.id for t in case.tasks] == [task.id]
    response = post_action(client, case.reference, "link", item=f"1.1:{task.id}")
    assert response.status_code == 422 and "该整改任务属于其他问题" in response.get_data(as_text=True)


def test_overdue_follows_the_running_clock_in_every_status(office: None, client: FlaskClient) -> None:
    """One rule (states.running_due) for the inbox filter, its badge and the case page: a reply
    waiting for the party office or a review round is overdue as the report counts it; a case
    already answered is not, whatever its old due date."""
    from datetime import date

    from cases.domain import states

    past = date(2024, 6, 3)
    by_status = {}
    for status in (states.OFFICE_REVIEW, states.REVIEW, states.ASSIGNED, states.REPLIED, states.CLOSED):
        case = new_case(received_at=utcnow())
        case.status, case.reply_due = status, past  # a state reached through the workflow elsewhere
        by_status[status] = case.reference
    db.session.commit()
    login(client, "triager")
    listed = set(references(client.get("/staff/cases?overdue=1").get_data(as_text=True)))
    assert listed == {by_status[states.OFFICE_REVIEW], by_status[states.REVIEW], by_status[states.ASSIGNED]}
    page = client.get(f"/staff/cases/{by_status[states.OFFICE_REVIEW]}").get_data(as_text=True)
    assert "已超期" in page and "个工作日" in page
    assert "已超期" not in client.get(f"/staff/cases/{by_status[states.REPLIED]}").get_data(as_text=True)
    assert states.running_due(states.RECEIVED, past, None) == past
    assert states.running_due(states.CLOSED, past, past) is None
