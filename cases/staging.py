"""Staged intake: the web form writes one row and commits; a job records it as a case seconds later.

A submission must cost about as much as the stack's cheapest insert (the public form's busiest
moment is a burst after a notice is published), and what someone typed must be safe the moment
the receipt is shown. So the request takes the reference, makes the tracking code, works out the
due date and writes one ``staged_case`` row. The job ``record_staged_cases`` then records each row
with :func:`cases.intake.record_case` (message, events, screening, acknowledgement) and deletes it
in the same transaction: exactly once, whichever process gets there first. Whatever needs the case
before the job has run (the tracking page) records it on the spot with :func:`record_staged`.

The staged rows are their own outbox: after the commit the request asks for a run (one Redis
command while a run is already waiting), the cron runs one every minute, and with Redis down the
request records its opinion itself. (With no Redis configured, the embedded mode, the web form
stages nothing: it records the case at once, feedback.submission.record_opinion.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import delete, func, insert, select, update

from cases.domain.states import CHANNELS
from cases.domain.tracking import hash_code, new_tracking_code
from cases.extensions import db
from cases.intake import IncomingFile, NewCase, clean_new_case, record_case
from cases.mailer import queue_outbound_message
from cases.models import Case, StagedCase, StagedFile
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch, redis_client, rq_retry
from cases.references import next_reference
from cases.secret_box import seal, unseal
from cases.triage.screening import acceptance_due_for

RECORD_BATCH = 200  # staged opinions recorded per run; a fuller table asks for another run
RQ_ENTRY = "wsgi.record_staged_cases"
KICK_SECONDS = 120  # a run asked for and lost (a worker died) is asked for again after this
_STAGED = StagedCase.__table__
_FILES = StagedFile.__table__
# The NewCase fields kept in the payload (the rest are columns or files).
_PAYLOAD_FIELDS = ("channel", "body", "subject", "submitter_name", "submitter_email", "submitter_phone",
                   "anonymous", "consent", "language", "problem_codes", "message_id", "sender")


@dataclass(frozen=True)
class StagedReceipt:
    """What the person is shown at once: the reference, the code (only its hash is kept), the date."""

    reference: str
    tracking_code: str
    acceptance_due: date | None
    due_estimated: bool


# (subject, body, (template key, version)) of the acknowledgement.
Acknowledge = Callable[[StagedReceipt], tuple[str, str, tuple[str, int]]]


def stage_case(new: NewCase, *, acknowledge: Acknowledge | None = None) -> StagedReceipt:
    """Write ``new`` as one staged row with its reference, code and due date. Never commits.

    ``acknowledge`` writes the acknowledgement (subject, body, with CODE_MASK in place of the code)
    while the request still knows the sender's language and the public URL; it is queued when the
    case is recorded.
    """
    if new.channel not in CHANNELS:
        raise ValueError(f"unknown channel {new.channel!r}")
    new = clean_new_case(new)  # the row must be recordable: nothing the case table refuses
    code = new_tracking_code()
    due = acceptance_due_for(new.received_at, sealed=False)
    # Late: the counter's row lock is held from here to the commit, one insert away.
    reference = next_reference(new.received_at.year)
    receipt = StagedReceipt(reference, code, due.due, due.estimated)
    payload: dict[str, Any] = {name: getattr(new, name) for name in _PAYLOAD_FIELDS}
    payload["problem_codes"] = list(new.problem_codes)
    if acknowledge is not None and new.submitter_email:
        subject, body, notice = acknowledge(receipt)
        # The body shows CODE_MASK; the code waits encrypted for the e-mail (cases.secret_box).
        payload["acknowledgement"] = {"subject": subject, "body": body, "secret": seal(code),
                                      "notice": list(notice)}
    # Plain Core on the session's connection: one statement, none of the unit of work's bookkeeping.
    connection = db.session.connection()
    staged_id = connection.execute(insert(_STAGED).values(
        reference=reference, tracking_code_hash=hash_code(code), received_at=new.received_at,
        acceptance_due=due.due, due_estimated=due.estimated, payload=payload, has_files=bool(new.files),
    ).returning(_STAGED.c.id)).scalar_one()
    if new.files:
        connection.execute(insert(_FILES), [
            {"staged_id": staged_id, "position": position, "filename": upload.filename,
             "content_type": upload.content_type, "data": upload.data}
            for position, upload in enumerate(new.files)])
    return receipt


def find_staged(reference: str) -> StagedCase | None:
    """The staged opinion with this reference, if it has not been recorded yet."""
    return db.session.scalar(select(StagedCase).where(StagedCase.reference == reference))


def record_staged(staged: StagedCase) -> Case:
    """Record one staged opinion as its case, queue its acknowledgement, delete the row. Flushes."""
    case = _record(staged, _files_of([staged]).get(staged.id, []))
    db.session.flush()
    _delete([staged])
    return case


def record_staged_now(staged: StagedCase) -> Case | None:
    """Record a staged opinion the person is asking for before the job has (the tracking page).

    The row is locked first: if a worker is recording it at this moment, this waits for its
    commit and returns the case it wrote instead of writing a second one. None when it cannot be
    recorded (set aside for staff). Flushes.
    """
    locked = db.session.scalar(select(StagedCase).where(StagedCase.id == staged.id).with_for_update())
    if locked is None:
        return db.session.scalar(select(Case).where(Case.reference == staged.reference))
    if locked.failed_at is not None:
        return None  # set aside: staff know, and it is recorded once they retry it
    return try_recording(locked.id)


def _record(staged: StagedCase, files: list[StagedFile]) -> Case:
    new = _new_case_from(staged, files)
    # The case was received, and in effect created, when the person pressed "submit".
    case = record_case(new, now=staged.received_at, flush=False).case
    acknowledgement = staged.payload.get("acknowledgement")
    if acknowledgement and case.submitter_email:
        notice = acknowledgement.get("notice")  # (a row staged before templates has none)
        queue_outbound_message(case, acknowledgement["subject"], acknowledgement["body"], now=utcnow(),
                               secret=unseal(acknowledgement.get("secret")), purpose="acknowledgement",
                               notice=(str(notice[0]), int(notice[1])) if notice else None)
    return case


def _files_of(rows: list[StagedCase]) -> dict[int, list[StagedFile]]:
    wanted = [row.id for row in rows if row.has_files]
    files: dict[int, list[StagedFile]] = {}
    if wanted:
        for file in db.session.scalars(select(StagedFile).where(StagedFile.staged_id.in_(wanted))
                                       .order_by(StagedFile.staged_id, StagedFile.position)):
            files.setdefault(file.staged_id, []).append(file)
    return files


def _delete(rows: list[StagedCase]) -> None:
    # Core deletes: the staged rows are gone in the transaction that wrote their cases.
    ids = [row.id for row in rows]
    db.session.execute(delete(_FILES).where(_FILES.c.staged_id.in_(ids)))
    db.session.execute(delete(_STAGED).where(_STAGED.c.id.in_(ids)))
    for row in rows:
        db.session.expunge(row)


def _new_case_from(staged: StagedCase, files: list[StagedFile]) -> NewCase:
    known = {f.name for f in fields(NewCase)}
    values = {name: value for name, value in staged.payload.items() if name in known}
    values["problem_codes"] = tuple(values.get("problem_codes") or ())
    return NewCase(
        **values,
        received_at=staged.received_at,
        files=tuple(IncomingFile(f.filename, f.content_type, f.data) for f in files),
        reference=staged.reference,
        tracking_code_hash=staged.tracking_code_hash,
    )


@dataclass(frozen=True)
class StagedRun:
    """What one run of the job did."""

    recorded: int
    failed: int
    more: bool

    def __str__(self) -> str:
        return f"recorded {self.recorded} staged opinion(s), {self.failed} failed"


def record_staged_cases(limit: int = RECORD_BATCH) -> StagedRun:
    """Record the oldest staged opinions as cases (idempotent). Flushes; the caller commits.

    All in one savepoint first; if that fails, one savepoint each: a row that fails on its own is
    set aside with its error (shown to staff, skipped by later runs) and the others are recorded,
    so no number of bad rows can hold up the opinions behind them.
    """
    _forget_kick()
    query = select(StagedCase).where(StagedCase.failed_at.is_(None)).order_by(StagedCase.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # two workers record different rows
    rows = list(db.session.scalars(query))
    if not rows:
        return StagedRun(0, 0, more=False)
    try:
        with db.session.begin_nested():
            files = _files_of(rows)
            for row in rows:
                _record(row, files.get(row.id, []))
            db.session.flush()  # one flush for the batch
            _delete(rows)
        return StagedRun(len(rows), 0, more=len(rows) == limit)
    except Exception:  # noqa: BLE001 - find the row that failed; the others must not wait for it
        current_app.logger.exception("recording %d staged opinion(s) together failed; one by one", len(rows))
    recorded = failed = 0
    for staged_id in [row.id for row in rows]:
        if try_recording(staged_id) is None:
            failed += 1
        else:
            recorded += 1
    return StagedRun(recorded, failed, more=len(rows) == limit)


def try_recording(staged_id: int) -> Case | None:
    """Record one staged opinion in its own savepoint; on failure set it aside and return None."""
    try:
        with db.session.begin_nested():
            row = db.session.get(StagedCase, staged_id)
            return None if row is None else record_staged(row)
    except Exception as error:  # noqa: BLE001 - kept with its error for staff, never retried blindly
        current_app.logger.exception("staged opinion %s could not be recorded; set aside", staged_id)
        set_aside(staged_id, error)
        return None


def _error_summary(error: BaseException) -> str:
    # The first line only: the driver's later lines repeat the statement and its parameters,
    # which hold what the person wrote (maybe an accusation) and are not for every staff member.
    first = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first}"[:500]


def set_aside(staged_id: int, error: BaseException) -> None:
    """Mark a staged opinion that cannot be recorded, with a summary of the error. Flushes."""
    db.session.execute(update(_STAGED).where(_STAGED.c.id == staged_id)
                       .values(failed_at=utcnow(), error=_error_summary(error)))


def set_aside_rows() -> list[StagedCase]:
    """Staged opinions set aside because recording them failed, oldest first."""
    return list(db.session.scalars(select(StagedCase).where(StagedCase.failed_at.is_not(None))
                                   .order_by(StagedCase.id).limit(500)))


def retry_set_aside() -> int:
    """Put every set-aside opinion back in line for the next run (the cause has been fixed)."""
    result = db.session.execute(update(_STAGED).where(_STAGED.c.failed_at.is_not(None))
                                .values(failed_at=None, error=None))
    return int(result.rowcount or 0)


def waiting_since(moment: datetime) -> int:
    """How many staged opinions (not set aside) were received before ``moment`` and wait still."""
    return db.session.scalar(select(func.count(StagedCase.id)).where(
        StagedCase.received_at < moment, StagedCase.failed_at.is_(None))) or 0


def set_aside_count() -> int:
    """How many staged opinions are set aside (shown on the staff home while not zero)."""
    return db.session.scalar(select(func.count(StagedCase.id)).where(StagedCase.failed_at.is_not(None))) or 0


def _kick_key() -> str:
    return f"hqcbd:staged-kick:{current_app.config['RQ_QUEUE']}"


def ask_for_recording() -> None:
    """After the commit: have the staged opinions recorded now, by a worker or, without one, here.

    One Redis command while a run is already waiting; with Redis down the request records its
    opinion itself (slower, never lost), and its acknowledgement waits in the outbox.
    """
    if not current_app.config["EMBEDDED_JOBS"]:
        try:
            if redis_client().set(_kick_key(), "1", nx=True, ex=KICK_SECONDS):
                _enqueue_run()
            return
        except RedisError as error:
            current_app.logger.warning("Redis unavailable, recording the staged opinion here: %s", error)
    try:
        record_staged_cases()
        commit_and_dispatch()
    except Exception:  # noqa: BLE001 - the opinion is staged and safe: the next run records it
        db.session.rollback()
        current_app.logger.exception("recording a staged opinion in the request failed")


def _enqueue_run() -> None:
    try:
        Queue(current_app.config["RQ_QUEUE"], connection=redis_client()).enqueue(RQ_ENTRY, retry=rq_retry())
    except Exception:
        redis_client().delete(_kick_key())  # not enqueued: let the next request ask again
        raise


def _forget_kick() -> None:
    # Before the rows are read: a request that commits after this asks for a new run.
    if current_app.config["EMBEDDED_JOBS"] or not current_app.config["REDIS_URL"]:
        return
    with contextlib.suppress(RedisError):  # the flag expires by itself
        redis_client().delete(_kick_key())
