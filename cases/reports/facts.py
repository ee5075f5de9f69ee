"""Write the stored report facts: refresh the cases marked dirty, or rebuild them all.

``cases.events.record_event`` (and screening, which changes who may see a case) mark a case dirty
in the same transaction; after the boundary's ``commit_and_dispatch`` the marked cases are
refreshed (in-process in the embedded mode, else by an RQ job); ``wsgi.refresh_report_facts``
sweeps every minute by cron what a lost job or a plain commit left (the marks are the durable
record, so no outbox row is needed); ``flask report rebuild`` rewrites every case. The roll-up's
cells of the facts written are adjusted with them (``cases.reports.rollup``). The facts come from
``cases.domain.report_facts.fact_rows`` over the case's full event history: nothing is derived here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from flask import current_app
from sqlalchemy import delete, insert, inspect, select

from cases.domain.deadlines import CachedCalendar
from cases.domain.report_facts import as_columns, fact_rows, link_set, valid_on
from cases.domain.report_figures import CaseHistory, case_outcome
from cases.events import REPORT_DIRTY_MARKED
from cases.extensions import db
from cases.models import Case, ReportDirty, ReportFact, ReportState
from cases.outbox import AFTER_COMMIT, redis_client
from cases.reports.aggregate import facts_basis
from cases.reports.rollup import FACT_COLUMNS, rebuild_rollup, replace_facts
from cases.reports.service import histories_where, history_in_memory
from cases.triage.calendar import configured_clocks, current_calendar

RQ_REFRESH_FUNCTION = "wsgi.refresh_report_facts"  # the worker's entry point (also run by cron)
REFRESH_BATCH = 500  # cases refreshed per statement batch (and per job run: the sweep does the rest)


def write_facts(case_ids: Sequence[int], rollup: bool = True) -> int:
    """Rewrite the facts of these cases from their events, and adjust the roll-up's cells unless
    ``rollup`` is false (the rebuild rewrites it at its end); flushes, the caller commits."""
    if not case_ids:
        return 0
    held = set(db.session.scalars(select(Case.id).where(Case.id.in_(case_ids), Case.screened_at.is_(None))))
    _write(case_ids, histories_where([Case.id.in_(case_ids)]), held, rollup=rollup)
    return len(case_ids)


def _write(case_ids: Sequence[int], histories: Iterable[CaseHistory], held: set[int], *,
           new: bool = False, rollup: bool = True) -> None:
    calendar, clocks = CachedCalendar(current_calendar()), configured_clocks()
    rows = []
    for history in histories:
        day = valid_on(history)
        outcome = case_outcome(history, calendar, clocks, day)  # every event: as of its last day
        shared = {"case_id": history.case_id, "received_on": history.received_on,
                  "month": history.received_on.strftime("%Y-%m"), "channel": history.channel,
                  "kind": history.kind, "restricted": history.sealed or history.case_id in held,
                  "problems": link_set(history.problems), "tasks": link_set(history.tasks),
                  "valid_on": day}
        rows.extend({**shared, **as_columns(row)} for row in fact_rows(outcome))
    old = [] if new else [  # a case created in this transaction has no facts yet
        row._mapping for row in db.session.execute(
            delete(ReportFact).where(ReportFact.case_id.in_(case_ids))
            .returning(*(getattr(ReportFact, name) for name in FACT_COLUMNS)))]
    if rows:
        db.session.execute(insert(ReportFact), rows)
    if rollup:
        replace_facts(old, rows)
    db.session.flush()


def refresh_cases(case_ids: Sequence[int]) -> int:
    """Rewrite the facts of those of these cases still marked dirty; flushes.

    The marks are deleted first, so a concurrent run skips these cases and an event written
    meanwhile marks its case again.
    """
    if not case_ids:
        return 0
    taken = sorted(set(db.session.scalars(
        delete(ReportDirty).where(ReportDirty.case_id.in_(case_ids)).returning(ReportDirty.case_id))))
    return write_facts(taken)


def refresh_dirty(limit: int = REFRESH_BATCH) -> int:
    """Refresh up to ``limit`` dirty cases, oldest id first; flushes."""
    return refresh_cases(list(db.session.scalars(
        select(ReportDirty.case_id).distinct().order_by(ReportDirty.case_id).limit(limit))))


def refresh_after_commit(marked: set[Case]) -> None:
    """After a commit that marked these cases: refresh them in-process (embedded mode; those
    only, so a request never pays for others) or ask a worker to sweep.

    Never raises: the marks stay, the cron sweep (``wsgi.refresh_report_facts``) takes them.
    """
    if current_app.config["EMBEDDED_JOBS"]:
        # Their ids without loading them again (committed objects are expired).
        ids = [identity[0] for identity in (inspect(case).identity for case in marked) if identity]
        try:
            refresh_cases(ids)
            db.session.commit()
        except Exception:  # noqa: BLE001 - the request succeeded; the marks wait for the sweep
            db.session.rollback()
            current_app.logger.exception("refreshing the report facts failed; the sweep will retry")
        return
    from redis.exceptions import RedisError
    from rq import Queue

    try:
        Queue(current_app.config["RQ_QUEUE"], connection=redis_client()).enqueue(RQ_REFRESH_FUNCTION)
    except RedisError as error:
        current_app.logger.warning("Redis unavailable, the report facts wait for the sweep: %s", error)


AFTER_COMMIT.append((REPORT_DIRTY_MARKED, refresh_after_commit))


def refresh_marked_now(new_case: Case | None = None) -> None:
    """Refresh the cases this transaction marked, inside it (no commit, no after-commit refresh).

    For the embedded mode's web form: the case and its facts in one transaction and one commit.
    ``new_case``, created in this transaction, is read from the session instead of queried back.
    In a savepoint: should it fail, the marks stay (flushed before it) for a later refresh, and
    the opinion is still recorded.
    """
    marked = db.session.info.pop(REPORT_DIRTY_MARKED, None)
    if not marked:
        return
    db.session.flush()
    history = history_in_memory(new_case) if new_case is not None and marked == {new_case} else None
    try:
        with db.session.begin_nested():
            if history is None:
                refresh_cases([case.id for case in marked])
            else:
                db.session.execute(delete(ReportDirty).where(ReportDirty.case_id == history.case_id))
                held = set() if new_case.screened_at is not None else {history.case_id}
                _write([history.case_id], [history], held, new=True)
    except Exception:  # noqa: BLE001 - the opinion matters, the facts can wait for the next refresh
        current_app.logger.exception("refreshing the report facts of a new case failed; marks kept")


def sweep_dirty(batch: int = REFRESH_BATCH) -> int:
    """Refresh every dirty case, committing each batch (cron and the rebuild's tail)."""
    total = 0
    while done := refresh_dirty(batch):
        db.session.commit()
        total += done
    db.session.commit()
    return total


def rebuild(progress: Callable[[int], object] = lambda done: None, batch: int = 2000) -> int:
    """Rewrite the facts of every case in batches of ids, committing each; ``progress(n)`` after each.

    Then the monthly roll-up is rewritten from the facts (not read meanwhile: the reports count
    the facts alone). At the end the facts are recorded as built with the calendar and clocks of
    the start (if they changed meanwhile, the reports keep reading the events until the next rebuild).
    """
    basis, total, last = facts_basis(), 0, 0
    state = db.session.get(ReportState, 1)
    if state is not None:  # the roll-up is not read until it is rewritten below
        state.rollup = False
        db.session.commit()
    while chunk := list(db.session.scalars(
            select(Case.id).where(Case.id > last).order_by(Case.id).limit(batch))):
        db.session.execute(delete(ReportDirty).where(ReportDirty.case_id.in_(chunk)))
        write_facts(chunk, rollup=False)
        db.session.commit()
        total, last = total + len(chunk), chunk[-1]
        progress(len(chunk))
    sweep_dirty()  # cases changed while it ran
    state = db.session.get(ReportState, 1) or ReportState(id=1, basis="")
    state.basis = basis
    db.session.add(state)
    rebuild_rollup()  # under the refreshes' lock: one that committed meanwhile is read
    db.session.commit()
    return total
