"""Staff authentication: password hashing, login under guessing limits, server-side sessions, redirects."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from cases.extensions import db
from cases.guess_limits import GuessRules, Standing, parse_limits, record_failure, record_success, standing
from cases.models import StaffUser
from cases.models.org import new_session_token


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


@dataclass(frozen=True)
class LoginAttempt:
    """The outcome of one login: the user when it succeeded, and where the client address stands."""

    user: StaffUser | None
    standing: Standing
    checked: bool = True  # False: refused before the password was looked at (the address must wait)


def login_rules() -> GuessRules:
    """The staff login's failure limits, read from the configuration on each request."""
    config = current_app.config
    return GuessRules(
        "login",
        pair=parse_limits(config["LOGIN_FAILURES"]),
        address=parse_limits(config["LOGIN_ADDRESS_FAILURES"]),
        target=parse_limits(config["LOGIN_ACCOUNT_FAILURES"]),
    )


def authenticate(email: str, password: str, address: str, now: datetime) -> LoginAttempt:
    """Check a login from client ``address`` under the guessing limits (cases.guess_limits). Flushes.

    No account is ever locked: wrong passwords slow down the address that typed them, so the
    holder of the right password gets in from any address that has not used up its own tries.
    """
    rules, login = login_rules(), normalise_email(email)
    before = standing(rules, login, address)
    if not before.allowed:
        return LoginAttempt(None, before, checked=False)
    user = user_by_email(email)
    if user is None or not user.active:
        verify_password(_dummy_hash(), password)  # the same work as for a real account
        return LoginAttempt(None, record_failure(rules, login, address))
    if not verify_password(user.password_hash, password):
        return LoginAttempt(None, record_failure(rules, login, address))
    record_success(rules, login, address)
    user.last_login_at = now
    db.session.flush()
    return LoginAttempt(user, before)


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
