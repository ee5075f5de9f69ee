"""The poller against a real Dovecot: the golden corpus, exactly once, threading, bounces, replies."""

from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import timedelta

from sqlalchemy import func, select

from cases.domain.states import CLOSED
from cases.domain.tracking import hash_code
from cases.extensions import db
from cases.models import Case, CaseEvent, CaseMessage, MailboxLedger, RawEmail
from cases.models.types import utcnow
from cases.reasons import RATE_LIMIT
from mailbox.intake import message_text
from mailbox.parsing import parse_message
from mailbox.poller import Poller, Summary
from mailbox.settings import load_settings
from tests.mailbox.conftest import corpus, expected_outcome, message


def poll() -> Summary:
    """One poll with the app's settings, as the CLI runs it (without the lock)."""
    return Poller(load_settings()).run()


def count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def outbound() -> list[CaseMessage]:
    return list(db.session.scalars(select(CaseMessage).where(CaseMessage.direction == "outbound")))


def test_golden_corpus_becomes_cases_exactly_once(mailbox_app, dovecot):
    messages = corpus()
    dovecot.deliver(raw for _name, raw, _expected in messages)
    summary = poll()
    wanted = [expected_outcome(expected) for _name, _raw, expected in messages]
    assert summary.fetched == len(messages)
    assert (summary.new_cases, summary.auto_replies, summary.bounces) == (
        wanted.count("new_case"), wanted.count("auto_reply"), wanted.count("bounce"))
    assert summary.quarantined == summary.duplicates == summary.threaded == 0
    for name, raw, expected in messages:
        stored = db.session.scalar(select(RawEmail).where(RawEmail.data == raw))
        assert stored is not None and stored.outcome == expected_outcome(expected), name
        if stored.outcome != "new_case":
            assert stored.case_id is None or stored.outcome == "bounce", name
            continue
        case = db.session.get(Case, stored.case_id)
        assert case is not None and case.channel == "email", name
        first = case.messages[0]
        assert first.raw_email_id == stored.id and first.body_text == message_text(parse_message(raw))
        for snippet in expected["text_contains"]:
            assert snippet in case.body, name
        assert "\ufffd" not in case.body + case.subject, name
        assert case.subject == expected["subject"] and case.submitter_email == expected["sender_address"]
        wanted_files = sorted(a["sha256"] for a in expected["attachments"])
        wanted_files += [a["sha256"] for inner in expected["forwarded"] for a in inner["attachments"]]
        assert sorted(a.sha256 for a in first.attachments) == sorted(wanted_files), name
    # Every UID is in the ledger and was flagged \Seen only after its commit; nothing was deleted.
    assert count(MailboxLedger) == len(messages)
    assert all(row.server_done for row in db.session.scalars(select(MailboxLedger)))
    client = dovecot.client()
    try:
        client.select_folder("INBOX", readonly=True)
        assert len(client.search("ALL")) == len(messages) == len(client.search("SEEN"))
    finally:
        client.logout()
    # Answers: one per new case except the one that asked for none (X-Auto-Response-Suppress).
    acknowledged = {m.case_id for m in outbound()}
    suppressed = db.session.scalar(select(Case).where(Case.subject == "关于虹桥商务区楼宇停车收费的建议"))
    assert suppressed is not None and suppressed.id not in acknowledged
    assert len(acknowledged) == wanted.count("new_case") - 1
    cases_before, raw_before = count(Case), count(RawEmail)
    # Polling again takes nothing; re-delivering every message creates nothing new.
    assert poll().fetched == 0
    dovecot.deliver(raw for _name, raw, _expected in messages)
    again = poll()
    assert again.fetched == again.duplicates == len(messages)
    assert (count(Case), count(RawEmail), len(outbound())) == (cases_before, raw_before, len(acknowledged))


def test_acknowledgement_is_threaded_and_reaches_smtp(mailbox_app, dovecot, smtp):
    dovecot.deliver([message(message_id="first.1@example.cn")])
    assert poll().new_cases == 1
    case = db.session.scalar(select(Case))
    assert len(smtp.messages) == 1
    sender, recipients, data = smtp.messages[0]
    sent = email.message_from_bytes(data, policy=email.policy.default)
    assert recipients == ["zhang.wei@example.cn"]
    assert sent["In-Reply-To"] == "<first.1@example.cn>"
    assert f"[{case.reference}]" in sent["Subject"]
    assert sent["Auto-Submitted"] == "auto-replied" and sent["X-HQCBD-Loop"]
    body = sent.get_content()
    code = re.search(r"(?:Tracking code|查询码)[:：]\s*(\S+)", body)
    assert code is not None and hash_code(code.group(1)) == case.tracking_code_hash
    assert case.reference in body


