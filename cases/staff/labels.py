"""Translated labels for role and status codes shown on staff pages."""

from __future__ import annotations

# Lazy, because labels are built at import time but translated per request; named _ so that
# pybabel extract finds the strings with its default keywords (no -k option needed).
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _

from cases.domain import roles, states
from cases.reasons import reason_text

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
    """The translated label of a role code (a generic word when unknown: never the code)."""
    return str(ROLE_LABELS.get(role, _("Other role")))


def status_label(status: str) -> str:
    """The translated label of a case status code (a generic word when unknown: never the code)."""
    return str(STATUS_LABELS.get(status, _("Other status")))

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


# Every action of the audit trail: the transitions of cases.domain.states and the events without a
# status change. An action missing here is shown as "Other step", never as its code.
EVENT_LABELS = {
    "received": _("Received"),
    "accept": _("Accepted"),
    "not_accept": _("Not accepted"),
    "merge": _("Merged into another case"),
    "refer_out": _("Referred elsewhere"),
    "assign": _("Assigned to a department"),
    "reassign": _("Sent to another department"),
    "return": _("Returned to the party office"),
    "draft_reply": _("Reply submitted for approval"),
    "approve": _("Reply approved"),
    "endorse": _("Reply approved by the head, passed to the party office"),
    "send_back": _("Reply sent back"),
    "send_reply": _("Reply sent"),
    "close": _("Closed"),
    "conclude": _("Accusation concluded"),
    "request_review": _("Review (复查) opened"),
    "request_re_review": _("Re-review (复核) opened"),
    "reopen": _("Reopened"),
    "viewed": _("Viewed (sealed case)"),
    "person_told": _("The person was told"),
    "reporter_told": _("The reporter was told"),
    "information_added": _("The person added information"),
    "email_received": _("E-mail from the person"),
    "email_bounced": _("E-mail not delivered (bounced)"),
    "email_not_delivered": _("E-mail not delivered after every try"),
    "reply_sent_again": _("Reply sent again"),
    "reply_delivered_otherwise": _("Reply delivered another way"),
    "email_too_large": _("E-mail too large to take in"),
    "follow_up_after_close": _("Message after closing"),
    "follow_up_after_final": _("Message after the final answer"),
    "rated": _("Rated by the person"),
    "extension_requested": _("Extension requested"),
    "extension_approved": _("Extension approved"),
    "extension_refused": _("Extension refused"),
    "linked": _("Rectification item linked"),
    "unlinked": _("Rectification item unlinked"),
    "repeat_linked": _("A repeat was linked"),
    "merged_in": _("A duplicate was merged in"),
    "kind_set": _("Kind set"),
    "marked_accusation": _("Marked as an accusation"),
    "unmarked_accusation": _("No longer an accusation"),
    "moved_to_discipline": _("Moved to the discipline inspection group"),
    "named_party_added": _("Named person or unit recorded"),
    "note_added": _("Internal note added"),
    "sealed_on_intake": _("Sealed on intake"),
    "created_from_quarantine": _("Created from a held e-mail"),
    "acknowledgement_skipped": _("No automatic receipt sent"),
    "taken": _("Taken by a handler"),
    "taken_over": _("Taken over"),
    "discipline_step": _("Step of the handling recorded"),
    "reported_back": _("Reported back to the reporter"),
    "reminder_half": _("Reminder sent: half of the time has passed"),
    "reminder_eighty": _("Reminder sent: four fifths of the time have passed"),
    "reminder_three_days": _("Reminder sent: three working days left"),
    "marked_overdue": _("Overdue: the head and the party office were told"),
}

# The clock a reminder is about (CaseEvent.detail["clock"], cases.domain.reminders.CLOCKS).
CLOCK_LABELS = {
    "acceptance": _("acceptance decision"),
    "reply": _("reply"),
    "report_back": _("report back to the reporter"),
}


def clock_label(clock: str) -> str:
    """The translated name of a case clock (a generic word when unknown: never the code)."""
    return str(CLOCK_LABELS.get(clock, _("deadline")))

