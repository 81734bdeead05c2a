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

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

ACTIVITY_TIMEOUT = timedelta(seconds=10)
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
LOCAL_ACTIVITIES = "local-activities"


async def call(activity: str, argument: Any, result_type: type | None = None) -> Any:
    """Run one of the worker's activities and return its result (local for workflows started since the patch)."""
    if workflow.patched(LOCAL_ACTIVITIES):
        return await workflow.execute_local_activity(
            activity, argument, result_type=result_type, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY
        )
    return await workflow.execute_activity(
        activity, argument, result_type=result_type, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY
    )
