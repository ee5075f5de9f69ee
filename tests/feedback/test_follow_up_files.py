"""Issue 14, point 5: a person adding information on the tracking page may attach files, with the
public form's checks and limits; a refused file gets a clear message and what was typed is kept."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from cases.extensions import db
from cases.intake import NewCase, record_case
from cases.models import CaseMessage
from cases.models.types import utcnow
from feedback.forms import MAX_FILES
from tests.feedback.helpers import csrf_token, open_case, submit
from tests.support.axe import assert_accessible

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 photo"


def _post(client, data: dict[str, object]):  # noqa: ANN001, ANN202
    page = client.get("/track/case").get_data(as_text=True)
    return client.post("/track/case/information", data={"csrf_token": csrf_token(page), **data},
                       content_type="multipart/form-data")


def _added() -> list[CaseMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(CaseMessage).where(CaseMessage.direction == "inbound")
                                   .order_by(CaseMessage.id)))


def test_files_are_kept_with_the_new_message(client, catalogue) -> None:  # noqa: ANN001
    reference, code = submit(client)
    open_case(client, reference, code)
    page = client.get("/track/case").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="attachments"' in page
    assert f"最多{MAX_FILES}个文件，每个不超过10MB" in page  # the public form's limits, said the same way
    response = _post(client, {"text": "补充：附上楼宇照片和数据表。",
                              "attachments": [(io.BytesIO(PDF), "数据.pdf", "text/html"),
                                              (io.BytesIO(JPEG), "照片", "application/octet-stream")]})
    assert response.status_code == 303
    first, added = _added()
    assert first.attachments == [] and added.body_text == "补充：附上楼宇照片和数据表。"
    # The detected type is stored, not the browser's, and the name gets its extension.
    assert [(a.filename, a.content_type, a.data) for a in added.attachments] == [
        ("数据.pdf", "application/pdf", PDF), ("照片.jpg", "image/jpeg", JPEG)]
    assert "2个附件" in client.get("/track/case").get_data(as_text=True)


def test_a_refused_file_says_why_and_keeps_the_text(client, catalogue) -> None:  # noqa: ANN001
    reference, code = submit(client)
    open_case(client, reference, code)
    typed = "补充：这是我整理的三年数据，请查收。"
    refused = _post(client, {"text": typed, "attachments": [
        (io.BytesIO(b"MZ\x90\x00 program"), "数据.exe", "application/pdf")]})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'id="attachments-error"' in html and "数据.exe 的扩展名属于程序、脚本或网页" in html
    assert typed in html  # what was typed is in the form again
    assert "请重新选择文件" in html  # files are never kept: the person is told to choose them again
    assert len(_added()) == 1  # nothing recorded
    too_many = _post(client, {"text": typed, "attachments": [
        (io.BytesIO(PDF), f"{n}.pdf", "application/pdf") for n in range(MAX_FILES + 1)]})
    assert too_many.status_code == 400 and f"最多上传{MAX_FILES}个文件" in too_many.get_data(as_text=True)
    assert len(_added()) == 1


@pytest.mark.browser
@pytest.mark.slow
def test_the_tracking_page_with_files_in_a_browser(browser, live_server, tmp_path) -> None:  # noqa: ANN001
    recorded = record_case(NewCase(channel="web", body="核心区楼宇空置率高，建议加大招商力度。",
                                   received_at=utcnow(), submitter_email="a@example.cn"), now=utcnow())
    db.session.commit()
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False,
                                  locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/track")
    page.fill("#reference", recorded.case.reference)
    page.fill("#code", recorded.tracking_code)
    page.get_by_role("button", name="查询").click()
    assert_accessible(page, "tracking page with the file field")
    script = tmp_path / "说明.html"
    script.write_text("<script>alert(1)</script>", encoding="utf-8")
    page.fill("#text", "补充：见附件。")
    page.set_input_files("#attachments", str(script))
    page.get_by_role("button", name="提交补充材料").click()
    assert page.locator("#attachments-error").is_visible() and page.input_value("#text") == "补充：见附件。"
    assert_accessible(page, "tracking page with a refused file")
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(JPEG)
    page.set_input_files("#attachments", str(photo))
    page.get_by_role("button", name="提交补充材料").click()
    assert page.get_by_text("您的补充材料已加入该件。").is_visible() and "1个附件" in page.content()
    context.close()
