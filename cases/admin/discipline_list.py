"""The discipline track's handling list (初步核实, 谈话函询, 立案审查, 了结…), kept by admins only.

A measure some case has used is never deleted (the case's history names it): it is deactivated
instead, so it is no longer offered but still reads the same where it was recorded.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from cases.admin import AdminError, audit
from cases.admin.departments import CODE_PATTERN
from cases.extensions import db
from cases.handling.discipline import STEP_EVENT
from cases.models import CaseEvent, DisciplineMeasure, StaffUser

_FIELDS = ("code", "name_zh", "name_en", "position", "concludes", "active")


def measure_snapshot(measure: DisciplineMeasure) -> dict[str, Any]:
    """What the audit log keeps of a measure."""
    return audit.snapshot(measure, _FIELDS)


def all_measures() -> list[DisciplineMeasure]:
    """Every measure in handling order (active and inactive)."""
    return list(db.session.scalars(db.select(DisciplineMeasure).order_by(DisciplineMeasure.position,
                                                                          DisciplineMeasure.id)))


def measure_in_use(measure: DisciplineMeasure) -> bool:
    """Whether any case's history names the measure.

    The discipline track records each step as a ``discipline_step`` event whose detail holds the
    measure's code (cases.handling.discipline); the code is looked for as a JSON string value of
    that detail, a cautious test (any key holding it counts): a wrong "unused" would delete what a
    case refers to.
    """
    return db.session.scalar(
        db.select(CaseEvent.id).where(
            CaseEvent.action == STEP_EVENT,
            db.cast(CaseEvent.detail, db.Text).contains(f'"{measure.code}"', autoescape=True),
        ).limit(1)
    ) is not None


def _check(name_zh: str, name_en: str, position: int) -> None:
    if not name_zh.strip():
        raise AdminError(_("Enter the Chinese name."), "name_zh")
    if not name_en.strip():
        raise AdminError(_("Enter the English name."), "name_en")
    if not 0 <= position <= 999:
        raise AdminError(_("The order is a number from 0 to 999."), "position")


def create_measure(code: str, name_zh: str, name_en: str, position: int, concludes: bool, *,
                   actor: StaffUser) -> DisciplineMeasure:
    """Add a measure (active). Flushes."""
    code = code.strip()
    if not CODE_PATTERN.match(code):
        raise AdminError(_("A code has 2 to 40 lower-case letters, digits or underscores, starting with a "
                           "letter."), "code")
    if db.session.scalar(db.select(DisciplineMeasure.id).where(DisciplineMeasure.code == code)) is not None:
        raise AdminError(_("A measure with this code already exists."), "code")
    _check(name_zh, name_en, position)
    measure = DisciplineMeasure(code=code, name_zh=name_zh.strip(), name_en=name_en.strip(),
                                position=position, concludes=concludes, active=True)
    db.session.add(measure)
    db.session.flush()
    audit.record(audit.DISCIPLINE_MEASURE, measure.id, "created", actor=actor,
                 after=measure_snapshot(measure))
    return measure


def update_measure(measure: DisciplineMeasure, name_zh: str, name_en: str, position: int, concludes: bool,
                   active: bool, *, actor: StaffUser) -> None:
    """Change a measure's names, order, whether it concludes, whether it is offered. Flushes."""
    _check(name_zh, name_en, position)
    before = measure_snapshot(measure)
    measure.name_zh, measure.name_en = name_zh.strip(), name_en.strip()
    measure.position, measure.concludes, measure.active = position, concludes, active
    db.session.flush()
    action = ("deactivated" if before["active"] and not active
              else "reactivated" if active and not before["active"] else "updated")
    audit.record(audit.DISCIPLINE_MEASURE, measure.id, action, actor=actor, before=before,
                 after=measure_snapshot(measure))


def delete_measure(measure: DisciplineMeasure, *, actor: StaffUser) -> None:
    """Delete a measure no case has used (a used one is refused: deactivate it). Flushes."""
    if measure_in_use(measure):
        raise AdminError(_("A case has used this measure: it cannot be deleted. Deactivate it instead."))
    audit.delete_row(measure, audit.DISCIPLINE_MEASURE, measure.id, measure_snapshot(measure), actor=actor)
