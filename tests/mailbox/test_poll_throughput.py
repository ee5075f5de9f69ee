"""Mail throughput end to end (issue 16, point 7): a group's acknowledgements in one job, its held
cases screened by one job, and a large poll's progress on stderr; against the real Dovecot."""

from __future__ import annotations

import json

from sqlalchemy import func, select

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
