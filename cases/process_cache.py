"""Per-process caches of rarely changing rows, forgotten when this process writes those rows.

Other processes see a change within the cache's lifetime; this process sees it at once, also
before its own flush (pending objects of the watched models bypass the cache).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import chain
from typing import Any, Generic, TypeVar

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from cases.extensions import db

T = TypeVar("T")
_CACHES: list[RowCache[Any]] = []


class RowCache(Generic[T]):
    """A value computed from the rows of ``models``, kept per application for ``seconds``."""

    def __init__(self, name: str, seconds: float, models: tuple[type, ...]) -> None:
        self.key = f"row_cache:{name}"
        self.seconds = seconds
        self.models = models
        _CACHES.append(self)

    def _touches(self, objects: Any) -> bool:
        return any(isinstance(obj, self.models) for obj in objects)

    def get(self, compute: Callable[[], T]) -> T:
        """The cached value, or ``compute()`` when it is old, missing or rows are pending."""
        session = db.session
        pending = self._touches(chain(session.new, session.dirty, session.deleted))
        cached = current_app.extensions.get(self.key)
        if not pending and cached is not None and time.monotonic() - cached[0] < self.seconds:
            return cached[1]  # type: ignore[no-any-return]
        value = compute()
        if not pending:
            current_app.extensions[self.key] = (time.monotonic(), value)
        return value

    def forget(self) -> None:
        """Drop the cached value of the current application."""
        current_app.extensions.pop(self.key, None)


@event.listens_for(Session, "after_flush")
def _forget_written(session: Session, _context: object) -> None:
    # A row written by this process counts from its next use on.
    if not has_app_context():
        return
    for cache in _CACHES:
        if cache._touches(chain(session.new, session.dirty, session.deleted)):
            cache.forget()
