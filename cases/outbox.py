"""Hand work to RQ only after the transaction that asked for it has committed.

A service adds an outbox row in its own transaction; the boundary commits, then dispatches the
rows that transaction added. With Redis down the rows stay pending and the periodic sweep
enqueues them later, so nothing is lost; jobs are idempotent, so enqueuing twice is harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import event, or_, update
from sqlalchemy.orm import Session

from cases.extensions import db
from cases.jobs import FAILURE_HOOKS, JOBS
from cases.models import OutboxItem
from cases.models.types import utcnow
from cases.transaction_info import transaction_key

# (session.info key, function): after commit_and_dispatch's commit, each function whose key the
# committed transaction set runs, given that value (work whose durable record is kept elsewhere,
# e.g. report_dirty).
AFTER_COMMIT: list[tuple[str, Callable[[Any], object]]] = []
MAX_ATTEMPTS = 6
RETRY_INTERVALS = [10, 60, 300, 900, 3600]  # seconds between RQ retries
STALE_AFTER = timedelta(minutes=10)  # an enqueued job not done by then is enqueued again
RQ_JOB_FUNCTION = "wsgi.run_outbox_item"
# session.info, for the transaction: the rows it added; rows whose arguments wait for ids. (Rows of
# a rolled-back transaction do not exist: nothing of them may be dispatched. A savepoint's rollback
# keeps the list: the sweep would take a lost id within a minute anyway.)
_ADDED = transaction_key("outbox_added")
_WAITING = transaction_key("outbox_waiting")


def add_job(job: str, **args: int | str | Any) -> OutboxItem:
    """Ask for ``job`` to run after the current transaction commits (written with the next flush).

    An argument may be a model instance not written yet: the row then waits until a flush has
    given that instance its id, and is written in the flush after (the commit flushes until clean).
    """
    if job not in JOBS:
        raise KeyError(f"unknown job {job!r}")
    item = OutboxItem(job=job, args={}, created_at=utcnow())
    db.session.info.setdefault(_ADDED, []).append(item)
    refs = {name: value for name, value in args.items() if _is_ref(value)}
    plain = {name: value for name, value in args.items() if name not in refs}
    if any(_ids(value) is None for value in refs.values()):
        item.args = plain
        db.session.info.setdefault(_WAITING, []).append((item, refs))
    else:
        item.args = {**plain, **{name: _ids(value) for name, value in refs.items()}}
        db.session.add(item)
    return item


def _is_ref(value: object) -> bool:
    """A model instance, or a list of them (a job about several messages), stands for its id(s)."""
    if isinstance(value, list):
        return any(isinstance(v, db.Model) for v in value)
    return isinstance(value, db.Model)


def _ids(value: Any) -> Any:
    """The id(s) a reference stands for, or None while one of them is not written yet."""
    if isinstance(value, list):
        ids = [v.id if isinstance(v, db.Model) else v for v in value]
        return None if any(i is None for i in ids) else ids
    return value.id


def retry_later(job: str, attempts: int, **args: int | str | Any) -> OutboxItem:
    """Ask for ``job`` again once the backoff after ``attempts`` failed tries has passed.

    Written as a stale "enqueued" row, as an embedded retry is: the sweep (every minute by rq cron,
    after each batch of a poll, or in-process) takes it when it comes due. Arguments are ids.
    """
    item = OutboxItem(job=job, args=args, created_at=utcnow(), state="enqueued",
                      enqueued_at=utcnow() - STALE_AFTER + retry_delay(attempts))
    db.session.add(item)
    return item


@event.listens_for(Session, "after_flush_postexec")
def _write_waiting(session: Session, _context: object) -> None:
    waiting = session.info.get(_WAITING)
    if not waiting:
        return
    still = []
    for item, refs in waiting:
        if all(_ids(value) is not None for value in refs.values()):
            item.args = {**item.args, **{name: _ids(value) for name, value in refs.items()}}
            session.add(item)  # written by the next flush
        else:
            still.append((item, refs))
    session.info[_WAITING] = still


def flush_until_clean() -> None:
    """Flush, and again while a flush made more rows writable (the jobs waiting for ids)."""
    for _ in range(5):
        db.session.flush()
        if not db.session.new:
            return


def commit_and_dispatch() -> None:
    """Commit the unit of work, then hand over the jobs it added (the boundary's one commit)."""
    flush_until_clean()
    added = db.session.info.pop(_ADDED, [])
    ids = [item.id for item in added if item.id is not None]
    after = [(function, db.session.info[key]) for key, function in AFTER_COMMIT if db.session.info.get(key)]
    db.session.commit()
    if ids:
        _dispatch(ids, ("pending",))
    for function, value in after:
        function(value)


def dispatch_pending(limit: int = 200) -> int:
    """The sweep: enqueue pending and stale jobs (or run them in-process in embedded mode)."""
    db.session.info.pop(_ADDED, None)  # the sweep takes them all
    stale = utcnow() - STALE_AFTER
    ids = list(db.session.scalars(
        db.select(OutboxItem.id)
        .where(or_(OutboxItem.state == "pending",
                   (OutboxItem.state == "enqueued") & (OutboxItem.enqueued_at < stale)))
        .order_by(OutboxItem.id)
        .limit(limit)
    ))
    if not ids:
        db.session.rollback()  # end the read transaction
        return 0
    return _dispatch(ids, ("pending", "enqueued"), stale_before=stale)


def _dispatch(ids: Sequence[int], states: tuple[str, ...], stale_before: Any = None) -> int:
    """Claim the rows in one statement, commit, then run or enqueue them; return how many."""
    condition = OutboxItem.state == "pending"
    if "enqueued" in states:
        condition = or_(condition, (OutboxItem.state == "enqueued") & (OutboxItem.enqueued_at < stale_before))
    claimed = sorted(db.session.scalars(
        update(OutboxItem).where(OutboxItem.id.in_(ids), condition)
        .values(state="enqueued", enqueued_at=utcnow()).returning(OutboxItem.id)
    ))
    db.session.commit()
    if not claimed:
        return 0  # another process took them
    if current_app.config["EMBEDDED_JOBS"]:
        for item_id in claimed:
            try:
                run_item(item_id)
            except OSError as error:
                # A mail server or a network away (smtplib's errors are OSErrors): expected, counted
                # on the row and retried; one line, not a traceback per message.
                current_app.logger.warning("embedded job %s failed, will retry: %s: %s", item_id,
                                           type(error).__name__, error)
            except Exception:  # noqa: BLE001 - recorded on the row; the request must still succeed
                current_app.logger.exception("embedded job %s failed", item_id)
        return len(claimed)
    return len(claimed) if _enqueue(claimed) else 0


def rq_retry() -> Any:
    """How RQ retries a failed job of ours (RETRY_INTERVALS)."""
    from rq import Retry

    return Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS)


