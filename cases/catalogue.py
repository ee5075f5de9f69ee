"""The rectification catalogue service: import a notice into the database and read it back.

Services flush, never commit: the boundary (CLI command, view, job) commits once.

Identity of a notice: the sha256 of its text after :func:`normalise` (BOM dropped, line ends made
``\\n``), so the same notice saved with CRLF or a BOM is recognised as already imported.

JSON shape of :func:`catalogue_as_dict` (what ``flask catalogue show --json`` prints)::

    {
      "id": 1,
      "title": "中共上海虹桥国际中央商务区管理委员会党组关于…的通报",
      "source_sha256": "…64 hex…",
      "imported_at": "2024-01-01T00:00:00+00:00",
      "figures": {"problems_total": 36, "problems_rectified": 30, "measures_total": 96,
                  "measures_done": 86, "people_criticised": 2, "rules_new": 7,
                  "rules_revised": 1},                 # null when the notice does not say
      "counts": {"areas": 4, "problems": 12, "tasks": 32, "measures": 91},   # parsed rows
      "areas": [
        {"number": 1, "title": "关于贯彻落实…方面的整改",
         "problems": [
           {"number": 1, "code": "1.1", "title": "针对开发初期偏重“形象”…问题",
            "tasks": [
              {"position": 1, "headline": "聚焦“功能”和“效益”,持续加大商务区经济发展力度",
               "body": "<the whole paragraph as published>",
               "measures": [{"position": 1, "label": "一是", "text": "深化战略内涵研究。…"}]}
            ]}
         ]}
      ]
    }

``figures`` are what the notice states about itself; ``counts`` are what was parsed. They differ
by design (the notice counts 96 measures, its text labels 91 with 一是…).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import make_transient_to_detached, selectinload

from cases.domain.catalogue_parser import FIGURE_NAMES, ParsedNotice, normalise, parse_notice
from cases.extensions import db
from cases.models.catalogue import Area, Measure, Problem, RectificationPlan, Task
from cases.process_cache import RowCache

BUNDLED_NOTICE = Path(__file__).resolve().parent / "data" / "notice_2023_hqcbd.txt"


def bundled_notice_path() -> Path:
    """The path of the notice bundled with the application (the 2023 HQCBD notice)."""
    return BUNDLED_NOTICE


def read_notice_file(path: Path | str) -> str:
    """A notice file's text, decoded as UTF-8 with or without a BOM (UnicodeDecodeError if not)."""
    return Path(path).read_bytes().decode("utf-8-sig")


def source_sha256(text: str) -> str:
    """The identity of a notice: sha256 of its normalised text."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def find_plan(text: str) -> RectificationPlan | None:
    """The plan already imported from this text, if any."""
    return db.session.scalar(
        select(RectificationPlan).where(RectificationPlan.source_sha256 == source_sha256(text))
    )


def import_or_get(text: str) -> tuple[RectificationPlan, bool]:
    """Import a notice unless already imported; return the plan and whether it was created."""
    existing = find_plan(text)
    if existing is not None:
        return existing, False
    # Parse fully before adding anything, so a NoticeFormatError leaves the session untouched.
    parsed = parse_notice(text)
    plan = _build_plan(parsed, normalise(text))
    db.session.add(plan)
    db.session.flush()
    return plan, True


def import_notice(text: str) -> RectificationPlan:
    """Parse a notice and add its plan tree to the session (flushed, not committed); idempotent."""
    return import_or_get(text)[0]


def _build_plan(parsed: ParsedNotice, text: str) -> RectificationPlan:
    plan = RectificationPlan(
        title=parsed.title,
        source_sha256=source_sha256(text),
        source_text=text,
        **{name: parsed.figures.get(name) for name in FIGURE_NAMES},
    )
    plan.areas = [
        Area(
            number=area.number,
            title=area.title,
            problems=[
                Problem(
                    number=problem.number,
                    code=problem.code,
                    title=problem.title,
                    tasks=[
                        Task(
                            position=task.position,
                            headline=task.headline,
                            body=task.body,
                            measures=[
                                Measure(position=m.position, label=m.label, text=m.text)
                                for m in task.measures
                            ],
                        )
                        for task in problem.tasks
                    ],
                )
                for problem in area.problems
            ],
        )
        for area in parsed.areas
    ]
    return plan


def current_plan_id() -> int | None:
    """The id of the most recently imported plan (the current catalogue), or None."""
    return db.session.scalar(
        select(RectificationPlan.id)
        .order_by(RectificationPlan.imported_at.desc(), RectificationPlan.id.desc())
        .limit(1)
    )


def _problem_rows() -> list[tuple[str, int, str]]:
    rows = db.session.execute(
        select(Problem.code, Problem.id, Problem.title).join(Area)
        .where(Area.plan_id == current_plan_id()).order_by(Area.number, Problem.number)
    )
    return [(code, problem_id, title) for code, problem_id, title in rows]


# The web form lists the problems and every opinion names one; the catalogue changes when a
# notice is imported.
_PROBLEM_ROWS = RowCache("current_problem_rows", 60.0, (RectificationPlan, Area, Problem))


def current_problem_titles() -> list[tuple[str, str]]:
    """(code, title) of the current catalogue's problems in order (cached for a minute)."""
    return [(code, title) for code, _id, title in _PROBLEM_ROWS.get(_problem_rows)]


