"""Case references (HQ-YYYY-NNNNNN) and private tracking codes."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# Crockford's base32 alphabet: no I, L, O or U, so nothing is mistaken when read aloud or
# copied from paper (0/O, 1/I/L).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # 20 symbols × 5 bits = 100 bits of randomness
GROUP = 4
# What a stored copy of a message shows in place of the code (the e-mail itself carries the code).
CODE_MASK = "••••-••••-••••-••••-••••"
REFERENCE_RE = re.compile(r"^HQ-(\d{4})-(\d{6})$")
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def format_reference(year: int, number: int) -> str:
    """The public reference of the ``number``-th case of ``year``."""
    if not 1 <= number <= 999_999:
        raise ValueError("case number out of range for HQ-YYYY-NNNNNN")
    return f"HQ-{year:04d}-{number:06d}"


def new_tracking_code() -> str:
    """A fresh tracking code, grouped for reading aloud: XXXX-XXXX-XXXX-XXXX-XXXX."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(symbols[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalise_code(code: str) -> str:
    """The code as typed by a person, reduced to its symbols (case, spaces, dashes, look-alikes)."""
    cleaned = re.sub(r"[\s\-_.·—－]", "", code.upper()).translate(_LOOKALIKES)
    return cleaned


def hash_code(code: str) -> str:
    """The stored form of a tracking code (100 random bits make a plain SHA-256 safe)."""
    return hashlib.sha256(normalise_code(code).encode("ascii", "replace")).hexdigest()


def code_matches(code: str, stored_hash: str) -> bool:
    """Compare a typed code with a stored hash in constant time."""
    return hmac.compare_digest(hash_code(code), stored_hash)
