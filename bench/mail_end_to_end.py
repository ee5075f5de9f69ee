"""Benchmark of the mail intake end to end: the poll, then one RQ worker draining what it queued.

    .venv/bin/python bench/mail_end_to_end.py [--messages 1000] [--runs 1]

Starts a private PostgreSQL (``flask init``), a private Redis, a private Dovecot whose INBOX holds
the mailbox benchmark's messages (bench/mailbox_poll.py: made from the golden corpus) and a real
SMTP sink (aiosmtpd, in this process). Runs ``flask --app wsgi mailbox poll --once --json`` (the
acknowledgements and the screening are enqueued for RQ), then one ``rq worker --burst`` with
``SimpleWorker`` (as ``make worker``) until the queue is empty, and prints both wall times (each
process's start included) and their sum, the worker's job span (first job started to last job
ended, read from RQ's registry), the jobs it ran, the e-mails the sink received and over how many
SMTP connections, and checks that every acknowledgement was sent once and every case screened.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: the project root must come first
    sys.path.insert(0, str(ROOT))

from bench.mailbox_poll import make_messages, run_poller  # noqa: E402
from tests.support.dovecot import PASSWORD, USER, private_dovecot  # noqa: E402
from tests.support.services import private_postgres, private_redis, scratch_database, smtp_server  # noqa: E402

BIN = Path(sys.executable).parent
QUEUE = "hqcbd-bench"


def drain(env: dict[str, str], redis_url: str) -> tuple[float, float, int]:
    """Run one burst SimpleWorker until the queue is empty; (wall s, job span s, jobs run)."""
    from redis import Redis
    from rq import Queue
    from rq.registry import FinishedJobRegistry

    started = time.monotonic()
    worker = subprocess.run(
        [str(BIN / "rq"), "worker", "--burst", "--worker-class", "rq.worker.SimpleWorker",
         "--url", redis_url, QUEUE], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    if worker.returncode != 0:
        raise SystemExit(f"worker failed:\n{worker.stderr[-4000:]}")
    connection = Redis.from_url(redis_url)
    queue = Queue(QUEUE, connection=connection)
    registry = FinishedJobRegistry(queue=queue)
    jobs = [job for job in queue.job_class.fetch_many(registry.get_job_ids(), connection=connection) if job]
    span = (max(job.ended_at for job in jobs) - min(job.started_at for job in jobs)).total_seconds()
    failed = queue.failed_job_registry.count
    if failed:
        raise SystemExit(f"{failed} job(s) failed in the worker")
    return wall, span, len(jobs)


def check(env: dict[str, str]) -> dict[str, int]:
    """What the database says: acknowledgements by delivery status, cases still held."""
    os.environ.update(env)
    from sqlalchemy import func, select

    from cases.extensions import db
    from cases.models import Case, CaseMessage, OutboxItem
    from wsgi import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"]})
    with app.app_context():
        statuses = dict(db.session.execute(
            select(CaseMessage.delivery_status, func.count()).where(CaseMessage.direction == "outbound")
            .group_by(CaseMessage.delivery_status)).all())
        held = db.session.scalar(select(func.count()).select_from(Case).where(Case.screened_at.is_(None)))
        jobs = dict(db.session.execute(select(OutboxItem.job, func.count()).group_by(OutboxItem.job)).all())
        db.engine.dispose()
    return {**{f"outbound_{k}": v for k, v in statuses.items()}, "held": int(held or 0),
            **{f"outbox_{k}": v for k, v in jobs.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    ok = True
    for run in range(args.runs):
        with (private_postgres() as server, scratch_database(server) as url, private_dovecot() as dovecot,
              private_redis() as redis_url, smtp_server() as (smtp_port, sink),
              tempfile.TemporaryDirectory(prefix="hqcbd-bench-") as workdir):
            env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "REDIS_URL"}}
            env.update(DATABASE_URL=url, REDIS_URL=redis_url, RQ_QUEUE=QUEUE, HQCBD_INSTANCE_PATH=workdir,
                       SECRET_KEY="bench-secret-key", MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port),
                       MAIL_SUPPRESS_SEND="false", MAIL_FILE_DIR="", IMAP_HOST="127.0.0.1",
                       IMAP_PORT=str(dovecot.port), IMAP_USER=USER, IMAP_PASSWORD=PASSWORD, IMAP_SSL="false")
            subprocess.run([str(BIN / "flask"), "--app", "wsgi", "init"], cwd=ROOT, env=env, check=True,
                           capture_output=True)
            made = make_messages(args.messages, f"e{run}")
            dovecot.deliver(raw for raw, _mid, _outcome in made)
            summary, poll_wall, _rss = run_poller(env, Path(workdir))
            drain_wall, span, jobs = drain(env, redis_url)
            peers = {peer for peer, _rcpt in sink.peers}
            found = check(env)
            print(f"{args.messages} messages: poll {poll_wall:.2f} s "
                  f"(in the poller {summary['seconds']:.2f} s), "
                  f"worker drain {drain_wall:.2f} s (jobs {span:.2f} s, {jobs} jobs), "
                  f"sum {poll_wall + drain_wall:.2f} s")
            print(f"  sent {len(sink.messages)} e-mails"
                  + (f" over {len(peers)} SMTP connection(s)" if peers else "")
                  + f"; {json.dumps(found, sort_keys=True)}")
            expected = summary["new_cases"]
            ok = ok and found["held"] == 0 and len(sink.messages) == found.get("outbound_sent", 0) <= expected
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
