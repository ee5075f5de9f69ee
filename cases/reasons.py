"""Reasons the system writes on a case's trail, in the reader's language.

A reason the system writes is stored as its English msgid (marked with ``N_``), with its arguments
in the event's ``detail["reason_args"]``, and translated when a page shows it. Trails written before
this (free English texts such as "set on acceptance" or "problem 1.1") are read through the mapping
at the end. A reason a person typed is shown as typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext

from cases.i18n import N_

SET_ON_ACCEPTANCE = N_("Kind chosen on acceptance")
CLASSIFIER_FLAGGED = N_("The automatic screening found a possible accusation")
INFORMATION_AFTER_CLOSING = N_("The person added information after the case was closed")
SEALED_ROUTE = N_("Sealed accusation: it goes to the discipline inspection group")
RULE_TASK = N_("Routing rule of the linked task")
RULE_PROBLEM = N_("Routing rule of problem %(problem)s")
RULE_DEFAULT = N_("Default routing rule: back to the party office")
OVERRIDE = N_("Another department than the routing rule: %(reason)s")
RATED_SATISFIED = N_("The person rated the reply: %(level)s of 5")
RATED_NOT_SATISFIED = N_("The person was not satisfied with the reply (%(level)s of 5)")
NOT_RATED = N_("No rating within %(days)s working days of the reply")
AUTOMATIC_MAIL = N_("Automatic mail (an auto-reply, a bounce or a mailing list): never answered")
NO_AUTO_ANSWER = N_("The sender's mail program asked for no automatic answers")
NO_ADDRESS = N_("No sender address")
OUR_ADDRESS = N_("The message came from our own address")
UNDELIVERABLE = N_("The address is marked undeliverable")
RATE_LIMIT = N_("Limit reached: %(num)s automatic answers to this address in 24 hours")

WRITTEN = frozenset({
    SET_ON_ACCEPTANCE, CLASSIFIER_FLAGGED, INFORMATION_AFTER_CLOSING, SEALED_ROUTE, RULE_TASK, RULE_PROBLEM,
    RULE_DEFAULT, OVERRIDE, RATED_SATISFIED, RATED_NOT_SATISFIED, NOT_RATED, AUTOMATIC_MAIL, NO_AUTO_ANSWER,
    NO_ADDRESS, OUR_ADDRESS, UNDELIVERABLE, RATE_LIMIT,
})

# Trails written before reasons were stored as msgids: the old English text → msgid and arguments.
_LEGACY_EXACT = {
    "set on acceptance": SET_ON_ACCEPTANCE,
    "the classifier flagged a possible accusation": CLASSIFIER_FLAGGED,
    "the sender added information after closing": INFORMATION_AFTER_CLOSING,
    "sealed: discipline inspection group": SEALED_ROUTE,
    "default rule": RULE_DEFAULT,
    "no sender address": NO_ADDRESS,
    "the message came from our own address": OUR_ADDRESS,
    "the address is marked undeliverable": UNDELIVERABLE,
}
_LEGACY_PATTERNS = (
    (re.compile(r"task \d+"), RULE_TASK, ()),
    (re.compile(r"problem (?P<problem>\d+\.\d+)"), RULE_PROBLEM, ("problem",)),
    (re.compile(r"override: (?P<reason>.*)", re.S), OVERRIDE, ("reason",)),
    (re.compile(r"rated (?P<level>\d) of 5: not satisfied"), RATED_NOT_SATISFIED, ("level",)),
    (re.compile(r"rated (?P<level>\d) of 5"), RATED_SATISFIED, ("level",)),
    (re.compile(r"no rating within (?P<days>\d+) working days of the reply"), NOT_RATED, ("days",)),
    (re.compile(r"automatic mail \(.*\)", re.S), AUTOMATIC_MAIL, ()),
    (re.compile(r"X-Auto-Response-Suppress: .*", re.S | re.I), NO_AUTO_ANSWER, ()),
    (re.compile(r"rate limit: (?P<num>\d+) automatic answers to this address in 24 hours"), RATE_LIMIT,
     ("num",)),
)
# Events whose old reason was a mail server's technical report: their label says it all.
_TECHNICAL_REASON_ACTIONS = frozenset({"email_bounced"})


# Notes the bundled data (cases/data/departments.json) gives the routing rules it seeds, in English.
_SEEDED_NOTES = {
    "default: back to the party office for triage": N_("Default rule: back to the party office for triage"),
}


def seeded_note(note: str | None) -> str:
    """A routing rule's note in the reader's language when it is the seed's own; else as typed."""
    if not note:
        return ""
    msgid = _SEEDED_NOTES.get(note)
    return gettext(msgid) if msgid else note


class _Args(dict[str, object]):
    """A reason's arguments; one missing (an event written without it) reads as an ellipsis."""

    def __missing__(self, key: str) -> str:
        return "…"


def _translated(msgid: str, args: Mapping[str, object]) -> str:
    text = gettext(msgid)
    return text % _Args(args) if "%(" in text else text


def reason_args(**args: object) -> dict[str, Any]:
    """The event detail that carries a stored reason's arguments."""
    return {"reason_args": args}


def _legacy(reason: str) -> tuple[str, dict[str, object]] | None:
    if reason in _LEGACY_EXACT:
        return _LEGACY_EXACT[reason], {}
    for pattern, msgid, names in _LEGACY_PATTERNS:
        match = pattern.fullmatch(reason)
        if match:
            return msgid, {name: match.group(name) for name in names}
    return None


def reason_text(action: str, reason: str | None, detail: Mapping[str, Any] | None) -> str:
    """An event's reason in the reader's language: a stored msgid translated, an old English
    text through the mapping, a person's own words as typed."""
    if not reason:
        return ""
    if reason in WRITTEN:
        return _translated(reason, (detail or {}).get("reason_args") or {})
    legacy = _legacy(reason)
    if legacy is not None:
        return _translated(*legacy)
    if action in _TECHNICAL_REASON_ACTIONS:
        return ""
    return reason
