"""The registry of background jobs that the outbox can run.

Intake packages register their jobs here at import time (cases never imports them); the
composition root imports every package, so a worker knows every job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

JobFunction = Callable[..., Any]
# Called with the error, the attempts so far, whether they are exhausted, and the job's arguments.
FailureHook = Callable[..., None]
JOBS: dict[str, JobFunction] = {}
FAILURE_HOOKS: dict[str, FailureHook] = {}


def job(name: str, *, on_failure: FailureHook | None = None) -> Callable[[JobFunction], JobFunction]:
    """Register a function as the job ``name`` (its keyword arguments must be ids).

    ``on_failure(error, *, attempts, final, **arguments)`` is run by the outbox after a failed
    attempt, in a transaction of its own (the job's work was rolled back), so that the failure can
    be shown where people look (a message "not delivered"); ``final`` once no retry is left.
    """

    def decorator(function: JobFunction) -> JobFunction:
        existing = JOBS.get(name)
        if existing is not None and existing is not function:
            raise ValueError(f"job {name!r} registered twice")
        JOBS[name] = function
        if on_failure is not None:
            FAILURE_HOOKS[name] = on_failure
        return function

    return decorator
