"""Issue 14, point 5: a person adding information on the tracking page may attach files, with the
public form's checks and limits; a refused file gets a clear message and what was typed is kept."""

from __future__ import annotations

import io

from sqlalchemy import select

from cases.extensions import db
from cases.models import CaseMessage
from feedback.forms import MAX_FILES
from tests.feedback.helpers import csrf_token, open_case, submit

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
