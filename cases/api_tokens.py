"""API tokens (issue 15, point 1): made, found, used and revoked here only.

A token is ``hq_`` and 43 random URL-safe characters. Only its SHA-256 is stored; it is shown once,
when it is made. A token acts as its user and nothing more: the user's roles, departments and
active flag are read on every request, so a deactivated user's tokens stop at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from cases.admin import audit
from cases.extensions import db
from cases.models import ApiToken, StaffUser

TOKEN_PREFIX = "hq_"  # noqa: S105 - the visible start of every token
# Writing last_used_at on every request would turn each read into a write; a minute is precise
# enough to tell a token in use from a forgotten one.
LAST_USE_PRECISION = timedelta(minutes=1)
SHOWN_FIELDS = ("name", "prefix", "expires_at", "user_id")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(user: StaffUser, name: str, *, now: datetime, days: int | None = 365,
                 actor: StaffUser | None = None, actor_label: str = "") -> tuple[ApiToken, str]:
    """Make a token for ``user``; return the row and the token itself (never stored). Flushes."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:200], token_hash=_digest(secret),
                     prefix=secret[:10], created_at=now,
                     expires_at=now + timedelta(days=days) if days else None)
    db.session.add(token)
    db.session.flush()
    audit.record(audit.API_TOKEN, token.id, "created", actor=actor, actor_label=actor_label,
                 after=audit.snapshot(token, SHOWN_FIELDS))
    return token, secret


def token_for_secret(secret: str, *, now: datetime) -> ApiToken | None:
    """The usable token a secret is (its user active), or None (unknown, revoked, expired). Flushes."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        token.last_used_at = now
        db.session.flush()
    return token


def user_for_token(secret: str, *, now: datetime) -> StaffUser | None:
    """The active user a presented token belongs to, or None (unknown, revoked, expired). Flushes."""
    token = token_for_secret(secret, now=now)
    return token.user if token is not None else None


def tokens_of(user: StaffUser) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones included, marked)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.id.desc())))


def revoke_token(token: ApiToken, *, now: datetime, actor: StaffUser | None,
                 actor_label: str = "") -> bool:
    """Revoke ``token`` (False when it already was). Flushes."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    db.session.flush()
    audit.record(audit.API_TOKEN, token.id, "revoked", actor=actor, actor_label=actor_label,
                 before=audit.snapshot(token, SHOWN_FIELDS), after=None)
    return True
