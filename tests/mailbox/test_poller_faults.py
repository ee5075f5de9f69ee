"""Crashes and faults: killed between commit and move, dropped connection, two pollers, quarantine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cases.extensions import db
from cases.models import Case, MailboxLedger, QuarantinedEmail, RawEmail
from mailbox import poller as poller_module
from mailbox.lock import FileLock, LockLost, RedisLock
from mailbox.poller import Poller, connect
from mailbox.settings import load_settings
from tests.conftest import PROJECT_ROOT
from tests.mailbox.conftest import message
from tests.mailbox.test_poller import count, poll

pytestmark = pytest.mark.slow  # Pollers in subprocesses, killed and raced.


class Killed(BaseException):
    """Stands for the process being killed: nothing after it runs, no handler catches it."""


def batch(n: int, prefix: str = "k") -> list[bytes]:
    return [message(message_id=f"{prefix}{i}@example.cn", body=f"第{i}封信：{prefix}") for i in range(n)]


def test_killed_between_commit_and_move_loses_nothing_and_doubles_nothing(mailbox_app, dovecot, monkeypatch):
    mailbox_app.config.update(MAILBOX_SERVER_ACTION="move", MAILBOX_BATCH_SIZE=4)
    dovecot.deliver(batch(10))
    real = poller_module.server_action

    def die(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(poller_module, "server_action", die)
    with pytest.raises(Killed):
        poll()
    # The first batch is committed, but nothing was moved yet.
    assert count(Case) == 4 and len(dovecot.uids("INBOX")) == 10
    assert not any(row.server_done for row in db.session.scalars(select(MailboxLedger)))
    monkeypatch.setattr(poller_module, "server_action", real)
    summary = poll()
    assert summary.new_cases == 6 and summary.duplicates == 0
    assert count(Case) == 10 and count(RawEmail) == 10
    assert dovecot.uids("INBOX") == [] and len(dovecot.uids("Processed")) == 10
    assert all(row.server_done for row in db.session.scalars(select(MailboxLedger)))


def test_connection_dropped_mid_batch(mailbox_app, dovecot):
    mailbox_app.config.update(MAILBOX_BATCH_SIZE=5)
    dovecot.deliver(batch(12))
    fetches = {"bodies": 0}

    def flaky(settings):
        client = connect(settings)
        original = client.fetch

        def fetch(uids, items, *args, **kwargs):
            if "BODY.PEEK[]" in items:
                fetches["bodies"] += 1
                if fetches["bodies"] == 2:
                    client.shutdown()  # the server or the network went away mid-batch
            return original(uids, items, *args, **kwargs)

        client.fetch = fetch
        return client

    with pytest.raises(Exception):  # noqa: B017 - whatever imaplib raises for a dead socket
        Poller(load_settings(), client_factory=flaky).run()
    assert count(Case) == 5
    summary = poll()
    assert summary.new_cases == 7 and count(Case) == 12 and count(RawEmail) == 12
    assert count(MailboxLedger) == 12


def test_one_failing_message_is_quarantined_and_the_batch_goes_on(mailbox_app, dovecot, monkeypatch):
    dovecot.deliver([message(message_id="ok1@example.cn", body="好的一"),
                     message(message_id="bad@example.cn", body="这封会失败"),
                     message(message_id="ok2@example.cn", body="好的二")])
    real = poller_module.ingest

    def faulty(fetched, key, policy, now, **kwargs):
        if b"bad@example.cn" in fetched.raw:
            raise RuntimeError("injected fault")
        return real(fetched, key, policy, now, **kwargs)

    monkeypatch.setattr(poller_module, "ingest", faulty)
    summary = poll()
    assert (summary.new_cases, summary.quarantined) == (2, 1)
    entry = db.session.scalar(select(QuarantinedEmail))
    assert entry.state == "open" and "injected fault" in entry.error
    assert b"bad@example.cn" in entry.raw_email.data
    assert all(row.server_done for row in db.session.scalars(select(MailboxLedger)))
    assert poll().fetched == 0  # kept in the database, not fetched again and again
    monkeypatch.setattr(poller_module, "ingest", real)
    from mailbox.intake import Policy
    from mailbox.quarantine import open_count, retry

    assert open_count() == 1
    assert retry(entry, Policy(max_bytes=10**6, ack_per_day=5), poller_module.utcnow()) == "new_case"
    db.session.commit()
    assert entry.state == "resolved" and entry.retries == 1 and open_count() == 0
    assert count(Case) == 3
    ledger = db.session.scalar(select(MailboxLedger).where(MailboxLedger.raw_email_id == entry.raw_email_id))
    assert ledger.outcome == "new_case"


def test_unparseable_message_is_quarantined(mailbox_app, dovecot):
    dovecot.deliver([b"\r\n\r\n   \r\n", message(body="正常")])
    summary = poll()
    assert (summary.quarantined, summary.new_cases) == (1, 1)


def test_file_lock_allows_one_poller(tmp_path: Path):
    first, second = FileLock(tmp_path, "box"), FileLock(tmp_path, "box")
    assert first.acquire() and not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_redis_lock_allows_one_poller_and_is_renewed(redis_url):
    first, second = RedisLock(redis_url, "box-test", 30), RedisLock(redis_url, "box-test", 30)
    try:
        assert first.acquire() and not second.acquire()
        first._renewed = 0.0  # force a renewal now
        first.renew()
        assert 0 < first.redis.ttl(first.key) <= 30
        second.redis.set(first.key, "someone else")  # our lock expired and was taken
        first._renewed = 0.0
        with pytest.raises(LockLost):
            first.renew()
        second.redis.delete(first.key)
    finally:
        first.release()
        second.release()


def _cli(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "mailbox", "poll",
                             "--once", "--json"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("with_redis", [False, True], ids=["file-lock", "redis-lock"])
def test_two_pollers_started_together(mailbox_app, dovecot, subprocess_env, request, with_redis):
    env = dict(subprocess_env, IMAP_HOST="127.0.0.1", IMAP_PORT=str(dovecot.port), IMAP_USER="hq",
               IMAP_PASSWORD=mailbox_app.config["IMAP_PASSWORD"], IMAP_SSL="false", MAILBOX_BATCH_SIZE="20")
    if with_redis:
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
    dovecot.deliver(batch(300, "two"))
    lock = (RedisLock(env["REDIS_URL"], f"hq@127.0.0.1:{dovecot.port}/INBOX", 60) if with_redis
            else FileLock(Path(env["HQCBD_INSTANCE_PATH"]), f"hq@127.0.0.1:{dovecot.port}/INBOX"))
    # A poller already at work: the one started now says so and leaves (status 0).
    assert lock.acquire()
    try:
        blocked = _cli(env)
        out, err = blocked.communicate(timeout=120)
        assert blocked.returncode == 0 and "another poller" in err
        assert json.loads(out) == {"skipped": "locked"}
    finally:
        lock.release()
    pollers = [_cli(env), _cli(env)]
    outputs = [poller.communicate(timeout=300) for poller in pollers]
    assert all(poller.returncode == 0 for poller in pollers), outputs
    results = [json.loads(out.strip().splitlines()[-1]) for out, _err in outputs]
    worked = [r for r in results if "new_cases" in r]
    # One did the work; the other found the lock taken (or, started later, nothing left).
    assert sorted(r.get("fetched", 0) for r in results) == [0, 300], results
    assert sum(r["new_cases"] for r in worked) == 300
    assert sum(r.get("duplicates", 0) for r in worked) == 0
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Case.id))) == 300
    assert db.session.scalar(select(func.count(MailboxLedger.id))) == 300


def test_control_characters_in_ids_and_errors_never_block_the_intake(app):
    from mailbox.intake import Fetched, LedgerKey, Policy, ingest
    from mailbox.poller import quarantine, utcnow

    raw = message(message_id="a\x00b@example.cn", body="编号里有空字符")
    outcome, case_id = ingest(Fetched(raw=raw, size=len(raw)), LedgerKey("box", "INBOX", 1, 1),
                              Policy(max_bytes=10**6, ack_per_day=5), utcnow())
    db.session.commit()
    assert outcome == "new_case" and db.session.get(Case, case_id).messages[0].message_id == "ab@example.cn"
    other = message(message_id="c\x00d@example.cn", body="隔离")
    entry = quarantine(Fetched(raw=other, size=len(other)), LedgerKey("box", "INBOX", 1, 2), "bad \x00 error")
    db.session.commit()
    assert entry.raw_email.message_id == "cd@example.cn" and entry.error == "bad  error"


def test_a_uid_the_server_does_not_return_is_taken_next_time(mailbox_app, dovecot):
    mailbox_app.config.update(MAILBOX_BATCH_SIZE=2)
    dovecot.deliver(batch(5, "gap"))
    hidden = dovecot.uids()[1]

    def hiding(settings):
        client = connect(settings)
        original = client.fetch

        def fetch(uids, items, *args, **kwargs):
            answer = original(uids, items, *args, **kwargs)
            if "BODY.PEEK[]" in items:
                answer.pop(hidden, None)  # a server that lists a message but does not return it
            return answer

        client.fetch = fetch
        return client

    assert Poller(load_settings(), client_factory=hiding).run().new_cases == 4
    assert poll().new_cases == 1 and count(Case) == 5
    assert poll().fetched == 0
