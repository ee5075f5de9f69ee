"""Notices to the person from templates staff edit (issue 14, point 2): over HTTP on the real database,
with the notice that then reaches the real SMTP server, the refusals, the 403, the audit log and the
preview in both languages."""

from __future__ import annotations

import email
from email import policy

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cases.admin import AdminError
from cases.domain import notice_templates as rules
from cases.domain.tracking import CODE_MASK
from cases.extensions import db
from cases.handling.sending import send_reply
from cases.intake import NewCase, record_case
from cases.models import Case, CaseMessage, NoticeTemplate
from cases.notice_templates import (
    compose,
    current,
    default_text,
    ensure_default_templates,
    sample_values,
    save_template,
)
from cases.outbox import commit_and_dispatch
from cases.triage import decisions
from tests.cases.admin_support import audit_events, page_text, post_form
from tests.cases.triage_support import RECEIVED, login, new_case, setup_departments, staff
from tests.feedback.helpers import submit
from tests.feedback.workflow import approve, staff_user

PAGE = "/staff/notices/not_accepted"
NEW_ZH = "[{reference}] 关于您的意见"
NEW_BODY_ZH = "您于{received_date}提交的意见（{reference}）暂不受理，理由：{reason}。"


@pytest.fixture
def world(app: Flask, catalogue: object) -> None:
    setup_departments()


def _fields(key: str = "not_accepted", **changes: str) -> dict[str, str]:
    """The page's four fields as they are now, with ``changes``."""
    values = {}
    for language in rules.LANGUAGES:
        template = current(key, language)
        values[f"subject_{language}"], values[f"body_{language}"] = template.subject, template.body
    return {**values, **changes}


def _sent(smtp) -> email.message.EmailMessage:  # noqa: ANN001
    [(_sender, _recipients, raw)] = smtp.messages
    smtp.messages.clear()
    return email.message_from_bytes(raw, policy=policy.default)


def test_editing_a_template_changes_the_next_notice_sent(world: None, client: FlaskClient, smtp) -> None:  # noqa: ANN001
    triager, supervisor = staff("triager"), staff("supervisor")
    first = new_case()
    decisions.not_accept(first, actor=triager, now=RECEIVED, reason="与整改无关")
    commit_and_dispatch()
    before = _sent(smtp)  # today's text, until someone edits
    assert before["Subject"] == f"[{first.reference}] 您的意见建议不予受理"
    assert before.get_content().strip() == f"您的意见建议 {first.reference} 不予受理。理由：与整改无关"
    assert first.events[-1].detail["template_version"] == 1

    login(client, "supervisor")
    response = post_form(client, PAGE, {**_fields(subject_zh_Hans=NEW_ZH, body_zh_Hans=NEW_BODY_ZH),
                                        "action": "save"})
    assert response.status_code == 302, page_text(response)[:2000]

    second = new_case()
    decisions.not_accept(second, actor=triager, now=RECEIVED, reason="缺少具体事实")
    commit_and_dispatch()
    after = _sent(smtp)
    assert after["Subject"] == f"[{second.reference}] 关于您的意见"
    text = f"您于2024-03-01提交的意见（{second.reference}）暂不受理，理由：缺少具体事实。"
    assert after.get_content().strip() == text
    told = second.events[-1]
    assert told.action == "person_told"
    assert told.detail == {"told": "email", "notice": "not_accepted", "template_version": 2,
                           "language": "zh_Hans"}
    # The case page names the notice and the version it used.
    html = page_text(client.get(f"/staff/cases/{second.reference}"))
    assert "通知模板第 2 版" in html and "根据通知模板“不予受理”第 2 版生成" in html
    message = db.session.scalar(db.select(CaseMessage).where(CaseMessage.case_id == second.id,
                                                             CaseMessage.direction == "outbound"))
    assert (message.notice_key, message.notice_version) == ("not_accepted", 2)
    assert supervisor.id == db.session.scalar(db.select(NoticeTemplate.updated_by_id).where(
        NoticeTemplate.key == "not_accepted", NoticeTemplate.language == "zh_Hans"))


