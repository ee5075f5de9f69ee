"""Staff authentication: password hashing, login with lockout, server-side sessions, safe redirects."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from cases.extensions import db
from cases.models import StaffUser
from cases.models.org import new_session_token

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


def hash_password(password: str) -> str:
    """Hash a password with werkzeug's default (scrypt) and a random salt."""
    return generate_password_hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (constant-time comparison)."""
    return check_password_hash(password_hash, password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Hashed once per process with the same method as real accounts, so that checking an
    # unknown e-mail costs as much as checking a real one: the timing tells nothing.
    return hash_password("no account has this password")


def normalise_email(email: str) -> str:
    """The form in which account e-mails are stored and compared (trimmed, lower-case)."""
    return email.strip().lower()


def user_by_email(email: str) -> StaffUser | None:
    """The staff user whose e-mail is ``email`` (trimmed, any case), active or not."""
    return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == normalise_email(email)))


def authenticate(email: str, password: str, now: datetime) -> StaffUser | None:
    """The active user with these credentials, or None; records failures and locks. Flushes."""
    user = user_by_email(email)
    if user is None or not user.active:
        verify_password(_dummy_hash(), password)
        return None
    if user.locked_until is not None:
        if now < user.locked_until:
            # Still locked: do the same work, refuse even the right password, do not count.
            verify_password(user.password_hash, password)
            return None
        # The lock has expired: a fresh series of attempts starts.
        user.locked_until = None
        user.failed_logins = 0
        db.session.flush()
    if not verify_password(user.password_hash, password):
        _record_failure(user, now)
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return user


def _record_failure(user: StaffUser, now: datetime) -> None:
    # Increment in SQL, not in Python: parallel guesses must not overwrite each other's count.
    failures = db.session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id)
        .values(failed_logins=StaffUser.failed_logins + 1)
        .returning(StaffUser.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if failures >= MAX_FAILED_LOGINS:
        db.session.execute(
            update(StaffUser)
            .where(StaffUser.id == user.id)
            .values(locked_until=now + LOCKOUT)
            .execution_options(synchronize_session=False)
        )
    db.session.refresh(user)


def user_for_session(session_id: str) -> StaffUser | None:
    """The active user a session cookie's id ("<id>:<token>") names, or None when it is stale."""
    user_id, _sep, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None  # e.g. a cookie from before session tokens existed
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active:
        return None
    # Constant time: the token is the secret that keeps an old or copied cookie out.
    return user if hmac.compare_digest(user.session_token, token) else None


def end_sessions(user: StaffUser) -> None:
    """End every session of ``user`` (all devices): cookies issued before stop working. Flushes."""
    user.session_token = new_session_token()
    db.session.flush()


def safe_next_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers treat a backslash like a slash ("/\\evil.example") and ignore tabs/newlines.
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
