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
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

NOT_YET = object()
T = TypeVar("T")


def _passed(result: Any) -> bool:
    return result is None or bool(result)


def _timed_out(what: str, timeout: float, attempts: int, last: AssertionError | None, result: Any) -> AssertionError:
    why = f"{last}" if last is not None else f"the check returned {result!r}"
    name = f" ({what})" if what else ""
    return AssertionError(f"not true within {timeout:g} s after {attempts} tries{name}: {why}")


def assert_eventually(
    check: Callable[[], T], *, timeout: float = 10.0, interval: float = 0.05, what: str = ""
) -> T:
    """Call `check` until it passes; on timeout raise its last AssertionError (or say what it returned)."""
    deadline = time.monotonic() + timeout
    attempts = 0
    while True:
        attempts += 1
        last: AssertionError | None = None
        result: Any = NOT_YET
        try:
            result = check()
        except AssertionError as error:
            last = error
        else:
            if _passed(result):
                return result
        if time.monotonic() >= deadline:
            raise _timed_out(what, timeout, attempts, last, result) from last
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))


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
    deadline = time.monotonic() + timeout
    attempts = 0
    while True:
        attempts += 1
        last: AssertionError | None = None
        result: Any = NOT_YET
        try:
            result = check()
            if inspect.isawaitable(result):
                result = await result
        except AssertionError as error:
            last = error
        else:
            if _passed(result):
                return result
        if time.monotonic() >= deadline:
            raise _timed_out(what, timeout, attempts, last, result) from last
        await sleep(interval)
