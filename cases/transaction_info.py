"""Keys of ``session.info`` that hold state for the current transaction only.

Several services remember things within one transaction (jobs added, the screening asked for,
answers counted); they all end with it: forgotten after the commit and after the rollback of the
whole transaction (a savepoint's rollback keeps them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEYS: set[str] = set()


def transaction_key(name: str) -> str:
    """Register ``name`` as a session.info key that lives as long as the transaction; return it."""
    _KEYS.add(name)
    return name


def _forget(session: Session) -> None:
    for key in _KEYS:
        session.info.pop(key, None)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    _forget(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous: Any) -> None:
    if previous.parent is None:
        _forget(session)
