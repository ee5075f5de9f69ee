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
from cases.domain.states import (
    ACCUSATION,
    ANSWERED,
    APPROVED,
    ASSIGNED,
    FINAL_STATUSES,
    OFFICE_REVIEW,
    RE_REVIEW,
    REPLIED,
    REVIEW,
    is_sealed,
)
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


# Statuses in which a department holds a case (its workspace lists them): working on the reply,
# waiting for the head or the party office, approved and waiting to go out, or a review round.
DEPARTMENT_HOLDS = (ASSIGNED, ANSWERED, OFFICE_REVIEW, APPROVED, REVIEW, RE_REVIEW)


def workspace_condition(user: StaffUser) -> ColumnElement[bool]:
    """SQL: the ordinary cases of this user's departments that a department holds (never sealed ones:
    the discipline track has its own pages)."""
    department_ids = _department_ids(user)
    if not user.roles & role_names.DEPARTMENT_ROLES or not department_ids:
        return false()
    return and_(visible_condition(user), not_(restricted_condition()), Case.department_id.in_(department_ids),
                Case.status.in_(DEPARTMENT_HOLDS))


def _ordinary_department_case(user: StaffUser, case: Case) -> bool:
    return not case_is_sealed(case) and acts_for_department(user, case)


def may_draft(user: StaffUser, case: Case) -> bool:
    """Whether this user writes the reply of ``case``: its handler, or anyone of its department with
    the handler role (sealed cases have the discipline track instead)."""
    if not _ordinary_department_case(user, case):
        return False
    return case.handler_id == user.id or role_names.HANDLER in user.roles


def may_take(user: StaffUser, case: Case) -> bool:
    """Whether this user may become the handler of ``case`` while its department works on the reply (a
    handler or the head of that department); taking it from a colleague needs may_take_over as well."""
    if not _ordinary_department_case(user, case) or case.status != ASSIGNED:
        return False
    return bool(user.roles & role_names.DEPARTMENT_ROLES)


def may_take_over(user: StaffUser, case: Case) -> bool:
    """Whether this user may take ``case`` from the colleague handling it: the head of its department."""
    return is_department_head(user, case)


def is_department_head(user: StaffUser, case: Case) -> bool:
    """Whether this user heads the department holding ``case`` (approves its replies)."""
    return role_names.DEPT_HEAD in user.roles and _ordinary_department_case(user, case)


def approves_for_office(user: StaffUser, case: Case) -> bool:
    """Whether this user approves replies for the party office (a supervisor who may see the case)."""
    return role_names.SUPERVISOR in user.roles and can_view(user, case) and not case_is_held(case)


def whose_turn(user: StaffUser, case: Case) -> bool:
    """Whether ``case`` waits for this user's part now; opening it then takes the edit lock.

    Only the one whose turn it is locks the case, so that a triager who has just assigned it, or a
    head who has just sent a draft back, does not block the next person by looking at it again.
    """
    status = case.status
    if status in (ASSIGNED, REVIEW, RE_REVIEW) and case.department_id is not None:
        if case_is_sealed(case):
            return acts_for_department(user, case)
        if case.handler_id is not None:
            return case.handler_id == user.id and acts_for_department(user, case)
        return may_draft(user, case)
    if status == ANSWERED:
        return is_department_head(user, case)
    if status == OFFICE_REVIEW:
        return approves_for_office(user, case)
    if status == REPLIED or status in FINAL_STATUSES:
        return False
    return can_triage(user, case)  # received, accepted, approved (the party office sends it)


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
