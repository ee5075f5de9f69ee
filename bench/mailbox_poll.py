"""Benchmark of the mailbox intake: a private Dovecot mailbox of varied messages polled into cases.

    .venv/bin/python bench/mailbox_poll.py [--messages 1000] [--rss-messages 10000]

Starts a private PostgreSQL (migrated) and a private Dovecot, fills the mailbox with messages made
from the golden corpus (new Message-IDs and senders; every tenth one a reply to the sender's own
previous letter), runs ``flask --app wsgi mailbox poll --once --json`` as a subprocess and prints
messages/s and that process's peak RSS (wait4 rusage), then checks every message: none lost, none
doubled, none mangled (each case's text against its source). Then the same with --rss-messages.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: the project root must come first
    sys.path.insert(0, str(ROOT))

from tests.support.dovecot import PASSWORD, USER, private_dovecot  # noqa: E402
from tests.support.services import private_postgres, private_redis, scratch_database  # noqa: E402

CORPUS = ROOT / "tests" / "mailbox" / "corpus"
FLASK = str(Path(sys.executable).parent / "flask")


def _corpus() -> list[tuple[bytes, dict]]:
    return [(p.read_bytes(), json.loads(p.with_suffix(".json").read_text("utf-8")))
            for p in sorted(CORPUS.glob("*.eml"))]


def _set_header(raw: bytes, name: bytes, value: bytes) -> bytes:
    head, sep, body = raw.partition(b"\r\n\r\n")
    pattern = re.compile(rb"^" + name + rb":.*(?:\r\n[ \t].*)*$", re.IGNORECASE | re.MULTILINE)
    line = name + b": " + value
    head = pattern.sub(lambda _m: line, head, count=1) if pattern.search(head) else head + b"\r\n" + line
    return head + sep + body


def make_messages(count: int, run: str) -> list[tuple[bytes, str, str]]:
    """(raw, Message-ID, expected outcome) for ``count`` varied messages."""
    corpus = _corpus()
    made: list[tuple[bytes, str, str]] = []
    last_person: tuple[str, str] | None = None
    for i in range(count):
        mid = f"bench.{run}.{i}@example.cn"
        if i % 10 == 9 and last_person is not None:
            sender, previous = last_person
            text = f"第{i}号补充：上次反映的问题还没有解决，请尽快处理。"
            raw = (f"From: {sender}\r\nTo: hqcbd@example.test\r\nSubject: Re: 补充\r\n"
                   f"Message-ID: <{mid}>\r\nIn-Reply-To: <{previous}>\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                   f"{text}\r\n").encode()
            made.append((raw, mid, "threaded"))
            continue
        raw, expected = corpus[i % len(corpus)]
        raw = _set_header(raw, b"Message-ID", f"<{mid}>".encode())
        if expected["auto"]:
            made.append((raw, mid, "bounce" if expected["auto"] == "bounce" else "auto_reply"))
            continue
        sender = f"citizen{i}@example{i % 7}.cn"
        raw = _set_header(raw, b"From", f"citizen {i} <{sender}>".encode())
        made.append((raw, mid, "new_case"))
        last_person = (sender, mid)
    return made


def run_poller(env: dict[str, str], workdir: Path) -> tuple[dict, float, int]:
    """Run the CLI poller once; return (summary, wall seconds, peak RSS in KiB)."""
    out = workdir / "poll.out"
    with out.open("w") as handle:
        started = time.monotonic()
        process = subprocess.Popen([FLASK, "--app", "wsgi", "mailbox", "poll", "--once", "--json"],
                                   cwd=ROOT, env=env, stdout=handle, stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"poller failed with status {process.returncode}")
    summary = json.loads(out.read_text().strip().splitlines()[-1])
    summary["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)
    return summary, wall, int(usage.ru_maxrss)


def verify(env: dict[str, str], made: list[tuple[bytes, str, str]]) -> dict[str, int]:
    """Count lost, doubled and mangled messages by reading the database back."""
    os.environ.update(env)
    from sqlalchemy import func, select

    from cases.extensions import db
    from cases.models import Case, CaseMessage, RawEmail
    from mailbox.intake import message_text
    from mailbox.parsing import parse_message
    from wsgi import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"]})
    lost = doubled = mangled = 0
    with app.app_context():
        raws = dict(db.session.execute(select(RawEmail.message_id, func.count(RawEmail.id))
                                       .group_by(RawEmail.message_id)).all())
        inbound = {}
        for mid, case_id, text in db.session.execute(
                select(CaseMessage.message_id, CaseMessage.case_id, CaseMessage.body_text)
                .where(CaseMessage.direction == "inbound")):
            inbound.setdefault(mid, []).append((case_id, text))
        # Cases opened by this run: those whose first message is one of this run's messages.
        ids = [mid for _raw, mid, outcome in made if outcome == "new_case"]
        cases = sum(db.session.scalar(select(func.count(Case.id)).join(CaseMessage).where(
            CaseMessage.direction == "inbound", CaseMessage.message_id.in_(ids[i:i + 1000]))) or 0
            for i in range(0, len(ids), 1000))
        for raw, mid, outcome in made:
            stored = raws.get(mid, 0)
            lost += stored == 0
            doubled += stored > 1
            if outcome in ("new_case", "threaded"):
                found = inbound.get(mid, [])
                doubled += len(found) > 1
                lost += not found
                if found and (found[0][1] != message_text(parse_message(raw)) or "\ufffd" in found[0][1]):
                    mangled += 1
        db.engine.dispose()
    wanted_cases = sum(1 for _r, _m, outcome in made if outcome == "new_case")
    return {"lost": lost, "doubled": doubled, "mangled": mangled, "cases": cases,
            "expected_cases": wanted_cases}


def screen_all(env: dict[str, str]) -> tuple[int, float]:
    """Do the RQ worker's part in this process: screen every held case; (cases, seconds)."""
    os.environ.update(env)
    from cases.extensions import db
    from cases.triage.screening import screen_new_cases
    from cases.triage.suggest import current_classifier
    from wsgi import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"]})
    with app.app_context():
        current_classifier()  # loaded once per worker process, not counted
        started, total = time.monotonic(), 0
        while True:
            done = int(screen_new_cases().split()[1])
            db.session.commit()
            total += done
            if done == 0:
                break
        seconds = time.monotonic() - started
        db.engine.dispose()
    return total, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--rss-messages", type=int, default=10000)
    args = parser.parse_args(argv)
    with (private_postgres() as server, scratch_database(server) as url, private_dovecot() as dovecot,
          private_redis() as redis_url, tempfile.TemporaryDirectory(prefix="hqcbd-bench-") as workdir):
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "REDIS_URL"}}
        # Production mode: acknowledgements go to RQ through Redis (no worker runs here).
        env.update(DATABASE_URL=url, REDIS_URL=redis_url, HQCBD_INSTANCE_PATH=workdir,
                   SECRET_KEY="bench-secret-key", MAIL_SUPPRESS_SEND="true", IMAP_HOST="127.0.0.1",
                   IMAP_PORT=str(dovecot.port), IMAP_USER=USER, IMAP_PASSWORD=PASSWORD, IMAP_SSL="false")
        # init: migrations, the bundled notice (so the intake classifier runs as in production).
        # (BENCH_SETUP="db upgrade" leaves the catalogue out, to see the cost of the classifier.)
        setup = (os.environ.get("BENCH_SETUP") or "init").split()
        subprocess.run([FLASK, "--app", "wsgi", *setup], cwd=ROOT, env=env, check=True, capture_output=True)
        ok = True
        for run, count in (("a", args.messages), ("b", args.rss_messages)):
            if count <= 0:
                continue
            dovecot.empty("INBOX")
            made = make_messages(count, run)
            dovecot.deliver(raw for raw, _mid, _outcome in made)
            summary, wall, rss = run_poller(env, Path(workdir))
            checks = verify(env, made)
            print(f"{count} messages: {count / summary['seconds']:.0f} messages/s in the poll "
                  f"({summary['seconds']:.2f} s; {count / wall:.0f}/s including process start, "
                  f"{wall:.2f} s), peak RSS {rss / 1024:.0f} MB")
            print(f"  summary {json.dumps(summary, sort_keys=True)}")
            print(f"  check {json.dumps(checks, sort_keys=True)}")
            screened, seconds = screen_all(env)
            print(f"  then the screening job (the worker's part, classifier and search words): "
                  f"{screened} cases in {seconds:.2f} s, {screened / max(seconds, 1e-9):.0f} cases/s")
            ok = ok and checks["lost"] == checks["doubled"] == checks["mangled"] == 0
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
