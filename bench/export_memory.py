"""Case list export benchmark: 100,000 cases streamed as XLSX (and CSV) through the app, time and peak RSS.

    .venv/bin/python bench/export_memory.py [--cases 100000] [--format xlsx csv]

Starts a throw-away PostgreSQL cluster (tests/support/services.private_postgres), migrates it, imports
the bundled notice and the default departments, bulk-inserts the cases in the server (the inbox
benchmark's INSERT … SELECT generate_series: not the services, it is a benchmark) and rates 30 % of
them. Then, for each format, a fresh process (``--export``) builds the app, logs a triager in through
the login form and downloads ``/staff/cases/export.<format>`` with the test client, reading the
streamed response chunk by chunk into a file; the parent reports the time, the size, the rows read
back and the child's peak RSS (wait4 rusage: the whole process, the app included).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project root (and our `mailbox`) first
    sys.path.insert(0, str(ROOT))

EMAIL, PASSWORD = "triager@hqcbd.shanghai.gov.cn", "bench-password-1234"


def _config(database: str) -> dict[str, object]:
    return {"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "bench", "REDIS_URL": None,
            "EMBEDDED_JOBS": True, "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False}


def _vm(field: str) -> int:
    """A field of /proc/self/status in kB (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def export(database: str, fmt: str, target: str) -> int:
    """The child: log in, stream the export into ``target``, print the timings."""
    from wsgi import create_app

    app = create_app(_config(database))
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None, "no CSRF token on the login page"
    login = client.post("/staff/login",
                        data={"csrf_token": token.group(1), "email": EMAIL, "password": PASSWORD})
    assert login.status_code == 302, login.status_code
    before = _vm("VmRSS")
    start = time.perf_counter()
    response = client.get(f"/staff/cases/export.{fmt}", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    first_byte, size = None, 0
    with open(target, "wb") as out:
        for chunk in response.response:
            first_byte = first_byte if first_byte is not None else time.perf_counter() - start
            out.write(chunk)
            size += len(chunk)
    response.close()
    print(f"{time.perf_counter() - start:.2f} {first_byte or 0:.2f} {size} {before}")
    return 0


def _rows(fmt: str, path: str) -> int:
    if fmt == "csv":
        with open(path, encoding="utf-8-sig") as stream:
            return sum(1 for line in stream if line.startswith("HQ-"))
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return sum(1 for row in book["案件清单"].iter_rows(min_row=2, max_col=1, values_only=True) if row[0])


def _prepare(app: object, total: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from bench.inbox import _generate
    from cases.catalogue import bundled_notice_path, import_notice, read_notice_file
    from cases.departments import ensure_default_departments
    from cases.extensions import db
    from cases.users import create_user

    upgrade()
    import_notice(read_notice_file(bundled_notice_path()))
    ensure_default_departments()
    create_user(EMAIL, ["triager"], password=PASSWORD)
    db.session.commit()
    start = time.perf_counter()
    with db.engine.begin() as connection:
        _generate(connection, total)
        connection.execute(text(
            "INSERT INTO case_rating (case_id, level, comment, created_at) "
            "SELECT id, 1 + abs(hashint4(id)) % 5, '', received_at + INTERVAL '40 days' FROM feedback_case "
            "WHERE status = 'closed' AND abs(hashint4(id * 7)) % 10 < 3"))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    count = db.session.scalar(text("SELECT count(*) FROM feedback_case"))
    print(f"inserted {count:,} cases in {time.perf_counter() - start:.1f} s "
          f"(PostgreSQL {db.session.scalar(text('SHOW server_version'))})")
    db.session.remove()


def main(argv: list[str] | None = None) -> int:
    """Prepare the database, then time each format's export in its own process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--format", nargs="+", default=["xlsx", "csv"], choices=["xlsx", "csv"])
    parser.add_argument("--export", nargs=3, metavar=("DATABASE", "FORMAT", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.export:
        return export(*args.export)

    from tests.support import services

    with services.private_postgres() as server, tempfile.TemporaryDirectory() as workdir:
        os.environ["HQCBD_INSTANCE_PATH"] = workdir
        from wsgi import create_app

        app = create_app(_config(server))
        with app.app_context():
            _prepare(app, args.cases)
            from cases.extensions import db

            db.engine.dispose()
        print(f"{'format':8} {'rows':>8} {'size':>9} {'time':>8} {'first byte':>11} {'RSS before':>11} "
              f"{'peak RSS':>9}")
        for fmt in args.format:
            target = str(Path(workdir) / f"export.{fmt}")
            child = subprocess.Popen([sys.executable, __file__, "--export", server, fmt, target],
                                     stdout=subprocess.PIPE, text=True, env=os.environ.copy())
            output = child.stdout.read() if child.stdout else ""
            _pid, status, usage = os.wait4(child.pid, 0)
            if status != 0:
                print(f"{fmt}: the export process failed ({status})")
                return 1
            seconds, first, size, before = output.split()[-4:]
            peak = usage.ru_maxrss / 1024
            print(f"{fmt:8} {_rows(fmt, target):>8,} {int(size) / 1e6:>7.1f} MB {float(seconds):>6.1f} s "
                  f"{float(first):>9.1f} s {int(before) / 1024:>8.0f} MB {peak:>6.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
