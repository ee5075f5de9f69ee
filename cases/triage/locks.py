"""The edit lock: who has a case open, so that two colleagues do not decide on it at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from cases.extensions import db
from cases.models import Case, StaffUser


def holder(case: Case, now: datetime) -> StaffUser | None:
    """The staff member whose lock on ``case`` is still running, if any."""
    if case.locked_by_id is None or case.locked_until is None or case.locked_until <= now:
        return None
    return db.session.get(StaffUser, case.locked_by_id)


def take_lock(case: Case, user: StaffUser, now: datetime, minutes: int) -> StaffUser | None:
    """Take or renew the lock for ``user``; return the colleague holding it instead, if any. Flushes."""
    current = holder(case, now)
    if current is not None and current.id != user.id:
        return current
    case.locked_by_id, case.locked_until = user.id, now + timedelta(minutes=minutes)
    db.session.flush()
    return None


def release_lock(case: Case, user: StaffUser) -> None:
    """Give the lock up (only its holder can). Flushes."""
    if case.locked_by_id == user.id:
        case.locked_by_id, case.locked_until = None, None
        db.session.flush()