def redis_client() -> Any:
    """One Redis client (and connection pool) per application and URL."""
    from redis import Redis

    url = current_app.config["REDIS_URL"]
    clients = current_app.extensions.setdefault("outbox_redis", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return clients[url]


def _enqueue(item_ids: list[int]) -> bool:
    """Enqueue the claimed rows in one Redis round trip; on failure put them back to pending."""
    from redis.exceptions import RedisError
    from rq import Queue

    stamp = f"{utcnow().timestamp():.0f}"
    try:
        queue = Queue(current_app.config["RQ_QUEUE"], connection=redis_client())
        retry = rq_retry()
        queue.enqueue_many([
            Queue.prepare_data(RQ_JOB_FUNCTION, (item_id,), retry=retry, job_id=f"outbox-{item_id}-{stamp}")
            for item_id in item_ids
        ])
    except RedisError as error:
        current_app.logger.warning("Redis unavailable, %d job(s) stay pending: %s", len(item_ids), error)
        db.session.execute(update(OutboxItem).where(OutboxItem.id.in_(item_ids)).values(state="pending"))
        db.session.commit()
        return False
    return True


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before the next try after ``attempts`` failed ones (RETRY_INTERVALS)."""
    return timedelta(seconds=RETRY_INTERVALS[min(max(attempts, 1), len(RETRY_INTERVALS)) - 1])


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
        _record_failure(item_id, error)
        raise
    item.state = "done"
    item.done_at = utcnow()
    item.attempts += 1
    if current_app.config["EMBEDDED_JOBS"]:
        db.session.commit()  # what the job asked for waits for the in-process sweep, as before
        return result
    # The jobs this job asked for (a screening run's next batch) go to the queue after its commit,
    # not a minute later with the cron sweep.
    commit_and_dispatch()
    return result


def _record_failure(item_id: int, error: Exception) -> None:
    """Count the failed attempt and let the job show it (its on_failure hook), in one transaction."""
    item = db.session.get(OutboxItem, item_id)
    assert item is not None
    attempts, job, args = item.attempts + 1, item.job, dict(item.args)
    final = _count_failure(item, attempts, f"{type(error).__name__}: {error}"[:2000])
    hook = FAILURE_HOOKS.get(job)
    if hook is not None:
        try:
            hook(error, attempts=attempts, final=final, **args)
        except Exception:  # noqa: BLE001 - the failure itself must still be counted
            current_app.logger.exception("the failure hook of job %s (outbox %s) failed", job, item_id)
            db.session.rollback()
            item = db.session.get(OutboxItem, item_id)
            assert item is not None
            _count_failure(item, attempts, f"{type(error).__name__}: {error}"[:2000])
    db.session.commit()


def _count_failure(item: OutboxItem, attempts: int, last_error: str) -> bool:
    """Record a failed attempt on the row; return whether it was the last one."""
    item.attempts, item.last_error = attempts, last_error
    final = attempts >= MAX_ATTEMPTS
    item.state = "failed" if final else "enqueued"
    if not final and current_app.config["EMBEDDED_JOBS"]:
        # No RQ to retry it: the sweep takes a stale row again, so date it to come due after the
        # backoff (RQ's Retry waits the same intervals in production).
        item.enqueued_at = utcnow() - STALE_AFTER + retry_delay(attempts)
    return final
