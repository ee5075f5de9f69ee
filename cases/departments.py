"""Departments and routing defaults (editable data, seeded from cases/data/departments.json)."""

from __future__ import annotations

import json
from pathlib import Path

from cases.extensions import db
from cases.models import Department, RoutingRule

DEFAULTS_FILE = Path(__file__).parent / "data" / "departments.json"


def load_defaults() -> dict[str, list[dict[str, str | None]]]:
    """The shipped default departments and routing rules."""
    return json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))


def ensure_default_departments() -> tuple[int, int]:
    """Create missing default departments and routing rules; return how many of each were added.

    Existing rows are left alone: staff may have edited them.
    """
    defaults = load_defaults()
    by_code = {d.code: d for d in db.session.scalars(db.select(Department))}
    added_departments = 0
    for row in defaults["departments"]:
        if row["code"] not in by_code:
            department = Department(
                code=row["code"], kind=row["kind"], name_zh=row["name_zh"], name_en=row["name_en"]
            )
            db.session.add(department)
            by_code[department.code] = department
            added_departments += 1
    db.session.flush()
    existing_rules = {
        rule.problem_code for rule in db.session.scalars(db.select(RoutingRule)) if rule.task_id is None
    }
    added_rules = 0
    for row in defaults["routing"]:
        if row["problem"] in existing_rules:
            continue
        db.session.add(
            RoutingRule(
                problem_code=row["problem"],
                department=by_code[str(row["department"])],
                note=row.get("note") or "",
            )
        )
        added_rules += 1
    db.session.flush()
    return added_departments, added_rules


def department_by_code(code: str) -> Department | None:
    """The department with this code, if any."""
    return db.session.scalar(db.select(Department).where(Department.code == code))
