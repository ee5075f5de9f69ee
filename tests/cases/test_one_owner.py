"""One owner per rule: only the workflow service writes a case's status (issue 12, point 1)."""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
OWNER = PROJECT / "cases" / "triage" / "workflow.py"


def _status_writes(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else [])
        for target in targets:
            for element in (target.elts if isinstance(target, ast.Tuple) else [target]):
                if isinstance(element, ast.Attribute) and element.attr == "status":
                    lines.append(node.lineno)
    return lines


def test_only_the_workflow_service_writes_a_case_status() -> None:
    writers = {}
    for package in ("cases", "feedback", "mailbox"):
        for path in (PROJECT / package).rglob("*.py"):
            if path != OWNER and path.name != "states.py" and (found := _status_writes(path)):
                writers[str(path.relative_to(PROJECT))] = found
    assert writers == {}
    assert _status_writes(OWNER)  # the check itself sees an assignment where there is one
