"""The committee's reply on the tracking page (issue 12, points 5 and 6): shown with its date and files,
never confused with a receipt or a notice; the timeline and the rating form in plain words."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import select

from cases.extensions import db
from cases.handling.reviews import open_review
from cases.handling.sending import send_reply
from cases.models import Attachment, Case, CaseMessage, DraftFile
from cases.models.types import utcnow
from cases.triage.notify import tell_person
from tests.feedback.helpers import csrf_token, open_case, submit
from tests.feedback.workflow import approve, reply, staff_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _case() -> Case:
    db.session.expire_all()
    return db.session.scalar(select(Case))


def _section(html: str, heading: str, next_heading: str = "<h2") -> str:
    """The part of the page under an h2 (up to the next h2)."""
    start = html.index(heading)
    rest = html[start + len(heading):]
    return rest[: rest.find(next_heading)] if next_heading in rest else rest


def _reply_with_file(case: Case) -> Attachment:
    saved = DraftFile(case_id=case.id, filename="数据说明.pdf", content_type="application/pdf",
                      size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(), data=PDF)
    db.session.add(saved)
    db.session.flush()
    approve(case, "经核实，空置率数据将按季度公开。", file_ids=[saved.id])
    message = send_reply(case, actor=staff_user(), now=utcnow())
    db.session.commit()
    return message.attachments[0]


def test_the_reply_shows_with_its_files_and_never_a_receipt_or_notice(client, catalogue) -> None:  # noqa: ANN001
    reference, code = submit(client)
    case = _case()
    # A notice along the way (an extension, say) and the receipt of the web form.
    tell_person(case, "办理期限延长", "因需协调多个部门，办理期限延长 10 个工作日。", now=utcnow(),
                actor=None)
    attachment = _reply_with_file(case)
    open_case(client, reference, code)
    html = client.get("/track/case").get_data(as_text=True)

    replies = _section(html, "管委会答复</h2>")
    assert "经核实，空置率数据将按季度公开。" in replies and "已通过电子邮件发送给您" in replies
    assert "办理期限延长" not in replies and "已收到" not in replies and "【回执】" not in replies
    assert f"/track/case/files/{attachment.id}" in replies and "数据说明.pdf" in replies
    notices = _section(html, "通知</h2>")
    assert "办理期限延长" in notices and "我们已通过电子邮件确认收到您的来信" in notices
    assert "【回执】" not in html and "您的查询码" not in html and "内部意见" not in html

    download = client.get(f"/track/case/files/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == "application/octet-stream"


def test_only_reply_files_of_the_unlocked_case_are_served(client, catalogue) -> None:  # noqa: ANN001
    reference, code = submit(client)
    first = _case()
    attachment = _reply_with_file(first)
    # A file the sender sent, and a reply file of another case: neither is served from here.
    inbound = CaseMessage(case=first, direction="inbound", body_text="附件", created_at=utcnow())
    inbound.attachments.append(Attachment(filename="mine.pdf", content_type="application/pdf", size=len(PDF),
                                          sha256="0" * 64, data=PDF))
    db.session.add(inbound)
    db.session.commit()
    other_reference, other_code = submit(client, body="另一条意见：停车难的问题请尽快解决。")
    other = db.session.scalar(select(Case).where(Case.reference == other_reference))
    other_file = _reply_with_file(other)

    assert client.get(f"/track/case/files/{attachment.id}").headers["Location"] == "/track"  # no session
    open_case(client, reference, code)
    assert client.get(f"/track/case/files/{attachment.id}").status_code == 200
    assert client.get(f"/track/case/files/{inbound.attachments[0].id}").status_code == 404
    assert client.get(f"/track/case/files/{other_file.id}").status_code == 404
    open_case(client, other_reference, other_code)
    assert client.get(f"/track/case/files/{other_file.id}").status_code == 200


def _rate(client, level: str) -> None:  # noqa: ANN001
    page = client.get("/track/case").get_data(as_text=True)
    response = client.post("/track/case/rating", data={"csrf_token": csrf_token(page), "level": level})
    assert response.status_code == 303


def test_the_steps_in_plain_words_through_review_and_re_review(client, catalogue) -> None:  # noqa: ANN001
    reference, code = submit(client)
    open_case(client, reference, code)
    case = _case()
    approve(case, "经核实，空置率数据将按季度公开。")
    db.session.commit()
    html = client.get("/track/case").get_data(as_text=True)
    assert "正在办理" in html and "评价答复" not in html  # approved is an internal step
    assert "approved" not in html and "office_review" not in html

    send_reply(_case(), actor=staff_user(), now=utcnow(), method="portal")
    db.session.commit()
    html = client.get("/track/case").get_data(as_text=True)
    assert "已答复，请评价" in html and "在本页面公布" in html
    assert "承办部门将对您的案件进行复查" in html and "如" in html and "前未评价，案件将自动办结" in html
    _rate(client, "2")
    html = client.get("/track/case").get_data(as_text=True)
    assert "复查中" in _section(html, 'id="case-status">', "</dd>")
    assert "评价答复" not in html  # no form while the review is handled

    reply(_case(), "复查答复：已补充分区数据。", method="portal")
    db.session.commit()
    html = client.get("/track/case").get_data(as_text=True)
    assert "复查答复" in html and "这是复查答复" in html
    _rate(client, "1")
    html = client.get("/track/case").get_data(as_text=True)
    assert "复核中" in _section(html, 'id="case-status">', "</dd>")
    assert "复核中" in _section(html, "办理进度</h2>")

    reply(_case(), "复核答复：维持原答复。", method="portal")
    db.session.commit()
    html = client.get("/track/case").get_data(as_text=True)
    assert "复核答复" in html and "这是复核答复，为最终答复" in html
    _rate(client, "2")
    html = client.get("/track/case").get_data(as_text=True)
    assert "已办结" in _section(html, 'id="case-status">', "</dd>")
    replies = _section(html, "管委会答复</h2>")
    assert replies.count('class="reply"') == 3


def test_a_review_opened_by_a_follow_up_shows_as_under_review(client, catalogue) -> None:  # noqa: ANN001
    reference, code = submit(client)
    case = _case()
    reply(case, "答复", method="portal")
    open_review(case, "request_review", now=datetime(2026, 12, 1, tzinfo=UTC), reason="test")
    db.session.commit()
    open_case(client, reference, code)
    html = client.get("/track/case").get_data(as_text=True)
    assert "复查中" in _section(html, 'id="case-status">', "</dd>")
