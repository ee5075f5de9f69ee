"""Routing rules as data: which department answers a case, from the items it is linked to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """Problem code or task id → department code; a rule with neither is the default."""

    department: str
    problem_code: str | None = None
    task_id: int | None = None


@dataclass(frozen=True)
class RoutingChoice:
    """The department chosen and the rule that chose it, in words for the audit trail."""

    department: str
    because: str
    rule: Rule | None = None  # the rule that chose (its task or problem says why; neither: the default)


def choose_department(
    rules: Iterable[Rule], problem_codes: Sequence[str], task_ids: Sequence[int]
) -> RoutingChoice | None:
    """The department for a case: a task rule first, then a problem rule (in code order), then the default."""
    rules = list(rules)
    by_task = {rule.task_id: rule for rule in rules if rule.task_id is not None}
    by_problem = {rule.problem_code: rule for rule in rules if rule.task_id is None and rule.problem_code}
    for task_id in task_ids:
        if task_id in by_task:
            return RoutingChoice(by_task[task_id].department, f"task {task_id}", by_task[task_id])
    for code in sorted(problem_codes, key=_code_key):
        if code in by_problem:
            return RoutingChoice(by_problem[code].department, f"problem {code}", by_problem[code])
    default = next((r for r in rules if r.task_id is None and r.problem_code is None), None)
    return RoutingChoice(default.department, "default rule", default) if default else None


def _code_key(code: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in code.split("."))
    except ValueError:
        return (10**6,)
