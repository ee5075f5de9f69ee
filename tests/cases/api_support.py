"""Shared helpers of the API tests: a token for a staff user, and its headers."""

from __future__ import annotations

from cases.api_tokens import create_token
from cases.extensions import db
from cases.models import StaffUser
from cases.models.types import utcnow


def token_for(user: StaffUser, name: str = "test") -> str:
    """A new committed token of ``user``."""
    _row, secret = create_token(user, name, now=utcnow())
    db.session.commit()
    return secret


def bearer(token: str, language: str = "en") -> dict[str, str]:
    """The headers of an API request with ``token``."""
    return {"Authorization": f"Bearer {token}", "Accept-Language": language}
