"""API tokens: a staff member's key for the JSON API, stored only as a hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.extensions import db
from cases.models.org import StaffUser
from cases.models.types import UTCDateTime, utcnow


class ApiToken(db.Model):
    """One token of one user: the same permissions as the user in the staff pages, no more."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text, default="")
    # SHA-256 of the token: it is random and long, so a slow password hash would add nothing,
    # and a unique index on the hash finds the token in one lookup.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, shown to tell one token from another (not enough to guess it).
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[StaffUser] = relationship()
