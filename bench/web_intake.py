"""Benchmark the public opinion form end to end, in both modes, against the stack's own limit.

    .venv/bin/python bench/web_intake.py [--modes embedded redis minimal] [--requests 2000]
        [--concurrency 16 64] [--workers 4]

Starts a private PostgreSQL and Redis (tests/support/services), migrates the app and imports the
bundled catalogue, serves it with gunicorn (4 sync workers, rate limits off), and drives real
submissions: GET /feedback/new, read the session cookie and CSRF token, POST the form, expect
the 303 to the receipt. The number of cases must equal the successes. Three targets, one run:

* ``embedded``: no REDIS_URL, so each request records the whole case (one transaction);
* ``redis``: the form stages each opinion in one row (cases/staging.py); after each run one RQ
  worker records them all as cases (timed: the worker's rate). A last run keeps one worker
  (SimpleWorker) recording during the load (all on the same two cores): the sustained rate, the
  backlog when the load ends and how long the worker took to drain it;
* ``minimal``: bench/minimal_app.py (Flask + WTForms + SQLAlchemy, one INSERT per POST), the limit
  for this stack on this machine.

Prints submissions/s, p50/p95/p99, and the CPU seconds per submission of the app (gunicorn master
and workers), of PostgreSQL (its postmaster and backends) and of the RQ worker, read from /proc
before and after each run: on a shared machine the CPU per submission means something, the wall
rates much less (give the load average with the figures).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import resource
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


_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process, its reaped children and its live descendants (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0  # gone meanwhile
    # utime, stime, cutime, cstime: fields 14-17 of stat(5); [0] here is field 3.
    total = sum(int(value) for value in fields[11:15]) / _TICKS
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            total += sum(tree_cpu(int(child)) for child in task.read_text().split())
    return total


def postmaster_pid(url: str) -> int:
    """The pid of the private PostgreSQL serving ``url`` (its command line names the port)."""
    port = url.rsplit(":", 1)[1].split("/", 1)[0]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            argv = cmdline.read_bytes().split(b"\0")
            if argv and argv[0].endswith(b"postgres") and b"-p" in argv and port.encode() in argv:
                return int(cmdline.parent.name)
    raise LookupError(f"no postgres on port {port}")


@dataclass
class Cpu:
    """CPU seconds spent by the processes of a run: the app, PostgreSQL, RQ workers."""

    pids: dict[str, int]

    def read(self) -> dict[str, float]:
        """The processes' CPU seconds now."""
        return {name: tree_cpu(pid) for name, pid in self.pids.items()}

    @staticmethod
    def per_submission(before: dict[str, float], after: dict[str, float], ok: int) -> str:
        """'app 9.1 ms, postgres 3.2 ms' of CPU per successful submission."""
        return ", ".join(f"{name} {(after[name] - before[name]) / max(ok, 1) * 1000:.1f} ms"
                         for name in before)


@contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int, ready_path: str,
             chdir: Path = ROOT) -> Iterator[tuple[int, int]]:
    """Serve ``app`` with gunicorn sync workers on a free port; yield (port, master pid)."""
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--backlog", "2048",
         "--chdir", str(chdir), "--log-level", "warning", app],
        cwd=chdir, env=env,
    )
    try:
        wait_for_port(port, 60)
        wait_until_serving(port, ready_path)
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(30)


