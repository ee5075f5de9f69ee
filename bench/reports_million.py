"""Report benchmark: 1,000,000 cases with their report facts on PostgreSQL, every dashboard query timed.

    .venv/bin/python bench/reports_million.py [--cases 1000000] [--runs 5]

Starts a throw-away PostgreSQL cluster (tests/support/services.private_postgres; or uses the
database DATABASE_URL names, which it fills), migrates it, imports the bundled notice and the
default departments, generates the cases as bench/inbox.py does (one INSERT … SELECT
generate_series; 2021-01 to 2023-05, 70 % linked to a problem) and their ``report_fact`` rows
directly (it is a benchmark: hash-derived acknowledgements, replies, ratings, returns, reviews
and due dates; one row per case, a second for 5 % that were returned by another department).
Then times the figures the dashboard asks for through ``cases.reports`` (compute_figures,
figures_by), as of today: a year's overall figures, the same by department, problem, channel and
month, with a department filter and with a problem filter, and the whole range overall. Then builds
the monthly roll-up (``cases.reports.rollup.rebuild_rollup``, as ``report rebuild`` does) and times
each query by the facts alone (old) and with the roll-up (new), alternately on the same data (the two
answers are checked equal first). Prints the median and the maximum of ``--runs`` runs of each in ms
(goal: every one under 300 ms) and the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project root (and our `mailbox`) first
    sys.path.insert(0, str(ROOT))

# The facts of each generated case, derived from its status and a hash (h) of its id. Due dates
# fall before today for the open cases (overdue now), the others have none.
FACTS_SQL = """
INSERT INTO report_fact (
    case_id, department, received_on, month, channel, kind, problems, tasks, restricted, valid_on, is_case,
    duplicate, acknowledged, acknowledged_on_time, accepted, replied, replied_on_time, closed, reviewed,
    re_reviewed, ack_days, reply_days, due_from, case_due, held_due, assignments, returns,
    rated_1, rated_2, rated_3, rated_4, rated_5)
SELECT c.id, coalesce(d.code, ''), c.day, to_char(c.day, 'YYYY-MM'), c.channel, c.kind,
       coalesce((SELECT ',' || string_agg(p.code, ',' ORDER BY p.code) || ',' FROM case_problem AS cp
                 JOIN problem AS p ON p.id = cp.problem_id WHERE cp.case_id = c.id), ''), '',
       c.confidential OR c.kind IS NOT DISTINCT FROM 'accusation' OR c.screened_at IS NULL, c.day + 30, true,
       c.status = 'duplicate',
       c.status NOT IN ('received', 'duplicate'), c.status NOT IN ('received', 'duplicate') AND h % 10 < 9,
       c.status IN ('accepted', 'assigned', 'answered', 'approved', 'replied', 'closed'),
       c.status IN ('replied', 'closed'), c.status IN ('replied', 'closed') AND h % 5 < 4,
       c.status = 'closed', c.status IN ('replied', 'closed') AND h % 20 = 0,
       c.status IN ('replied', 'closed') AND h % 100 = 0,
       CASE WHEN c.status NOT IN ('received', 'duplicate') THEN h % 15 END,
       CASE WHEN c.status IN ('replied', 'closed') THEN h % 60 END,
       CASE WHEN c.status IN ('replied', 'closed') THEN DATE '0001-01-01'
            WHEN c.status IN ('accepted', 'assigned', 'answered', 'approved') THEN c.day + 90 END,
       CASE WHEN c.status = 'received' THEN c.day + 21
            WHEN c.status IN ('accepted', 'assigned', 'answered', 'approved') THEN c.day + 90 END,
       CASE WHEN c.status = 'received' THEN c.day + 21
            WHEN c.status IN ('accepted', 'assigned', 'answered', 'approved') THEN c.day + 90 END,
       CASE WHEN c.status IN ('accepted', 'assigned', 'answered', 'approved', 'replied', 'closed')
            THEN 1 ELSE 0 END, 0,
       (c.rated AND h % 5 = 0)::int, (c.rated AND h % 5 = 1)::int, (c.rated AND h % 5 = 2)::int,
       (c.rated AND h % 5 = 3)::int, (c.rated AND h % 5 = 4)::int
