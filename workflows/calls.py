"""How the workflows call their activities: as local activities, gated by a patch for histories recorded before.

The calendar and projection activities are short (a calendar lookup, one read-model transaction). Run as local
activities they execute inside the workflow task that asks for them: no round trip through the server's task
queues and one history event instead of three (an action's round trip: 152 ms to 66 ms, bench/RESULTS.md). They keep an activity's guarantees: the result is recorded
in history (a marker) before the workflow goes on, a failure is retried with the same policy, and a worker that
dies mid-call leaves the workflow task to time out and run again on another worker; the projection is
idempotent by (code, seq), so running it twice writes once.

Hazards and interviews started before this change recorded regular activities; `workflow.patched` sends their
replay down the old path (the histories in tests/histories/previous/ prove it).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.activity import _Definition
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.refusals import Refusal

ACTIVITY_TIMEOUT = timedelta(seconds=10)
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
LOCAL_ACTIVITIES = "local-activities"
ArgT = TypeVar("ArgT")
ResultT = TypeVar("ResultT")


async def call(activity: Callable[[Any, ArgT], ResultT], argument: ArgT) -> ResultT:
    """Run one of the worker's activities, named by its method (typed: the result's type is the method's), and
    return its result (local for workflows started since the patch)."""
    if workflow.patched(LOCAL_ACTIVITIES):
        return await workflow.execute_local_activity_method(
            activity, argument, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY
        )
    return await workflow.execute_activity_method(
        activity, argument, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY
    )


async def project(activity: Callable[[Any, ArgT], object], item: ArgT) -> None:
    """Run a projection activity (named by its method) for its effect only: its result is not decoded, since
    histories recorded before the receipts hold a bare `true` there."""
    name = activity_definition(activity).name
    if workflow.patched(LOCAL_ACTIVITIES):
        await workflow.execute_local_activity(
            name, item, result_type=object, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY
        )
        return
    await workflow.execute_activity(
        name, item, result_type=object, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY
    )


def activity_definition(activity: Callable[..., object]) -> Any:
    return _Definition.must_from_callable(activity)


def refusal_error(refusal: Refusal) -> ApplicationError:
    """An ApplicationError the API maps to an HTTP status by its `type`, never by its message."""
    return ApplicationError(refusal.message_en, refusal.as_detail(), type=refusal.kind.value, non_retryable=True)


async def changed_or_due(changed: Callable[[], bool], due: datetime | None) -> bool:
    """Wait until `changed()` holds (an Update, a signal) or the instant `due` comes (never, if None); True when
    the instant came first (or had passed already): the caller then takes the step that is due."""
    if due is None:
        await workflow.wait_condition(changed)
        return False
    remaining = due - workflow.now()
    if remaining > timedelta(0):
        try:
            await workflow.wait_condition(changed, timeout=remaining)
            return False
        except TimeoutError:
            pass
    return True