def _count(url: str, table: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608 - our names


def _print(result: Result, rows_delta: int, cpu: str) -> None:
    lost = result.ok - rows_delta
    print(f"{result.label:<10} c={result.concurrency:<3} {result.rate:8.1f} submissions/s  "
          f"p50 {result.percentile(50):7.1f} ms  p95 {result.percentile(95):7.1f} ms  "
          f"p99 {result.percentile(99):7.1f} ms  ok {result.ok}  failed {result.failed}  "
          f"rows {rows_delta} (lost {lost})", flush=True)
    print(f"{'':<10} CPU per submission: {cpu}", flush=True)


def record_staged(env: dict[str, str]) -> tuple[float, float]:
    """Run one RQ worker until the queue is empty (it records every staged opinion); (seconds, CPU s)."""
    started, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([str(BIN / "rq"), "worker", "--burst", *WORKER_CLASS, "--url", env["REDIS_URL"],
                    env["RQ_QUEUE"]], cwd=ROOT, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - started, after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime


@contextmanager
def worker(env: dict[str, str]) -> Iterator[int]:
    """One RQ worker running beside the load (as in production, but on the same two cores); its pid."""
    process = subprocess.Popen(
        [str(BIN / "rq"), "worker", *WORKER_CLASS, "--url", env["REDIS_URL"], env["RQ_QUEUE"]],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)  # the app and the classifier loaded before the load starts
        yield process.pid
    finally:
        process.terminate()
        process.wait(30)


FORM = "/feedback/new?problem=1.1"


@dataclass
class Bench:
    """What the runs share: the arguments, the databases, the environments, the results."""

    args: argparse.Namespace
    env: dict[str, str]
    app_db: str
    postmaster: int
    fields: dict[str, str]
    results: dict[tuple[str, int], Result]
    healthy: bool = True
    sustained: tuple[Result, int, float] | None = None  # the run, the backlog, seconds to drain it

    def run(self, label: str, port: int, cpu: Cpu, concurrency: int, path: str = FORM,
            fields: dict[str, str] | None = None, db: str = "",
            tables: tuple[str, ...] = ("feedback_case", "staged_case")) -> Result:
        """One measured load run: its figures, CPU per submission, and the rows it wrote (cases and
        staged opinions: none may be lost)."""
        rows = lambda: sum(_count(db or self.app_db, table) for table in tables)  # noqa: E731
        before_rows, before_cpu = rows(), cpu.read()
        result = drive(label, port, path, fields or self.fields, self.args.requests, concurrency)
        after_cpu = cpu.read()
        delta = rows() - before_rows
        _print(result, delta, Cpu.per_submission(before_cpu, after_cpu, result.ok))
        self.results[(label, concurrency)] = result
        return result

    def check(self, result: Result, recorded: int) -> None:
        """Every submission succeeded and was recorded exactly once."""
        self.healthy &= result.failed == 0 and recorded == result.ok


def _drain(app_db: str, limit: float = 300.0) -> float:
    """Wait until no opinion is staged (the running worker recorded them); seconds waited."""
    started = time.perf_counter()
    while _count(app_db, "staged_case") and time.perf_counter() - started < limit:
        time.sleep(0.1)
    return time.perf_counter() - started


def run_embedded(bench: Bench) -> None:
    """No REDIS_URL: each request records its whole case."""
    env = {k: v for k, v in bench.env.items() if k != "REDIS_URL"}
    with gunicorn("wsgi:create_app()", env, bench.args.workers, "/healthz") as (port, master):
        cpu = Cpu({"app": master, "postgres": bench.postmaster})
        drive("warm-up", port, FORM, bench.fields, WARM_UP, 16)
        for concurrency in bench.args.concurrency:
            before = _count(bench.app_db, "feedback_case")
            result = bench.run("embedded", port, cpu, concurrency)
            bench.check(result, _count(bench.app_db, "feedback_case") - before)
            print(f"{'':<10} still staged: {_count(bench.app_db, 'staged_case')}", flush=True)


def run_redis(bench: Bench) -> None:
    """Redis: the form stages, a worker records; then the load with one worker recording meanwhile."""
    env, app_db = bench.env, bench.app_db
    with gunicorn("wsgi:create_app()", env, bench.args.workers, "/healthz") as (port, master):
        cpu = Cpu({"app": master, "postgres": bench.postmaster})
        drive("warm-up", port, FORM, bench.fields, WARM_UP, 16)
        record_staged(env)
        for concurrency in bench.args.concurrency:
            before = _count(app_db, "feedback_case")
            result = bench.run("redis", port, cpu, concurrency)
            seconds, worker_cpu = record_staged(env)
            delta = _count(app_db, "feedback_case") - before
            print(f"{'':<10} then one RQ worker recorded them as cases in {seconds:.1f} s "
                  f"(with its start): {delta / seconds:.0f} cases/s, "
                  f"{worker_cpu / max(delta, 1) * 1000:.1f} ms CPU each (with its start); "
                  f"still staged: {_count(app_db, 'staged_case')}", flush=True)
            bench.check(result, delta)
        with worker(env) as worker_pid:
            # The worker's first job loads the app and the classifier: not part of the figure.
            drive("warm-up", port, FORM, bench.fields, 50, 4)
            _drain(app_db)
            before = _count(app_db, "feedback_case")
            cpu = Cpu({"app": master, "postgres": bench.postmaster, "worker": worker_pid})
            before_cpu = cpu.read()
            sustained = drive("sustained", port, FORM, bench.fields, bench.args.requests,
                              bench.args.concurrency[0])
            backlog = _count(app_db, "staged_case")
            drained = _drain(app_db)
            recorded = _count(app_db, "feedback_case") - before
            _print(sustained, recorded, Cpu.per_submission(before_cpu, cpu.read(), sustained.ok)
                   + " (to the end of the drain)")
        print(f"{'':<10} one RQ worker recorded during the load: backlog {backlog} staged when the load "
              f"ended, drained {drained:.1f} s later (cases recorded per second from the start to the "
              f"drain: {sustained.ok / (sustained.seconds + drained):.1f})", flush=True)
        bench.sustained = (sustained, backlog, drained)
        bench.check(sustained, recorded)


def run_minimal(bench: Bench, minimal_db: str, base_env: dict[str, str]) -> None:
    """The limit: one INSERT per POST."""
    minimal_env = dict(base_env, MINIMAL_DATABASE_URL=minimal_db)
    subprocess.run([sys.executable, "-c", "import minimal_app; minimal_app.create_tables()"],
                   cwd=ROOT / "bench", env=minimal_env, check=True)
    fields = {"body": BODY, "phone": "13812345678"}
    with gunicorn("minimal_app:app", minimal_env, bench.args.workers, "/form", chdir=ROOT / "bench") \
            as (port, master):
        cpu = Cpu({"app": master, "postgres": bench.postmaster})
        drive("warm-up", port, "/form", fields, WARM_UP, 16)
        for concurrency in bench.args.concurrency:
            before = _count(minimal_db, "minimal_opinion")
            result = bench.run("minimal", port, cpu, concurrency, "/form", fields, minimal_db,
                               ("minimal_opinion",))
            bench.check(result, _count(minimal_db, "minimal_opinion") - before)


def _ratio(bench: Bench, label: str, concurrency: int) -> float | None:
    mine, limit = bench.results.get((label, concurrency)), bench.results.get(("minimal", concurrency))
    return None if mine is None or limit is None else mine.rate / max(limit.rate, 1e-9)


def main() -> int:
    """Run the benchmark; exit 1 when a submission failed or was lost, or a target was missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", choices=["embedded", "redis", "minimal"],
                        default=["embedded", "redis", "minimal"])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    base_env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "REDIS_URL", "DATABASE_URL"}}
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}, cpu cores: "
          f"{os.cpu_count()}, gunicorn sync workers: {args.workers}, {args.requests} submissions per run",
          flush=True)
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
        fields = {"body": BODY, "problem": "1.1", "phone": "13812345678", "consent": "y",
                  "subject": "空置率", "name": "压测"}
        bench = Bench(args, env, app_db, postmaster_pid(server), fields, {})
        runners = {"embedded": lambda: run_embedded(bench), "redis": lambda: run_redis(bench),
                   "minimal": lambda: run_minimal(bench, minimal_db, base_env)}
        for mode in args.modes:
            runners[mode]()
    print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    for concurrency in args.concurrency:
        for label, target in (("embedded", 0.5), ("redis", 0.8)):
            ratio = _ratio(bench, label, concurrency)
            if ratio is not None:
                met = "met" if ratio >= target else "MISSED"
                print(f"c={concurrency}: {label} / stack limit = {ratio:.2f} (target >= {target:.2f}: {met})")
    sustained = bench.sustained
    limit = bench.results.get(("minimal", args.concurrency[0]))
    if sustained is not None and limit is not None:
        result, backlog, drained = sustained
        ratio = result.rate / max(limit.rate, 1e-9)
        kept_up = drained < 0.1 * result.seconds + 2
        print(f"c={args.concurrency[0]} with one RQ worker recording during the load: {ratio:.2f} of the "
              f"limit (target >= 1.00: {'met' if ratio >= 1 else 'MISSED'}); the worker "
              f"{'kept up' if kept_up else 'did NOT keep up'} "
              f"(backlog {backlog}, drained in {drained:.1f} s)")
    print("zero failed or lost submissions" if bench.healthy else "submissions FAILED or LOST")
    return 0 if bench.healthy else 1


if __name__ == "__main__":
    sys.exit(main())
