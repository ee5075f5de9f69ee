"""What a user can do on a case now, the main step first: the case page shows these forms only.

Each entry names a form of the case page (``code``) or, with ``anchor``, a place on the page where
the step is done (the reply editor, the sending panel). The order is the order of importance for this
user at this stage: the step the case waits for from them comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from cases.domain import clocks as clock_rules
from cases.domain import states
from cases.handling import approval
from cases.handling.drafts import latest_draft
from cases.models import Case, StaffUser
from cases.triage import access
from cases.triage.calendar import configured_clocks, current_calendar, local_date
from cases.triage.routing import pending_extension

# Where the sending panel (staff/_reply.html) puts its form; the list links to it.
SEND_ANCHOR = "reply"
DRAFT_ANCHOR = "draft"


@dataclass(frozen=True)
class Action:
    """One step offered on the case page: the form ``code`` shows, or a link to ``anchor``."""

    code: str
    label: str
    anchor: str = ""


def _may_return(case: Case, now: datetime) -> bool:
    if case.status != states.ASSIGNED or case.review_round or case.assigned_at is None:
        return False
    return clock_rules.may_return(current_calendar(), local_date(case.assigned_at), local_date(now),
                                  configured_clocks())


def _department_steps(user: StaffUser, case: Case) -> list[Action]:
    """The reply's steps: write, submit, take; approve or send back; send once approved."""
    steps: list[Action] = []
    if case.status == states.ASSIGNED and access.may_draft(user, case):
        if latest_draft(case) is not None:
            steps.append(Action("submit", _("Submit the reply for approval")))
            steps.append(Action("write", _("Change the reply"), DRAFT_ANCHOR))
        else:
            steps.append(Action("write", _("Write the reply"), DRAFT_ANCHOR))
    if case.handler_id != user.id and access.may_take(user, case) and (
            case.handler_id is None or access.may_take_over(user, case)):
        label = _("Take over this case") if case.handler_id is not None else _("Take this case")
        steps.append(Action("take", label))
    if approval.may_approve(user, case):
        endorse = case.status == states.ANSWERED and approval.needs_office_approval(case)
        label = _("Approve and pass to the party office") if endorse else _("Approve the reply")
        steps.append(Action("approve", label))
    if case.status == states.APPROVED and access.can_triage(user, case):
        steps.append(Action("send", _("Send the reply"), SEND_ANCHOR))
    if approval.may_send_back(user, case):
        steps.append(Action("send_back", _("Send the reply back with a comment")))
    return steps


def _triage_steps(user: StaffUser, case: Case) -> list[Action]:
    status, steps = case.status, []
    if status == states.RECEIVED:
        steps += [Action("accept", _("Accept and route")),
                  Action("not_accept", _("Do not accept")),
                  Action("refer_out", _("Out of scope: refer elsewhere"))]
    if "merge" in states.allowed_actions(status):
        steps.append(Action("merge", _("Merge as a duplicate")))
    if "reassign" in states.allowed_actions(status):
        steps.append(Action("reroute", _("Send to another department")))
    if status in states.OPEN_STATUSES:
        steps.append(Action("link", _("Link a rectification item")))
        if case.problems:
            steps.append(Action("unlink", _("Unlink a rectification item")))
        if case.kind == states.ACCUSATION:
            steps += [Action("unmark_accusation", _("Not an accusation: unseal")),
                      Action("named_party", _("Record a person or unit it names"))]
        else:
            steps += [Action("set_kind", _("Set the kind")),
                      Action("mark_accusation", _("Mark as an accusation (seals the case)"))]
    return steps


def available_actions(user: StaffUser, case: Case, now: datetime) -> list[Action]:
    """The steps this user can take on ``case`` now, the main one first (empty: nothing to do)."""
    may_triage = access.can_triage(user, case)
    for_department = access.acts_for_department(user, case)
    if not (may_triage or for_department):
        return []
    pending = pending_extension(case) if case.status in states.WITH_DEPARTMENT else None
    steps: list[Action] = []
    # An extension request waits for the party office: deciding it comes first (never by its requester).
    if pending is not None and may_triage and pending.actor_id != user.id:
        steps.append(Action("decide_extension", _("Decide an extension request")))
    steps += _department_steps(user, case)
    if may_triage:
        steps += _triage_steps(user, case)
    may_extend = case.status in states.WITH_DEPARTMENT and not case.extension_days and pending is None
    if for_department and may_extend:
        steps.append(Action("request_extension", _("Ask for an extension")))
    if for_department and _may_return(case, now):
        steps.append(Action("return", _("Return: not for our department")))
    steps.append(Action("note", _("Add an internal note")))
    return steps


def action_codes(actions: list[Action]) -> list[str]:
    """The codes of a list of actions (for templates and tests)."""
    return [action.code for action in actions]