def test_an_unknown_placeholder_and_a_broken_marker_are_refused(world: None, client: FlaskClient) -> None:
    staff("supervisor")
    login(client, "supervisor")
    refusals = [
        ({"body_zh_Hans": "您的意见{reference}未被受理。{password}"},
         "{password} 不是此通知可以使用的占位符"),
        ({"body_en": "Not accepted: {reference.__class__}"}, "{reference.__class__}"),
        ({"subject_zh_Hans": "您的意见未被受理"}, "标题必须以 [{reference}] 开头"),
        ({"subject_en": "【回执】[{reference}] Not accepted"}, "【回执】"),
        ({"body_zh_Hans": "理由：{reason"}, "括号没有闭合"),
    ]
    for changes, message in refusals:
        response = post_form(client, PAGE, {**_fields(**changes), "action": "save"})
        assert response.status_code == 200 and message in page_text(response), changes
        assert 'class="error-summary"' in page_text(response)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(NoticeTemplate.id))) == 0  # nothing saved
    assert audit_events("notice_template") == []
    # A receipt keeps the marker and the tracking code (the web form's and the mailbox's rely on them).
    receipt = "/staff/notices/receipt_web"
    for changes, message in [
        ({"subject_zh_Hans": "[{reference}] 已收到"}, "回执的标题必须以 【回执】[{reference}] 开头"),
        ({"body_en": "Received {reference}."}, "{tracking_code}"),
    ]:
        response = post_form(client, receipt, {**_fields("receipt_web", **changes), "action": "save"})
        assert response.status_code == 200 and message in page_text(response), changes
    assert audit_events("notice_template") == []


def test_an_edited_receipt_reaches_the_person_with_the_code(world: None, app: Flask, client: FlaskClient,
                                                            smtp) -> None:  # noqa: ANN001
    staff("supervisor")
    login(client, "supervisor")
    body = "您好！您的意见已登记为 {reference}，查询码 {tracking_code}。请在 {tracking_url} 查询。"
    response = post_form(client, "/staff/notices/receipt_web", {
        **_fields("receipt_web", subject_zh_Hans="【回执】[{reference}] 意见已收到", body_zh_Hans=body),
        "action": "save"})
    assert response.status_code == 302, page_text(response)[:2000]
    smtp.messages.clear()
    reference, code = submit(app.test_client())
    sent = _sent(smtp)
    assert sent["Subject"] == f"【回执】[{reference}] 意见已收到"
    assert sent.get_content().strip() == (f"您好！您的意见已登记为 {reference}，查询码 {code}。"
                                          "请在 http://localhost/track 查询。")
    stored = db.session.scalar(db.select(CaseMessage).where(CaseMessage.purpose == "acknowledgement"))
    assert code not in stored.body_text and CODE_MASK in stored.body_text  # the copy kept is masked
    assert (stored.notice_key, stored.notice_version) == ("receipt_web", 2)


def test_only_supervisors_and_admins_may_edit(world: None, app: Flask, client: FlaskClient) -> None:
    for key in ("triager", "handler", "leader"):
        staff(key)
    assert client.get("/staff/notices").status_code == 302  # a visitor logs in first
    for key in ("triager", "handler", "leader"):
        client = app.test_client()  # (a FreshContextClient, as the fixture made it)
        login(client, key)
        assert client.get("/staff/notices").status_code == 403
        assert client.get(PAGE).status_code == 403
        response = client.post(PAGE, data={**_fields(subject_zh_Hans=NEW_ZH), "action": "save"})
        assert response.status_code in (400, 403)
    assert audit_events("notice_template") == []
    staff("supervisor")
    client = app.test_client()
    login(client, "supervisor")
    assert client.get("/staff/notices").status_code == 200


