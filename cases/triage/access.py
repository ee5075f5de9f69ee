"""Who may see and act on which case: one SQL condition for lists and counts, and its Python twin.

Sealed cases (accusations, 检举控告, and anything marked confidential) are visible to discipline
inspectors and party-office supervisors only, and never to a person or unit they name. Their
handling on the discipline track (steps, conclusion, report back) is the discipline group's alone:
supervisors triage sealed cases but never see how they are handled (handles_discipline).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select

from cases.domain import roles as role_names
from cases.domain.states import ACCUSATION, is_sealed
from cases.extensions import db
from cases.models import Case, CaseEvent, CaseMessage, CaseNamedParty, StaffUser

# Roles that see every department's ordinary (non-sealed) cases.
ALL_CASE_ROLES = frozenset({role_names.TRIAGER, role_names.SUPERVISOR, role_names.LEADER, role_names.ADMIN})
# Roles that take triage decisions on ordinary cases.
TRIAGE_ROLES = frozenset({role_names.TRIAGER, role_names.SUPERVISOR})
# Roles that take decisions on sealed cases.
SEALED_DECISION_ROLES = role_names.SEALED_ROLES


def sealed_condition() -> ColumnElement[bool]:
    """SQL: the case is sealed."""
    return or_(Case.confidential.is_(True), and_(Case.kind.is_not(None), Case.kind == ACCUSATION))


def held_condition() -> ColumnElement[bool]:
    """SQL: the case waits for screening (it may be an accusation nobody has recognised yet)."""
    return Case.screened_at.is_(None)


def restricted_condition() -> ColumnElement[bool]:
    """SQL: only those who may see sealed cases may see this one (sealed, or held)."""
    return or_(sealed_condition(), held_condition())


def can_read_unscreened(user: StaffUser) -> bool:
    """Whether this user may read what nobody has screened yet (held cases, quarantined mail).

    Unscreened text may be an accusation nobody has recognised: it is shown to those who may
    see sealed cases only, like a sealed case.
    """
    return role_names.can_see_sealed(user.roles)


def _department_ids(user: StaffUser) -> list[int]:
    return [department.id for department in user.departments]


def _names_user(user: StaffUser) -> ColumnElement[bool]:
    """SQL: the case names this user or one of their departments."""
    conditions = [CaseNamedParty.staff_user_id == user.id]
    department_ids = _department_ids(user)
    if department_ids:
        conditions.append(CaseNamedParty.department_id.in_(department_ids))
    return exists(select(CaseNamedParty.id).where(CaseNamedParty.case_id == Case.id, or_(*conditions)))


def visible_condition(user: StaffUser) -> ColumnElement[bool]:
    """SQL: the cases this user may see (and count)."""
    roles = user.roles
    ordinary = not_(restricted_condition())
    allowed: list[ColumnElement[bool]] = []
    if roles & ALL_CASE_ROLES:
        allowed.append(ordinary)
    department_ids = _department_ids(user)
    if roles & role_names.DEPARTMENT_ROLES and department_ids:
        allowed.append(and_(ordinary, Case.department_id.in_(department_ids)))
    if role_names.can_see_sealed(roles):
        allowed.append(restricted_condition())
    if not allowed:
        return false()
    return and_(or_(*allowed), not_(_names_user(user)))


def is_named(user: StaffUser, case: Case) -> bool:
    """Whether the case names this user or one of their departments."""
    department_ids = set(_department_ids(user))
    parties = db.session.scalars(select(CaseNamedParty).where(CaseNamedParty.case_id == case.id))
    return any(
        party.staff_user_id == user.id
        or (party.department_id is not None and party.department_id in department_ids)
        for party in parties
    )


def case_is_sealed(case: Case) -> bool:
    """Whether ``case`` is sealed."""
    return is_sealed(case.kind, case.confidential)


def case_is_held(case: Case) -> bool:
    """Whether ``case`` waits for screening (the Python twin of held_condition)."""
    return case.screened_at is None


def can_view(user: StaffUser, case: Case) -> bool:
    """Whether this user may open ``case`` (the Python twin of visible_condition)."""
    roles = user.roles
    if case_is_sealed(case) or case_is_held(case):
        allowed = can_read_unscreened(user)
    else:
        allowed = bool(roles & ALL_CASE_ROLES) or bool(
            roles & role_names.DEPARTMENT_ROLES and case.department_id in set(_department_ids(user))
        )
    return allowed and not is_named(user, case)


def can_triage(user: StaffUser, case: Case) -> bool:
    """Whether this user takes triage decisions on ``case`` (accept, merge, link, route…)."""
    if not can_view(user, case) or case_is_held(case):
        return False  # decisions wait for the screening (seconds, unless the workers are down)
    wanted = SEALED_DECISION_ROLES if case_is_sealed(case) else TRIAGE_ROLES
    return bool(user.roles & wanted)


def acts_for_department(user: StaffUser, case: Case) -> bool:
    """Whether this user handles ``case`` for the department that holds it (return, extension)."""
    if not can_view(user, case) or case.department_id is None:
        return False
    if case_is_sealed(case):
        return role_names.INSPECTOR in user.roles
    return bool(user.roles & role_names.DEPARTMENT_ROLES) and case.department_id in set(_department_ids(user))


def can_see_contact(user: StaffUser, case: Case) -> bool:
    """Whether this user may read the sender's contact details of a case they can see."""
    return can_view(user, case) and role_names.can_see_contact(user.roles)


# The discipline track's records without a status change: the steps of the handling and the report
# back (the conclusion rides on the closing event's detail, which no page but the panel shows).
DISCIPLINE_EVENTS = frozenset({"discipline_step", "reported_back"})
# Outbound messages of the discipline track (the report back to a named reporter).
DISCIPLINE_PURPOSES = frozenset({"report_back"})


def handles_discipline(user: StaffUser, case: Case) -> bool:
    """Whether this user sees and records the discipline track's handling of ``case``.

    Discipline inspectors only, on a sealed case they may see (never one that names them).
    Party-office supervisors may see sealed cases to triage them, not how they are handled.
    """
    return role_names.INSPECTOR in user.roles and case_is_sealed(case) and can_view(user, case)


def shown_events(user: StaffUser, case: Case, events: Iterable[CaseEvent]) -> list[CaseEvent]:
    """The events of ``case`` this user may read on its timeline (no discipline records for others)."""
    if handles_discipline(user, case):
        return list(events)
    return [event for event in events if event.action not in DISCIPLINE_EVENTS]


def shown_messages(user: StaffUser, case: Case, messages: Iterable[CaseMessage]) -> list[CaseMessage]:
    """The messages of ``case`` this user may read in its thread (no report back for others)."""
    if handles_discipline(user, case):
        return list(messages)
    return [message for message in messages if message.purpose not in DISCIPLINE_PURPOSES]
