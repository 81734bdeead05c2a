"""Slowing down repeated failed sign-ins (per username and per client address), in this API process.

Each failure within the window doubles the wait before the next attempt is even checked (0.25 s, 0.5 s, 1 s,
... up to 8 s); after `lock_after` failures for a name, or `lock_client_after` from one address (a county office
shares one address, so it gets more room), attempts are refused outright until the window passes.
"""

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

WINDOW_SECONDS = 15 * 60
LOCK_AFTER = 10
MAX_DELAY_SECONDS = 8.0


@dataclass
class SignInThrottle:
    window: float = WINDOW_SECONDS
    lock_after: int = LOCK_AFTER
    lock_client_after: int = 5 * LOCK_AFTER
    base_delay: float = 0.25
    _failures: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> int:
        failures = self._failures[key]
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return len(failures)

    def failures(self, *keys: str) -> int:
        now = time.monotonic()
        with self._lock:
            return max((self._recent(k, now) for k in keys), default=0)

    def delay(self, *keys: str) -> float:
        """Seconds to wait before checking this attempt."""
        count = self.failures(*keys)
        return 0.0 if count == 0 else min(self.base_delay * 2 ** (count - 1), MAX_DELAY_SECONDS)

    def locked(self, username_key: str, client_key: str) -> bool:
        return self.failures(username_key) >= self.lock_after or self.failures(client_key) >= self.lock_client_after

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures[key].append(now)

    def succeed(self, username_key: str) -> None:
        with self._lock:
            self._failures.pop(username_key, None)


@dataclass
class RateLimiter:
    """At most `limit` events per `window` seconds per key (a client address), in this API process."""

    limit: int
    window: float
    _events: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            events = self._events[key]
            while events and now - events[0] > self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True
