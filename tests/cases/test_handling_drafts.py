"""Point-by-point drafts: every save a version, rich text cleaned, files checked, notes never in a reply
(issue 12, points 2 and 3)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from cases.extensions import db
from cases.handling import drafts
from cases.models import CaseMessage, DraftFile, ReplyDraft
from cases.triage import decisions
from cases.triage.workflow import TriageError
from tests.cases.handling_support import NOW, assigned_case, people, post_form, section, write
from tests.cases.triage_support import login, reload_case, setup_departments

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"


@pytest.fixture
def world(app: Flask, catalogue: object) -> dict:
    setup_departments()
    return people()


def test_every_save_is_a_new_version_and_earlier_ones_stay_viewable(world: dict, client: FlaskClient) -> None:
    case = assigned_case(world["triager"])
    first = write(case, world["handler"], ("楼宇空置率高", "将按季度公开。"))
    # Saving the same again adds nothing; any change is the next version, the first untouched.
    assert write(case, world["handler"], ("楼宇空置率高", "将按季度公开。")).id == first.id
    second = write(case, world["colleague"], ("楼宇空置率高", "自2024年二季度起按季度公开出租率。"),
                   now=NOW + timedelta(hours=1))
    assert (first.version, second.version) == (1, 2)
    db.session.expire_all()
    kept = db.session.get(ReplyDraft, first.id)
    assert kept.points == [{"point": "楼宇空置率高", "answer": "将按季度公开。"}]
    assert second.body_text == ("王先生：您好！您反映的问题收悉，现答复如下。\n\n一、您反映：楼宇空置率高\n"
                                "答复：自2024年二季度起按季度公开出租率。\n\n感谢您的监督。")
    assert second.body_html is None and reload_case(case.reference).handler.email == "handler@hqcbd.test"
    assert [e.action for e in case.events].count("taken") == 1  # the first save took the case

    login(client, "handler")
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    versions = html[html.index("保存的版本"):]
    assert "第 2 版" in versions and "第 1 版" in versions and "李同事" in versions and "张办事员" in versions
    assert "自2024年二季度起" in section(html, "reply-preview")
    old = client.get(f"/staff/cases/{case.reference}?version=1").get_data(as_text=True)
    assert "将按季度公开。" in section(old, "reply-preview") and "二季度" not in section(old, "reply-preview")


def test_rich_text_is_cleaned_with_nh3_and_read_as_text(world: dict) -> None:
    case = assigned_case(world["triager"])
    draft = write(case, world["handler"],
                  ("<b>空置</b>", '<p onclick="x()" style="color:red">已<strong>公开</strong></p>'
                                  '<script>alert(1)</script><style>p{}</style><img src=x onerror=y>'
                                  '<a href="javascript:alert(1)">坏链接</a> '
                                  '<a href="https://hqcbd.example.cn/d" target="_blank" class="x">数据</a> '
                                  '<a href="mailto:hq@example.cn">来信</a>'
                                  '<iframe src="https://evil.example"></iframe><h1>标题</h1>'
                                  '<ul><li>一</li></ul>'),
                  opening="<p>您好！</p><form><input name=q></form>", closing="谢谢<br>管委会",
                  text_format="rich")
    html = draft.body_html
    for banned in ("script", "alert", "style", "onclick", "onerror", "img", "iframe", "javascript", "target",
                   "class=", "<h1", "<form", "<input", "rel="):
        assert banned not in html, banned
    assert '<a href="https://hqcbd.example.cn/d">数据</a>' in html
    assert '<a href="mailto:hq@example.cn">' in html
    assert "<strong>公开</strong>" in html and "<ul><li>一</li></ul>" in html and "标题" in html
    assert "&lt;b&gt;空置&lt;/b&gt;" in html  # what the person raised stays text
    assert draft.body_text.startswith("您好！\n\n一、您反映：<b>空置</b>\n答复：已公开")
    assert "数据 (https://hqcbd.example.cn/d)" in draft.body_text and "谢谢\n管委会" in draft.body_text
    assert "<" not in draft.body_text.replace("<b>空置</b>", "")


def test_files_checked_like_the_public_form_kept_or_dropped_per_version(
        world: dict, client: FlaskClient) -> None:
    case = assigned_case(world["triager"])
    login(client, "handler")
    path = f"/staff/cases/{case.reference}/draft"
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    typed = {"text_format": "plain", "opening": "您好！", "points-0-raised": "空置率",
             "points-0-answer": "已公开。", "closing": "谢谢。", "op": "save"}
    refused = post_form(client, path, {**typed, "files": [(io.BytesIO(b"MZ\x90\x00program"), "说明.exe"),
                                                          (io.BytesIO(PDF), "数据.pdf")]}, page)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "说明.exe" in html and "不予接收" in html
    for kept_text in ("已公开。", "您好！", "谢谢。"):  # everything typed is shown again
        assert f"{kept_text}</textarea>" in html
    assert db.session.scalar(select(func.count(ReplyDraft.id))) == 0  # nothing saved
    assert db.session.scalar(select(func.count(DraftFile.id))) == 0

    saved = post_form(client, path, {**typed, "files": [(io.BytesIO(PDF), "数据.pdf"),
                                                        (io.BytesIO(b"%PDF-1.4 scan"), "扫描.txt")]}, page)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#draft")
    draft = drafts.latest_draft(reload_case(case.reference))
    files = drafts.draft_files(draft)
    assert [(f.filename, f.content_type) for f in files] == [("数据.pdf", "application/pdf"),
                                                             ("扫描.txt.pdf", "application/pdf")]
    download = client.get(f"/staff/cases/{case.reference}/draft-files/{files[0].id}")
    assert download.data == PDF and download.mimetype == "application/octet-stream"

    # The next version drops one file (untick it) and keeps the other.
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    post_form(client, path, {**typed, "keep_files": [str(files[1].id)]}, page)
    latest = drafts.latest_draft(reload_case(case.reference))
    assert latest.version == 2 and latest.file_ids == [files[1].id]
    assert db.session.get(ReplyDraft, draft.id).file_ids == [files[0].id, files[1].id]  # version 1 keeps both


def test_add_remove_and_split_points_are_buttons_that_save(world: dict, client: FlaskClient) -> None:
    case = assigned_case(world["triager"])
    login(client, "handler")
    path = f"/staff/cases/{case.reference}/draft"
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "逐条答复" in page and "将群众来信拆分为要点" in page
    response = post_form(client, path, {"text_format": "plain", "opening": "您好！", "op": "split"}, page)
    assert response.status_code == 302
    draft = drafts.latest_draft(reload_case(case.reference))
    assert [p["point"][:6] for p in draft.points] == ["核心区楼宇空", "申长路一带的", "希望管委会定"]
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "申长路一带的公交接驳不便" in page and 'id="point-3"' in page

    fields = {"text_format": "plain", "opening": "您好！", "closing": ""}
    for n, point in enumerate(draft.points):
        fields |= {f"points-{n}-raised": point["point"], f"points-{n}-answer": f"答复{n + 1}"}
    response = post_form(client, path, {**fields, "op": "add"}, page)
    assert response.headers["Location"].endswith("#point-4")
    assert len(drafts.latest_draft(reload_case(case.reference)).points) == 4
    post_form(client, path, {**fields, "op": "remove-2"}, page)
    latest = drafts.latest_draft(reload_case(case.reference))
    assert [p["answer"] for p in latest.points] == ["答复1", "答复3"] and latest.version == 3


def test_internal_notes_never_reach_a_draft_or_the_rendered_reply(world: dict, client: FlaskClient) -> None:
    case = assigned_case(world["triager"])
    secret = "内部意见：此人多次来信，注意口径"
    decisions.add_note(case, secret, actor=world["triager"], now=NOW)
    decisions.add_note(case, "一、不要承诺时间；二、先请示领导", actor=world["handler"], now=NOW)
    db.session.add(CaseMessage(case=case, direction="outbound", body_text="【回执】我们已收到",
                               created_at=NOW))
    db.session.commit()
    login(client, "handler")
    path = f"/staff/cases/{case.reference}/draft"
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    post_form(client, path, {"text_format": "plain", "opening": "您好！", "op": "split"}, page)
    draft = drafts.latest_draft(reload_case(case.reference))
    stored = " ".join([draft.opening, draft.closing, draft.body_text, str(draft.points),
                       draft.body_html or ""])
    for leaked in (secret, "不要承诺时间", "先请示领导", "回执"):
        assert leaked not in stored

    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert secret in html  # the note is on the page, in the thread…
    for leaked in (secret, "不要承诺时间", "回执"):  # …but not in the reply the person will read
        assert leaked not in section(html, "reply-preview")
    # In a review round the points come from the person's newest message, never from a note after it.
    case = reload_case(case.reference)
    db.session.add(CaseMessage(case=case, direction="inbound", body_text="①数据没公开②班次没增加",
                               created_at=NOW + timedelta(days=1)))
    decisions.add_note(case, "内部：复查要谨慎", actor=world["triager"], now=NOW + timedelta(days=2))
    case.review_round = 1
    assert drafts.person_points(case) == ["数据没公开", "班次没增加"]
    db.session.rollback()


def test_a_reply_is_written_only_while_the_department_has_it(world: dict) -> None:
    case = assigned_case(world["triager"])
    write(case, world["handler"], ("空置率", "已公开。"))
    from cases.handling import approval

    approval.submit_for_approval(case, actor=world["handler"], now=NOW)
    with pytest.raises(TriageError, match="等待审核"):
        write(case, world["handler"], ("空置率", "改一下"))
