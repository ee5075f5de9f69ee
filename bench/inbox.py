"""Inbox benchmark: 1,000,000 generated cases on a private PostgreSQL, p50/p95 of the inbox queries.

    .venv/bin/python bench/inbox.py [--cases 1000000] [--runs 40]

Starts a throw-away PostgreSQL cluster (tests/support/services.private_postgres), migrates it,
imports the bundled notice and the default departments, generates the cases with one
INSERT … SELECT generate_series (a realistic mix: most cases closed, the recent ones open, 2 %
sealed accusations, 70 % linked to a problem, jieba-style segmented search words), then times the
inbox page query (the same code the staff inbox runs: visibility, filters, keyset, search) for
every filter, a search, a second page, and the count badges, for a triager, a department handler
and a discipline inspector.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project root (and our `mailbox`) first
    sys.path.insert(0, str(ROOT))

# (text, the words jieba gives for it): bodies are built from these, search_text from their words.
PHRASES = [
    ("核心区楼宇空置率仍然偏高", "核心 核心区 楼宇 空置 空置率 仍然 偏高"),
    ("那几栋楼一直空着", "那 几栋 楼 一直 空着"),
    ("建议加大招商引资力度", "建议 加大 招商 引资 招商引资 力度"),
    ("地铁站离写字楼太远", "地铁 地铁站 离 写字 写字楼 太远"),
    ("停车难的问题没有解决", "停车 停车难 的 问题 没有 解决"),
    ("审批流程太慢企业等了三个月", "审批 流程 太慢 企业 等 了 三个 月"),
    ("希望加强干部作风建设", "希望 加强 干部 作风 建设 作风建设"),
    ("规划调整没有公开征求意见", "规划 调整 没有 公开 征求 意见"),
    ("会展期间交通拥堵严重", "会展 期间 交通 拥堵 严重"),
    ("商业配套不足晚上没地方吃饭", "商业 配套 不足 晚上 没 地方 吃饭"),
    ("人才公寓申请条件不清楚", "人才 公寓 人才公寓 申请 条件 不 清楚"),
    ("财务报销制度执行不严", "财务 报销 制度 执行 不严"),
    ("政策兑现不及时", "政策 兑现 不 及时"),
    ("企业服务专员联系不上", "企业 服务 专员 联系 不上"),
    ("土地出让后迟迟没有开工", "土地 出让 后 迟迟 没有 开工"),
    ("建议在虹桥枢纽增加指示牌", "建议 在 虹桥 枢纽 增加 指示 指示牌"),
]
RARE_WORD = "大白楼"  # in about 1 case in 10,000: a search that finds few


def _generate(connection: object, total: int) -> None:
    from sqlalchemy import text

    texts = "ARRAY[" + ",".join(f"'{p}'" for p, _w in PHRASES) + "]"
    words = "ARRAY[" + ",".join(f"'{w}'" for _p, w in PHRASES) + "]"
    n = len(PHRASES)
    # Status by age: the newest 5 % are open, older ones mostly finished.
    # Our own constants only (no input reaches this text); the numbers are bound parameters.
    sql = f"""
    INSERT INTO feedback_case (
        reference, tracking_code_hash, channel, kind, status, subject, body, submitter_name,
        submitter_email, submitter_phone, anonymous, consent, language, received_at, created_at,
        updated_at, confidential, department_id, acceptance_due, reply_due, email_undeliverable,
        due_estimated, extension_days, referred_to, search_text, screened_at, review_round)
    SELECT
        'HQ-' || (2021 + i / 400000) || '-' || lpad((i % 400000 + 1)::text, 6, '0'),
        md5(i::text) || md5((i + 7)::text),
        (ARRAY['web','web','web','email','email','letter','phone','visit'])[1 + (h % 8)],
        CASE WHEN h % 50 = 0 THEN 'accusation'
             WHEN i > :open_from AND h % 3 = 0 THEN NULL
             ELSE (ARRAY['suggestion','suggestion','suggestion','claim','enquiry',
                         'out_of_scope'])[1 + (h / 8 % 6)] END,
        CASE WHEN i > :open_from THEN (ARRAY['received','received','accepted','assigned','assigned',
                                             'assigned','answered','approved'])[1 + (h / 16 % 8)]
             ELSE (ARRAY['closed','closed','closed','closed','closed','closed','replied','not_accepted',
                         'duplicate','out_of_scope'])[1 + (h / 16 % 10)] END,
        ({texts})[1 + (h / 3 % {n})],
        ({texts})[1 + (h / 5 % {n})] || '，' || ({texts})[1 + (h / 7 % {n})] || '。'
            || CASE WHEN h % 10000 = 17 THEN '{RARE_WORD}' ELSE '' END,
        '市民' || (i % 9973), 'p' || i || '@example.test', '', false, true, 'zh_Hans',
        TIMESTAMPTZ '2021-01-01 00:00:00+00' + i * INTERVAL '75 seconds',
        TIMESTAMPTZ '2021-01-01 00:00:00+00' + i * INTERVAL '75 seconds',
        TIMESTAMPTZ '2021-01-01 00:00:00+00' + i * INTERVAL '75 seconds',
        h % 50 = 0,
        CASE WHEN h % 50 = 0 THEN :discipline ELSE (:first_division + (h / 32 % :divisions)) END,
        (DATE '2021-01-01' + (i * 75 / 86400) + 21),
        (DATE '2021-01-01' + (i * 75 / 86400) + 90),
        false, false, 0, '',
        'hq ' || ({words})[1 + (h / 3 % {n})] || ' ' || ({words})[1 + (h / 5 % {n})] || ' '
            || ({words})[1 + (h / 7 % {n})]
            || CASE WHEN h % 10000 = 17 THEN ' {RARE_WORD}' ELSE '' END,
        -- the newest e-mails still wait for the screening job (held)
        CASE WHEN i >= :total - 200 AND h % 2 = 0 THEN NULL
             ELSE TIMESTAMPTZ '2021-01-01 00:00:00+00' + i * INTERVAL '75 seconds' END,
        0
    FROM (SELECT i, abs(hashint4(i)) AS h FROM generate_series(0, :total - 1) AS i) AS numbers
    """  # noqa: S608
    departments = dict(connection.execute(text("SELECT code, id FROM department")).all())  # type: ignore[attr-defined]
    divisions = sorted(i for c, i in departments.items() if c not in ("party_office", "discipline"))
    connection.execute(
        text(sql),
        {  # type: ignore[attr-defined]
            "total": total,
            "open_from": int(total * 0.95),
            "discipline": departments["discipline"],
            "first_division": divisions[0],
            "divisions": len(divisions),
        },
    )
    problems = [row[0] for row in connection.execute(text("SELECT id FROM problem ORDER BY code"))]  # type: ignore[attr-defined]
    connection.execute(
        text(  # type: ignore[attr-defined]
            "INSERT INTO case_problem (case_id, problem_id) "
            "SELECT id, (:problems)[1 + abs(hashint4(id * 31)) % :n] FROM feedback_case "
            "WHERE abs(hashint4(id * 17)) % 10 < 7"
        ),
        {"problems": problems, "n": len(problems)},
    )


def _timed(function: Callable[[], object], runs: int) -> tuple[float, float]:
    function()  # warm: plan cache, buffers
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(round(0.95 * len(samples))) - 1)]


def main(argv: list[str] | None = None) -> int:
    """Generate the cases, time the queries, print p50/p95 per query."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--explain",
        action="append",
        default=[],
        help="print the PostgreSQL plan of the scenarios whose name contains this",
    )
    args = parser.parse_args(argv)

    import os
    import tempfile

    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.support import services

    with services.private_postgres() as server, tempfile.TemporaryDirectory() as instance:
        os.environ["HQCBD_INSTANCE_PATH"] = instance
        from wsgi import create_app

        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": server,
                "SECRET_KEY": "bench",
                "REDIS_URL": None,
                "EMBEDDED_JOBS": True,
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )
        with app.app_context():
            from cases.catalogue import bundled_notice_path, import_notice, read_notice_file
            from cases.departments import ensure_default_departments
            from cases.extensions import db
            from cases.triage.inbox import InboxFilters, count_badges, inbox_page, make_cursor
            from cases.users import create_user

            upgrade()
            import_notice(read_notice_file(bundled_notice_path()))
            ensure_default_departments()
            triager, _pw = create_user("triager@hqcbd.shanghai.gov.cn", ["triager"])
            handler, _pw = create_user("handler@hqcbd.shanghai.gov.cn", ["handler"], ["economy"])
            inspector, _pw = create_user("inspector@hqcbd.shanghai.gov.cn", ["inspector"], ["discipline"])
            db.session.commit()
            start = time.perf_counter()
            with db.engine.begin() as connection:
                _generate(connection, args.cases)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
            count = db.session.scalar(text("SELECT count(*) FROM feedback_case"))
            print(
                f"generated {count:,} cases in {time.perf_counter() - start:.0f} s "
                f"(PostgreSQL {db.session.scalar(text('SHOW server_version'))})"
            )

            today = date(2024, 6, 1)  # inside the generated range: some open cases are overdue
            size = 50
            first = inbox_page(triager, InboxFilters(), today, size)
            scenarios: list[tuple[str, object, InboxFilters]] = [
                ("triager: all, first page", triager, InboxFilters()),
                ("triager: second page (keyset)", triager, InboxFilters(after=first.next_cursor or "")),
                (
                    "triager: deep page (keyset, 2022)",
                    triager,
                    InboxFilters(after=f"{datetime(2022, 6, 1, tzinfo=UTC).isoformat()}_999999999"),
                ),
                ("triager: status=received", triager, InboxFilters(status="received")),
                ("triager: status=open", triager, InboxFilters(status="open")),
                ("triager: channel=visit", triager, InboxFilters(channel="visit")),
                ("triager: kind=claim", triager, InboxFilters(kind="claim")),
                ("triager: kind not set", triager, InboxFilters(kind="none")),
                ("triager: problem=3.2", triager, InboxFilters(problem="3.2")),
                ("triager: department=finance", triager, InboxFilters(department="finance")),
                ("triager: overdue", triager, InboxFilters(overdue=True)),
                ("triager: confidential=no", triager, InboxFilters(confidential="no")),
                ("triager: search 空置 (common)", triager, InboxFilters(q="空置")),
                ("triager: search 人才公寓 申请", triager, InboxFilters(q="人才公寓申请")),
                (f"triager: search {RARE_WORD} (rare)", triager, InboxFilters(q=RARE_WORD)),
                ("triager: search by reference", triager, InboxFilters(q="HQ-2022-123456")),
                (
                    "triager: received + visit + search",
                    triager,
                    InboxFilters(status="received", channel="visit", q="建议"),
                ),
                ("handler (economy): all", handler, InboxFilters()),
                ("handler (economy): overdue", handler, InboxFilters(overdue=True)),
                ("handler (economy): search 停车", handler, InboxFilters(q="停车")),
                ("inspector: all sealed", inspector, InboxFilters()),
                ("inspector: sealed, open", inspector, InboxFilters(status="open")),
            ]
            print(f"{'query':48} {'p50 ms':>8} {'p95 ms':>8}")
            worst = 0.0
            for name, user, filters in scenarios:

                def run(user: object = user, filters: InboxFilters = filters) -> None:
                    inbox_page(user, filters, today, size)  # type: ignore[arg-type]
                    db.session.rollback()

                p50, p95 = _timed(run, args.runs)
                worst = max(worst, p95)
                print(f"{name:48} {p50:8.1f} {p95:8.1f}")
                if any(part in name for part in args.explain):
                    from cases.triage.inbox import _common_search, inbox_select

                    if _common_search(filters):
                        db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
                        db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
                    compiled = inbox_select(user, filters, today, size).compile(  # type: ignore[arg-type]
                        db.engine, compile_kwargs={"literal_binds": True}
                    )
                    for (line,) in db.session.execute(text(f"EXPLAIN ANALYZE {compiled}")):
                        print("    " + line)
                    db.session.rollback()
            for name, user in (
                ("count badges: triager", triager),
                ("count badges: handler", handler),
                ("count badges: inspector", inspector),
            ):

                def badges(user: object = user) -> None:
                    count_badges(user, today)  # type: ignore[arg-type]
                    db.session.rollback()

                p50, p95 = _timed(badges, args.runs)
                worst = max(worst, p95)
                print(f"{name:48} {p50:8.1f} {p95:8.1f}")
            print(
                f"worst p95: {worst:.1f} ms (target < 100 ms); cursor example {make_cursor(first.cases[-1])}"
            )
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
