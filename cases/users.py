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
    """A staff account could not be created or changed; the message says why."""


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
        raise UserError(f"invalid e-mail address {email!r}: {error}") from None
    wanted = list(dict.fromkeys(roles))
    if not wanted:
        raise UserError("give at least one --role")
    unknown = [role for role in wanted if role not in ROLES]
    if unknown:
        raise UserError(f"unknown role(s) {', '.join(unknown)}; choose from {', '.join(ROLES)}")
    if db.session.scalar(db.select(StaffUser).where(StaffUser.email == address)):
        raise UserError(f"a staff user {address} already exists")
    departments: list[Department] = []
    for code in dict.fromkeys(department_codes):
        department = db.session.scalar(db.select(Department).where(Department.code == code))
        if department is None:
            known = ", ".join(db.session.scalars(db.select(Department.code).order_by(Department.code)))
            raise UserError(f"unknown department {code!r}; known: {known}")
        departments.append(department)
    if set(wanted) & DEPARTMENT_ROLES and not departments:
        raise UserError("roles handler and dept_head need a --department")
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
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def find_user(email: str) -> StaffUser:
    """The staff user with this e-mail (any case), or UserError."""
    user = user_by_email(email)
    if user is None:
        raise UserError(f"no staff user {email.strip()!r}")
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
    """Deactivate ``user``: no login, and every open session ends at its next request. Flushes."""
    user.active = False
    end_sessions(user)
