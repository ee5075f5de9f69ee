"""Per-process caches of rarely changing rows, forgotten when this process writes those rows.

Other processes see a change within the cache's lifetime; this process sees it at once: a new
row of a watched model bypasses the cache until it is flushed, and a flush of any watched row
forgets it (an edit to a loaded row counts from the next flush, which any query makes).
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
        # Not a scan of session.new: a group of e-mails holds thousands of pending objects.
        pending = self.key in db.session.info.get(_PENDING, ())
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


_PENDING = "row_cache_pending"  # session.info: keys of the caches whose models have new rows pending


@event.listens_for(Session, "transient_to_pending")  # new rows only (not merged or loaded ones)
def _note_pending(session: Session, instance: object) -> None:
    for cache in _CACHES:
        if isinstance(instance, cache.models):
            session.info.setdefault(_PENDING, set()).add(cache.key)


@event.listens_for(Session, "after_flush")
def _forget_written(session: Session, _context: object) -> None:
    # A row written by this process counts from its next use on.
    touched = session.info.pop(_PENDING, set())
    if not has_app_context():
        return
    for cache in _CACHES:
        if cache.key in touched or cache._touches(chain(session.dirty, session.deleted)):
            cache.forget()


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous: object) -> None:
    session.info.pop(_PENDING, None)
