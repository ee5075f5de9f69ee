"""Staff accounts on the administration pages: create, roles and departments, (de)activate, passwords.

The account rules stay in cases.users (the command line uses them too); this module adds what the
web needs: one-time links to set a password (only the token's SHA-256 is stored, single use,
expiring), temporary passwords the user must change, and an audit event for every change.
Passwords and tokens are returned to the caller once and never stored in clear nor logged.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from cases.admin import audit
from cases.auth import verify_password
from cases.extensions import db
from cases.models import PasswordLink, StaffRole, StaffUser
from cases.users import (
    UserError,
    check_an_admin_remains,
    check_keeps_an_admin,
    check_roles,
    create_user,
    deactivate_user,
    is_active_admin,
    random_password,
    set_password,
)

# Read aloud or copied from a screen: no 0/O, 1/l/I look-alikes; 4 groups of 4 (about 79 bits).
_READABLE = "abcdefghjkmnpqrstuvwxyz23456789"
LINK = "link"
TEMPORARY = "temporary"
PASSWORD_METHODS = (LINK, TEMPORARY)


def account_snapshot(user: StaffUser) -> dict[str, Any]:
    """What the audit log keeps of an account (never its password hash or session token)."""
    return {
        "email": user.email,
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "departments": sorted(d.code for d in user.departments),
        "active": user.active,
        "must_change": user.must_change_password,
    }


def readable_password() -> str:
    """A random temporary password that is easy to read out and type (xxxx-xxxx-xxxx-xxxx)."""
    return "-".join("".join(secrets.choice(_READABLE) for _ in range(4)) for _ in range(4))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _link_lifetime() -> timedelta:
    return timedelta(hours=int(current_app.config["PASSWORD_LINK_HOURS"]))


def create_account(
    email: str,
    display_name: str,
    roles: Iterable[str],
    department_codes: Iterable[str],
    method: str,
    *,
    actor: StaffUser,
    now: datetime,
) -> tuple[StaffUser, str]:
    """Create an account; return it and its secret, shown once: a link token or a temporary password."""
    if method not in PASSWORD_METHODS:
        raise ValueError(f"unknown password method {method!r}")
    # With a link the password is random and never shown: nobody knows it until the link is used.
    password = readable_password() if method == TEMPORARY else random_password()
    user, password = create_user(email, roles, department_codes, password=password, display_name=display_name)
    audit.record(audit.STAFF_USER, user.id, "created", actor=actor, after=account_snapshot(user))
    if method == TEMPORARY:
        user.must_change_password = True
        audit.record(audit.STAFF_USER, user.id, "temporary_password", actor=actor,
                     after={"must_change": True})
        return user, password
    return user, issue_password_link(user, actor=actor, now=now, reset=False)


def update_account(
    user: StaffUser, display_name: str, roles: Iterable[str], department_codes: Iterable[str], *,
    actor: StaffUser,
) -> None:
    """Change an account's name, roles and departments (the last admin keeps the admin role). Flushes."""
    before, was_admin = account_snapshot(user), is_active_admin(user)
    wanted, departments = check_roles(roles, department_codes)
    check_keeps_an_admin(user, roles_after=wanted, active_after=user.active)
    user.display_name = display_name.strip() or user.display_name
    kept = [row for row in user.role_rows if row.role in wanted]
    user.role_rows = kept + [StaffRole(role) for role in wanted if role not in {r.role for r in kept}]
    user.departments = departments
    db.session.flush()
    if was_admin:
        check_an_admin_remains()
    audit.record(audit.STAFF_USER, user.id, "updated", actor=actor, before=before,
                 after=account_snapshot(user))


def deactivate_account(user: StaffUser, *, actor: StaffUser) -> None:
    """Deactivate (never the last active admin): sessions end, waiting links die. Flushes."""
    if not user.active:
        return
    before = account_snapshot(user)
    deactivate_user(user)
    _delete_links(user)
    audit.record(audit.STAFF_USER, user.id, "deactivated", actor=actor, before=before,
                 after=account_snapshot(user))


def reactivate_account(user: StaffUser, *, actor: StaffUser) -> None:
    """Let a deactivated account log in again (with its old password). Flushes."""
    if user.active:
        return
    before = account_snapshot(user)
    user.active = True
    db.session.flush()
    audit.record(audit.STAFF_USER, user.id, "reactivated", actor=actor, before=before,
                 after=account_snapshot(user))


def _delete_links(user: StaffUser) -> None:
    db.session.execute(db.delete(PasswordLink).where(PasswordLink.user_id == user.id))
    db.session.flush()


def issue_password_link(user: StaffUser, *, actor: StaffUser, now: datetime, reset: bool = True) -> str:
    """A new one-time link token for ``user`` (any earlier link stops working); returned once. Flushes.

    A reset also replaces the password by a random one nobody knows and ends every session: an
    account reset because it may be in the wrong hands is closed at once, not when the link is used.
    """
    if not user.active:
        raise UserError("a deactivated account gets no password link", "inactive")
    if reset:
        set_password(user, random_password())
        user.must_change_password = False
    _delete_links(user)
    token = secrets.token_urlsafe(32)
    expires = now + _link_lifetime()
    db.session.add(PasswordLink(user_id=user.id, token_hash=_token_hash(token), created_at=now,
                                expires_at=expires, created_by_id=actor.id))
    db.session.flush()
    audit.record(audit.STAFF_USER, user.id, "password_link", actor=actor,
                 after={"expires_at": expires.isoformat()})
    return token


def issue_temporary_password(user: StaffUser, *, actor: StaffUser) -> str:
    """A random password shown once to the admin; the user must change it at next login. Flushes."""
    if not user.active:
        raise UserError("a deactivated account gets no temporary password", "inactive")
    password = set_password(user, readable_password())  # ends every session of the account
    user.must_change_password = True
    _delete_links(user)
    audit.record(audit.STAFF_USER, user.id, "temporary_password", actor=actor, after={"must_change": True})
    return password


def link_holder(token: str, now: datetime) -> StaffUser | None:
    """The active account a link token was made for, or None (unknown, used, expired). Flushes."""
    link = db.session.scalar(db.select(PasswordLink).where(PasswordLink.token_hash == _token_hash(token)))
    if link is None:
        return None
    if link.expires_at <= now:
        db.session.delete(link)  # expired: gone for good
        db.session.flush()
        return None
    return link.user if link.user.active else None


def use_password_link(token: str, password: str, now: datetime) -> StaffUser | None:
    """Set the password through a link: the link is gone and every session ends. None if invalid. Flushes."""
    user = link_holder(token, now)
    if user is None:
        return None
    set_password(user, password)  # checks the length; ends every session of the account
    user.must_change_password = False
    _delete_links(user)
    audit.record(audit.STAFF_USER, user.id, "password_set_by_link", actor=user, actor_label="one-time link",
                 after={"must_change": False})
    return user


class WrongPassword(ValueError):
    """The current password given to change it was wrong."""


def change_own_password(user: StaffUser, current: str, new: str) -> None:
    """A staff member changes their own password; every session of the account ends. Flushes.

    The caller starts a fresh session for the browser that made the change.
    """
    if not verify_password(user.password_hash, current):
        raise WrongPassword("wrong current password")
    if verify_password(user.password_hash, new):
        raise UserError("the new password must differ from the current one", "same_password")
    set_password(user, new)
    user.must_change_password = False
    audit.record(audit.STAFF_USER, user.id, "password_changed", actor=user, after={"must_change": False})
