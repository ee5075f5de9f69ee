"""The few secrets that must wait somewhere before they are used, encrypted while they wait.

A tracking code is shown to the person once and stored only as a hash. Two things still need it
after the request that made it: the acknowledgement e-mail (sent by a job, maybe after retries)
and the receipt page shown after the form's redirect. Both keep it encrypted with Fernet (AES and
an HMAC, from the ``cryptography`` package) under a key derived from SECRET_KEY, so that neither
the database nor the session cookie, which the browser can read, ever holds it in clear.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

_PURPOSE = b"hqcbd secret box v1\x00"


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    # A key of its own, derived from SECRET_KEY: the signing key of sessions is not reused as is.
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(_PURPOSE + secret_key.encode()).digest()))


def _box() -> Fernet:
    return _fernet(str(current_app.config["SECRET_KEY"]))


def seal(text: str) -> str:
    """``text`` encrypted and authenticated (an ASCII token)."""
    return _box().encrypt(text.encode()).decode("ascii")


def unseal(token: str | None) -> str | None:
    """The text sealed in ``token``, or None when it cannot be read (no token, another key)."""
    if not token:
        return None
    try:
        return _box().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError):
        return None
