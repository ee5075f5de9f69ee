"""Hand work to RQ only after the transaction that asked for it has committed.

A service adds an outbox row in its own transaction; the boundary commits, then dispatches.
With Redis down the row stays pending and the periodic sweep enqueues it later, so nothing is
lost; jobs are idempotent, so enqueuing twice is harmless.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, update

from cases.extensions import db
from cases.jobs import JOBS
from cases.models import OutboxItem
from cases.models.types import utcnow

MAX_ATTEMPTS = 6
RETRY_INTERVALS = [10, 60, 300, 900, 3600]  # seconds between RQ retries
STALE_AFTER = timedelta(minutes=10)  # an enqueued job not done by then is enqueued again
RQ_JOB_FUNCTION = "wsgi.run_outbox_item"


def add_job(job: str, **ids: int | str) -> OutboxItem:
    """Ask for ``job`` to run after the current transaction commits. Flushes."""
    if job not in JOBS:
        raise KeyError(f"unknown job {job!r}")
    item = OutboxItem(job=job, args=dict(ids), created_at=utcnow())
    db.session.add(item)
    db.session.flush()
    return item


def commit_and_dispatch() -> None:
    """Commit the unit of work, then hand its pending jobs over (the boundary's one commit)."""
    db.session.commit()
    dispatch_pending()


def _claim(item_id: int, from_states: tuple[str, ...]) -> bool:
    result = db.session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id, OutboxItem.state.in_(from_states))
        .values(state="enqueued", enqueued_at=utcnow())
    )
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def dispatch_pending(limit: int = 200) -> int:
    """Enqueue pending and stale jobs (or run them in-process in embedded mode); return the count."""
    stale = utcnow() - STALE_AFTER
    rows = db.session.execute(
        db.select(OutboxItem.id, OutboxItem.state)
        .where(or_(OutboxItem.state == "pending",
                   (OutboxItem.state == "enqueued") & (OutboxItem.enqueued_at < stale)))
        .order_by(OutboxItem.id)
        .limit(limit)
    ).all()
    handed = 0
    for item_id, state in rows:
        if not _claim(item_id, (state,)):
            continue  # another process took it
        if current_app.config["EMBEDDED_JOBS"]:
            try:
                run_item(item_id)
            except Exception:  # noqa: BLE001 - recorded on the row; the request must still succeed
                current_app.logger.exception("embedded job %s failed", item_id)
        elif not _enqueue(item_id):
            break  # Redis is down: leave the rest pending for the sweep
        handed += 1
    return handed


def _enqueue(item_id: int) -> bool:
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue, Retry

    try:
        connection = Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=2)
        Queue(current_app.config["RQ_QUEUE"], connection=connection).enqueue(
            RQ_JOB_FUNCTION, item_id, retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            job_id=f"outbox-{item_id}-{utcnow().timestamp():.0f}",
        )
    except RedisError as error:
        current_app.logger.warning("Redis unavailable, job %s stays pending: %s", item_id, error)
        db.session.execute(update(OutboxItem).where(OutboxItem.id == item_id).values(state="pending"))
        db.session.commit()
        return False
    return True


def run_item(item_id: int) -> Any:
    """Run one outbox job (idempotent: a job already done is not run again). Commits; re-raises."""
    item = db.session.get(OutboxItem, item_id, with_for_update=True)
    if item is None or item.state == "done":
        db.session.rollback()
        return None
    function = JOBS[item.job]
    try:
        result = function(**item.args)
    except Exception as error:
        db.session.rollback()
        item = db.session.get(OutboxItem, item_id)
        assert item is not None
        item.attempts += 1
        item.last_error = f"{type(error).__name__}: {error}"[:2000]
        item.state = "failed" if item.attempts >= MAX_ATTEMPTS else "enqueued"
        db.session.commit()
        raise
    item.state = "done"
    item.done_at = utcnow()
    item.attempts += 1
    db.session.commit()
    return result
