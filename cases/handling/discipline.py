"""The discipline track (检举控告): an inspector records the handling, closes it and reports back.

After acceptance an accusation is with the discipline inspection group. Each step taken (a
measure of the list kept in the database, its date and a note) is a ``discipline_step`` event;
closing (``conclude``) needs the handling to end with a concluding measure (了结 by default) and
starts the report-back clock for a named reporter (cases.triage.workflow); the report back (回复)
is a ``reported_back`` event, by e-mail also an outbound message whose subject carries the
reference and a neutral word only. An anonymous accusation gets no report back.

The texts (notes, conclusion, report back) live in the events' detail, never in their reason:
the case page's timeline shows reasons to everyone who may open the case, and the handling is
for the discipline group alone (cases.triage.access.handles_discipline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from cases.domain import discipline as rules
from cases.domain.states import ASSIGNED, CLOSED
from cases.extensions import db
from cases.handling.discipline_measures import active_measure
from cases.mailer import queue_outbound_message
from cases.models import Case, CaseEvent, CaseMessage, StaffUser
from cases.triage import access
from cases.triage.calendar import local_date
from cases.triage.notify import N_, in_person_language
from cases.triage.routing import DISCIPLINE_KIND
from cases.triage.workflow import TriageError, change_status, note_event

STEP_EVENT = "discipline_step"
REPORTED_BACK_EVENT = "reported_back"
CONCLUDE = "conclude"
# Delivery states of an e-mail that has reached or may still reach the person (waiting, sent, or
# failed once and to be tried again): no second report back meanwhile.
_ON_ITS_WAY = frozenset({"queued", "sent", "retrying"})


@dataclass(frozen=True)
class RecordedStep:
    """A step of the handling as recorded (the measure's names as they were then)."""

    event: CaseEvent
    measure: str
    name_zh: str
    name_en: str
    on: date
    concludes: bool
    note: str


@dataclass(frozen=True)
class RecordedReportBack:
    """A report back as recorded; ``message`` is the e-mail when it went by e-mail."""

    event: CaseEvent
    method: str
    on: date
    text: str
    message: CaseMessage | None


def on_track(case: Case) -> bool:
    """Whether ``case`` is a sealed case held by the discipline inspection group."""
    return (access.case_is_sealed(case) and case.department is not None
            and case.department.kind == DISCIPLINE_KIND)


def _require_inspector(case: Case, actor: StaffUser) -> None:
    # The views check it too; the service refuses anyway, so that no other caller can forget it.
    if not access.handles_discipline(actor, case) or not on_track(case):
        raise TriageError(_("Only the discipline inspection group handles this accusation."))


def _required(text: str, message: str) -> str:
    if not text.strip():
        raise TriageError(message)
    return text.strip()


def _check_date(on: date, earliest: date | None, today: date) -> None:
    refusal = rules.date_refusal(on, earliest, today)
    if refusal == rules.DATE_IN_FUTURE:
        raise TriageError(_("The date cannot be in the future."))
    if refusal == rules.DATE_TOO_EARLY:
        assert earliest is not None
        raise TriageError(_("The date cannot be before %(day)s.", day=earliest.isoformat()))


def _events(case: Case, action: str) -> list[CaseEvent]:
    return list(db.session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == action).order_by(CaseEvent.id)))


def recorded_steps(case: Case) -> list[RecordedStep]:
    """The steps recorded on ``case``, as they happened (by date, then in the order recorded)."""
    steps = {}
    for event in _events(case, STEP_EVENT):
        detail = event.detail or {}
        steps[event.id] = RecordedStep(event, str(detail.get("measure", "")), str(detail.get("name_zh", "")),
                                       str(detail.get("name_en", "")), date.fromisoformat(detail["on"]),
                                       bool(detail.get("concludes")), str(detail.get("note", "")))
    ordered = rules.in_order(rules.Step(s.measure, s.on, s.concludes, seq) for seq, s in steps.items())
    return [steps[step.seq] for step in ordered]


def record_step(case: Case, measure_code: str, on: date, note: str, *, actor: StaffUser,
                now: datetime) -> CaseEvent:
    """Record one step of the handling of an accepted accusation. Flushes."""
    _require_inspector(case, actor)
    if case.status != ASSIGNED:
        raise TriageError(_("Steps are recorded while the accusation is being handled."))
    measure = active_measure(measure_code)
    if measure is None:
        raise TriageError(_("Choose a measure from the list."))
    note = _required(note, _("Describe the step in the note."))
    _check_date(on, local_date(case.accepted_at) if case.accepted_at else None, local_date(now))
    return note_event(case, STEP_EVENT, actor=actor, now=now, detail={
        "measure": measure.code, "name_zh": measure.name_zh, "name_en": measure.name_en,
        "concludes": measure.concludes, "on": on.isoformat(), "note": note})


