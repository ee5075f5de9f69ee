"""Fixtures of the mailbox intake tests: a private Dovecot, the app pointed at it, real SMTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.support.dovecot import Dovecot, private_dovecot

CORPUS = Path(__file__).resolve().parent / "corpus"


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    """One private Dovecot for the session (each test empties its folders)."""
    with private_dovecot() as server:
        yield server


@pytest.fixture
def dovecot(dovecot_server: Dovecot) -> Iterator[Dovecot]:
    """The private Dovecot with an empty INBOX and Processed folder."""
    for folder in ("INBOX", "Processed"):
        dovecot_server.empty(folder)
    yield dovecot_server


@pytest.fixture
def mailbox_app(app: Flask, dovecot: Dovecot) -> Flask:
    """The application configured to poll the private Dovecot (plain IMAP on loopback)."""
    app.config.update(dovecot.settings)
    app.config.update(MAILBOX_SERVER_ACTION="seen", MAILBOX_MAX_BYTES=25 * 1024 * 1024,
                      MAILBOX_BATCH_SIZE=100, MAILBOX_ACK_PER_DAY=5)
    return app


def corpus() -> list[tuple[str, bytes, dict]]:
    """The golden corpus: (name, raw bytes, expected parse)."""
    return [(path.stem, path.read_bytes(), json.loads(path.with_suffix(".json").read_text("utf-8")))
            for path in sorted(CORPUS.glob("*.eml"))]


def expected_outcome(expected: dict) -> str:
    """What the intake must make of a corpus message (no case exists yet when it is polled)."""
    if expected["auto"] == "bounce":
        return "bounce"
    if expected["auto"]:
        return "auto_reply"
    return "new_case"


def message(sender: str = "zhang.wei@example.cn", subject: str = "关于虹桥商务区停车难的建议",
            body: str = "建议增加公共停车位。", message_id: str | None = "m1@example.cn",
            extra: str = "") -> bytes:
    """A small UTF-8 message."""
    import base64

    lines = [f"From: {sender}", "To: hqcbd@example.test",
             f"Subject: =?utf-8?B?{base64.b64encode(subject.encode()).decode()}?=",
             "Date: Sat, 28 Nov 2026 10:00:00 +0800", "MIME-Version: 1.0",
             'Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"]
    if message_id:
        lines.append(f"Message-ID: <{message_id}>")
    if extra:
        lines.append(extra)
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()