def test_acknowledgements_are_rate_limited_per_address(mailbox_app, dovecot):
    mailbox_app.config["MAILBOX_ACK_PER_DAY"] = 2
    dovecot.deliver([message(subject=f"建议{n}", message_id=f"r{n}@example.cn") for n in range(4)])
    assert poll().new_cases == 4
    assert len(outbound()) == 2
    skipped = db.session.scalars(select(CaseEvent).where(CaseEvent.action == "acknowledgement_skipped")).all()
    assert len(skipped) == 2 and all(event.reason == RATE_LIMIT and event.detail["reason_args"] == {"num": 2}
                                     for event in skipped)


def test_threading_rules(mailbox_app, dovecot):
    dovecot.deliver([message(message_id="orig@example.cn")])
    poll()
    case = db.session.scalar(select(Case))
    ours = outbound()[0].message_id
    dovecot.deliver([
        # our reference in the subject, from the case's own sender
        message(subject=f"回复: [{case.reference}] 补充", body="补充一", message_id="a@example.cn"),
        # the same reference from someone else: a new case
        message(sender="other@example.cn", subject=f"Re: {case.reference}", body="别人",
                message_id="b@example.cn"),
        # In-Reply-To one of our signed Message-IDs
        message(subject="Re: 已收到", body="补充二", message_id="c@example.cn",
                extra=f"In-Reply-To: <{ours}>"),
        # a reply to the sender's own first message
        message(subject="再补充", body="补充三", message_id="d@example.cn",
                extra="In-Reply-To: <orig@example.cn>\r\nReferences: <orig@example.cn>"),
        # a stranger replying to that first message: a new case
        message(sender="x@example.cn", subject="再补充", body="陌生人", message_id="e@example.cn",
                extra="In-Reply-To: <orig@example.cn>"),
        # a forged Message-ID of ours names no case
        message(sender="y@example.cn", subject="伪造", body="伪造", message_id="f@example.cn",
                extra=f"In-Reply-To: <{ours[:-20]}0000000000000000@x>"),
    ])
    summary = poll()
    assert (summary.threaded, summary.new_cases) == (3, 3)
    db.session.refresh(case)
    inbound = [m.body_text for m in case.messages if m.direction == "inbound"]
    assert inbound == ["建议增加公共停车位。", "补充一", "补充二", "补充三"]
    # A reply to a recently closed case is recorded on it and opens its review, as on the web.
    case.status, case.closed_at = CLOSED, utcnow() - timedelta(days=1)
    db.session.commit()
    dovecot.deliver([message(subject=f"Re: [{case.reference}]", body="还没解决", message_id="g@example.cn")])
    assert poll().threaded == 1
    db.session.refresh(case)
    actions = [event.action for event in case.events]
    assert "request_review" in actions and case.status == "review" and case.review_round == 1
    assert [m.body_text for m in case.messages if m.direction == "inbound"][-1] == "还没解决"
    assert case.messages[-1].purpose == "notice"  # the person is told a review has started


def test_same_message_id_with_other_content_is_a_new_message(mailbox_app, dovecot):
    dovecot.deliver([message(body="第一封", message_id="reused@example.cn")])
    poll()
    # The same letter again with other trace headers: nothing new. Other content: a new message.
    dovecot.deliver([b"Received: from relay2 by mx; Sat, 28 Nov 2026 10:01:00 +0800\r\n"
                     + message(body="第一封", message_id="reused@example.cn"),
                     message(body="第二封，内容不同", message_id="reused@example.cn")])
    summary = poll()
    # (Some clients reuse one Message-ID for every letter: a different letter is a new case.)
    assert (summary.duplicates, summary.new_cases) == (1, 1)
    assert count(Case) == 2 and count(RawEmail) == 3


