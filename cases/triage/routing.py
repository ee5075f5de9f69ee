"""Routing on acceptance, overrides with a reason, returns by a department and extensions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _

from cases.domain import clocks as clock_rules
from cases.domain import notice_templates as notice
from cases.domain.routing import RoutingChoice, Rule, choose_department
from cases.domain.states import WITH_DEPARTMENT
from cases.extensions import db
from cases.models import Case, CaseEvent, CaseNamedParty, Department, RoutingRule, StaffUser
from cases.reasons import RULE_DEFAULT, RULE_PROBLEM, RULE_TASK, SEALED_ROUTE
from cases.triage.access import case_is_sealed
from cases.triage.calendar import configured_clocks, current_calendar, local_date
from cases.triage.notify import tell_by_template
from cases.triage.workflow import TriageError, change_status, note_event

DISCIPLINE_KIND = "discipline"


def _rules() -> list[Rule]:
    rows = db.session.execute(
        db.select(RoutingRule.problem_code, RoutingRule.task_id, Department.code)
        .join(Department, RoutingRule.department_id == Department.id)
        .where(Department.active.is_(True))
        .order_by(RoutingRule.id)
    ).all()
    return [Rule(department=code, problem_code=problem, task_id=task) for problem, task, code in rows]


def discipline_department() -> Department:
    """The discipline inspection group (驻委纪检组): where every sealed case goes."""
    department = db.session.scalar(
        db.select(Department)
        .where(Department.kind == DISCIPLINE_KIND, Department.active.is_(True))
        .order_by(Department.id)
    )
    if department is None:
        raise TriageError(_("No discipline inspection group is set up: sealed cases cannot be routed."))
    return department


def _check_not_named(case: Case, department: Department) -> None:
    named = db.session.scalar(
        db.select(CaseNamedParty.id).where(
            CaseNamedParty.case_id == case.id, CaseNamedParty.department_id == department.id
        )
    )
    if named is not None:
        raise TriageError(_("This case names that department: it cannot be given to it."))


def rules_choice(problem_codes: Sequence[str], task_ids: Sequence[int]) -> tuple[Department, RoutingChoice]:
    """The department the routing rules give these linked items, and the choice (with its rule).

    The one place the rules are read and applied: acceptance and the administration's dry run.
    """
    choice = choose_department(_rules(), problem_codes, task_ids)
    if choice is None:
        raise TriageError(_("No routing rule applies and there is no default rule."))
    department = db.session.scalar(db.select(Department).where(Department.code == choice.department))
    assert department is not None
    return department, choice


def routed_department(case: Case) -> tuple[Department, str, dict[str, object]]:
    """The department the rules give ``case`` and why: a reason msgid (cases.reasons) and its
    arguments (sealed cases: the discipline group)."""
    if case_is_sealed(case):
        return discipline_department(), SEALED_ROUTE, {}
    department, choice = rules_choice([p.code for p in case.problems], [t.id for t in case.tasks])
    rule = choice.rule
    if rule is not None and rule.task_id is not None:
        return department, RULE_TASK, {"task": rule.task_id}  # kept for the record; the text needs no number
    if rule is not None and rule.problem_code:
        return department, RULE_PROBLEM, {"problem": rule.problem_code}
    return department, RULE_DEFAULT, {}


def assign(
    case: Case,
    department: Department,
    *,
    actor: StaffUser | None,
    now: datetime,
    reason: str,
    action: str = "assign",
    reason_args: dict[str, object] | None = None,
) -> None:
    """Give ``case`` to ``department`` through the table (assign or reassign). Flushes."""
    if case_is_sealed(case) and department.kind != DISCIPLINE_KIND:
        raise TriageError(_("A sealed accusation is never routed to a department."))
    _check_not_named(case, department)
    previous = case.department.code if case.department else None
    change_status(
        case,
        action,
        actor=actor,
        now=now,
        reason=reason,
        detail={"department": department.code, "previous": previous,
                **({"reason_args": reason_args} if reason_args else {})},
    )
    case.department = department
    case.assigned_at = now


def override_route(
    case: Case, department: Department, *, actor: StaffUser, now: datetime, reason: str
) -> None:
    """Send an assigned case to another department than the rule chose (a reason is required)."""
    if not reason.strip():
        raise TriageError(_("Give the reason for changing the department."))
    if department.id == case.department_id:
        raise TriageError(_("The case is already with that department."))
    assign(case, department, actor=actor, now=now, reason=reason, action="reassign")


def return_case(case: Case, *, actor: StaffUser, now: datetime, reason: str) -> None:
    """A department sends a misrouted case back to triage, within the return window."""
    if not reason.strip():
        raise TriageError(_("Say why the case is not for your department."))
    assigned = case.assigned_at or now
    clocks = configured_clocks()
    if not clock_rules.may_return(current_calendar(), local_date(assigned), local_date(now), clocks):
        raise TriageError(
            _(
                "The case can only be returned within %(days)d working days of being assigned.",
                days=configured_clocks().return_days,
            )
        )
    previous = case.department.code if case.department else None
    change_status(case, "return", actor=actor, now=now, reason=reason, detail={"department": previous})
    case.department = None
    case.assigned_at = None


def pending_extension(case: Case) -> CaseEvent | None:
    """The extension request waiting for a decision, if any."""
    last = db.session.scalar(
        db.select(CaseEvent)
        .where(
            CaseEvent.case_id == case.id,
            CaseEvent.action.in_(("extension_requested", "extension_approved", "extension_refused")),
        )
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )
    return last if last is not None and last.action == "extension_requested" else None


def request_extension(case: Case, days: int, *, actor: StaffUser, now: datetime, reason: str) -> None:
    """The department asks for more time (once, at most the configured days, with a reason)."""
    clocks = configured_clocks()
    if case.status not in WITH_DEPARTMENT:
        raise TriageError(_("Only a case a department is working on can be extended."))
    if case.extension_days:
        raise TriageError(_("This case has already been extended once."))
    if pending_extension(case) is not None:
        raise TriageError(_("An extension request is already waiting for a decision."))
    if not 1 <= days <= clocks.extension_max_days:
        raise TriageError(
            _("An extension is between 1 and %(days)d working days.", days=clocks.extension_max_days)
        )
    if not reason.strip():
        raise TriageError(_("Give the reason for the extension."))
    note_event(case, "extension_requested", actor=actor, now=now, reason=reason, detail={"days": days})


def decide_extension(case: Case, approve: bool, *, actor: StaffUser, now: datetime, reason: str) -> None:
    """Approve (new reply date, the person told why) or refuse a pending extension request."""
    pending = pending_extension(case)
    if pending is None:
        raise TriageError(_("There is no extension request to decide."))
    if pending.actor_id == actor.id:
        # Nobody decides their own request, whatever roles they hold (an inspector may do both).
        raise TriageError(_("You asked for this extension: another person must decide it."))
    if not reason.strip():
        raise TriageError(_("Give the reason for the decision."))
    days = int((pending.detail or {}).get("days", 0))
    if not approve:
        note_event(case, "extension_refused", actor=actor, now=now, reason=reason, detail={"days": days})
        return
    if case.reply_due is None:
        raise TriageError(_("The case has no reply date to extend."))
    try:
        due = clock_rules.extended_due(
            current_calendar(), case.reply_due, days, case.extension_days, configured_clocks()
        )
    except clock_rules.ClockError as error:
        raise TriageError(str(error)) from None
    previous = case.reply_due
    case.reply_due, case.extension_days = due.due, days
    case.due_estimated = case.due_estimated or due.estimated
    told = tell_by_template(case, notice.EXTENSION, now=now, actor=actor, due_date=due.due.isoformat(),
                            reason=reason.strip())
    note_event(
        case,
        "extension_approved",
        actor=actor,
        now=now,
        reason=reason,
        detail={"days": days, "from": previous.isoformat(), "to": due.due.isoformat(), **told},
    )
