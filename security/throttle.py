"""Throttles shared by every API process: failed sign-ins and the public endpoints' rate limits.

Their events live in the read model's `throttle_event` table (scope, a keyed hash of the key, a Unix time), so
API replicas behind one load balancer see the same counts. Keys are stored as HMACs under the secret key: the
table never holds a username or a client address (a whistleblower's address above all).

Sign-in: each failure within the window doubles the wait before the next attempt is even checked (0.25 s,
0.5 s, 1 s, ... up to 8 s); an attempt that comes sooner is answered 429 with `Retry-After` at once (no
request sleeps). After `lock_after` failures for a name from one address, or `lock_client_after` from one
address (a county office shares one address, so it gets more room), attempts from there are refused until the
window passes. A name's failures from everywhere only slow it down (the growing wait), never lock it: nobody
can lock another person out of their account by guessing from afar.
"""

import hashlib
import hmac
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import Session, col, select

from models.tables import ThrottleEvent

WINDOW_SECONDS = 15 * 60
LOCK_AFTER = 10
MAX_DELAY_SECONDS = 8.0


def retry_after(seconds: float) -> str:
    """A `Retry-After` value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


@dataclass
class _Events:
    scope: str
    secret: str
    clock: Callable[[], float]

    def digest(self, key: str) -> str:
        return hmac.new(self.secret.encode(), f"{self.scope}\x00{key}".encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def times(self, session: Session, key: str, since: float) -> list[float]:
        rows = session.exec(
            select(ThrottleEvent.at)
            .where(ThrottleEvent.scope == self.scope, ThrottleEvent.key_hash == self.digest(key), ThrottleEvent.at > since)
            .order_by(col(ThrottleEvent.at))
        )
        return list(rows)

    def add(self, session: Session, keys: Sequence[str], at: float) -> list[ThrottleEvent]:
        events = [ThrottleEvent(scope=self.scope, key_hash=self.digest(key), at=at) for key in keys]
        session.add_all(events)
        return events

    def prune(self, session: Session, before: float) -> None:
        session.execute(delete(ThrottleEvent).where(col(ThrottleEvent.scope) == self.scope, col(ThrottleEvent.at) <= before))


@dataclass
class SignInThrottle:
    """Failed sign-ins per username and per client address. `wait` says whether (and how long) an attempt must
    wait; `fail` and `succeed` record the outcome (and commit)."""

    secret: str
    window: float = WINDOW_SECONDS
    lock_after: int = LOCK_AFTER
    lock_client_after: int = 5 * LOCK_AFTER
    base_delay: float = 0.25
    clock: Callable[[], float] = time.time
    _events: _Events = field(init=False)

    def __post_init__(self) -> None:
        self._events = _Events("sign_in", self.secret, lambda: self.clock())

    def failures(self, session: Session, *keys: str) -> int:
        since = self.clock() - self.window
        return max((len(self._events.times(session, k, since)) for k in keys), default=0)

    def delay_for(self, count: int) -> float:
        return 0.0 if count == 0 else min(self.base_delay * 2 ** (count - 1), MAX_DELAY_SECONDS)

    def wait(self, session: Session, username_key: str, client_key: str, *slowing: str) -> tuple[bool, float]:
        """(locked, seconds): seconds > 0 means this attempt comes too early (or is locked out) and is refused
        without checking the password; `locked` says which of the two. The `slowing` keys' failures lengthen
        the wait but never lock."""
        now = self.clock()
        since = now - self.window
        by_name = self._events.times(session, username_key, since)
        by_client = self._events.times(session, client_key, since)
        elsewhere = [t for key in slowing for t in self._events.times(session, key, since)]
        locks = [
            times[len(times) - limit] + self.window - now
            for times, limit in ((by_name, self.lock_after), (by_client, self.lock_client_after))
            if len(times) >= limit
        ]
        if locks:
            return True, max(locks)
        count = max(len(by_name), len(by_client), len(elsewhere))
        if count == 0:
            return False, 0.0
        last = max(by_name[-1:] + by_client[-1:] + sorted(elsewhere)[-1:])
        return False, max(0.0, last + self.delay_for(count) - now)

    def fail(self, session: Session, *keys: str) -> None:
        now = self.clock()
        self._events.prune(session, now - self.window)
        self._events.add(session, keys, now)
        session.commit()

    def succeed(self, session: Session, *username_keys: str) -> None:
        session.execute(
            delete(ThrottleEvent).where(
                col(ThrottleEvent.scope) == self._events.scope,
                col(ThrottleEvent.key_hash).in_([self._events.digest(k) for k in username_keys]),
            )
        )
        session.commit()


@dataclass
class RateLimiter:
    """At most `limit` events per `window` seconds per key (a client address), across every API process."""

    limit: int
    window: float
    scope: str
    secret: str
    clock: Callable[[], float] = time.time

    def hit(self, session: Session, key: str) -> float | None:
        """Count one event for `key` (committed); None if within the limit, else the seconds until the oldest
        counted event leaves the window (the refused event is not counted)."""
        events = _Events(self.scope, self.secret, self.clock)
        now = self.clock()
        events.prune(session, now - self.window)
        (mine,) = events.add(session, [key], now)
        session.commit()
        # Counted after our own row is committed: two processes racing at the limit may both be refused, never
        # both let through.
        times = events.times(session, key, now - self.window)
        if len(times) <= self.limit:
            return None
        session.delete(mine)
        session.commit()
        return max(0.0, times[0] + self.window - now)

    def count(self, session: Session, key: str) -> int:
        events = _Events(self.scope, self.secret, self.clock)
        return len(events.times(session, key, self.clock() - self.window))

