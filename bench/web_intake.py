"""Benchmark the public opinion form end to end, against the stack's own limit.

    .venv/bin/python bench/web_intake.py [--requests 2000] [--concurrency 16 64] [--workers 4]

Starts a private PostgreSQL and Redis (tests/support/services), migrates the app and imports the
bundled catalogue, serves it with gunicorn (4 sync workers, rate limits off), and drives real
submissions: GET /feedback/new, read the session cookie and CSRF token, POST the form, expect
the 303 to the receipt. The form stages each opinion in one row (cases/staging.py); after each
run one RQ worker records them all as cases (timed: the worker's rate), and the number of cases
must equal the successes. A last run keeps that worker busy during the load (both on the same
two cores): the sustained rate. The same load then runs against bench/minimal_app.py (Flask +
WTForms + SQLAlchemy, one INSERT per POST): the limit for this stack on this machine. Prints
submissions/s and p50/p95/p99 per concurrency and the ratio to the limit.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: the project root must come first
    sys.path.insert(0, str(ROOT))

from tests.support.services import (  # noqa: E402
    free_port,
    private_postgres,
    private_redis,
    scratch_database,
    wait_for_port,
)

BIN = Path(sys.executable).parent
TOKEN = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
WORKER_CLASS = ("--worker-class", "rq.worker.SimpleWorker")  # as `make worker` runs it
WARM_UP = 200  # submissions before the measured runs, not counted
BODY = "建议按季度公开核心区楼宇空置率和招商进展，接受社会监督。第{n}条。"


@dataclass
class Result:
    """One load run."""

    label: str
    concurrency: int
    ok: int
    failed: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        """Successful submissions per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency percentile in milliseconds (a submission = GET form + POST)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def _submit(conn: http.client.HTTPConnection, form_path: str, fields: dict[str, str]) -> bool:
    conn.request("GET", form_path)
    page = conn.getresponse()
    html = page.read()
    # The session cookie among the others (Flask-Login also clears its remember cookie).
    cookies = page.msg.get_all("Set-Cookie") or []
    cookie = next((c.split(";", 1)[0] for c in cookies if c.startswith("session=")), "")
    match = TOKEN.search(html)
    if page.status != 200 or not match or not cookie:
        if os.environ.get("BENCH_DEBUG"):
            print("GET", page.status, bool(match), cookie[:20], html[:200])
        return False
    body = urlencode({"csrf_token": match.group(1).decode(), **fields})
    conn.request("POST", form_path.split("?")[0], body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    answer = conn.getresponse()
    text = answer.read()
    if answer.status != 303 and os.environ.get("BENCH_DEBUG"):
        errors = re.findall(rb'class="field-error"[^>]*>(.{0,300})', text, re.S)[:3]
        print(answer.status, errors or text[:300])
    return answer.status == 303


def drive(label: str, port: int, form_path: str, fields: dict[str, str], total: int,
          concurrency: int) -> Result:
    """Run ``total`` submissions from ``concurrency`` clients with keep-alive connections."""
    lock = threading.Lock()
    state = {"next": 0, "ok": 0, "failed": 0}
    latencies: list[float] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if state["next"] >= total:
                    break
                state["next"] += 1
                n = state["next"]
            started = time.perf_counter()
            try:
                ok = _submit(conn, form_path, {k: v.format(n=n) for k, v in fields.items()})
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                state["ok" if ok else "failed"] += 1
                if ok:
                    latencies.append(elapsed)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(label, concurrency, state["ok"], state["failed"], time.perf_counter() - started, latencies)


def wait_until_serving(port: int, path: str, timeout: float = 60.0) -> None:
    """Block until ``path`` answers 200 (the port opens before a preloading master is ready)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} on port {port} not answering 200 after {timeout}s")
        time.sleep(0.2)


@contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int, ready_path: str,
             chdir: Path = ROOT) -> Iterator[int]:
    """Serve ``app`` with gunicorn sync workers on a free port (our gunicorn.conf.py in ROOT)."""
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--backlog", "2048",
         "--chdir", str(chdir), "--log-level", "warning", app],
        cwd=chdir, env=env,
    )
    try:
        wait_for_port(port, 60)
        wait_until_serving(port, ready_path)
        yield port
    finally:
        server.terminate()
        server.wait(30)


def _count(url: str, table: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608 - our names


def _print(result: Result, rows_delta: int) -> None:
    lost = result.ok - rows_delta
    print(f"{result.label:<10} c={result.concurrency:<3} {result.rate:8.1f} submissions/s  "
          f"p50 {result.percentile(50):7.1f} ms  p95 {result.percentile(95):7.1f} ms  "
          f"p99 {result.percentile(99):7.1f} ms  ok {result.ok}  failed {result.failed}  "
          f"rows {rows_delta} (lost {lost})", flush=True)


def record_staged(env: dict[str, str]) -> float:
    """Run one RQ worker until the queue is empty (it records every staged opinion); seconds."""
    started = time.perf_counter()
    subprocess.run([str(BIN / "rq"), "worker", "--burst", *WORKER_CLASS, "--url", env["REDIS_URL"],
                    env["RQ_QUEUE"]], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


@contextmanager
def worker(env: dict[str, str]) -> Iterator[None]:
    """One RQ worker running beside the load (as in production, but on the same two cores)."""
    process = subprocess.Popen(
        [str(BIN / "rq"), "worker", *WORKER_CLASS, "--url", env["REDIS_URL"], env["RQ_QUEUE"]],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)  # the app and the classifier loaded before the load starts
        yield
    finally:
        process.terminate()
        process.wait(30)


def main() -> int:
    """Run the benchmark; exit 1 when a submission failed or was lost, or the target was missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    base_env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "REDIS_URL", "DATABASE_URL"}}
    with private_postgres() as server, scratch_database(server) as app_db, \
            scratch_database(server) as minimal_db, tempfile.TemporaryDirectory() as instance, \
            private_redis() as redis_url:
        env = dict(base_env, DATABASE_URL=app_db, HQCBD_INSTANCE_PATH=instance, REDIS_URL=redis_url,
                   RQ_QUEUE="bench", SECRET_KEY="bench-secret-key", MAIL_SUPPRESS_SEND="true",
                   RATELIMIT_ENABLED="false")
        flask = [str(BIN / "flask"), "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*flask, "catalogue", "import", str(ROOT / "cases/data/notice_2023_hqcbd.txt")],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        minimal_env = dict(base_env, MINIMAL_DATABASE_URL=minimal_db)
        subprocess.run([sys.executable, "-c", "import minimal_app; minimal_app.create_tables()"],
                       cwd=ROOT / "bench", env=minimal_env, check=True)

        fields = {"body": BODY, "problem": "1.1", "phone": "13812345678", "consent": "y",
                  "subject": "空置率", "name": "压测"}
        results: dict[tuple[str, int], Result] = {}
        healthy = True
        with gunicorn("wsgi:create_app()", env, args.workers, "/healthz") as port:
            # Steady state: every worker has served some requests (templates compiled, connections
            # open) before the clock runs; the same for both apps.
            drive("warm-up", port, "/feedback/new?problem=1.1", fields, WARM_UP, 16)
            record_staged(env)
            for concurrency in args.concurrency:
                before = _count(app_db, "feedback_case")
                result = drive("web form", port, "/feedback/new?problem=1.1", fields, args.requests,
                               concurrency)
                seconds = record_staged(env)
                delta = _count(app_db, "feedback_case") - before
                _print(result, delta)
                print(f"{'':<10} then one RQ worker recorded them as cases in {seconds:.1f} s "
                      f"(with its start): {delta / seconds:.0f} cases/s; still staged: "
                      f"{_count(app_db, 'staged_case')}", flush=True)
                healthy &= result.failed == 0 and delta == result.ok
                results[("app", concurrency)] = result
            before = _count(app_db, "feedback_case")
            with worker(env):
                sustained = drive("sustained", port, "/feedback/new?problem=1.1", fields, args.requests,
                                  args.concurrency[0])
            record_staged(env)
            delta = _count(app_db, "feedback_case") - before
            _print(sustained, delta)
            print(f"{'':<10} (one RQ worker recording the cases during the load)", flush=True)
            healthy &= sustained.failed == 0 and delta == sustained.ok
        with gunicorn("minimal_app:app", minimal_env, args.workers, "/form", chdir=ROOT / "bench") as port:
            drive("warm-up", port, "/form", {"body": BODY, "phone": "13812345678"}, WARM_UP, 16)
            for concurrency in args.concurrency:
                before = _count(minimal_db, "minimal_opinion")
                result = drive("minimal", port, "/form", {"body": BODY, "phone": "13812345678"},
                               args.requests, concurrency)
                delta = _count(minimal_db, "minimal_opinion") - before
                _print(result, delta)
                healthy &= result.failed == 0 and delta == result.ok
                results[("minimal", concurrency)] = result
    print(f"cpu cores: {os.cpu_count()}, gunicorn sync workers: {args.workers}, "
          f"{args.requests} submissions per run")
    for concurrency in args.concurrency:
        ratio = results[("app", concurrency)].rate / max(results[("minimal", concurrency)].rate, 1e-9)
        print(f"c={concurrency}: web form / stack limit = {ratio:.2f} (target >= 0.80)")
        healthy &= ratio >= 0.8
    ratio = sustained.rate / max(results[("minimal", args.concurrency[0])].rate, 1e-9)
    print(f"c={args.concurrency[0]} with the worker recording during the load: {ratio:.2f} of the limit")
    print("zero failed or lost submissions" if healthy else "TARGET MISSED or submissions failed/lost")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
