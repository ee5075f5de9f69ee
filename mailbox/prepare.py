"""Messages parsed for storage, here or in a second process (pure: no database, no framework).

A backlog uses both cores: while the poller records one batch, a spawned process parses the next
(``ParseAhead``). Small polls parse in the poller itself, where a second process costs more to
start than it saves.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import multiprocessing
import re
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType

from .parsing import ParsedMessage, parse_message

log = logging.getLogger(__name__)
GENERATED_DOMAIN = "hqcbd.invalid"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Without control characters (PostgreSQL text refuses NUL; none belongs in an id or error)."""
    return _CONTROL.sub("", value)


def generated_message_id(sha256: str) -> str:
    """The stable id of a message without Message-ID (the parser's own scheme)."""
    return f"generated-{sha256[:32]}@{GENERATED_DOMAIN}"


def parse_clean(raw: bytes, digest: str) -> ParsedMessage:
    """Parse, with a Message-ID that can be stored (no control characters, at most 998 characters)."""
    parsed = parse_message(raw)
    if clean_text(parsed.message_id) != parsed.message_id or len(parsed.message_id) > 998:
        parsed = dataclasses.replace(parsed, message_id=clean_text(parsed.message_id)[:998]
                                     or generated_message_id(digest))
    return parsed


def parse_all(raws: list[bytes]) -> list[ParsedMessage]:
    """Parse a group of messages; raises on the first that cannot be parsed (the caller then
    records the group one by one, where that message is quarantined)."""
    return [parse_clean(raw, hashlib.sha256(raw).hexdigest()) for raw in raws]


class ParseAhead:
    """Parses groups in a spawned process (not forked: a child must never share the poller's
    database connections), or in this process when off or when the process cannot be had."""

    def __init__(self, enabled: bool) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if enabled:
            try:
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            except (OSError, ValueError) as error:
                log.warning("parsing in this process: no second process (%s)", error)

    def submit(self, raws: list[bytes]) -> tuple[Future[list[ParsedMessage]], bool]:
        """The parsed group, soon (in the second process: True) or at once (here: False)."""
        if self._pool is not None:
            try:
                return self._pool.submit(parse_all, raws), True
            except RuntimeError as error:  # a broken pool: go on without it
                log.warning("parsing in this process: %s", error)
                self._pool = None
        future: Future[list[ParsedMessage]] = Future()
        try:
            future.set_result(parse_all(raws))
        except Exception as error:  # noqa: BLE001 - handed to the caller with the result
            future.set_exception(error)
        return future, False

    def __enter__(self) -> ParseAhead:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
