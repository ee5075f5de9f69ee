"""Likely-duplicates benchmark: a few thousand cases on a private PostgreSQL, time of the case-page panel.

    .venv/bin/python bench/duplicates.py [--cases 3000] [--runs 40]

Starts a throw-away PostgreSQL cluster (tests/support/services.private_postgres), migrates it,
imports the bundled notice, records the cases through the real intake (record_case: classifier,
search words) with the labelled messages of classifier/data/labelled as their texts, one sender in three
writing twice, spread over two years, the older 80 % closed. Then times
cases.triage.duplicates.likely_duplicates for a triager on ``--runs`` cases (p50, p95, most
candidates scored), the work the case page adds.

Measured 2026-12-08 on the shared 2-core machine, 3,000 cases: p50 97 ms, p95 160 ms per panel
(database queries median 45 ms, the rest the classifier's features of the candidates); at most 61
candidates scored (median 44), whatever the number of cases.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project root (and our `mailbox`) first
    sys.path.insert(0, str(ROOT))

from classifier.evaluation import TRAINING_DATA, load_labelled  # noqa: E402


def _texts() -> list[str]:
    return [r["text"] for path in sorted(TRAINING_DATA.glob("*.jsonl")) for r in load_labelled(path)]


def main(argv: list[str] | None = None) -> int:
    """Record the cases, time the panel's query and scoring, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args(argv)

    import os
    import tempfile

    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.support import services

    with services.private_postgres() as server, tempfile.TemporaryDirectory() as instance:
        os.environ["HQCBD_INSTANCE_PATH"] = instance
        from wsgi import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": server, "SECRET_KEY": "bench", "REDIS_URL": None,
                          "EMBEDDED_JOBS": True, "RATELIMIT_STORAGE_URI": "memory://"})
        with app.app_context():
            from cases.catalogue import bundled_notice_path, import_notice, read_notice_file
            from cases.departments import ensure_default_departments
            from cases.extensions import db
            from cases.intake import NewCase, record_case
            from cases.models import Case
            from cases.triage import duplicates
            from cases.users import create_user

            upgrade()
            import_notice(read_notice_file(bundled_notice_path()))
            ensure_default_departments()
            triager, _pw = create_user("triager@hqcbd.shanghai.gov.cn", ["triager"])
            db.session.commit()
            texts, rng = _texts(), random.Random(7)
            now = datetime.now(UTC)
            start = time.perf_counter()
            for i in range(args.cases):
                received = now - timedelta(days=730 * (args.cases - i) / args.cases)
                sender = i if i % 3 else rng.randrange(max(i, 1))
                opinion = NewCase(channel="web", body=texts[i % len(texts)], received_at=received,
                                  submitter_email=f"p{sender}@example.test")
                record_case(opinion, now=received)
                if i % 200 == 199:
                    db.session.commit()
            db.session.commit()
            oldest_open = now - timedelta(days=146)  # the newest 20 % stay open
            db.session.execute(text("UPDATE feedback_case SET status = 'closed', closed_at = received_at "
                                    "+ interval '30 days' WHERE received_at < :cut"), {"cut": oldest_open})
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
            print(f"recorded {args.cases:,} cases in {time.perf_counter() - start:.0f} s")
            probes = list(db.session.scalars(db.select(Case).where(Case.status != "closed",
                                                                   Case.screened_at.is_not(None))))
            rng.shuffle(probes)
            samples, shown, scored, queried = [], [], [], []
            original = duplicates._candidates

            def counting(*a: object, **k: object) -> list[Case]:
                begin = time.perf_counter()
                found = original(*a, **k)  # type: ignore[arg-type]
                queried.append((time.perf_counter() - begin) * 1000)
                scored.append(len(found))
                return found

            duplicates._candidates = counting  # type: ignore[assignment]
            duplicates.likely_duplicates(triager, probes[0], now)  # warm: classifier, plans
            for case in probes[: args.runs]:
                db.session.expire_all()
                begin = time.perf_counter()
                shown.append(len(duplicates.likely_duplicates(triager, case, now)))
                samples.append((time.perf_counter() - begin) * 1000)
            samples.sort()
            p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
            print(f"likely_duplicates on {len(samples)} open cases: p50 {statistics.median(samples):.0f} ms, "
                  f"p95 {p95:.0f} ms; candidates scored: median {statistics.median(scored[1:]):.0f}, "
                  f"max {max(scored[1:])}; of which the database queries: median "
                  f"{statistics.median(queried[1:]):.0f} ms; shown: median {statistics.median(shown):.0f}, "
                  f"max {max(shown)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
