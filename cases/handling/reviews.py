"""Review (复查) and re-review (复核): the case goes back to the department that answered it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cases.domain import notice_templates as notice
from cases.domain.satisfaction import REQUEST_RE_REVIEW
from cases.models import Case, StaffUser
from cases.triage.notify import tell_by_template
from cases.triage.routing import assign
from cases.triage.workflow import change_status, note_event


def open_review(case: Case, action: str, *, now: datetime, reason: str, actor: StaffUser | None = None,
                actor_label: str = "public", reason_detail: dict[str, Any] | None = None) -> None:
    """Open the next review round (``action``: request_review or request_re_review). Flushes.

    The review clock starts (CLOCK_REVIEW_DAYS), the case goes back to its department (the same
    handler keeps it unless the department gives it to a colleague) and the person is told.
    """
    change_status(case, action, actor=actor, actor_label=actor_label, now=now, reason=reason,
                  detail=reason_detail)
    due = case.reply_due
    if case.department is not None:
        assign(case, case.department, actor=actor, now=now, reason=reason,
               reason_args=(reason_detail or {}).get("reason_args"))
    key = notice.RE_REVIEW if action == REQUEST_RE_REVIEW else notice.REVIEW
    told = tell_by_template(case, key, now=now, actor=actor, due_date=due.isoformat() if due else "")
    note_event(case, "person_told", actor=actor, now=now, detail={**told, "about": action})