def test_the_change_is_in_the_audit_log_with_before_and_after(world: None, client: FlaskClient) -> None:
    from tests.cases.admin_support import ADMIN_EMAIL, admin, log_in

    admin()
    log_in(client, ADMIN_EMAIL)
    old_subject, old_body = default_text("not_accepted", "en")
    new_body = "Your opinion {reference} was not accepted, because: {reason}"
    response = post_form(client, PAGE, {**_fields(body_en=new_body), "action": "save"})
    assert response.status_code == 302
    [event] = audit_events("notice_template")  # only the language that changed
    assert (event.action, event.actor.email) == ("updated", ADMIN_EMAIL)
    assert event.before["body"] == old_body and event.after["body"] == new_body
    assert (event.before["version"], event.after["version"], event.after["language"]) == (1, 2, "en")
    html = page_text(client.get("/staff/admin/audit?entity=notice_template"))
    assert "通知" in html and "because" in html and "not_accepted" not in html
    # Saving the same text again changes nothing and writes nothing.
    post_form(client, PAGE, {**_fields(), "action": "save"})
    assert len(audit_events("notice_template")) == 1


def test_the_preview_shows_both_languages_with_a_sample_case(world: None, client: FlaskClient) -> None:
    staff("supervisor")
    login(client, "supervisor")
    html = page_text(client.get(PAGE))
    assert "您的意见建议 HQ-2026-000123 不予受理" in html
    assert "Your opinion HQ-2026-000123 was not accepted" in html
    typed = {**_fields(body_en="Sorry, {reference}: <b>{reason}</b>"), "action": "preview"}
    html = page_text(post_form(client, PAGE, typed))
    assert "Sorry, HQ-2026-000123: &lt;b&gt;" in html  # staff text is escaped, never run
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(NoticeTemplate.id))) == 0  # a preview saves nothing
    client.get("/lang/en")
    html = page_text(client.get(PAGE))
    assert "Preview with a sample case" in html and "您的意见建议 HQ-2026-000123" in html


def test_a_person_who_wrote_in_english_gets_the_english_template(world: None, smtp) -> None:  # noqa: ANN001
    case = record_case(NewCase(channel="web", body="Please publish the vacancy figures.", subject="Vacancy",
                               received_at=RECEIVED, submitter_email="reader@example.org", language="en"),
                       now=RECEIVED).case
    db.session.commit()
    supervisor = staff("supervisor")
    save_template("not_accepted", "en", "[{reference}] About your opinion", "Not accepted: {reason}",
                  actor=supervisor)
    decisions.not_accept(case, actor=staff("triager"), now=RECEIVED, reason="no facts")
    commit_and_dispatch()
    sent = _sent(smtp)
    assert sent["Subject"] == f"[{case.reference}] About your opinion"
    assert sent.get_content().strip() == "Not accepted: no facts"


def test_the_reply_cover_text_goes_around_the_approved_reply(world: None, smtp) -> None:  # noqa: ANN001
    supervisor = staff("supervisor")
    with pytest.raises(AdminError, match="reply"):
        save_template("reply", "zh_Hans", "[{reference}] 答复", "您好：没有答复", actor=supervisor)
    save_template("reply", "zh_Hans", "[{reference}] 对您意见的答复", "您好！\n\n{reply}\n\n<虹桥>",
                  actor=supervisor)
    case = new_case()
    approve(case, "经核实，数据将公开。", at=RECEIVED, body_html="<p>经核实，数据将公开。</p>")
    send_reply(case, actor=staff_user(), now=RECEIVED)
    commit_and_dispatch()
    sent = email.message_from_bytes(smtp.messages[-1][2], policy=policy.default)
    assert sent["Subject"] == f"[{case.reference}] 对您意见的答复：楼宇空置"
    plain = sent.get_body(("plain",)).get_content().replace("\r\n", "\n").strip()
    assert plain == "您好！\n\n经核实，数据将公开。\n\n<虹桥>"
    html = sent.get_body(("html",)).get_content()
    assert "<p>经核实，数据将公开。</p>" in html and "&lt;虹桥&gt;" in html
    event = db.session.get(Case, case.id).events[-1]
    assert (event.detail["notice"], event.detail["template_version"]) == ("reply", 2)


