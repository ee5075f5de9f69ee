"""Case statuses, channels, kinds and the one table of legal status transitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

CHANNELS: tuple[str, ...] = ("web", "email", "letter", "phone", "visit")
# Channels typed in by the party office (the others arrive by themselves).
MANUAL_CHANNELS: tuple[str, ...] = ("letter", "phone", "visit")

# 信访 practice: suggestion 建议意见, accusation 检举控告, claim 申诉求决, enquiry 咨询, out of scope.
KINDS: tuple[str, ...] = ("suggestion", "accusation", "claim", "enquiry", "out_of_scope")
ACCUSATION = "accusation"

RECEIVED = "received"
ACCEPTED = "accepted"
NOT_ACCEPTED = "not_accepted"
DUPLICATE = "duplicate"
OUT_OF_SCOPE = "out_of_scope"
ASSIGNED = "assigned"  # with a department: a handler takes it and drafts the reply
ANSWERED = "answered"  # the draft waits for the department head's approval
OFFICE_REVIEW = "office_review"  # approved by the head, waits for the party office's approval
APPROVED = "approved"  # may be sent
REPLIED = "replied"  # sent; waits for the person's rating
CLOSED = "closed"
REVIEW = "review"  # 复查: the person was not satisfied (30 days)
RE_REVIEW = "re_review"  # 复核: at most once, after a review; then the same facts are not accepted again

STATUSES: tuple[str, ...] = (
    RECEIVED, ACCEPTED, NOT_ACCEPTED, DUPLICATE, OUT_OF_SCOPE,
    ASSIGNED, ANSWERED, OFFICE_REVIEW, APPROVED, REPLIED, CLOSED, REVIEW, RE_REVIEW,
)

# Statuses in which a case still waits for the acceptance decision or for the reply.
OPEN_STATUSES = frozenset({RECEIVED, ACCEPTED, ASSIGNED, ANSWERED, OFFICE_REVIEW, APPROVED, REVIEW,
                           RE_REVIEW})
# Statuses where nothing more is due (a merged duplicate is counted once, on its target).
FINAL_STATUSES = frozenset({NOT_ACCEPTED, DUPLICATE, OUT_OF_SCOPE, CLOSED})
# Statuses in which a department holds the case (and may ask for an extension).
WITH_DEPARTMENT = frozenset({ASSIGNED, ANSWERED, OFFICE_REVIEW})
# Statuses in which the reply (or the review's reply) is owed: the reply clock runs.
REPLY_PENDING = frozenset({ACCEPTED, ASSIGNED, ANSWERED, OFFICE_REVIEW, APPROVED, REVIEW, RE_REVIEW})


def running_clock(status: str) -> str | None:
    """The clock that runs in ``status``: "acceptance" (the decision), "reply", or None."""
    if status == RECEIVED:
        return "acceptance"
    return "reply" if status in REPLY_PENDING else None


def running_due(status: str, acceptance_due: date | None, reply_due: date | None) -> date | None:
    """The due date of the clock that runs in ``status`` (see ``running_clock``), or None."""
    clock = running_clock(status)
    return acceptance_due if clock == "acceptance" else reply_due if clock == "reply" else None


# Statuses in which the draft waits for an approval.
AWAITING_APPROVAL = frozenset({ANSWERED, OFFICE_REVIEW})

# (from, action) → to. Every status change in the system goes through this table.
TRANSITIONS: dict[tuple[str, str], str] = {
    (RECEIVED, "accept"): ACCEPTED,
    (RECEIVED, "not_accept"): NOT_ACCEPTED,
    (RECEIVED, "merge"): DUPLICATE,
    (RECEIVED, "refer_out"): OUT_OF_SCOPE,
    (ACCEPTED, "assign"): ASSIGNED,
    (ACCEPTED, "merge"): DUPLICATE,
    (ASSIGNED, "reassign"): ASSIGNED,  # override of the routing rule, with a reason
    (ASSIGNED, "return"): RECEIVED,  # wrong department, within the return window: back to triage
    (ASSIGNED, "draft_reply"): ANSWERED,  # the handler submits the draft for approval
    (ASSIGNED, "conclude"): CLOSED,  # discipline track: the inspector closes the accusation
    (ANSWERED, "approve"): APPROVED,  # the head approves, and no party-office approval is needed
    (ANSWERED, "endorse"): OFFICE_REVIEW,  # the head approves; the party office must approve too
    (ANSWERED, "send_back"): ASSIGNED,
    (OFFICE_REVIEW, "approve"): APPROVED,
    (OFFICE_REVIEW, "send_back"): ASSIGNED,
    (APPROVED, "send_back"): ASSIGNED,  # withdrawn before it went out
    (APPROVED, "send_reply"): REPLIED,
    (REPLIED, "close"): CLOSED,
    (REPLIED, "request_review"): REVIEW,
    (REPLIED, "request_re_review"): RE_REVIEW,
    (CLOSED, "request_review"): REVIEW,
    (CLOSED, "request_re_review"): RE_REVIEW,
    (REVIEW, "assign"): ASSIGNED,
    (REVIEW, "close"): CLOSED,
    (RE_REVIEW, "assign"): ASSIGNED,
    (RE_REVIEW, "close"): CLOSED,
    (NOT_ACCEPTED, "reopen"): RECEIVED,
}


class IllegalTransition(ValueError):
    """Raised when an action is not allowed from a case's current status."""

    def __init__(self, status: str, action: str) -> None:
        allowed = ", ".join(allowed_actions(status)) or "none"
        super().__init__(
            f"action {action!r} is not allowed when a case is {status!r} (allowed: {allowed})"
        )
        self.status = status
        self.action = action


@dataclass(frozen=True)
class Transition:
    """A legal change of status."""

    from_status: str
    action: str
    to_status: str


def transition(status: str, action: str) -> Transition:
    """Return the transition for an action from a status, or raise IllegalTransition."""
    try:
        return Transition(status, action, TRANSITIONS[(status, action)])
    except KeyError:
        raise IllegalTransition(status, action) from None


def allowed_actions(status: str) -> list[str]:
    """The actions allowed from a status, in table order."""
    return [action for (source, action) in TRANSITIONS if source == status]


def is_sealed(kind: str | None, confidential: bool) -> bool:
    """Whether a case is sealed (an accusation, or marked confidential)."""
    return confidential or kind == ACCUSATION
