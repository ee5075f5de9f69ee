"""Staff roles and what each may see."""

from __future__ import annotations

TRIAGER = "triager"
SUPERVISOR = "supervisor"
HANDLER = "handler"
DEPT_HEAD = "dept_head"
INSPECTOR = "inspector"
LEADER = "leader"
ADMIN = "admin"

ROLES: tuple[str, ...] = (TRIAGER, SUPERVISOR, HANDLER, DEPT_HEAD, INSPECTOR, LEADER, ADMIN)

# Roles that need a department (they only see their own department's cases).
DEPARTMENT_ROLES = frozenset({HANDLER, DEPT_HEAD})

# Roles that may read the sender's contact details (they must contact the person).
CONTACT_ROLES = frozenset({TRIAGER, SUPERVISOR, HANDLER, DEPT_HEAD, INSPECTOR})

# Roles that may see sealed accusations (检举控告).
SEALED_ROLES = frozenset({INSPECTOR, SUPERVISOR})

# Roles that may read the report figures (the dashboard, progress per item and their exports):
# leaders, the party office, the discipline group and administrators; not department staff.
REPORT_ROLES = frozenset({LEADER, SUPERVISOR, TRIAGER, INSPECTOR, ADMIN})


def can_see_contact(roles: frozenset[str]) -> bool:
    """Whether a holder of these roles may see a sender's contact details."""
    return bool(roles & CONTACT_ROLES)


def can_see_sealed(roles: frozenset[str]) -> bool:
    """Whether a holder of these roles may see sealed accusation cases."""
    return bool(roles & SEALED_ROLES)


# Roles that may edit the notices sent to the person (the party office's supervisors, admins).
NOTICE_EDITOR_ROLES = frozenset({SUPERVISOR, ADMIN})


def can_edit_notices(roles: frozenset[str]) -> bool:
    """Whether a holder of these roles may change the notice templates."""
    return bool(roles & NOTICE_EDITOR_ROLES)


def can_see_reports(roles: frozenset[str]) -> bool:
    """Whether a holder of these roles may read the report figures."""
    return bool(roles & REPORT_ROLES)
