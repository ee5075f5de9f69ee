"""Staff accounts: creation with roles and departments, password changes, deactivation."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email

from cases.auth import end_sessions, hash_password, user_by_email
from cases.domain.roles import ADMIN, DEPARTMENT_ROLES, ROLES
from cases.extensions import db
from cases.models import Department, StaffRole, StaffUser

MIN_PASSWORD_LENGTH = 12


class UserError(ValueError):
    """A staff account could not be created or changed; the message says why.

    ``rule`` names the rule that refused it (the web pages word each rule in the reader's language).
    """

    def __init__(self, message: str, rule: str = "") -> None:
        super().__init__(message)
        self.rule = rule


def random_password() -> str:
    """A strong random password to print once."""
    return secrets.token_urlsafe(15)


def create_user(
    email: str,
    roles: Iterable[str],
    department_codes: Iterable[str] = (),
    password: str | None = None,
    display_name: str = "",
) -> tuple[StaffUser, str]:
    """Create a staff user; return it and its password (generated when not given). Flushes."""
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise UserError(f"invalid e-mail address {email!r}: {error}", "invalid_email") from None
    if db.session.scalar(db.select(StaffUser).where(StaffUser.email == address)):
        raise UserError(f"a staff user {address} already exists", "exists")
    wanted, departments = check_roles(roles, department_codes)
    if password is not None:
        _check_password(password)
    password = password or random_password()
    user = StaffUser(
        email=address,
        display_name=display_name or address.split("@")[0],
        password_hash=hash_password(password),
        role_rows=[StaffRole(role) for role in wanted],
        departments=departments,
    )
    db.session.add(user)
    db.session.flush()
    return user, password


def check_roles(roles: Iterable[str], department_codes: Iterable[str]) -> tuple[list[str], list[Department]]:
    """The roles (known, at least one) and departments (known; needed by handler and dept_head)."""
    wanted = list(dict.fromkeys(roles))
    if not wanted:
        raise UserError("give at least one --role", "no_role")
    unknown = [role for role in wanted if role not in ROLES]
    if unknown:
        raise UserError(f"unknown role(s) {', '.join(unknown)}; choose from {', '.join(ROLES)}",
                        "unknown_role")
    departments: list[Department] = []
    for code in dict.fromkeys(department_codes):
        department = db.session.scalar(db.select(Department).where(Department.code == code))
        if department is None:
            known = ", ".join(db.session.scalars(db.select(Department.code).order_by(Department.code)))
            raise UserError(f"unknown department {code!r}; known: {known}", "unknown_department")
        departments.append(department)
    if set(wanted) & DEPARTMENT_ROLES and not departments:
        raise UserError("roles handler and dept_head need a --department", "needs_department")
    return wanted, departments


def is_active_admin(user: StaffUser) -> bool:
    """Whether ``user`` is an active admin (one of those who must never all be gone)."""
    return ADMIN in user.roles and user.active


def check_keeps_an_admin(user: StaffUser, *, roles_after: Iterable[str], active_after: bool) -> None:
    """Refuse a change that would leave no active admin (nobody could administer the system).

    The active admins' rows are locked (PostgreSQL) so that two admins removing each other at the
    same moment cannot both succeed: the second waits, then sees the first one gone. SQLite has no
    row locks: the caller also calls check_an_admin_remains once its change is flushed.
    """
    if not is_active_admin(user) or (ADMIN in set(roles_after) and active_after):
        return
    admins = db.session.scalars(
        db.select(StaffUser.id)
        .join(StaffRole)
        .where(StaffRole.role == ADMIN, StaffUser.active.is_(True))
        .order_by(StaffUser.id)
        .with_for_update(of=StaffUser)
    ).all()
    if not set(admins) - {user.id}:
        raise UserError("the last active admin cannot be removed: make another admin first", "last_admin")


def check_an_admin_remains() -> None:
    """After a flushed change to an active admin: refuse it if none is left (the caller rolls back).

    On SQLite the flushed write holds the database's write lock, so a concurrent removal of the
    other admin has either committed before (and is seen here) or waits until this one is done.
    """
    if not has_admin():
        raise UserError("the last active admin cannot be removed: make another admin first", "last_admin")


def has_admin() -> bool:
    """Whether any active admin account exists."""
    return (
        db.session.scalar(
            db.select(StaffUser.id)
            .join(StaffRole)
            .where(StaffRole.role == ADMIN, StaffUser.active.is_(True))
            .limit(1)
        )
        is not None
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters", "short_password")


def find_user(email: str) -> StaffUser:
    """The staff user with this e-mail (any case), or UserError."""
    user = user_by_email(email)
    if user is None:
        raise UserError(f"no staff user {email.strip()!r}", "no_user")
    return user


def set_password(user: StaffUser, password: str | None = None) -> str:
    """Give ``user`` a new password (random when not given) and end their sessions; return it. Flushes."""
    if password is not None:
        _check_password(password)
    password = password or random_password()
    user.password_hash = hash_password(password)
    # Whoever knew the old password may hold a session: it must not outlive the change.
    end_sessions(user)
    return password


def deactivate_user(user: StaffUser) -> None:
    """Deactivate ``user``: no login, and every open session ends at its next request. Flushes.

    The last active admin cannot be deactivated.
    """
    was_admin = is_active_admin(user)
    check_keeps_an_admin(user, roles_after=user.roles, active_after=False)
    user.active = False
    end_sessions(user)
    if was_admin:
        check_an_admin_remains()
