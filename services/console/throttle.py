"""Sign-in attempts, limited per account and per client address.

Kept in this process's memory: one console process (the one-process mode, or one
replica) sees all attempts against it; with several replicas each keeps its own count,
so the effective limit is multiplied by their number (docs/adr/0010-console.md).
"""

from __future__ import annotations

import threading
import time
from collections import deque

from cachetools import TTLCache


class SignInThrottle:
    def __init__(self, attempts: int = 5, window_seconds: float = 300.0) -> None:
        self.attempts = attempts
        self.window = window_seconds
        self._failures: TTLCache = TTLCache(maxsize=50_000, ttl=window_seconds)
        self._lock = threading.Lock()

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(key, now)) >= self.attempts for key in keys)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                recent = self._recent(key, now)
                recent.append(now)
                self._failures[key] = recent

    def _recent(self, key: str, now: float) -> deque[float]:
        recent: deque[float] = self._failures.get(key, deque())
        while recent and now - recent[0] > self.window:
            recent.popleft()
        return recent
