"""Mail throughput end to end (issue 16, point 7): a group's acknowledgements in one job, its held
cases screened by one job, and a large poll's progress on stderr; against the real Dovecot."""

from __future__ import annotations

import json

from sqlalchemy import event, func, select

from cases.extensions import db
from cases.mailer import GROUP_JOB
from cases.models import Case, CaseMessage, OutboxItem
from cases.triage.screening import SCREEN_JOB
from mailbox.cli import Progress
from mailbox.poller import Poller, Summary
from mailbox.settings import load_settings
from tests.mailbox.conftest import message


def _letters(count: int) -> list[bytes]:
    return [message(sender=f"reader{n}@example.cn", message_id=f"tp{n}@example.cn",
                    body=f"第{n}封：建议增加公共停车位。") for n in range(count)]


def test_a_group_is_acknowledged_by_one_job_and_screened_by_one_job(mailbox_app, dovecot):
    dovecot.deliver(_letters(6))
    summary = Poller(load_settings()).run()  # embedded mode: the jobs run after each commit
    assert summary.new_cases == 6
    jobs = dict(db.session.execute(select(OutboxItem.job, func.count()).group_by(OutboxItem.job)).all())
    assert jobs == {GROUP_JOB: 1, SCREEN_JOB: 1}
    [args] = db.session.scalars(select(OutboxItem.args).where(OutboxItem.job == GROUP_JOB))
    acknowledgements = list(db.session.scalars(
        select(CaseMessage).where(CaseMessage.direction == "outbound")))
    assert len(acknowledgements) == 6
    assert sorted(args["message_ids"]) == sorted(m.id for m in acknowledgements)
    assert {m.delivery_status for m in acknowledgements} == {"sent"}
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.screened_at.is_(None))) == 0


def test_a_group_writes_its_messages_in_one_statement_and_reads_what_it_answers_once(mailbox_app, dovecot):
    dovecot.deliver(_letters(2))
    Poller(load_settings()).run()
    # Replies to the letters of the first poll, and new letters: the inbound messages and their
    # acknowledgements are one INSERT (rows with other columns each cost a statement of their own),
    # and the messages the replies answer are read once for the group, not once a reply.
    dovecot.deliver([message(sender=f"reader{n}@example.cn", subject="再补充", body=f"补充{n}",
                             message_id=f"tp-re{n}@example.cn", extra=f"In-Reply-To: <tp{n}@example.cn>")
                     for n in range(2)] + _letters(6)[2:])
    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        summary = Poller(load_settings()).run()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert (summary.threaded, summary.new_cases) == (2, 4)
    if db.engine.dialect.name == "postgresql":  # SQLite's driver writes a batch row by row anyway
        assert sum(s.startswith("INSERT INTO case_message ") for s in statements) == 1
    assert sum("FROM case_message" in s and "case_message.message_id IN" in s for s in statements) == 1
    replies = db.session.scalars(select(CaseMessage).where(CaseMessage.message_id.like("tp-re%"))).all()
    assert sorted(m.case.submitter_email for m in replies) == ["reader0@example.cn", "reader1@example.cn"]


def test_a_poll_shows_its_progress_on_stderr_and_keeps_stdout_for_the_summary(mailbox_app, dovecot, runner):
    mailbox_app.config.update(MAILBOX_BATCH_SIZE=2)
    dovecot.deliver(_letters(5))
    result = runner.invoke(args=["mailbox", "poll", "--once", "--json", "--progress"])
    assert result.exit_code == 0, result.output
    [line] = result.stdout.strip().splitlines()
    assert json.loads(line)["new_cases"] == 5
    shown = result.stderr.strip().splitlines()
    assert shown[0].startswith("mailbox poll: 0/5 fetched")
    assert shown[-1].startswith("mailbox poll: 5/5 fetched, 5 new cases") and shown[-1].endswith(" s")


def test_no_progress_when_stderr_is_not_a_terminal(mailbox_app, dovecot, runner):
    dovecot.deliver(_letters(2))
    result = runner.invoke(args=["mailbox", "poll", "--once", "--json"])
    assert result.exit_code == 0, result.output
    assert "mailbox poll:" not in result.stderr


def test_progress_lines_come_at_most_once_per_interval(capsys):
    progress = Progress(every=3600)
    summary = Summary()
    for fetched in (0, 250, 500):
        summary.fetched = fetched
        progress(summary, 1000)
    summary.fetched, summary.seconds = 1000, 3.2
    progress.done(summary)
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == ["mailbox poll: 0/1000 fetched, 0 new cases, 0 threaded, 0 quarantined",
                     "mailbox poll: 1000/1000 fetched, 0 new cases, 0 threaded, 0 quarantined in 3.2 s"]