def test_init_seeds_the_defaults_and_never_overwrites_an_edit(world: None) -> None:
    assert ensure_default_templates() == len(rules.KEYS) * len(rules.LANGUAGES)
    db.session.commit()
    save_template("review", "zh_Hans", "[{reference}] 复查", "复查中：{due_date}", actor=staff("supervisor"))
    db.session.commit()
    assert ensure_default_templates() == 0
    assert current("review", "zh_Hans").body == "复查中：{due_date}"
    assert current("review", "en").body == default_text("review", "en")[1]
    assert "{due_date}" in current("review", "en").body and "%(" not in current("review", "en").body


def test_rendering_is_plain_and_strict() -> None:
    for text in ("{reference!r}", "{reference:>40}", "{}", "{0}", "{reference[0]}"):
        with pytest.raises(rules.TemplateProblem):
            rules.check("not_accepted", "[{reference}] x", text)
    assert rules.render("{{literal}} {reference}", {"reference": "HQ-1"}) == "{literal} HQ-1"
    assert rules.render_html("a<b>\n{reason}", {"reason": "<i>"}) == "a&lt;b&gt;<br>\n&lt;i&gt;"


def test_a_sealed_case_notice_names_no_department(world: None, smtp) -> None:  # noqa: ANN001
    supervisor = staff("supervisor")
    with pytest.raises(AdminError, match="department"):  # the discipline track's notice cannot name it
        save_template("accepted", "zh_Hans", "[{reference}] 已受理", "{reference} {department}",
                      actor=supervisor)
    save_template("accepted", "zh_Hans", "[{reference}] 举报已受理", "举报 {reference} 已受理。",
                  actor=supervisor)
    save_template("extension", "zh_Hans", "[{reference}] 延期",
                  "{reference} 由{department}办理，延至{due_date}。", actor=supervisor)
    case = new_case("举报某处长收受购物卡。")
    decisions.mark_accusation(case, actor=supervisor, now=RECEIVED, reason="检举具体人员")
    decisions.accept(case, actor=supervisor, now=RECEIVED)
    commit_and_dispatch()
    sent = _sent(smtp)
    assert sent["Subject"] == f"[{case.reference}] 举报已受理"
    assert sent.get_content().strip() == f"举报 {case.reference} 已受理。"
    assert case.events[-1].action == "reporter_told" and case.events[-1].detail["template_version"] == 2
    # Any notice of a sealed case leaves the department out, even where the template names it.
    assert case.department is not None
    told = compose(case, "extension", due_date="2024-06-01").body
    assert told == f"{case.reference} 由办理，延至2024-06-01。"
    ordinary = new_case()
    decisions.accept(ordinary, actor=staff("triager"), now=RECEIVED, kind="suggestion")
    assert "由机关党委办公室办理" in compose(ordinary, "extension", due_date="2024-06-01").body


def test_every_default_keeps_its_own_rules_and_the_sample_fills_every_placeholder(app: Flask) -> None:
    with app.test_request_context("/"):
        for key in rules.KEYS:
            for language in rules.LANGUAGES:
                subject, body = default_text(key, language)
                rules.check(key, subject, body)  # the seeded text is one staff could have saved
                assert rules.KINDS[key].placeholders <= set(sample_values(language)), key


# `flask init` migrates on a connection of its own.
@pytest.mark.committed
def test_init_says_how_many_templates_it_seeded(runner) -> None:  # noqa: ANN001
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0 and f"notice templates added: {len(rules.KEYS) * 2}" in first.output
    second = runner.invoke(args=["init"])
    assert "notice templates added: 0" in second.output
    db.session.expire_all()
    stored = db.session.scalar(db.select(NoticeTemplate).where(NoticeTemplate.key == "receipt_web",
                                                               NoticeTemplate.language == "en"))
    assert stored.version == 1 and stored.subject == "【回执】[{reference}] We have received your opinion"
