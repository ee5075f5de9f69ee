"""The mailbox intake's settings, read from the app config (tests) or the environment (operators)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from flask import current_app

TRUE_WORDS = {"1", "true", "yes", "on"}
SERVER_ACTIONS = ("seen", "move")


@dataclass(frozen=True)
class MailboxSettings:
    """Where the published mailbox is and how the poller treats it."""

    host: str | None
    port: int
    user: str | None
    password: str | None
    ssl: bool
    starttls: bool
    folder: str
    processed_folder: str
    server_action: str
    max_bytes: int
    batch_size: int
    parse_ahead_min: int  # new messages from which a second process parses ahead (0: never)
    ack_per_day: int
    poll_interval: float
    lock_ttl: int

    @property
    def mailbox(self) -> str:
        """The ledger's name for this mailbox: user@host:port."""
        return f"{self.user or ''}@{self.host or ''}:{self.port}"


def _get(name: str, default: Any) -> Any:
    # The app config wins (tests and create_app overrides), then the environment, then the default.
    value = current_app.config.get(name)
    if value is None or value == "":
        value = os.environ.get(name)
    return default if value is None or value == "" else value


def _flag(name: str, default: bool) -> bool:
    value = _get(name, default)
    return value if isinstance(value, bool) else str(value).strip().lower() in TRUE_WORDS


def load_settings() -> MailboxSettings:
    """Read the settings of the current application; refuse a server action we do not know."""
    ssl = _flag("IMAP_SSL", True)
    action = str(_get("MAILBOX_SERVER_ACTION", "seen")).strip().lower()
    if action not in SERVER_ACTIONS:
        raise ValueError(f"MAILBOX_SERVER_ACTION must be one of {SERVER_ACTIONS}, not {action!r}")
    return MailboxSettings(
        host=_get("IMAP_HOST", None),
        port=int(_get("IMAP_PORT", 993 if ssl else 143)),
        user=_get("IMAP_USER", None),
        password=_get("IMAP_PASSWORD", None),
        ssl=ssl,
        starttls=_flag("IMAP_STARTTLS", False),
        folder=str(_get("IMAP_FOLDER", "INBOX")),
        processed_folder=str(_get("MAILBOX_PROCESSED_FOLDER", "Processed")),
        server_action=action,
        max_bytes=int(_get("MAILBOX_MAX_BYTES", 25 * 1024 * 1024)),
        batch_size=max(1, int(_get("MAILBOX_BATCH_SIZE", 250))),
        parse_ahead_min=max(0, int(_get("MAILBOX_PARSE_AHEAD_MIN", 500))),
        ack_per_day=int(_get("MAILBOX_ACK_PER_DAY", 5)),
        poll_interval=float(_get("MAILBOX_POLL_INTERVAL", 60)),
        lock_ttl=max(10, int(_get("MAILBOX_LOCK_TTL", 120))),
    )
