"""Triage decisions: accept, not accept, refer elsewhere, merge duplicates, kinds and accusations."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from cases.domain import notice_templates as notice
from cases.domain.states import ACCUSATION, FINAL_STATUSES, KINDS, OUT_OF_SCOPE
from cases.extensions import db
from cases.models import Case, CaseMessage, CaseNamedParty, Department, StaffUser
from cases.reasons import OVERRIDE, SET_ON_ACCEPTANCE
from cases.triage.access import case_is_sealed
from cases.triage.notify import tell_by_template
from cases.triage.routing import assign, discipline_department, routed_department
from cases.triage.screening import set_acceptance_due
from cases.triage.workflow import TriageError, change_status, note_event


def _require(reason: str, message: str) -> str:
    if not reason.strip():
        raise TriageError(message)
    return reason.strip()


def accept(
    case: Case,
    *,
    actor: StaffUser,
    now: datetime,
    kind: str | None = None,
    department: Department | None = None,
    reason: str = "",
) -> None:
    """Accept a case, start the reply clock and route it (rules, or ``department`` with a reason)."""
    if kind is not None:
        set_kind(case, kind, actor=actor, now=now, reason=reason or SET_ON_ACCEPTANCE)
    if case.kind is None:
        raise TriageError(_("Choose the kind of the case before accepting it."))
    change_status(case, "accept", actor=actor, now=now, reason=reason)  # starts the reply clock
    chosen, because, args = routed_department(case)
    if department is not None and department.id != chosen.id:
        _require(reason, _("Give the reason for choosing another department than the rule."))
        chosen, because, args = department, OVERRIDE, {"reason": reason.strip()}
    assign(case, chosen, actor=actor, now=now, reason=because, reason_args=args)
    if case_is_sealed(case):
        if not case.anonymous and case.submitter_email:
            # Discipline track: a named reporter is told whether the accusation was accepted.
            told = tell_by_template(case, notice.ACCEPTED, now=now, actor=actor)
            note_event(case, "reporter_told", actor=actor, now=now, detail=told)
        return
    # 受理告知: the person learns that it was accepted, who answers it and by when (by e-mail when
    # they gave an address; the tracking page shows the same step either way).
    due = case.reply_due.isoformat() if case.reply_due else ""
    told = tell_by_template(case, notice.ACCEPTED_CASE, now=now, actor=actor, due_date=due)
    note_event(case, "person_told", actor=actor, now=now, detail={**told, "about": "accept"})


def not_accept(case: Case, *, actor: StaffUser, now: datetime, reason: str) -> str:
    """Refuse a case with the reason, told to the person; return how they were told."""
    reason = _require(reason, _("Give the reason the case is not accepted: the person is told."))
    change_status(case, "not_accept", actor=actor, now=now, reason=reason)
    told = tell_by_template(case, notice.NOT_ACCEPTED, now=now, actor=actor, reason=reason)
    note_event(case, "person_told", actor=actor, now=now, detail=told)
    return str(told["told"])


def refer_out(case: Case, *, actor: StaffUser, now: datetime, referred_to: str, reason: str = "") -> str:
    """Out of scope: record to whom it was referred and tell the person where to turn."""
    referred_to = _require(referred_to, _("Say to whom the case is referred: the person is told."))
    change_status(
        case,
        "refer_out",
        actor=actor,
        now=now,
        reason=reason or referred_to,
        detail={"referred_to": referred_to},
    )
    case.kind, case.referred_to = OUT_OF_SCOPE, referred_to
    told = tell_by_template(case, notice.REFERRED, now=now, actor=actor, referred_to=referred_to,
                            reason=reason.strip())
    note_event(case, "person_told", actor=actor, now=now, detail=told)
    return str(told["told"])


def _root(case: Case) -> Case:
    seen = {case.id}
    while case.duplicate_of_id is not None:
        target = db.session.get(Case, case.duplicate_of_id)
        if target is None or target.id in seen:
            break
        seen.add(target.id)
        case = target
    return case


def merge(case: Case, target: Case, *, actor: StaffUser, now: datetime, reason: str = "") -> Case:
    """Mark ``case`` a duplicate of ``target``; an open target takes its messages, a closed one is linked."""
    target = _root(target)
    if target.id == case.id:
        raise TriageError(_("A case cannot be merged into itself."))
    if case_is_sealed(case) != case_is_sealed(target):
        raise TriageError(_("A sealed case and an ordinary case cannot be merged."))
    closed_target = target.status in FINAL_STATUSES
    change_status(
        case,
        "merge",
        actor=actor,
        now=now,
        reason=reason,
        detail={"into": target.reference, "target_closed": closed_target},
    )
    case.duplicate_of_id = target.id
    if closed_target:
        # A repeat of a closed case is linked to it and the closed case stays closed.
        note_event(
            target, "repeat_linked", actor=actor, now=now, reason=reason, detail={"repeat": case.reference}
        )
        key = notice.REPEAT_LINKED
    else:
        moved = list(case.messages)
        for message in moved:
            message.case = target
        db.session.flush()
        target.search_text = " ".join(filter(None, [target.search_text, case.search_text]))
        note_event(
            target,
            "merged_in",
            actor=actor,
            now=now,
            reason=reason,
            detail={"from": case.reference, "messages": len(moved)},
        )
        key = notice.MERGED
    told = tell_by_template(case, key, now=now, actor=actor, target=target.reference)
    note_event(case, "person_told", actor=actor, now=now, detail=told)
    return target


def set_kind(case: Case, kind: str, *, actor: StaffUser, now: datetime, reason: str = "") -> None:
    """Set the case kind at triage (an accusation seals the case: use mark_accusation)."""
    if kind not in KINDS:
        raise TriageError(_("Unknown case kind."))
    if kind == ACCUSATION and case.kind != ACCUSATION:
        mark_accusation(case, actor=actor, now=now, reason=reason)
        return
    if case.kind == ACCUSATION and kind != ACCUSATION:
        unmark_accusation(case, kind, actor=actor, now=now, reason=reason)
        return
    if case.kind != kind:
        note_event(
            case, "kind_set", actor=actor, now=now, reason=reason, detail={"from": case.kind, "to": kind}
        )
        case.kind = kind


def mark_accusation(case: Case, *, actor: StaffUser, now: datetime, reason: str) -> None:
    """Seal a case as an accusation (检举控告): the discipline group takes it from any department."""
    reason = _require(reason, _("Give the reason for marking the case an accusation."))
    previous = case.kind
    case.kind, case.confidential = ACCUSATION, True
    note_event(case, "marked_accusation", actor=actor, now=now, reason=reason, detail={"from": previous})
    if case.department_id is not None:
        case.department = discipline_department()
        note_event(case, "moved_to_discipline", actor=actor, now=now, reason=reason)
    if case.acceptance_due is not None and case.accepted_at is None:
        set_acceptance_due(case)  # the discipline track's clock, now that it is sealed


def unmark_accusation(case: Case, kind: str, *, actor: StaffUser, now: datetime, reason: str) -> None:
    """Unseal a case wrongly taken for an accusation (inspectors and supervisors only, with a reason)."""
    reason = _require(reason, _("Give the reason for unmarking the accusation."))
    if kind == ACCUSATION or kind not in KINDS:
        raise TriageError(_("Choose the kind the case really is."))
    case.kind, case.confidential = kind, False
    note_event(case, "unmarked_accusation", actor=actor, now=now, reason=reason, detail={"to": kind})


def add_named_party(
    case: Case,
    *,
    actor: StaffUser,
    now: datetime,
    name: str = "",
    staff_user: StaffUser | None = None,
    department: Department | None = None,
) -> None:
    """Record a person or unit the case accuses: they can never be given the case nor see it."""
    if staff_user is None and department is None and not name.strip():
        raise TriageError(_("Name the person or unit."))
    if department is not None and case.department_id == department.id:
        raise TriageError(_("The case is with the unit it names: route it elsewhere first."))
    db.session.add(
        CaseNamedParty(
            case_id=case.id,
            name=name.strip(),
            staff_user_id=staff_user.id if staff_user else None,
            department_id=department.id if department else None,
            kind="unit" if department is not None else "person",
        )
    )
    note_event(
        case,
        "named_party_added",
        actor=actor,
        now=now,
        detail={
            "name": name.strip(),
            "staff_user": staff_user.email if staff_user else None,
            "department": department.code if department else None,
        },
    )


def add_note(case: Case, text: str, *, actor: StaffUser, now: datetime) -> CaseMessage:
    """An internal note on the case (never sent to the person)."""
    text = _require(text, _("Write the note."))
    note = CaseMessage(
        case=case, direction="note", body_text=text, author=actor, created_at=now, sender=actor.email
    )
    db.session.add(note)
    note_event(case, "note_added", actor=actor, now=now)
    return note
