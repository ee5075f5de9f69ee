"""The administration's audit log (append-only) and one-time links to set a password."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.extensions import db
from cases.models.org import StaffUser
from cases.models.types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    """One change made on the administration pages: who, when, what, before and after.

    ``before`` and ``after`` hold plain snapshots of the entity (never a password, a hash or a
    token: cases.admin.audit refuses such keys). Like CaseEvent, a row is never changed or removed.
    """

    __tablename__ = "audit_event"
    # The page lists newest first, filtered by entity.
    __table_args__ = (Index("ix_audit_event_entity_id", "entity", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # Who acted when no staff user did ("system", "command line", or the holder of a one-time link).
    actor_label: Mapped[str] = mapped_column(String(254), default="system")  # an e-mail address fits
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[StaffUser | None] = relationship()


@event.listens_for(AuditEvent, "before_update")
def _refuse_audit_update(mapper: object, connection: object, target: AuditEvent) -> None:
    raise PermissionError("audit events are append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_delete(mapper: object, connection: object, target: AuditEvent) -> None:
    raise PermissionError("audit events are append-only")


class PasswordLink(db.Model):
    """A one-time link to set a password: only the SHA-256 of its random token is kept.

    Used once (the row is deleted when the password is set) and only until ``expires_at``.
    """

    __tablename__ = "password_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    user: Mapped[StaffUser] = relationship(foreign_keys=[user_id])
