"""What the classifier says about a message, and its JSON Lines form (`flask cases classify --jsonl`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Suggestion:
    """A suggested link: problem code, best task headline in it, score and the words behind it."""

    problem: str
    task: str
    score: float
    reason: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"problem": self.problem, "task": self.task, "score": self.score, "reason": list(self.reason)}


@dataclass(frozen=True)
class Classification:
    """The classifier's verdict on one message."""

    suggestions: tuple[Suggestion, ...]
    kind: str
    accusation: bool
    out_of_scope: bool

    def as_dict(self, message_id: Any = None) -> dict[str, Any]:
        """The JSON form (the ``flask cases classify --jsonl`` output line)."""
        return {
            "id": message_id,
            "suggestions": [s.as_dict() for s in self.suggestions],
            "kind": self.kind,
            "accusation": self.accusation,
            "out_of_scope": self.out_of_scope,
        }


class _Classifies(Protocol):
    def classify(self, text: str, subject: str = "") -> Classification: ...


def classify_jsonl_lines(lines: Iterable[str], classifier: _Classifies) -> Iterator[dict[str, Any]]:
    """Classify JSON Lines ({"id", "text", "subject"?}); yield one output dict per message.

    Blank lines are skipped; a line that is not a JSON object with a string "text" yields
    ``{"line": n, "error": "…"}`` instead, so one bad line does not stop a batch.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield {"line": number, "error": f"invalid JSON: {error.msg}"}
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield {"line": number, "error": 'expected an object with a string "text"'}
            continue
        subject = record.get("subject") if isinstance(record.get("subject"), str) else ""
        yield classifier.classify(record["text"], subject).as_dict(record.get("id"))
