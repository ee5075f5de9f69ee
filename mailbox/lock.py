"""One poller per mailbox and folder: a Redis lock with a TTL, or a file lock in embedded mode."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
import uuid
from pathlib import Path
from typing import Any


class LockLost(RuntimeError):
    """Another poller holds the lock now (ours expired): stop before touching anything more."""


class PollerLock:
    """The interface both locks share; renew() is cheap to call often."""

    def acquire(self) -> bool:
        """Take the lock; False when another poller holds it."""
        raise NotImplementedError

    def renew(self) -> None:
        """Keep the lock while working; raise LockLost when it is gone."""

    def release(self) -> None:
        """Give the lock back (only if it is still ours)."""
        raise NotImplementedError


_RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
          "return redis.call('expire', KEYS[1], ARGV[2]) end return 0")
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class RedisLock(PollerLock):
    """SET NX with a TTL under a random token; renewed and released only by its owner (Lua)."""

    def __init__(self, url: str, name: str, ttl: int) -> None:
        from redis import Redis

        self.redis: Any = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)
        self.key = f"hqcbd:mailbox-poller:{name}"
        self.ttl = ttl
        self.token = uuid.uuid4().hex
        self._renewed = 0.0

    def acquire(self) -> bool:
        """Take the lock; False when another poller holds it."""
        taken = bool(self.redis.set(self.key, self.token, nx=True, ex=self.ttl))
        self._renewed = time.monotonic()
        return taken

    def renew(self) -> None:
        """Extend the TTL at most every third of it; raise LockLost when it is no longer ours."""
        if time.monotonic() - self._renewed < self.ttl / 3:
            return
        if not self.redis.eval(_RENEW, 1, self.key, self.token, self.ttl):
            raise LockLost(f"the poller lock {self.key} expired and another poller may hold it")
        self._renewed = time.monotonic()

    def release(self) -> None:
        """Delete the key if it still holds our token; close the connection."""
        try:
            self.redis.eval(_RELEASE, 1, self.key, self.token)
        finally:
            self.redis.close()


class FileLock(PollerLock):
    """flock() on a file in the instance folder: released by the kernel if the process dies."""

    def __init__(self, directory: Path, name: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"mailbox-poller-{hashlib.sha256(name.encode()).hexdigest()[:16]}.lock"
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        """Unlock and close the file."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def poller_lock(redis_url: str | None, instance_path: str, name: str, ttl: int) -> PollerLock:
    """The Redis lock when Redis is configured, else the file lock (embedded mode)."""
    if redis_url:
        return RedisLock(redis_url, name, ttl)
    return FileLock(Path(instance_path), name)
