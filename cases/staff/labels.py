"""Translated labels for role and status codes shown on staff pages."""

from __future__ import annotations

# Lazy, because labels are built at import time but translated per request; named _ so that
# pybabel extract finds the strings with its default keywords (no -k option needed).
from flask_babel import lazy_gettext as _

from cases.domain import roles, states

ROLE_LABELS = {
    roles.TRIAGER: _("Triager (party office)"),
    roles.SUPERVISOR: _("Supervisor"),
    roles.HANDLER: _("Department handler"),
    roles.DEPT_HEAD: _("Head of department"),
    roles.INSPECTOR: _("Discipline inspector"),
    roles.LEADER: _("Leader"),
    roles.ADMIN: _("Administrator"),
}

STATUS_LABELS = {
    states.RECEIVED: _("Received"),
    states.ACCEPTED: _("Accepted"),
    states.NOT_ACCEPTED: _("Not accepted"),
    states.DUPLICATE: _("Duplicate"),
    states.OUT_OF_SCOPE: _("Referred elsewhere"),
    states.ASSIGNED: _("Assigned to a department"),
    states.ANSWERED: _("Reply waits for the head's approval"),
    states.OFFICE_REVIEW: _("Reply waits for the party office's approval"),
    states.APPROVED: _("Reply approved"),
    states.REPLIED: _("Replied, waiting for the rating"),
    states.CLOSED: _("Closed"),
    states.REVIEW: _("Under review"),
    states.RE_REVIEW: _("Under re-review"),
}


def role_label(role: str) -> str:
    """The translated label of a role code (the code itself when unknown)."""
    return str(ROLE_LABELS.get(role, role))


def status_label(status: str) -> str:
    """The translated label of a case status code (the code itself when unknown)."""
    return str(STATUS_LABELS.get(status, status))

KIND_LABELS = {
    "suggestion": _("Suggestion (建议意见)"),
    "accusation": _("Accusation (检举控告)"),
    "claim": _("Claim (申诉求决)"),
    "enquiry": _("Enquiry (咨询)"),
    "out_of_scope": _("Out of scope"),
}

CHANNEL_LABELS = {
    "web": _("Web form"),
    "email": _("E-mail"),
    "letter": _("Letter"),
    "phone": _("Phone call"),
    "visit": _("Visit"),
}


def kind_label(kind: str | None) -> str:
    """The translated label of a case kind ("not set" when empty)."""
    if not kind:
        return str(_("Not set"))
    return str(KIND_LABELS.get(kind, kind))


def channel_label(channel: str) -> str:
    """The translated label of a channel code."""
    return str(CHANNEL_LABELS.get(channel, channel))


# The discipline track (cases.handling.discipline): how a reporter was reported back to (回复),
# and where its e-mail is (shown to the discipline group only).
REPORT_BACK_METHOD_LABELS = {
    "email": _("By e-mail"),
    "post": _("By post"),
    "phone": _("By phone"),
    "meeting": _("In person"),
}


def report_back_method_label(method: str) -> str:
    """The translated label of a report-back method code (never the code)."""
    return str(REPORT_BACK_METHOD_LABELS.get(method, _("Another way")))


def report_back_delivery_label(status: str | None) -> str:
    """Where the report back by e-mail is: sent, waiting to be sent, or not delivered."""
    if status == "sent":
        return str(_("E-mail sent"))
    if status == "queued":
        return str(_("E-mail waiting to be sent"))
    return str(_("E-mail not delivered"))

