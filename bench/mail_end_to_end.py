"""Benchmark of the mail intake end to end: the poll, and an RQ worker sending and screening.

    .venv/bin/python bench/mail_end_to_end.py [--messages 1000] [--runs 1]

Each run starts, twice, a private PostgreSQL (``flask init``), a private Redis, a private Dovecot
whose INBOX holds the mailbox benchmark's messages (bench/mailbox_poll.py: made from the golden
corpus) and a real SMTP sink (aiosmtpd, in this process), and measures:

* **concurrent** (what an operator sees): a ``SimpleWorker`` (as ``make worker``) started and warmed
  before the poll (its application and classifier loaded, as a worker that has run before), then
  ``flask --app wsgi mailbox poll --once --json``; the wall time from the poll's start until every
  job is done, no case is held and the sink has every acknowledgement. The worker drains while the
  poll still records groups: the two use the machine's two cores. Also the CPU seconds each process
  spent in that time (rusage and /proc: the poll, the worker, PostgreSQL's server processes, this
  process with the SMTP sink), which a machine shared with other work changes far less than walls.
* **sequential** (the earlier figure): the poll, then one ``rq worker --burst`` started cold after
  it, each wall with its process's start, their sum, and the worker's job span (RQ's registry).

Every run checks that every acknowledgement was sent once and every case screened, and prints the
load average (another program on the machine slows every wall figure).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: the project root must come first
    sys.path.insert(0, str(ROOT))

from bench.mailbox_poll import make_messages, run_poller  # noqa: E402
from tests.support.dovecot import PASSWORD, USER, private_dovecot  # noqa: E402
from tests.support.services import private_postgres, private_redis, scratch_database, smtp_server  # noqa: E402

BIN = Path(sys.executable).parent
QUEUE = "hqcbd-bench"
TICK = os.sysconf("SC_CLK_TCK")
WORKER = [str(BIN / "rq"), "worker", "--worker-class", "rq.worker.SimpleWorker"]
WARM_JOB = "bench.mail_end_to_end.warm_worker"  # by its module's name: this file runs as __main__


@contextlib.contextmanager
def setting(count: int, tag: str) -> Iterator[SimpleNamespace]:
    """Fresh services, the database initialised and the mailbox filled; their environment."""
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(private_postgres())
        url = stack.enter_context(scratch_database(server))
        dovecot = stack.enter_context(private_dovecot())
        redis_url = stack.enter_context(private_redis())
        smtp_port, sink = stack.enter_context(smtp_server())
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="hqcbd-bench-"))
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "REDIS_URL"}}
        env.update(DATABASE_URL=url, REDIS_URL=redis_url, RQ_QUEUE=QUEUE, HQCBD_INSTANCE_PATH=workdir,
                   SECRET_KEY="bench-secret-key", MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_port),
                   MAIL_SUPPRESS_SEND="false", MAIL_FILE_DIR="", IMAP_HOST="127.0.0.1",
                   IMAP_PORT=str(dovecot.port), IMAP_USER=USER, IMAP_PASSWORD=PASSWORD, IMAP_SSL="false")
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", "init"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        dovecot.deliver(raw for raw, _mid, _outcome in make_messages(count, tag))
        yield SimpleNamespace(env=env, url=url, redis_url=redis_url, sink=sink, workdir=Path(workdir),
                              pg_port=int(url.rpartition(":")[2].partition("/")[0]))


def warm_worker() -> str:
    """RQ job run before the poll: load what a worker that has run before has (app, classifier)."""
    import wsgi
    from cases.domain.search_words import index_words
    from cases.triage.suggest import current_classifier

    with wsgi._app_for_jobs().app_context():  # noqa: SLF001 - the worker's own application
        current_classifier()
        index_words("预热")
    return "warm"


def _finished_jobs(redis_url: str) -> list:
    from redis import Redis
    from rq import Queue
    from rq.registry import FinishedJobRegistry

    connection = Redis.from_url(redis_url)
    queue = Queue(QUEUE, connection=connection)
    if queue.failed_job_registry.count:
        raise SystemExit(f"{queue.failed_job_registry.count} job(s) failed in the worker")
    ids = FinishedJobRegistry(queue=queue).get_job_ids()
    return [job for job in queue.job_class.fetch_many(ids, connection=connection)
            if job and job.func_name != WARM_JOB]


def drain(env: dict[str, str], redis_url: str) -> tuple[float, float, int]:
    """Run one burst SimpleWorker until the queue is empty; (wall s, job span s, jobs run)."""
    started = time.monotonic()
    worker = subprocess.run([*WORKER, "--burst", "--url", redis_url, QUEUE], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    if worker.returncode != 0:
        raise SystemExit(f"worker failed:\n{worker.stderr[-4000:]}")
    jobs = _finished_jobs(redis_url)
    span = (max(job.ended_at for job in jobs) - min(job.started_at for job in jobs)).total_seconds()
    return wall, span, len(jobs)


def _cpu(pid: int, children: bool = False) -> float:
    """CPU seconds of a live process (with its reaped children's when asked), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / TICK


def postgres_cpu(port: int) -> float:
    """CPU seconds of a private PostgreSQL: its postmaster, the backends it reaped and the live ones."""
    processes = {}
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError):
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "postgres":
                processes[int(entry.name)] = ((entry / "cmdline").read_bytes(),
                                              int((entry / "stat").read_text().rpartition(")")[2].split()[1]))
    master = next(pid for pid, (cmdline, _ppid) in processes.items() if f"\0-p\0{port}\0".encode() in cmdline)
    total = _cpu(master, children=True)
    for pid, (_cmdline, ppid) in processes.items():
        if ppid == master:
            with contextlib.suppress(OSError):
                total += _cpu(pid)
    return total


