"""``email.policy.default`` that parses each distinct header value once.

The email package parses a header again on every ``get`` (a part's Content-Type about sixteen
times per message, by the parser itself and by us): 70 % of the time of parsing a small message.
Header objects are immutable and their parse depends only on the policy, the name and the raw
value, so the parse is memoised; every other behaviour is the default policy's.
"""

from __future__ import annotations

from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

MEMO_MAX_CHARS = 2048


class MemoisingPolicy(EmailPolicy):
    """The default policy, with header parses memoised per (name, raw value)."""

    def header_fetch_parse(self, name: str, value: str) -> Any:
        """The parsed header, taken from the memo when this value was parsed before."""
        if len(value) > MEMO_MAX_CHARS:  # a huge value would pin its memory in the memo
            return EmailPolicy.header_fetch_parse(self, name, value)
        return _parse(self, name, value)


@lru_cache(maxsize=8192)  # bounded: a flood of distinct headers only evicts older entries
def _parse(policy: EmailPolicy, name: str, value: str) -> Any:
    return EmailPolicy.header_fetch_parse(policy, name, value)


# Like email.policy.default (EmailPolicy with its defaults), memoising.
default = MemoisingPolicy()
