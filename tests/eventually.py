"""`assert_eventually`: the suite's one way to wait for something that happens in the background (a projection,
a signal, a server starting), instead of hand-written polling loops.

A check either asserts (and returns None) or returns a value: truthy means done, any other falsy value
(False, 0, "", an empty list) means not yet. It is called until it passes or `timeout` seconds have passed
(at least once, and once more at the end); then the last AssertionError is raised again, with how long was
waited and how often it was tried. Any other exception stops the wait at once. The passing check's value is
returned.
"""

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

NOT_YET = object()
T = TypeVar("T")


def _passed(result: Any) -> bool:
    return result is None or bool(result)


def _timed_out(what: str, timeout: float, attempts: int, last: AssertionError | None, result: Any) -> AssertionError:
    why = f"{last}" if last is not None else f"the check returned {result!r}"
    name = f" ({what})" if what else ""
    return AssertionError(f"not true within {timeout:g} s after {attempts} tries{name}: {why}")


class _Tries:
    """One wait's bookkeeping: its deadline, how often the check was tried, and how the last try went."""

    def __init__(self, timeout: float, what: str) -> None:
        self.timeout, self.what = timeout, what
        self.deadline = time.monotonic() + timeout
        self.attempts = 0
        self.last: AssertionError | None = None
        self.result: Any = NOT_YET

    @contextmanager
    def attempt(self) -> Iterator["_Tries"]:
        """Around one call of the check, which sets `result`; its AssertionError is kept as the last failure."""
        self.attempts += 1
        self.last, self.result = None, NOT_YET
        try:
            yield self
        except AssertionError as error:
            self.last = error

    @property
    def passed(self) -> bool:
        return self.last is None and _passed(self.result)

    def left(self) -> float:
        """The seconds left to wait; once none are, the last AssertionError again (or what the check returned)."""
        if time.monotonic() >= self.deadline:
            raise _timed_out(self.what, self.timeout, self.attempts, self.last, self.result) from self.last
        return max(0.0, self.deadline - time.monotonic())


def assert_eventually(
    check: Callable[[], T], *, timeout: float = 10.0, interval: float = 0.05, what: str = ""
) -> T:
    """Call `check` until it passes; on timeout raise its last AssertionError (or say what it returned)."""
    tries = _Tries(timeout, what)
    while True:
        with tries.attempt():
            tries.result = check()
        if tries.passed:
            return tries.result  # type: ignore[no-any-return]
        time.sleep(min(interval, tries.left()))


async def assert_eventually_async(
    check: Callable[[], Any],
    *,
    timeout: float = 10.0,
    interval: float = 0.05,
    what: str = "",
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> Any:
    """`assert_eventually` for the event loop: `check` may be a coroutine function, and the wait between
    tries is `sleep(interval)` (say, a time-skipping test server's own `sleep`)."""
    tries = _Tries(timeout, what)
    while True:
        with tries.attempt():
            result = check()
            tries.result = await result if inspect.isawaitable(result) else result
        if tries.passed:
            return tries.result
        tries.left()
        await sleep(interval)
