"""The suite's waiting helper: it retries until the check passes, and a timeout says what was last wrong."""

import pytest

from tests.eventually import assert_eventually, assert_eventually_async


def test_it_retries_until_the_check_passes_and_returns_its_value() -> None:
    calls: list[int] = []

    def check() -> int:
        calls.append(1)
        assert len(calls) >= 3, "not yet"
        return len(calls)

    assert assert_eventually(check, timeout=5, interval=0.001) == 3


def test_a_falsy_value_is_not_yet_and_the_timeout_names_it() -> None:
    with pytest.raises(AssertionError, match=r"not true within 0\.05 s after \d+ tries \(the flag\): the check returned False"):
        assert_eventually(lambda: False, timeout=0.05, interval=0.01, what="the flag")


def test_the_last_assertion_error_is_raised_again_with_context() -> None:
    def check() -> None:
        raise AssertionError("row 7 is missing")

    with pytest.raises(AssertionError, match="row 7 is missing") as raised:
        assert_eventually(check, timeout=0.05, interval=0.01)
    assert isinstance(raised.value.__cause__, AssertionError)


def test_other_errors_stop_the_wait_at_once() -> None:
    calls: list[int] = []

    def check() -> None:
        calls.append(1)
        raise KeyError("boom")

    with pytest.raises(KeyError):
        assert_eventually(check, timeout=5, interval=0.001)
    assert len(calls) == 1


async def test_the_async_variant_awaits_coroutine_checks_and_uses_the_given_sleep() -> None:
    slept: list[float] = []
    calls: list[int] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def check() -> bool:
        calls.append(1)
        return len(calls) == 4

    assert await assert_eventually_async(check, timeout=5, interval=0.5, sleep=sleep) is True
    assert slept == [0.5, 0.5, 0.5]
    with pytest.raises(AssertionError, match="the check returned 0"):
        await assert_eventually_async(lambda: 0, timeout=0.02, interval=0.01)