def current_problems_by_code(codes: Iterable[str]) -> list[Problem]:
    """The current catalogue's problems with these codes (unknown codes left out), without a query.

    Codes repeat from one notice to the next: only the current plan's problem is meant.
    """
    ids = {code: problem_id for code, problem_id, _title in _PROBLEM_ROWS.get(_problem_rows)}
    found = []
    for code in dict.fromkeys(codes):
        if code in ids:
            stub = Problem(id=ids[code], code=code)
            make_transient_to_detached(stub)
            found.append(db.session.merge(stub, load=False))  # the row exists: no SELECT needed
    return found


def current_plan() -> RectificationPlan | None:
    """The most recently imported plan, its whole tree loaded, or None when none is imported."""
    return db.session.scalar(
        select(RectificationPlan)
        .options(
            selectinload(RectificationPlan.areas)
            .selectinload(Area.problems)
            .selectinload(Problem.tasks)
            .selectinload(Task.measures)
        )
        .order_by(RectificationPlan.imported_at.desc(), RectificationPlan.id.desc())
        .limit(1)
    )


def import_bundled_if_missing() -> tuple[RectificationPlan, bool]:
    """Import the bundled notice when no catalogue exists; return the current plan and whether."""
    # "Missing" means no catalogue at all: once a newer notice is imported, importing the bundled
    # (older) one again would make it the current plan.
    plan = current_plan()
    if plan is not None:
        return plan, False
    return import_or_get(read_notice_file(bundled_notice_path()))


def plan_counts(plan: RectificationPlan) -> dict[str, int]:
    """How many areas, problems, tasks and measures a plan has."""
    problems = [p for a in plan.areas for p in a.problems]
    tasks = [t for p in problems for t in p.tasks]
    return {
        "areas": len(plan.areas),
        "problems": len(problems),
        "tasks": len(tasks),
        "measures": sum(len(t.measures) for t in tasks),
    }


def figures_of(plan: RectificationPlan) -> dict[str, int | None]:
    """The figures the notice published about itself (None where it was silent)."""
    return {name: getattr(plan, name) for name in FIGURE_NAMES}


def catalogue_as_dict(plan: RectificationPlan) -> dict[str, Any]:
    """The plan as plain data (the ``show --json`` shape documented in this module)."""
    return {
        "id": plan.id,
        "title": plan.title,
        "source_sha256": plan.source_sha256,
        "imported_at": plan.imported_at.isoformat() if plan.imported_at else None,
        "figures": figures_of(plan),
        "counts": plan_counts(plan),
        "areas": [
            {
                "number": area.number,
                "title": area.title,
                "problems": [
                    {
                        "number": problem.number,
                        "code": problem.code,
                        "title": problem.title,
                        "tasks": [
                            {
                                "position": task.position,
                                "headline": task.headline,
                                "body": task.body,
                                "measures": [
                                    {"position": m.position, "label": m.label, "text": m.text}
                                    for m in task.measures
                                ],
                            }
                            for task in problem.tasks
                        ],
                    }
                    for problem in area.problems
                ],
            }
            for area in plan.areas
        ],
    }
