"""Profile the public form's submission in embedded mode (no Redis: the request records the case).

    .venv/bin/python bench/form_profile.py [--submissions 200] [--profile] [--email]

A private PostgreSQL, the migrated app with the bundled catalogue, the Flask test client: GET the
form, POST it, N times. Prints the process CPU per submission, and per POST the SQL statements and
COMMITs (SQLAlchemy engine events) and the cases recorded; ``--profile`` adds cProfile's top 30.
CPU time, unlike a wall rate, means something on a shared machine.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.services import private_postgres, scratch_database  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BODY = "建议按季度公开核心区楼宇空置率和招商进展，接受社会监督。第{n}条。"


def main() -> int:
    """Run the profile and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--show-sql", action="store_true", help="print the statements of the last POST")
    parser.add_argument("--email", action="store_true", help="give an address (an acknowledgement)")
    args = parser.parse_args()
    with private_postgres() as server, scratch_database(server) as url, \
            tempfile.TemporaryDirectory() as instance:
        os.environ["HQCBD_INSTANCE_PATH"] = instance
        from flask_migrate import upgrade
        from sqlalchemy import event

        from cases.catalogue import bundled_notice_path, import_notice, read_notice_file
        from cases.extensions import db
        from wsgi import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None, "EMBEDDED_JOBS": True,
                          "SECRET_KEY": "bench-secret-key", "MAIL_SUPPRESS_SEND": True,
                          "RATELIMIT_ENABLED": False, "MAIL_DEFAULT_SENDER": "hqcbd@example.test"})
        with app.app_context():
            upgrade()
            import_notice(read_notice_file(bundled_notice_path()))
            db.session.commit()
            engine = db.engine
        counts = {"sql": 0, "commit": 0}
        statements: list[str] = []

        def executed(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            counts["sql"] += 1
            statements.append(" ".join(statement.split())[:160])

        event.listen(engine, "before_cursor_execute", executed)
        event.listen(engine, "commit", lambda *a: counts.__setitem__("commit", counts["commit"] + 1))
        client = app.test_client()
        fields = {"body": BODY, "problem": "1.1", "phone": "13812345678", "consent": "y",
                  "subject": "空置率", "name": "压测"}
        if args.email:
            fields["email"] = "someone@example.com"

        def submit(n: int) -> tuple[int, int]:
            page = client.get("/feedback/new?problem=1.1").get_data(as_text=True)
            token = TOKEN.search(page)
            assert token, page[:300]
            before = dict(counts)
            statements.clear()
            answer = client.post("/feedback/new", data={"csrf_token": token.group(1),
                                                        **{k: v.format(n=n) for k, v in fields.items()}})
            assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
            posted = list(statements)
            client.get(answer.headers["Location"])
            last_post[:] = posted
            return len(posted), counts["commit"] - before["commit"]

        last_post: list[str] = []

        for n in range(30):  # warm: classifier, templates, caches
            submit(n)
        profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
        sql = commits = 0
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        for n in range(args.submissions):
            s, c = submit(n)
            sql, commits = sql + s, commits + c
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        with app.app_context():
            from sqlalchemy import func, select

            from cases.models import Case, StagedCase

            cases = db.session.scalar(select(func.count(Case.id)))
            staged = db.session.scalar(select(func.count(StagedCase.id)))
            db.engine.dispose()
        n = args.submissions
        print(f"{n} submissions (GET form + POST + receipt): {cpu / n * 1000:.1f} ms CPU each "
              f"(this process, app and client), {wall / n * 1000:.1f} ms wall; per POST "
              f"{sql / n:.1f} SQL statements, {commits / n:.1f} COMMITs; "
              f"cases {cases}, still staged {staged}")
        if args.show_sql:
            print("\n".join(last_post))
        if profiler:
            stats = pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
            stats.print_stats(int(os.environ.get("PROFILE_LINES", "30")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