def closing_refusal(steps: list[RecordedStep]) -> str | None:
    """Why an accusation with these steps cannot be closed yet (cases.domain.discipline), or None."""
    return rules.closing_refusal(rules.Step(s.measure, s.on, s.concludes, s.event.id) for s in steps)


def conclude(case: Case, conclusion: str, *, actor: StaffUser, now: datetime) -> CaseEvent:
    """Close the accusation with its conclusion (the report-back clock starts for a named reporter)."""
    _require_inspector(case, actor)
    conclusion = _required(conclusion, _("Write the conclusion."))
    refusal = closing_refusal(recorded_steps(case))
    if refusal == rules.NO_STEP:
        raise TriageError(_("Record at least one step of the handling before closing the accusation."))
    if refusal == rules.NOT_CONCLUDED:
        raise TriageError(_("The handling must end with a step that concludes it (such as 了结) "
                            "before the accusation is closed."))
    return change_status(case, CONCLUDE, actor=actor, now=now, detail={"conclusion": conclusion})


def conclusion(case: Case) -> CaseEvent | None:
    """The event that closed the accusation (its detail holds the conclusion), if it is closed."""
    closings = _events(case, CONCLUDE) if case.status == CLOSED else []
    return closings[-1] if closings else None


def report_back_methods(case: Case) -> tuple[str, ...]:
    """How this case's reporter can be reported back to (none for an anonymous accusation)."""
    return rules.report_back_methods(
        anonymous=case.anonymous, email=bool(case.submitter_email) and not case.email_undeliverable,
        phone=bool(case.submitter_phone))


def recorded_report_backs(case: Case) -> list[RecordedReportBack]:
    """The report backs recorded on ``case``, oldest first."""
    found = []
    for event in _events(case, REPORTED_BACK_EVENT):
        detail = event.detail or {}
        message = db.session.get(CaseMessage, detail["case_message"]) if detail.get("case_message") else None
        on = date.fromisoformat(detail["on"])
        found.append(RecordedReportBack(event, str(detail.get("method", "")), on, str(detail.get("text", "")),
                                        message))
    return found


def may_report_back_again(case: Case) -> bool:
    """Whether another report back may be recorded: only when the last one was an e-mail that did not
    reach the person (the address bounced, or sending failed)."""
    done = recorded_report_backs(case)
    if not done:
        return True
    last = done[-1]
    if last.method != rules.EMAIL or last.message is None:
        return False
    return case.email_undeliverable or last.message.delivery_status not in _ON_ITS_WAY


def report_back(case: Case, method: str, on: date | None, text: str, *, actor: StaffUser,
                now: datetime) -> CaseEvent:
    """Record the report back (回复) to a named reporter; by e-mail it is sent after the commit. Flushes.

    An e-mail goes out now (``on`` is today); a letter, call or meeting is recorded with its date.
    """
    _require_inspector(case, actor)
    if case.anonymous:
        raise TriageError(_("An anonymous accusation gets no report back."))
    if case.status != CLOSED:
        raise TriageError(_("The report back comes after the accusation is closed."))
    if method not in report_back_methods(case):
        raise TriageError(_("Choose how the reporter was reached."))
    if not may_report_back_again(case):
        raise TriageError(_("The report back has already been recorded."))
    text = _required(text, _("Write what the reporter was told."))
    today = local_date(now)
    detail: dict[str, object] = {"method": method, "text": text}
    if method == rules.EMAIL:
        on = today
        what = in_person_language(case, N_("Report back"))  # outside the f-string: pybabel finds it
        message = queue_outbound_message(
            case, f"[{case.reference}] {what}", text, now=now,
            author=actor, in_reply_to=_last_inbound_message_id(case), purpose="report_back")
        message.delivery_method = rules.EMAIL
        db.session.flush()
        detail["case_message"] = message.id
    else:
        if on is None:
            raise TriageError(_("Give the date the reporter was reached."))
        _check_date(on, local_date(case.closed_at) if case.closed_at else None, today)
    detail["on"] = on.isoformat()
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    # The day counts, not the hour: noon keeps an earlier day the same day in any time zone shown.
    case.reported_back_at = now if on == today else datetime.combine(on, time(12), zone)
    return note_event(case, REPORTED_BACK_EVENT, actor=actor, now=now, detail=detail)


def _last_inbound_message_id(case: Case) -> str | None:
    """The Message-ID of the reporter's last e-mail, so that the report back threads with it."""
    return db.session.scalar(select(CaseMessage.message_id).where(
        CaseMessage.case_id == case.id, CaseMessage.direction == "inbound",
        CaseMessage.message_id.is_not(None)).order_by(CaseMessage.id.desc()).limit(1))