def test_a_group_sees_its_own_earlier_messages(mailbox_app, dovecot, caplog):
    # All in one poll, so in one transaction: what each message needs of the earlier ones comes
    # from the group itself, not from the database.
    first = message(body="第一封：楼宇空置", message_id="own1@example.cn")
    dovecot.deliver([
        first,
        # the sender replies to their own letter, before it was ever written to the database
        message(subject="再补充", body="补充：还有停车", message_id="own2@example.cn",
                extra="In-Reply-To: <own1@example.cn>"),
        # a stranger replying to it opens a case of their own
        message(sender="x@example.cn", subject="再补充", body="陌生人", message_id="own3@example.cn",
                extra="In-Reply-To: <own1@example.cn>"),
        # the very same bytes again (another UID), and the same letter with other trace headers
        first,
        b"Received: from relay2 by mx; Sat, 28 Nov 2026 10:01:00 +0800\r\n" + first,
        # the same Message-ID with other content: a new letter
        message(body="内容不同的另一封", message_id="own1@example.cn"),
    ])
    summary = poll()
    assert "recorded one by one" not in caplog.text  # the group path, not the fallback
    assert (summary.new_cases, summary.threaded, summary.duplicates) == (3, 1, 2)
    assert count(RawEmail) == 5 and count(MailboxLedger) == 6
    case = db.session.scalar(select(Case).join(CaseMessage)
                             .where(CaseMessage.body_text == "第一封：楼宇空置"))
    inbound = [m.body_text for m in case.messages if m.direction == "inbound"]
    assert inbound == ["第一封：楼宇空置", "补充：还有停车"]
    assert poll().fetched == 0


def test_bounce_marks_the_address_undeliverable_and_is_never_answered(mailbox_app, dovecot):
    dovecot.deliver([message(sender="gone@example.cn", message_id="g1@example.cn")])
    poll()
    case = db.session.scalar(select(Case))
    ack = outbound()[0]
    dsn = (b"From: MAILER-DAEMON@mx.example.cn\r\nTo: hqcbd@example.test\r\nSubject: Undelivered Mail\r\n"
           b"Message-ID: <dsn1@mx.example.cn>\r\nAuto-Submitted: auto-replied\r\n"
           b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
           b"--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
           b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.cn\r\n\r\n"
           b"Final-Recipient: rfc822; gone@example.cn\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
           b"--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
           + f"Message-ID: <{ack.message_id}>\r\nSubject: x\r\n".encode() + b"\r\n--b--\r\n")
    auto = message(sender="bot@example.cn", subject="自动回复: 休假", message_id="oof@example.cn",
                   extra="Auto-Submitted: auto-replied")
    dovecot.deliver([dsn, auto])
    summary = poll()
    assert (summary.bounces, summary.auto_replies, summary.new_cases) == (1, 1, 0)
    db.session.refresh(case)
    db.session.refresh(ack)
    assert case.email_undeliverable and ack.delivery_status == "bounced"
    assert len(outbound()) == 1  # neither was answered
    assert "email_bounced" in [event.action for event in case.events]


def test_too_large_message_keeps_the_headers_and_tells_the_sender(mailbox_app, dovecot):
    mailbox_app.config["MAILBOX_MAX_BYTES"] = 4000
    big = message(subject="大附件", body="很长" * 3000, message_id="big@example.cn")
    dovecot.deliver([big, message(sender="bot@example.cn", body="长" * 3000, message_id="big2@example.cn",
                                  extra="Precedence: bulk")])
    summary = poll()
    assert (summary.too_large, summary.auto_replies) == (1, 1)
    raw = db.session.scalar(select(RawEmail).where(RawEmail.outcome == "too_large"))
    assert raw is not None and raw.size == len(big) and len(raw.data) < 1000 and b"\r\n\r\n" in raw.data
    case = db.session.get(Case, raw.case_id)
    assert case.subject == "大附件" and "too large" in case.body
    notices = outbound()
    assert len(notices) == 1 and notices[0].subject.startswith(f"【回执】[{case.reference}]")
    assert notices[0].in_reply_to == "big@example.cn"
    assert poll().fetched == 0


