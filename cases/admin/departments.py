"""Departments on the administration pages: names in both languages, kind, approval flag, active.

A department that still holds unfinished cases is deactivated only when the admin confirms, having
been told how many: the cases stay with it (its staff can finish them), but no new case is routed
to it and its routing rules stop applying. Refusing outright would force the party office to move
every case by hand before a reorganisation takes effect; saying nothing would strand cases unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func

from cases.admin import AdminError, audit
from cases.domain.states import OPEN_STATUSES
from cases.extensions import db
from cases.models import Case, Department, RoutingRule, StaffUser
from cases.models.org import user_department

PARTY_OFFICE = "party_office"
DISCIPLINE = "discipline"
DIVISION = "division"
KINDS: tuple[str, ...] = (DIVISION, PARTY_OFFICE, DISCIPLINE)
# One active department of each of these kinds: sealed cases go to the discipline group, replies
# to the party office for approval (cases.triage.routing takes the first one it finds).
SINGLE_KINDS = frozenset({PARTY_OFFICE, DISCIPLINE})
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_FIELDS = ("code", "name_zh", "name_en", "kind", "active", "office_approval")


@dataclass(frozen=True)
class DepartmentRow:
    """A department with what the list shows about it."""

    department: Department
    open_cases: int
    members: int
    rules: int


def department_snapshot(department: Department) -> dict[str, Any]:
    """What the audit log keeps of a department."""
    return audit.snapshot(department, _FIELDS)


def open_case_count(department: Department) -> int:
    """How many unfinished cases the department holds."""
    return db.session.scalar(
        db.select(func.count(Case.id)).where(Case.department_id == department.id,
                                             Case.status.in_(sorted(OPEN_STATUSES)))
    ) or 0


def _counts(column: Any, query: Any) -> dict[int, int]:
    return {key: count for key, count in db.session.execute(query.group_by(column)).all()}


def department_rows() -> list[DepartmentRow]:
    """Every department (active first, then by code) with its open cases, members and rules."""
    cases = _counts(Case.department_id, db.select(Case.department_id, func.count(Case.id))
                    .where(Case.status.in_(sorted(OPEN_STATUSES))))
    members = _counts(user_department.c.department_id,
                      db.select(user_department.c.department_id, func.count()))
    rules = _counts(RoutingRule.department_id,
                    db.select(RoutingRule.department_id, func.count(RoutingRule.id)))
    departments = db.session.scalars(db.select(Department)
                                     .order_by(Department.active.desc(), Department.code))
    return [DepartmentRow(d, cases.get(d.id, 0), members.get(d.id, 0), rules.get(d.id, 0))
            for d in departments]


def _check_single_kind(kind: str, active: bool, department: Department | None) -> None:
    if kind not in KINDS:
        raise AdminError(_("Choose the kind of department."), "kind")
    if kind in SINGLE_KINDS and active:
        other = db.session.scalar(db.select(Department.id).where(
            Department.kind == kind, Department.active.is_(True),
            Department.id != (department.id if department else -1)))
        if other is not None:
            raise AdminError(_("There is already an active department of this kind: there can be only one."),
                             "kind")


def _check_names(name_zh: str, name_en: str) -> None:
    if not name_zh.strip():
        raise AdminError(_("Enter the Chinese name."), "name_zh")
    if not name_en.strip():
        raise AdminError(_("Enter the English name."), "name_en")


def create_department(code: str, name_zh: str, name_en: str, kind: str, office_approval: bool, *,
                      actor: StaffUser) -> Department:
    """Add a department (active). Flushes."""
    code = code.strip()
    if not CODE_PATTERN.match(code):
        raise AdminError(_("A code has 2 to 40 lower-case letters, digits or underscores, starting with a "
                           "letter."), "code")
    if db.session.scalar(db.select(Department.id).where(Department.code == code)) is not None:
        raise AdminError(_("A department with this code already exists."), "code")
    _check_names(name_zh, name_en)
    _check_single_kind(kind, True, None)
    department = Department(code=code, name_zh=name_zh.strip(), name_en=name_en.strip(), kind=kind,
                            active=True, office_approval=office_approval)
    db.session.add(department)
    db.session.flush()
    audit.record(audit.DEPARTMENT, department.id, "created", actor=actor,
                 after=department_snapshot(department))
    return department


def _check_may_leave_service(department: Department) -> None:
    """Deactivating (or changing the kind of) a department the routing still needs is refused."""
    default = db.session.scalar(db.select(RoutingRule).where(
        RoutingRule.problem_code.is_(None), RoutingRule.task_id.is_(None)).order_by(RoutingRule.id))
    if default is not None and default.department_id == department.id:
        raise AdminError(_("The default routing rule sends cases to this department: choose another "
                           "department for the default rule first."), "active")
    if department.kind in SINGLE_KINDS and db.session.scalar(db.select(Department.id).where(
            Department.kind == department.kind, Department.active.is_(True), Department.id != department.id)
    ) is None:
        raise AdminError(_("This is the only active department of its kind, which the handling of cases "
                           "needs: make another department of this kind active first."), "active")


def update_department(department: Department, name_zh: str, name_en: str, kind: str, office_approval: bool,
                      active: bool, *, confirmed: bool, actor: StaffUser) -> None:
    """Change a department; deactivating one with unfinished cases needs ``confirmed``. Flushes."""
    before = department_snapshot(department)
    _check_names(name_zh, name_en)
    leaving = department.active and not active
    if leaving or (department.active and kind != department.kind and department.kind in SINGLE_KINDS):
        _check_may_leave_service(department)
    _check_single_kind(kind, active, department)
    if leaving and not confirmed:
        count = open_case_count(department)
        if count:
            raise AdminError(ngettext(
                "This department still holds %(num)d unfinished case. Tick the confirmation to deactivate "
                "it anyway: the case stays with it, but no new case will be routed to it.",
                "This department still holds %(num)d unfinished cases. Tick the confirmation to deactivate "
                "it anyway: the cases stay with it, but no new case will be routed to it.", count), "confirm")
    department.name_zh, department.name_en = name_zh.strip(), name_en.strip()
    department.kind, department.office_approval, department.active = kind, office_approval, active
    db.session.flush()
    action = "deactivated" if leaving else "reactivated" if active and not before["active"] else "updated"
    audit.record(audit.DEPARTMENT, department.id, action, actor=actor, before=before,
                 after=department_snapshot(department))