FROM (SELECT id, channel, kind, status, confidential, screened_at, department_id,
             (received_at AT TIME ZONE 'Asia/Shanghai')::date AS day, abs(hashint4(id * 13)) AS h,
             status IN ('replied', 'closed') AND abs(hashint4(id * 13)) % 3 > 0 AS rated
      FROM feedback_case) AS c
LEFT JOIN department AS d ON d.id = c.department_id
"""
# 5 % of the accepted cases were first given to another division, which returned them.
RETURNS_SQL = """
INSERT INTO report_fact (
    case_id, department, received_on, month, channel, kind, problems, tasks, restricted, valid_on, is_case,
    duplicate, acknowledged, acknowledged_on_time, accepted, replied, replied_on_time, closed, reviewed,
    re_reviewed, assignments, returns, rated_1, rated_2, rated_3, rated_4, rated_5)
SELECT f.case_id, CASE WHEN f.department = 'finance' THEN 'economy' ELSE 'finance' END, f.received_on,
       f.month, f.channel, f.kind, f.problems, f.tasks, f.restricted, f.valid_on,
       false, false, false, false, false, false, false, false, false, false, 1, 1, 0, 0, 0, 0, 0
FROM report_fact AS f
WHERE f.accepted AND f.department NOT IN ('', 'discipline') AND abs(hashint4(f.case_id * 7)) % 20 = 0
"""


@contextmanager
def _database() -> Iterator[str]:
    given = os.environ.get("DATABASE_URL", "").strip()
    if given:
        yield given
        return
    from tests.support import services

    with services.private_postgres() as server:
        yield server


def _set_rollup(flag: bool) -> None:
    from cases.extensions import db
    from cases.models import ReportState

    db.session.get(ReportState, 1).rollup = flag  # type: ignore[union-attr]
    db.session.commit()


def time_queries(runs: int) -> float:
    """Time every dashboard query by the facts alone ("old") and with the roll-up ("new"), run
    alternately on the same data; print the median and max of ``runs`` each; return the worst new."""
    from cases.extensions import db
    from cases.reports import ReportFilters, compute_figures, figures_by

    year = (date(2022, 1, 1), date(2022, 12, 31))
    everything = (date(2021, 1, 1), date(2023, 12, 31))
    scenarios: list[tuple[str, Callable[[], object]]] = [
        ("overall, 2022", lambda: compute_figures(ReportFilters(*year), False)),
        ("by department, 2022", lambda: figures_by("department", ReportFilters(*year), False)),
        ("by problem, 2022", lambda: figures_by("problem", ReportFilters(*year), False)),
        ("by channel, 2022", lambda: figures_by("channel", ReportFilters(*year), False)),
        ("by month, 2022", lambda: figures_by("month", ReportFilters(*year), False)),
        ("department=finance, 2022",
         lambda: compute_figures(ReportFilters(*year, department="finance"), False)),
        ("problem=3.2, 2022", lambda: compute_figures(ReportFilters(*year, problem="3.2"), False)),
        ("channel=email, 2022",
         lambda: compute_figures(ReportFilters(*year, channel="email"), False)),
        ("channel=email by department, 2022",
         lambda: figures_by("department", ReportFilters(*year, channel="email"), False)),
        ("by department, one month (2022-06)",
         lambda: figures_by("department", ReportFilters(date(2022, 6, 1), date(2022, 6, 30)), False)),
        ("overall, 2022-01-15 to 2022-11-20",
         lambda: compute_figures(ReportFilters(date(2022, 1, 15), date(2022, 11, 20)), False)),
        ("overall, everything (2021-2023)",
         lambda: compute_figures(ReportFilters(*everything), False)),
        ("by month, everything, sealed included",
         lambda: figures_by("month", ReportFilters(*everything), True)),
    ]
    print(f"{'dashboard query':40} {'old median':>10} {'old max':>8} {'new median':>10} {'new max':>8}")
    worst = 0.0
    for name, query in scenarios:
        samples: dict[bool, list[float]] = {False: [], True: []}
        answers = {}
        for flag in (False, True):  # warm: plan cache, buffers; and the two answers compared
            _set_rollup(flag)
            answers[flag] = query()
            db.session.rollback()
        assert answers[False] == answers[True], name
        for _ in range(runs):
            for flag in (False, True):
                _set_rollup(flag)
                start = time.perf_counter()
                query()
                samples[flag].append((time.perf_counter() - start) * 1000)
                db.session.rollback()
        old, new = sorted(samples[False]), sorted(samples[True])
        worst = max(worst, new[-1])
        print(f"{name:40} {statistics.median(old):10.1f} {old[-1]:8.1f} "
              f"{statistics.median(new):10.1f} {new[-1]:8.1f}", flush=True)
    received = compute_figures(ReportFilters(*year), False)["received"]
    print(f"worst new: {worst:.1f} ms (goal < 300 ms); 2022 received {received:,}; "
          f"load average {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
    return worst


def main(argv: list[str] | None = None) -> int:
    """Generate the cases and their facts, time the dashboard's queries, print median and max."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    from flask_migrate import upgrade
    from sqlalchemy import text

    from bench.inbox import _generate

    with _database() as server, tempfile.TemporaryDirectory() as instance:
        os.environ["HQCBD_INSTANCE_PATH"] = instance
        from wsgi import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": server, "SECRET_KEY": "bench", "REDIS_URL": None,
                          "EMBEDDED_JOBS": True, "RATELIMIT_STORAGE_URI": "memory://"})
        with app.app_context():
            from cases.catalogue import bundled_notice_path, import_notice, read_notice_file
            from cases.departments import ensure_default_departments
            from cases.extensions import db
            from cases.models import ReportState
            from cases.reports.aggregate import facts_basis, facts_current

            upgrade()
            import_notice(read_notice_file(bundled_notice_path()))
            ensure_default_departments()
            db.session.commit()
            start = time.perf_counter()
            with db.engine.begin() as connection:
                _generate(connection, args.cases)
                connection.execute(text(FACTS_SQL))
                connection.execute(text(RETURNS_SQL))
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
            # Built "with today's calendar and clocks", as `report rebuild` records it: the facts are used.
            db.session.add(ReportState(id=1, basis=facts_basis(), rollup=False))
            db.session.commit()
            assert facts_current()
            cases = db.session.scalar(text("SELECT count(*) FROM feedback_case"))
            rows = db.session.scalar(text("SELECT count(*) FROM report_fact"))
            print(f"generated {cases:,} cases and {rows:,} fact rows in {time.perf_counter() - start:.0f} s "
                  f"(PostgreSQL {db.session.scalar(text('SHOW server_version'))})")

            from cases.reports.facts import write_facts
            from cases.reports.rollup import rebuild_rollup, refresh_months

            start = time.perf_counter()
            rebuild_rollup()
            db.session.commit()
            cells = db.session.scalar(text("SELECT count(*) FROM report_rollup"))
            counts = db.session.scalar(text("SELECT count(*) FROM report_rollup_count"))
            print(f"roll-up built in {time.perf_counter() - start:.1f} s: {cells:,} cells, "
                  f"{counts:,} count rows")
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE report_rollup, report_rollup_count"))
            start = time.perf_counter()
            refresh_months({"2022-06"})
            db.session.commit()
            elapsed = (time.perf_counter() - start) * 1000
            print(f"one month's roll-up rewritten from its facts: {elapsed:.0f} ms")
            # A refresh job: the facts of 100 cases of June 2022 rewritten, with and without adjusting
            # the roll-up's cells (rolled back: the data stay as generated).
            ids = list(db.session.scalars(text(
                "SELECT id FROM feedback_case WHERE received_at >= '2022-06-10' ORDER BY id LIMIT 100")))
            refresh: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(3):
                for flag in (False, True):
                    start = time.perf_counter()
                    write_facts(ids, rollup=flag)
                    refresh[flag].append((time.perf_counter() - start) * 1000)
                    db.session.rollback()
            print(f"refresh of 100 cases' facts: median {statistics.median(refresh[False]):.0f} ms, "
                  f"{statistics.median(refresh[True]):.0f} ms with the roll-up's cells adjusted (3 runs)")
            print(f"load average before the queries: {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
            time_queries(args.runs)
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
