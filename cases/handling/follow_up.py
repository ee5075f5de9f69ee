"""What the person sends about their own case after it was taken in (the tracking page or e-mail).

One rule for both ways in (cases.domain.satisfaction.after_follow_up): recorded on an open case;
on a recently closed one it opens the next review round; after the re-review the answer is final,
so it is recorded, reopens nothing, and the person is told why.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from cases.domain import notice_templates as notice
from cases.domain import states
from cases.domain.satisfaction import FINAL, RECORD, after_follow_up
from cases.handling.reviews import open_review
from cases.models import Case, CaseMessage
from cases.reasons import INFORMATION_AFTER_CLOSING
from cases.triage.access import case_is_sealed
from cases.triage.notify import tell_by_template
from cases.triage.workflow import note_event


def _within_reopen_window(case: Case, now: datetime) -> bool:
    if case.closed_at is None:
        return False
    return now - case.closed_at < timedelta(days=int(current_app.config["FOLLOW_UP_REOPEN_DAYS"]))


def record_follow_up(case: Case, message: CaseMessage, *, now: datetime, event: str,
                     actor_label: str) -> str:
    """Record ``message`` (already added to the session) as the person's follow-up.

    Flushes only when it changes the case (a review opens, the person is told): the mailbox
    writes a group of ordinary replies in one flush.

    ``event`` names the way it came (information_added on the web, email_received by mail).
    Returns what it did: record, request_review, request_re_review or final.
    """
    note_event(case, event, actor=None, now=now, detail={"message_id": message.message_id},
               actor_label=actor_label, flush=False)
    case.updated_at = now
    if case_is_sealed(case):
        return RECORD  # the discipline track answers a report in its own way; nothing reopens
    outcome = after_follow_up(case.status, case.review_round, _within_reopen_window(case, now))
    if outcome == FINAL:
        told = tell_by_template(case, notice.FINAL, now=now, actor=None)
        note_event(case, "follow_up_after_final", actor=None, now=now, detail=told)
    elif outcome == RECORD and case.status == states.CLOSED:
        note_event(case, "follow_up_after_close", actor=None, now=now)
    elif outcome != RECORD:
        open_review(case, outcome, now=now, actor_label=actor_label,
                    reason=INFORMATION_AFTER_CLOSING)
    return outcome
