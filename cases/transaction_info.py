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


@event.listens_for(Session, "after_transaction_end")
def _forget_at_the_end(session: Session, transaction: Any) -> None:
    # Only the whole transaction's end (commit, rollback or close): "after_commit" also fires
    # when a savepoint is released, which must keep them.
    if transaction.parent is None:
        _forget(session)