def test_move_mode_moves_to_the_processed_folder(mailbox_app, dovecot):
    mailbox_app.config["MAILBOX_SERVER_ACTION"] = "move"
    dovecot.deliver([message(message_id=f"mv{n}@example.cn", body=f"第{n}封") for n in range(3)])
    assert poll().new_cases == 3
    assert dovecot.uids("INBOX") == [] and len(dovecot.uids("Processed")) == 3


def test_uidvalidity_change_rescans_without_duplicates(mailbox_app, dovecot):
    dovecot.deliver([message(message_id=f"u{n}@example.cn", body=f"第{n}封") for n in range(5)])
    assert poll().new_cases == 5
    dovecot.change_uidvalidity()
    dovecot.deliver([message(message_id="u-new@example.cn", body="新的一封")])
    summary = poll()
    assert summary.uidvalidity_changed
    assert (summary.duplicates, summary.new_cases) == (5, 1)
    assert count(Case) == 6


def test_missing_message_id_gets_a_stable_id(mailbox_app, dovecot):
    raw = message(message_id=None, body="没有编号")
    dovecot.deliver([raw, raw])
    summary = poll()
    assert (summary.new_cases, summary.duplicates) == (1, 1)
    stored = db.session.scalar(select(RawEmail))
    assert stored.message_id.startswith("generated-")


def test_cli_poll_once_json(mailbox_app, dovecot, runner):
    dovecot.deliver([message()])
    result = runner.invoke(args=["mailbox", "poll", "--once", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert {"fetched", "new_cases", "threaded", "auto_replies", "bounces", "duplicates", "quarantined",
            "too_large"} <= set(summary)
    assert summary["new_cases"] == 1


def test_cli_loop_with_idle(mailbox_app, dovecot, runner):
    dovecot.deliver([message()])
    result = runner.invoke(args=["mailbox", "poll", "--loop", "--idle", "--interval", "0.2", "--rounds", "2",
                                 "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.strip().splitlines()]
    assert [line["new_cases"] for line in lines] == [1, 0]


def test_a_group_is_committed_once_and_its_cases_are_screened_after(mailbox_app, dovecot, catalogue, caplog):
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from cases.models import OutboxItem
    from cases.outbox import dispatch_pending
    from cases.triage.screening import SCREEN_JOB
    from tests.support.services import free_port

    # Production mode with the workers away: the jobs wait in the outbox.
    mailbox_app.config.update(EMBEDDED_JOBS=False, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    dovecot.deliver([message(message_id=f"group{i}@example.cn", sender=f"p{i}@example.cn",
                             body=f"第{i}封：核心区楼宇空置率太高") for i in range(12)])
    commits = []
    listener = lambda session: commits.append(1)  # noqa: E731
    event.listen(Session, "after_commit", listener)
    try:
        summary = poll()
    finally:
        event.remove(Session, "after_commit", listener)
    assert summary.new_cases == 12
    # Twelve messages in one transaction; the rest is the folder state, the server step, the outbox.
    assert "recorded one by one" not in caplog.text
    assert len(commits) <= 8, commits
    held = list(db.session.scalars(select(Case)))
    assert len(held) == 12 and all(case.screened_at is None for case in held)
    [job] = db.session.scalars(select(OutboxItem).where(OutboxItem.job == SCREEN_JOB)).all()
    assert job.state == "pending"

    mailbox_app.config.update(EMBEDDED_JOBS=True)  # the workers are back
    dispatch_pending()
    db.session.expire_all()
    screened = list(db.session.scalars(select(Case)))
    assert all(case.screened_at is not None and case.suggestions for case in screened)
    assert all("空置" in case.search_text.split() for case in screened)


def test_a_backlog_is_parsed_ahead_in_a_second_process(mailbox_app, dovecot, caplog):
    mailbox_app.config.update(MAILBOX_PARSE_AHEAD_MIN=1, MAILBOX_BATCH_SIZE=10)
    messages = corpus()
    dovecot.deliver(raw for _name, raw, _expected in messages)
    summary = poll()
    # Every message, parsed by the spawned process (which imports our mailbox package too).
    assert summary.parsed_ahead == summary.fetched == len(messages)
    assert "recorded one by one" not in caplog.text
    expected = [expected_outcome(e) for _n, _r, e in messages]
    assert summary.new_cases + summary.too_large == expected.count("new_case")
    assert count(RawEmail) == len(messages) and count(MailboxLedger) == len(messages)
    assert poll().fetched == 0
