"""The use cases' calls into Temporal: start a hazard's workflow, run a human step as an Update."""

import asyncio
import hashlib
from datetime import timedelta
from typing import Any

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from models.actions import Command
from models.enums import Action, RefusalKind
from models.hazard import HazardStart, HazardState, workflow_id_for
from services.errors import ENGINE_DOWN, STATUS_FOR, ApiError, engine_unavailable, refused
from workflows.hazard import HazardWorkflow

# Every call into Temporal is bounded: a dead or unreachable frontend answers 503 `engine_unavailable` within
# seconds instead of holding the request (the client's own retries are bounded too: `core.temporal.API_RETRY`).
RPC_TIMEOUT = timedelta(seconds=5)  # describe and other quick calls
ADMIT_TIMEOUT = timedelta(seconds=10)  # an Update's start: the server waits for the worker's validator to accept


def engine_down(error: BaseException) -> bool:
    """Whether a failed call means Temporal could not be reached (not a refusal or an unknown workflow)."""
    if isinstance(error, RPCError):
        return error.status in ENGINE_DOWN
    if isinstance(error, RuntimeError) and str(error).startswith("Failed client connect"):
        return True  # a lazily connected client's first call, the server not there
    return isinstance(error, (ConnectionError, WorkflowUpdateRPCTimeoutOrCancelledError))


UPDATES: dict[Action, Any] = {
    Action.ASSESS: HazardWorkflow.assess,
    Action.LIST: HazardWorkflow.list_hazard,
    Action.SUBMIT_PLAN: HazardWorkflow.submit_plan,
    Action.REVIEW_PLAN: HazardWorkflow.review_plan,
    Action.REPORT_PROGRESS: HazardWorkflow.report_progress,
    Action.SUBMIT_COMPLETION: HazardWorkflow.submit_completion,
    Action.VERIFY: HazardWorkflow.verify,
    Action.CLOSE: HazardWorkflow.close,
    Action.VOID: HazardWorkflow.void,
    Action.REQUEST_EXTENSION: HazardWorkflow.request_extension,
    Action.REVIEW_EXTENSION: HazardWorkflow.review_extension,
    Action.PAUSE: HazardWorkflow.pause,
    Action.RESUME: HazardWorkflow.resume,
    Action.INTERVIEW: HazardWorkflow.interview,
    Action.PUBLISH: HazardWorkflow.publish,  # official documents
}


async def report_hazard(client: Client, start: HazardStart, task_queue: str, timeout: float) -> tuple[bool, bool]:
    """Start the hazard's workflow with the Update that answers once its report is projected (update-with-start).

    Returns (ours, projected): `ours` when the workflow under this code is this hazard's (just started, or
    started by an earlier try of the same request; False when another hazard holds the code), `projected`
    when its first row is in the read model (False: accepted, not yet recorded within `timeout`)."""
    fingerprint = hashlib.sha256(start.model_dump_json().encode()).hexdigest()
    operation = WithStartWorkflowOperation(
        HazardWorkflow.run,
        start,
        id=workflow_id_for(start.code),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        memo={"fingerprint": fingerprint},
    )
    accepted = False
    try:
        async with asyncio.timeout(timeout):
            update = await client.start_update_with_start_workflow(
                HazardWorkflow.reported, start_workflow_operation=operation, wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                rpc_timeout=ADMIT_TIMEOUT,
            )
            accepted = True
            state = await update.result(rpc_timeout=timedelta(seconds=timeout))
    except (RPCError, ConnectionError, RuntimeError) as error:
        if not engine_down(error):
            raise
        if accepted:  # started and accepted, then Temporal went away: the workflow goes on without us
            return True, False
        raise engine_unavailable() from None
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):  # started; not yet answered in time
        return await _holds(client, start, fingerprint), False
    except (WorkflowAlreadyStartedError, WorkflowUpdateFailedError):  # the code's workflow has ended already
        return await _holds(client, start, fingerprint), True
    ours = state.facts == start.facts and state.reported_by == start.reporter
    return ours, True


async def _holds(client: Client, start: HazardStart, fingerprint: str) -> bool:
    """Whether the workflow under the hazard's code was started by this report (its memo's fingerprint)."""
    try:
        existing = await client.get_workflow_handle(workflow_id_for(start.code)).describe(rpc_timeout=RPC_TIMEOUT)
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return True  # not started yet: the request that timed out still holds the code
        if engine_down(error):
            raise engine_unavailable() from None
        raise
    except (ConnectionError, RuntimeError) as error:
        if engine_down(error):
            raise engine_unavailable() from None
        raise
    return bool(await existing.memo_value("fingerprint", default=None) == fingerprint)


async def run_update(
    client: Client, code: str, action: Action, command: Command[Any], timeout: float
) -> HazardState | None:
    """Run a hazard's Update; see `run_step`."""
    ended = refused(409, "hazard_finished", hazard=code)
    return await run_step(client, workflow_id_for(code), UPDATES[action], command, timeout, ended)  # type: ignore[no-any-return]


async def run_step(
    client: Client, workflow_id: str, update: Any, command: Command[Any], timeout: float, ended: ApiError
) -> Any:
    """Run a human step's Update on any process's workflow: a refusal becomes its ApiError, a workflow that has
    ended `ended`; None when accepted but not finished within `timeout` (or Temporal went away after accepting
    it: the workflow applies it all the same). Temporal unreachable before the Update was accepted: 503
    `engine_unavailable`, nothing done."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        running = await handle.start_update(
            update, command, wait_for_stage=WorkflowUpdateStage.ACCEPTED, rpc_timeout=ADMIT_TIMEOUT
        )
    except WorkflowUpdateFailedError as failure:
        raise refusal_from(failure.cause) from None
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise ended from None
        if engine_down(error):
            raise engine_unavailable() from None
        raise
    except (ConnectionError, RuntimeError, WorkflowUpdateRPCTimeoutOrCancelledError) as error:
        if engine_down(error):
            raise engine_unavailable() from None
        raise
    try:
        return await asyncio.wait_for(running.result(rpc_timeout=timedelta(seconds=timeout)), timeout)
    except WorkflowUpdateFailedError as failure:
        raise refusal_from(failure.cause) from None
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise ended from None
        if engine_down(error):
            return None  # accepted: the workflow has it, whatever became of the connection since
        raise
    except (TimeoutError, ConnectionError, WorkflowUpdateRPCTimeoutOrCancelledError):
        return None


def refusal_from(cause: BaseException | None) -> ApiError:
    if isinstance(cause, ApplicationError) and cause.type in {k.value for k in RefusalKind} and cause.details:
        detail = cause.details[0]
        return ApiError(
            STATUS_FOR[RefusalKind(cause.type)], detail["code"], detail["message_zh"], detail["message_en"],
            detail.get("field"),
        )
    message = str(cause) if cause else "unknown failure"
    return refused(500, "update_failed", message=message)
