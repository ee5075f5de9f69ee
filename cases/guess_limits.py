"""Limits on guessing a secret (a staff password, a tracking code) that never lock its holder out.

Three failure counters per kind of secret, kept in Flask-Limiter's storage (Redis with
REDIS_URL, memory otherwise; reached through ``limiter.limiter`` like the request limits, so
whatever keeps those working when the storage fails keeps these working too), each forgotten
when its window ends:

- per (target, client address): the wrong answers one address may give for one account or
  reference. This is the number of tries shown to the person, and a right answer resets it.
- per client address, whatever the target: one address cannot spread guesses over many targets.
- per target, from every address: above it the target is under attack from many addresses, and
  each address then has a single wrong answer per window for it instead of the pair budget. An
  attacker's guessing rate is then bounded by the addresses they hold, one guess each per window.

Nothing here ever refuses the right answer from an address that has not used up its own tries:
however many addresses an attacker holds, they cannot lock the holder of the password or code
out, only slow themselves down. A target is counted under a hash of what was typed, whether it
exists or not, so neither the counts nor the refusals tell which accounts or references exist.

The counters are read before the secret is checked and written after it: parallel requests from
one address could overrun a budget by a few, which the per-address request limits (Flask-Limiter
counts those as requests arrive) keep small.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app
from flask_babel import ngettext
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import RateLimiter

from cases.extensions import limiter

T = TypeVar("T")
UNDER_ATTACK_TRIES = 1  # wrong answers per address and window while a target is under attack


@dataclass(frozen=True)
class GuessRules:
    """The failure limits for one kind of secret, in Flask-Limiter's items."""

    namespace: str
    pair: tuple[RateLimitItem, ...]
    address: tuple[RateLimitItem, ...] = ()
    target: tuple[RateLimitItem, ...] = ()


@dataclass(frozen=True)
class Standing:
    """Where an address stands for a target: may it answer, how many tries are left, how long to wait."""

    allowed: bool
    tries_left: int | None = None  # None: no limit applies (limits switched off)
    wait_seconds: int = 0

    @property
    def wait_minutes(self) -> int:
        """The wait in whole minutes, rounded up (at least one)."""
        return max(1, math.ceil(self.wait_seconds / 60))


UNLIMITED = Standing(allowed=True)


def wait_message(standing: Standing) -> str:
    """"Too many wrong attempts, come back in N minutes", for an address that has no tries left."""
    return ngettext("Too many wrong attempts. Please try again in %(num)s minute.",
                    "Too many wrong attempts. Please try again in %(num)s minutes.", standing.wait_minutes)


def parse_limits(value: str | None) -> tuple[RateLimitItem, ...]:
    """Flask-Limiter's syntax ("5 per 15 minutes;20 per day") as items; empty or "0" means none."""
    text = (value or "").strip()
    if text in ("", "0"):
        return ()
    return tuple(parse_many(text))


_FALLBACK: list[RateLimiter] = []  # this process's own counts while the shared storage is down


def _strategy() -> RateLimiter | None:
    return limiter.limiter if limiter.enabled else None


def _guarded(operation: Callable[[RateLimiter], T], default: T) -> T:
    """Run ``operation`` on the shared counts; with the storage down (Redis stopped), on this
    process's memory instead, as Flask-Limiter does for the request limits: never a server error."""
    strategy = _strategy()
    if strategy is None:
        return default
    try:
        return operation(strategy)
    except Exception as error:  # noqa: BLE001 - any storage failure; the limits must go on
        current_app.logger.warning("rate-limit storage unreachable, counting guesses in memory: %s", error)
        if not _FALLBACK:
            _FALLBACK.append(type(strategy)(MemoryStorage()))
        return operation(_FALLBACK[0])


def _target_key(target: str) -> str:
    # Hashed: no e-mail address is stored in Redis, and no character of it can split the key.
    return hashlib.sha256(target.encode("utf-8")).hexdigest()[:32]


def _windows(strategy: RateLimiter, items: Iterable[RateLimitItem], *ids: str
             ) -> list[tuple[int, int, float]]:
    """(used, left, reset time) of each item's current window."""
    found = []
    for item in items:
        stats = strategy.get_window_stats(item, *ids)
        found.append((item.amount - stats.remaining, stats.remaining, stats.reset_time))
    return found


def standing(rules: GuessRules, target: str, address: str) -> Standing:
    """Whether ``address`` may give an answer for ``target`` now, and how many wrong ones are left."""
    if not (rules.pair or rules.address):
        return UNLIMITED
    return _guarded(lambda strategy: _standing(strategy, rules, target, address), UNLIMITED)


def _standing(strategy: RateLimiter, rules: GuessRules, target: str, address: str) -> Standing:
    key = _target_key(target)
    pair = _windows(strategy, rules.pair, rules.namespace, "pair", key, address)
    limits = [(left, reset) for _used, left, reset in pair]
    limits += [(left, reset) for _used, left, reset in
               _windows(strategy, rules.address, rules.namespace, "address", address)]
    attack = [reset for _used, left, reset in _windows(strategy, rules.target, rules.namespace, "target", key)
              if left == 0]
    if attack and pair:
        used = max(used for used, _left, _reset in pair)
        # The tighter budget ends with the attack's window or with this address's own, whichever first.
        ends = min(max(attack), max(reset for _used, _left, reset in pair))
        limits.append((max(0, UNDER_ATTACK_TRIES - used), ends))
    left = min(left for left, _reset in limits)
    if left > 0:
        return Standing(allowed=True, tries_left=left)
    wait = max(reset for left, reset in limits if left == 0) - time.time()
    return Standing(allowed=False, tries_left=0, wait_seconds=max(1, math.ceil(wait)))


def record_failure(rules: GuessRules, target: str, address: str) -> Standing:
    """Count a wrong answer from ``address`` for ``target``; return the address's standing after it."""
    key = _target_key(target)

    def hit(strategy: RateLimiter) -> None:
        for item in rules.pair:
            strategy.hit(item, rules.namespace, "pair", key, address)
        for item in rules.address:
            strategy.hit(item, rules.namespace, "address", address)
        for item in rules.target:
            strategy.hit(item, rules.namespace, "target", key)

    _guarded(hit, None)
    return standing(rules, target, address)


def record_success(rules: GuessRules, target: str, address: str) -> None:
    """A right answer: the address's tries for this target start afresh (the other counts stay)."""
    # The per-address and per-target counts are kept: an attacker who owns one account must not
    # be able to wipe their address's record by logging in to it between guesses.
    key = _target_key(target)

    def clear(strategy: RateLimiter) -> None:
        for item in rules.pair:
            strategy.clear(item, rules.namespace, "pair", key, address)

    _guarded(clear, None)
