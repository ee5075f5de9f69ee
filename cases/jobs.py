"""The registry of background jobs that the outbox can run.

Intake packages register their jobs here at import time (cases never imports them); the
composition root imports every package, so a worker knows every job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

JobFunction = Callable[..., Any]
JOBS: dict[str, JobFunction] = {}


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register a function as the job ``name`` (its keyword arguments must be ids)."""

    def decorator(function: JobFunction) -> JobFunction:
        existing = JOBS.get(name)
        if existing is not None and existing is not function:
            raise ValueError(f"job {name!r} registered twice")
        JOBS[name] = function
        return function

    return decorator