# Outbound e-mail delivery (CaseMessage.delivery_status); None for a reply not sent by e-mail.
DELIVERY_LABELS = {
    "queued": _("Waiting to be sent"),
    "sent": _("Sent"),
    "retrying": _("Not delivered yet: it will be tried again"),
    "failed": _("Not delivered: every try failed"),
    "bounced": _("Not delivered: returned by the person's mail server"),
    "no_address": _("Not sent: no e-mail address"),
    "undeliverable": _("Not delivered"),
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


def delivery_error_label(code: str | None) -> str:
    """Why a send failed, in plain words ("" when nothing failed)."""
    return str(DELIVERY_ERROR_LABELS.get(code, DELIVERY_ERROR_LABELS["other"])) if code else ""


def method_label(method: str | None) -> str:
    """How a reply reached the person, translated ("" when not recorded)."""
    return str(METHOD_LABELS.get(method, method)) if method else ""


def rating_label(level: int | None) -> str:
    """The translated 好差评 level ("" without a rating)."""
    return str(RATING_LABELS.get(level, level)) if level else ""

# CaseEvent.actor_label when no staff user acted.
ACTOR_LABELS = {
    "public": _("The person"),
    "system": _("The system"),
    "mailbox": _("The mailbox"),
    "staff": _("Staff"),
}


def event_label(action: str) -> str:
    """The translated label of an event's action ("Other step" when unknown: never the code)."""
    return str(EVENT_LABELS.get(action, _("Other step")))


def delivery_label(status: str | None) -> str:
    """The translated label of an outgoing message's delivery status (never the code)."""
    if not status:
        return ""
    return str(DELIVERY_LABELS.get(status, _("Delivery state unknown")))


# What an outbound e-mail was (CaseMessage.purpose, cases.mailer.PURPOSES).
PURPOSE_LABELS = {
    "reply": _("Reply"),
    "notice": _("Notice to the person"),
    "acknowledgement": _("Automatic receipt"),
    "report_back": _("Report back"),
}


def purpose_label(purpose: str | None) -> str:
    """The translated label of an outbound e-mail's purpose (never the code)."""
    return str(PURPOSE_LABELS.get(purpose or "", _("E-mail")))


def event_reason(action: str, reason: str | None, detail: dict[str, object] | None) -> str:
    """An event's reason in the reader's language (a failed send's reason is its error code)."""
    if action == "email_not_delivered":
        return delivery_error_label(reason)
    return reason_text(action, reason, detail)


def actor_label(label: str) -> str:
    """Who acted when no staff account did (the person, the system, the mailbox), translated."""
    return str(ACTOR_LABELS.get(label, _("The system")))


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

# Administration: department kinds and the audit log's entities, actions and fields.
DEPARTMENT_KIND_LABELS = {
    "division": _("Division or centre (处室、中心)"),
    "party_office": _("Party office (机关党委办公室)"),
    "discipline": _("Discipline inspection group (驻委纪检组)"),
}

AUDIT_ENTITY_LABELS = {
    "staff_user": _("Staff account"),
    "department": _("Department"),
    "routing_rule": _("Routing rule"),
    "holiday_override": _("Holiday or working day"),
    "discipline_measure": _("Discipline handling measure"),
    "api_token": _("API token"),
    "notice_template": _("Notice to the person"),
}

AUDIT_ACTION_LABELS = {
    "created": _("Created"),
    "updated": _("Changed"),
    "deleted": _("Removed"),
    "deactivated": _("Deactivated"),
    "reactivated": _("Reactivated"),
    "password_link": _("One-time password link issued"),
    "temporary_password": _("Temporary password issued"),
    "password_set_by_link": _("Password set through a one-time link"),
    "password_changed": _("Password changed by its holder"),
    "password_set_by_command": _("Password set from the command line"),
    "revoked": _("Revoked"),
}

AUDIT_FIELD_LABELS = {
    "email": _("E-mail address"),
    "display_name": _("Name"),
    "roles": _("Roles"),
    "departments": _("Departments"),
    "active": _("Active"),
    "must_change": _("Must choose a new password"),
    "expires_at": _("Valid until"),
    "code": _("Code"),
    "name_zh": _("Name in Chinese"),
    "name_en": _("Name in English"),
    "kind": _("Kind"),
    "office_approval": _("The party office must also approve its replies"),
    "problem": _("Problem"),
    "task": _("Task"),
    "department": _("Department"),
    "note": _("Note"),
    "day": _("Date"),
    "is_working_day": _("Kind of day"),
    "source": _("Source"),
    "position": _("Order in the list"),
    "concludes": _("Concludes the handling"),
    "prefix": _("Token begins with"),
    "user_id": _("Staff account number"),
    "key": _("Notice"),
    "language": _("Language"),
    "subject": _("Subject"),
    "body": _("Text"),
    "version": _("Version"),
}


def department_kind_label(kind: str) -> str:
    """The translated label of a department kind."""
    return str(DEPARTMENT_KIND_LABELS.get(kind, kind))


def audit_label(table: dict[str, object], code: str) -> str:
    """The translated label of an audit entity, action or field code (the code when unknown)."""
    return str(table.get(code, code))


def days_left_words(days: int | None) -> str:
    """Working days left on a clock in words ("还剩 3 个工作日", "今天到期", "已超期 2 个工作日")."""
    if days is None:
        return ""
    if days > 0:
        return ngettext("%(num)d working day left", "%(num)d working days left", days)
    if days == 0:
        return gettext("due today")
    return ngettext("%(num)d working day overdue", "%(num)d working days overdue", -days)
