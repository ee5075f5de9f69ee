"""Departments, staff accounts with roles, and routing rules."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.domain.roles import ROLES
from cases.extensions import db
from cases.models.types import UTCDateTime, utcnow

user_department = Table(
    "user_department",
    db.metadata,
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id", ondelete="CASCADE"), primary_key=True),
)


class Department(db.Model):
    """A division, centre or office that can own cases (承办部门)."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    # party_office, discipline or division: the first two have special powers over cases.
    kind: Mapped[str] = mapped_column(String(20), default="division")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Whether its replies also need the party office's approval after the head's (the default:
    # the party office reviews what goes out). Kinds listed in OFFICE_APPROVAL_KINDS always do.
    office_approval: Mapped[bool] = mapped_column(Boolean, default=True)

    members: Mapped[list[StaffUser]] = relationship(
        secondary=user_department, back_populates="departments"
    )


class StaffRole(db.Model):
    """One role held by one staff user."""

    __tablename__ = "staff_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    def __init__(self, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        self.role = role


def new_session_token() -> str:
    """A fresh random session token (256 bits), unguessable even by someone holding SECRET_KEY."""
    return secrets.token_urlsafe(32)


class StaffUser(UserMixin, db.Model):
    """A staff account (no public accounts exist)."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(Text, default="")
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the id stored in the session cookie (see get_id): replacing it on logout, password
    # change or deactivation makes every cookie issued before useless, even one copied earlier.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Set with a temporary password an administrator printed: every staff page asks for a new
    # password of the user's own until they have chosen one.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)

    role_rows: Mapped[list[StaffRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    departments: Mapped[list[Department]] = relationship(
        secondary=user_department, back_populates="members", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        """The names of the roles this user holds."""
        return frozenset(row.role for row in self.role_rows)

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated staff cannot log in.
        return self.active

    def get_id(self) -> str:
        """Flask-Login's session id: the user id and the current session token."""
        return f"{self.id}:{self.session_token}"


class RoutingRule(db.Model):
    """Problem or task → responsible department; a rule with neither is the default."""

    __tablename__ = "routing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_code: Mapped[str | None] = mapped_column(String(16), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    department: Mapped[Department] = relationship()
