"""Routing rules on the administration pages (problem or task → department; the default rule) and
the dry run, which asks the very code acceptance uses (cases.triage.routing.rules_choice).

Order does not matter: cases.domain.routing tries the case's task rules, then its problem rules in
code order, then the default. So there is at most one rule per problem, one per task and one
default; a second is refused (change the existing one instead) and the default cannot be removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from cases.admin import AdminError, audit
from cases.domain.routing import RoutingChoice
from cases.extensions import db
from cases.models import Case, Department, Problem, RoutingRule, StaffUser, Task
from cases.triage.access import can_view, case_is_sealed
from cases.triage.links import problem_by_code
from cases.triage.routing import discipline_department, rules_choice
from cases.triage.workflow import TriageError


def rule_snapshot(rule: RoutingRule) -> dict[str, Any]:
    """What the audit log keeps of a rule (the department by code, the task by id)."""
    return {"problem": rule.problem_code, "task": rule.task_id, "department": rule.department.code,
            "note": rule.note}


def _problem_key(code: str | None) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in (code or "").split("."))
    except ValueError:
        return (10**6,)


def all_rules() -> list[RoutingRule]:
    """Every rule: the default first, then problem rules in code order, then task rules."""
    rules = list(db.session.scalars(db.select(RoutingRule).order_by(RoutingRule.id)))
    return sorted(rules, key=lambda r: (r.task_id is not None, r.problem_code is not None,
                                        _problem_key(r.problem_code), r.task_id or 0))


def _existing(problem_code: str | None, task_id: int | None) -> RoutingRule | None:
    if task_id is not None:
        condition = RoutingRule.task_id == task_id
    elif problem_code is None:
        condition = RoutingRule.task_id.is_(None) & RoutingRule.problem_code.is_(None)
    else:
        condition = RoutingRule.task_id.is_(None) & (RoutingRule.problem_code == problem_code)
    return db.session.scalar(db.select(RoutingRule).where(condition).limit(1))


def add_rule(problem_code: str | None, task: Task | None, department: Department, note: str, *,
             actor: StaffUser) -> RoutingRule:
    """Add a rule for a problem, a task, or (neither) the default. Flushes."""
    if task is not None:
        problem_code = None  # a task rule is found by the task alone
    elif problem_code is not None and problem_by_code(problem_code) is None:
        raise AdminError(_("There is no such problem in the current catalogue."), "item")
    if not department.active:
        raise AdminError(_("That department is not active."), "department")
    if _existing(problem_code, task.id if task else None) is not None:
        raise AdminError(_("There is already a rule for this item: change its department instead."), "item")
    rule = RoutingRule(problem_code=problem_code, task_id=task.id if task else None, department=department,
                       note=note.strip())
    db.session.add(rule)
    db.session.flush()
    audit.record(audit.ROUTING_RULE, rule.id, "created", actor=actor, after=rule_snapshot(rule))
    return rule


def change_rule(rule: RoutingRule, department: Department, note: str, *, actor: StaffUser) -> None:
    """Send a rule's cases to another (active) department. Flushes."""
    if not department.active:
        raise AdminError(_("That department is not active."), "department")
    before = rule_snapshot(rule)
    rule.department, rule.note = department, note.strip()
    db.session.flush()
    audit.record(audit.ROUTING_RULE, rule.id, "updated", actor=actor, before=before,
                 after=rule_snapshot(rule))


def remove_rule(rule: RoutingRule, *, actor: StaffUser) -> None:
    """Remove a problem or task rule (its cases then follow the next rule). Flushes."""
    if rule.problem_code is None and rule.task_id is None:
        raise AdminError(_("The default rule cannot be removed: change its department instead."))
    audit.delete_row(rule, audit.ROUTING_RULE, rule.id, rule_snapshot(rule), actor=actor)


@dataclass(frozen=True)
class DryRun:
    """Where a case would go and why: the rule that chose, and rules skipped (inactive department)."""

    department: Department
    choice: RoutingChoice
    problem: Problem | None = None
    task: Task | None = None
    skipped: tuple[RoutingRule, ...] = ()
    case: Case | None = None
    sealed: bool = False  # a sealed case goes to the discipline group whatever the rules say


def _skipped(problem_codes: list[str], task_ids: list[int]) -> tuple[RoutingRule, ...]:
    """Rules for these items that routing passes over because their department is inactive."""
    rows = db.session.scalars(db.select(RoutingRule).join(Department).where(
        Department.active.is_(False),
        RoutingRule.task_id.in_(task_ids) | (RoutingRule.task_id.is_(None)
                                             & RoutingRule.problem_code.in_(problem_codes))))
    return tuple(rows)


def _run(problem_codes: list[str], task_ids: list[int], case: Case | None = None) -> DryRun:
    try:
        department, choice = rules_choice(problem_codes, task_ids)
    except TriageError as error:
        raise AdminError(str(error)) from None
    rule = choice.rule
    task = db.session.get(Task, rule.task_id) if rule and rule.task_id is not None else None
    problem = problem_by_code(rule.problem_code) if rule and rule.problem_code else None
    return DryRun(department, choice, problem, task, _skipped(problem_codes, task_ids), case)


def dry_run(problem_code: str | None, task: Task | None) -> DryRun:
    """Which department a case linked to this problem (and task) would go to on acceptance, and why."""
    codes = [problem_code] if problem_code else []
    if task is not None and task.problem.code not in codes:
        codes.append(task.problem.code)  # linking a task links its problem too
    return _run(codes, [task.id] if task is not None else [])


def dry_run_case(reference: str, viewer: StaffUser) -> DryRun:
    """The dry run for an existing case the viewer may see (a sealed one is never shown to them)."""
    case = db.session.scalar(db.select(Case).where(Case.reference == reference.strip().upper()))
    if case is None or not can_view(viewer, case):
        raise AdminError(_("There is no case with this reference that you may see."), "reference")
    if case_is_sealed(case):
        try:
            group = discipline_department()
        except TriageError as error:
            raise AdminError(str(error)) from None
        return DryRun(group, RoutingChoice(group.code, "sealed"), case=case, sealed=True)
    return _run([p.code for p in case.problems], [t.id for t in case.tasks], case)
