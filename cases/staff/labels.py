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


# Outbound e-mail delivery (CaseMessage.delivery_status); None for a reply not sent by e-mail.
DELIVERY_LABELS = {
    "queued": _("Waiting to be sent"),
    "sent": _("Sent"),
    "retrying": _("Not delivered yet: it will be tried again"),
    "failed": _("Not delivered: every try failed"),
    "bounced": _("Not delivered: returned by the person's mail server"),
    "no_address": _("Not sent: no e-mail address"),
}

# Why a try to send failed (CaseMessage.delivery_error, cases.mailer.delivery_error_code).
DELIVERY_ERROR_LABELS = {
    "server_unreachable": _("Our mail server could not be reached."),
    "address_refused": _("The mail server refused the person's address."),
    "sender_refused": _("The mail server refused our sender address or our login."),
    "message_refused": _("The mail server refused the message."),
    "other": _("The message could not be sent because of a technical fault."),
}

# How a reply reached the person (CaseMessage.delivery_method).
METHOD_LABELS = {
    "email": _("By e-mail"),
    "portal": _("On the tracking page only"),
    "post": _("By post"),
    "phone": _("By phone"),
    "meeting": _("In a meeting"),
}

# The 好差评 levels (CaseRating.level).
RATING_LABELS = {
    5: _("Very satisfied"),
    4: _("Satisfied"),
    3: _("Basically satisfied"),
    2: _("Dissatisfied"),
    1: _("Very dissatisfied"),
}


def delivery_label(status: str | None) -> str:
    """The translated delivery status of an outbound message ("" when it has none)."""
    return str(DELIVERY_LABELS.get(status, status)) if status else ""


def delivery_error_label(code: str | None) -> str:
    """Why a send failed, in plain words ("" when nothing failed)."""
    return str(DELIVERY_ERROR_LABELS.get(code, DELIVERY_ERROR_LABELS["other"])) if code else ""


def method_label(method: str | None) -> str:
    """How a reply reached the person, translated ("" when not recorded)."""
    return str(METHOD_LABELS.get(method, method)) if method else ""


def rating_label(level: int | None) -> str:
    """The translated 好差评 level ("" without a rating)."""
    return str(RATING_LABELS.get(level, level)) if level else ""
