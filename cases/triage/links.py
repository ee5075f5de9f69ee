"""Linking a case to rectification problems and tasks (a case can concern several)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from cases.catalogue import current_plan_id
from cases.extensions import db
from cases.models import Area, Case, ConfirmedLink, Problem, StaffUser, Task
from cases.triage.suggest import ask_for_retraining
from cases.triage.workflow import TriageError, note_event


def current_problems() -> list[Problem]:
    """The problems of the current catalogue, in code order (with their tasks)."""
    return list(
        db.session.scalars(
            db.select(Problem)
            .join(Area)
            .where(Area.plan_id == current_plan_id())
            .options(selectinload(Problem.tasks))
            .order_by(Area.number, Problem.number)
        )
    )


def problem_by_code(code: str) -> Problem | None:
    """The problem with this code in the current catalogue."""
    return db.session.scalar(
        db.select(Problem).join(Area).where(Area.plan_id == current_plan_id(), Problem.code == code)
    )


def _confirm(case: Case, code: str, actor: StaffUser, now: datetime) -> None:
    exists = db.session.scalar(
        db.select(ConfirmedLink.id).where(
            ConfirmedLink.case_id == case.id, ConfirmedLink.problem_code == code
        )
    )
    if exists is None:
        db.session.add(
            ConfirmedLink(
                case_id=case.id,
                problem_code=code,
                confirmed_by_id=actor.id,
                confirmed_at=now,
                text=f"{case.subject}。{case.body}",
            )
        )
        ask_for_retraining()


def link_problem(
    case: Case, problem: Problem, *, actor: StaffUser, now: datetime, task: Task | None = None
) -> None:
    """Link ``case`` to a problem (and optionally one of its tasks); the link teaches the classifier."""
    if task is not None and task.problem_id != problem.id:
        raise TriageError(_("That task belongs to another problem."))
    changed = False
    if problem not in case.problems:
        case.problems.append(problem)
        changed = True
    if task is not None and task not in case.tasks:
        case.tasks.append(task)
        changed = True
    if not changed:
        raise TriageError(_("The case is already linked to that item."))
    _confirm(case, problem.code, actor, now)
    note_event(
        case,
        "linked",
        actor=actor,
        now=now,
        detail={"problem": problem.code, "task": task.headline if task else None},
    )


def unlink_problem(case: Case, problem: Problem, *, actor: StaffUser, now: datetime) -> None:
    """Remove a problem (and its tasks) from ``case``; it no longer teaches the classifier."""
    if problem not in case.problems:
        raise TriageError(_("The case is not linked to that item."))
    case.problems.remove(problem)
    case.tasks[:] = [task for task in case.tasks if task.problem_id != problem.id]
    link = db.session.scalar(
        db.select(ConfirmedLink).where(
            ConfirmedLink.case_id == case.id, ConfirmedLink.problem_code == problem.code
        )
    )
    if link is not None:
        db.session.delete(link)
        ask_for_retraining()
    note_event(case, "unlinked", actor=actor, now=now, detail={"problem": problem.code})
