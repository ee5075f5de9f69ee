"""The discipline track's list of measures (初步核实, 谈话函询, 立案审查, 了结), kept in the database.

Seeded from cases/data/discipline_measures.json by ``flask init`` (missing codes only: staff may
have renamed, reordered or switched off a measure, and init never undoes that).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cases.extensions import db
from cases.models import DisciplineMeasure

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "data" / "discipline_measures.json"


def load_defaults() -> list[dict[str, Any]]:
    """The shipped default measures."""
    return list(json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["measures"])


def ensure_default_measures() -> int:
    """Add the default measures whose code is missing; return how many were added. Flushes."""
    existing = set(db.session.scalars(db.select(DisciplineMeasure.code)))
    added = 0
    for row in load_defaults():
        if row["code"] in existing:
            continue
        db.session.add(DisciplineMeasure(code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"],
                                         position=int(row["position"]), concludes=bool(row["concludes"]),
                                         active=True))
        added += 1
    db.session.flush()
    return added


def active_measures() -> list[DisciplineMeasure]:
    """The measures an inspector may record now, in the list's order."""
    return list(db.session.scalars(
        db.select(DisciplineMeasure).where(DisciplineMeasure.active.is_(True))
        .order_by(DisciplineMeasure.position, DisciplineMeasure.id)))


def active_measure(code: str) -> DisciplineMeasure | None:
    """The active measure with this code, if any (a switched-off one cannot be recorded any more)."""
    return db.session.scalar(db.select(DisciplineMeasure).where(
        DisciplineMeasure.code == code, DisciplineMeasure.active.is_(True)))
