"""The demo's departments and staff: created when missing, found again on the next run."""

from __future__ import annotations

from dataclasses import dataclass, field

from cases.departments import ensure_default_departments
from cases.domain import roles
from cases.extensions import db
from cases.handling.discipline_measures import ensure_default_measures
from cases.models import Department, StaffUser
from cases.users import create_user

DOMAIN = "demo.example.com"  # example.com is reserved (RFC 2606): nothing can reach it


@dataclass
class DemoStaff:
    """Who acts in the demo: the party office, the discipline group, and each division's people."""

    triager: StaffUser
    supervisor: StaffUser
    inspector: StaffUser
    leader: StaffUser
    handlers: dict[str, StaffUser] = field(default_factory=dict)
    heads: dict[str, StaffUser] = field(default_factory=dict)


def _user(email: str, role: str, department: str | None, name: str) -> StaffUser:
    found = db.session.scalar(db.select(StaffUser).where(StaffUser.email == email))
    if found is not None:
        return found
    user, _password = create_user(email, [role], [department] if department else [], display_name=name)
    return user


def ensure_demo_staff() -> DemoStaff:
    """Default departments, discipline measures and one person per role (per division for the
    handler and head roles), created when missing; their passwords are random (reset them with
    ``flask users``). Flushes."""
    ensure_default_departments()
    ensure_default_measures()
    db.session.flush()
    team = DemoStaff(
        triager=_user(f"triager@{DOMAIN}", roles.TRIAGER, None, "孙分办"),
        supervisor=_user(f"supervisor@{DOMAIN}", roles.SUPERVISOR, "party_office", "钱主任"),
        inspector=_user(f"inspector@{DOMAIN}", roles.INSPECTOR, "discipline", "周纪检"),
        leader=_user(f"leader@{DOMAIN}", roles.LEADER, None, "吴主任"),
    )
    divisions = db.session.scalars(
        db.select(Department).where(Department.kind != "discipline").order_by(Department.code)
    )
    for department in divisions:
        team.handlers[department.code] = _user(
            f"handler.{department.code}@{DOMAIN}",
            roles.HANDLER,
            department.code,
            f"{department.name_zh}经办人",
        )
        team.heads[department.code] = _user(
            f"head.{department.code}@{DOMAIN}",
            roles.DEPT_HEAD,
            department.code,
            f"{department.name_zh}负责人",
        )
    return team