def start_warm_worker(env: dict[str, str], redis_url: str) -> subprocess.Popen:
    """A SimpleWorker that keeps running, once it has run the warm-up job."""
    from redis import Redis
    from rq import Queue

    worker = subprocess.Popen([*WORKER, "--url", redis_url, QUEUE], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    job = Queue(QUEUE, connection=Redis.from_url(redis_url)).enqueue(WARM_JOB)
    deadline = time.monotonic() + 180
    while job.get_status(refresh=True) != "finished":
        if worker.poll() is not None or time.monotonic() > deadline or job.is_failed:
            worker.kill()
            raise SystemExit(f"the worker did not warm up:\n{worker.stderr.read().decode()[-4000:]}")
        time.sleep(0.05)
    return worker


def settled(url: str) -> bool:
    """No job in the queue or running, and every case screened (what the database says).

    A job left "pending" is in no queue: the cron sweep takes it within a minute (the code before
    this branch left a screening run's follow-up so, a spare that finds nothing here).
    """
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        left = conn.execute("SELECT (SELECT count(*) FROM outbox WHERE state = 'enqueued')"
                            " + (SELECT count(*) FROM feedback_case WHERE screened_at IS NULL)").fetchone()
    return left is not None and left[0] == 0


def leftover(url: str) -> list[tuple]:
    """The jobs not done and the count of held cases (what a run that never settles left)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        return [*conn.execute("SELECT job, state, count(*) FROM outbox WHERE state <> 'done' GROUP BY 1, 2"),
                *conn.execute("SELECT 'held', count(*) FROM feedback_case WHERE screened_at IS NULL")]


def concurrent(run: SimpleNamespace) -> dict[str, Any]:
    """The poll with a warm worker draining meanwhile; walls and CPU seconds until all is done."""
    worker = start_warm_worker(run.env, run.redis_url)
    try:
        worker_cpu, pg_cpu = _cpu(worker.pid), postgres_cpu(run.pg_port)
        own = resource.getrusage(resource.RUSAGE_SELF)
        out = run.workdir / "poll-concurrent.out"
        with out.open("w") as handle:
            started = time.monotonic()
            poll = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "mailbox", "poll", "--once",
                                     "--json"], cwd=ROOT, env=run.env, stdout=handle,
                                    stderr=subprocess.DEVNULL)
            poll_wall = expected = None
            while True:
                if poll_wall is None:
                    pid, status, usage = os.wait4(poll.pid, os.WNOHANG)
                    if pid:
                        poll_wall = time.monotonic() - started
                        if os.waitstatus_to_exitcode(status) != 0:
                            raise SystemExit("the poll failed")
                        summary = json.loads(out.read_text().strip().splitlines()[-1])
                        expected = summary["new_cases"]
                elif len(run.sink.messages) >= expected and settled(run.url):
                    break
                if time.monotonic() - started > 180:
                    raise SystemExit(f"not drained after 180 s: {len(run.sink.messages)} of {expected} sent, "
                                     f"left: {leftover(run.url)}")
                time.sleep(0.01)
            total = time.monotonic() - started
        figures = {"poll": poll_wall, "expected": expected, "total": total, "poll_inside": summary["seconds"],
                   "cpu_poll": usage.ru_utime + usage.ru_stime, "cpu_worker": _cpu(worker.pid) - worker_cpu,
                   "cpu_postgres": postgres_cpu(run.pg_port) - pg_cpu}
        mine = resource.getrusage(resource.RUSAGE_SELF)
        figures["cpu_sink"] = mine.ru_utime + mine.ru_stime - own.ru_utime - own.ru_stime
    finally:
        worker.send_signal(signal.SIGTERM)  # a warm shutdown: the worker has nothing left to do
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    figures["jobs"] = len(_finished_jobs(run.redis_url))
    figures["left"] = leftover(run.url)[:-1]  # (the last row is the held count, 0 here)
    return figures


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


def report(run: SimpleNamespace, expected: int) -> bool:
    """Print what the sink received and the database holds; whether all was sent once and screened."""
    peers = {peer for peer, _rcpt in run.sink.peers}
    found = check(run.env)
    print(f"  sent {len(run.sink.messages)} e-mails"
          + (f" over {len(peers)} SMTP connection(s)" if peers else "")
          + f"; {json.dumps(found, sort_keys=True)}")
    return found["held"] == 0 and len(run.sink.messages) == found.get("outbound_sent", 0) <= expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    ok = True
    for number in range(args.runs):
        with setting(args.messages, f"c{number}") as run:
            got = concurrent(run)
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"{args.messages} messages, concurrent (warm worker): all sent and screened "
                  f"{got['total']:.2f} s after the poll's start (poll {got['poll']:.2f} s, in the poller "
                  f"{got['poll_inside']:.2f} s; {got['jobs']:.0f} jobs); CPU s: poll {got['cpu_poll']:.2f}, "
                  f"worker {got['cpu_worker']:.2f}, PostgreSQL {got['cpu_postgres']:.2f}, this process "
                  f"(SMTP sink) {got['cpu_sink']:.2f}; load average {load}"
                  + (f"; left for the sweep: {got['left']}" if got["left"] else ""))
            ok = report(run, int(got["expected"])) and ok
        with setting(args.messages, f"s{number}") as run:
            summary, poll_wall, _rss = run_poller(run.env, run.workdir)
            drain_wall, span, jobs = drain(run.env, run.redis_url)
            print(f"{args.messages} messages, sequential (cold worker after the poll): "
                  f"poll {poll_wall:.2f} s "
                  f"(in the poller {summary['seconds']:.2f} s, CPU {summary['cpu_seconds']:.2f} s), "
                  f"worker drain {drain_wall:.2f} s (jobs {span:.2f} s, {jobs} jobs), "
                  f"sum {poll_wall + drain_wall:.2f} s")
            ok = report(run, summary["new_cases"]) and ok
        sys.stdout.flush()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
