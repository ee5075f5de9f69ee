"""Screening a new case: the classifier's suggestions, the search words, and sealing on suspicion.

Web opinions and typed-in letters are screened at intake. The mailbox records its cases first and
leaves the screening to a job (``screen_new_cases``), so that polling stays fast and the poller
never loads the classifier. Until a case is screened it is *held*: only those who may see sealed
cases see it (cases/triage/access.py), because it may be an accusation nobody has recognised yet.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import selectinload

from cases.domain import clocks as clock_rules
from cases.domain.deadlines import DueDate
from cases.domain.states import ACCUSATION
from cases.events import mark_report_dirty, record_event
from cases.extensions import db
from cases.jobs import job
from cases.models import Case, OutboxItem
from cases.models.types import utcnow
from cases.outbox import add_job
from cases.reasons import CLASSIFIER_FLAGGED
from cases.transaction_info import transaction_key
from cases.triage.calendar import configured_clocks, current_calendar, local_date
from cases.triage.suggest import refresh_search_text, screen_case
from classifier.engine import Classification

SCREEN_JOB = "screen_new_cases"
SCREEN_BATCH = 200  # cases per job run; a fuller queue asks for another run
_ASKED = transaction_key("screening_asked")  # session.info: the job is asked for in this transaction


def acceptance_due_for(received_at: datetime, *, sealed: bool) -> DueDate:
    """The acceptance clock from receipt (for a letter the postmark date); sealed cases run on
    the discipline track's clock."""
    return clock_rules.acceptance_due(current_calendar(), local_date(received_at), configured_clocks(),
                                      sealed=sealed)


def set_acceptance_due(case: Case) -> None:
    """Set the case's acceptance due date from its receipt and whether it is sealed."""
    due = acceptance_due_for(case.received_at, sealed=case.confidential)
    case.acceptance_due, case.due_estimated = due.due, due.estimated


def apply_screening(case: Case, verdict: Classification | None, now: datetime) -> None:
    """Search words, suggestions, sealing of a suspected accusation; the case is screened."""
    refresh_search_text(case)
    if verdict is not None:
        case.suggestions = {**verdict.as_dict(case.reference), "at": now.isoformat()}
    if verdict is not None and verdict.accusation and not case.confidential:
        # Sealed until an inspector or supervisor says otherwise: a false alarm costs a day,
        # a leak to the accused cannot be undone.
        case.kind, case.confidential = ACCUSATION, True
        record_event(case, "sealed_on_intake", at=now, actor_label="system",
                     reason=CLASSIFIER_FLAGGED)
        set_acceptance_due(case)
    case.screened_at = now
    mark_report_dirty(case)  # no longer held: who may count it in the reports changed


def ask_for_screening() -> None:
    """Queue the screening job once per transaction, unless a run is already waiting."""
    session = db.session
    if session.info.get(_ASKED):
        return
    with session.no_autoflush:
        waiting = session.scalar(db.select(OutboxItem.id).where(
            OutboxItem.job == SCREEN_JOB, OutboxItem.state == "pending").limit(1))
    if waiting is None:
        add_job(SCREEN_JOB)
    session.info[_ASKED] = True


@job(SCREEN_JOB)
def screen_new_cases() -> str:
    """Screen the cases still held, oldest first (idempotent: a screened case is left alone)."""
    # In one batch: the messages of every case in one query (the search words read them), and no
    # flush per case (each read of a case's messages used to flush the one before): the batch is
    # written by the commit. About 10 ms a case less than case by case.
    query = (db.select(Case).where(Case.screened_at.is_(None)).order_by(Case.id).limit(SCREEN_BATCH)
             .options(selectinload(Case.messages)))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Case)  # two workers screen different cases
    cases = list(db.session.scalars(query))
    with db.session.no_autoflush:
        for case in cases:
            apply_screening(case, screen_case(case), utcnow())
    if len(cases) == SCREEN_BATCH:
        add_job(SCREEN_JOB)  # more may be waiting: another run (a spare one finds nothing)
    current_app.logger.info("screened %d held case(s)", len(cases))
    return f"screened {len(cases)}"
