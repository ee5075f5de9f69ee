"""Our outgoing Message-IDs carry a signed token, so a reply to them threads back to its case."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

_OURS = re.compile(r"^<?hq\.(\d+)\.([0-9a-z]+)\.([0-9a-f]{16})@([^>\s]+)>?$")


def _signature(key: bytes, case_id: int, nonce: str) -> str:
    return hmac.new(key, f"{case_id}.{nonce}".encode(), hashlib.sha256).hexdigest()[:16]


def make_message_id(key: bytes, case_id: int, domain: str) -> str:
    """A new Message-ID (without angle brackets) naming ``case_id``, signed with ``key``."""
    nonce = secrets.token_hex(6)
    return f"hq.{case_id}.{nonce}.{_signature(key, case_id, nonce)}@{domain}"


def case_id_from_message_id(key: bytes, message_id: str) -> int | None:
    """The case a Message-ID of ours names, or None when it is not ours or the token is forged."""
    match = _OURS.match(message_id.strip())
    if not match:
        return None
    case_id, nonce, signature = int(match.group(1)), match.group(2), match.group(3)
    if not hmac.compare_digest(signature, _signature(key, case_id, nonce)):
        return None
    return case_id
