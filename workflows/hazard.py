"""HazardWorkflow: one execution per hazard (workflow id `hazard-<code>`), from report to close-out.

Every human step is an Update whose validator refuses the wrong state, role or jurisdiction before
anything reaches history. Every transition is projected into the read model by an activity, in order,
before the Update returns, so the caller reads its own write.
"""

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain import transitions
    from domain.refusals import Refusal
    from models.actions import (
        AssessBody,
        CloseBody,
        Command,
        ListBody,
        ReportProgressBody,
        ReviewPlanBody,
        SubmitCompletionBody,
        SubmitPlanBody,
        VerifyBody,
        VoidBody,
    )
    from models.enums import Action
    from models.hazard import HazardStart, HazardState, ProjectionItem

PROJECTION_TIMEOUT = timedelta(seconds=10)
PROJECTION_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


def refusal_error(refusal: Refusal) -> ApplicationError:
    """An ApplicationError the API maps to an HTTP status by its `type`, never by its message."""
    return ApplicationError(
        refusal.message_en, refusal.as_detail(), type=refusal.kind.value, non_retryable=True
    )


@workflow.defn
class HazardWorkflow:
    @workflow.init
    def __init__(self, start: HazardStart) -> None:
        self._state = HazardState(
            code=start.code,
            facts=start.facts,
            reported_at=workflow.now(),
            reported_by=start.reporter,
        )
        self._outbox: list[ProjectionItem] = []
        self._projecting = asyncio.Lock()
        self._changes = 0
        # Recorded here, not in run(): an update delivered with the first task runs before run() starts.
        self._record(transitions.reported(self._state, start.reporter))

    @workflow.run
    async def run(self, start: HazardStart) -> HazardState:
        await self._project()
        while not self._state.status.terminal:
            await self._wait_for_change_or_deadline()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._project()
        return self._state

    @workflow.query
    def state(self) -> HazardState:
        return self._state

    # --- human steps ---------------------------------------------------------------------------------

    @workflow.update
    async def assess(self, command: Command[AssessBody]) -> HazardState:
        return await self._act(Action.ASSESS, command)

    @assess.validator
    def _validate_assess(self, command: Command[AssessBody]) -> None:
        self._check(Action.ASSESS, command)

    @workflow.update(name="list")
    async def list_hazard(self, command: Command[ListBody]) -> HazardState:
        return await self._act(Action.LIST, command)

    @list_hazard.validator
    def _validate_list(self, command: Command[ListBody]) -> None:
        self._check(Action.LIST, command)

    @workflow.update(name="submit-plan")
    async def submit_plan(self, command: Command[SubmitPlanBody]) -> HazardState:
        return await self._act(Action.SUBMIT_PLAN, command)

    @submit_plan.validator
    def _validate_submit_plan(self, command: Command[SubmitPlanBody]) -> None:
        self._check(Action.SUBMIT_PLAN, command)

    @workflow.update(name="review-plan")
    async def review_plan(self, command: Command[ReviewPlanBody]) -> HazardState:
        return await self._act(Action.REVIEW_PLAN, command)

    @review_plan.validator
    def _validate_review_plan(self, command: Command[ReviewPlanBody]) -> None:
        self._check(Action.REVIEW_PLAN, command)

    @workflow.update(name="report-progress")
    async def report_progress(self, command: Command[ReportProgressBody]) -> HazardState:
        return await self._act(Action.REPORT_PROGRESS, command)

    @report_progress.validator
    def _validate_report_progress(self, command: Command[ReportProgressBody]) -> None:
        self._check(Action.REPORT_PROGRESS, command)

    @workflow.update(name="submit-completion")
    async def submit_completion(self, command: Command[SubmitCompletionBody]) -> HazardState:
        return await self._act(Action.SUBMIT_COMPLETION, command)

    @submit_completion.validator
    def _validate_submit_completion(self, command: Command[SubmitCompletionBody]) -> None:
        self._check(Action.SUBMIT_COMPLETION, command)

    @workflow.update
    async def verify(self, command: Command[VerifyBody]) -> HazardState:
        return await self._act(Action.VERIFY, command)

    @verify.validator
    def _validate_verify(self, command: Command[VerifyBody]) -> None:
        self._check(Action.VERIFY, command)

    @workflow.update
    async def close(self, command: Command[CloseBody]) -> HazardState:
        return await self._act(Action.CLOSE, command)

    @close.validator
    def _validate_close(self, command: Command[CloseBody]) -> None:
        self._check(Action.CLOSE, command)

    @workflow.update
    async def void(self, command: Command[VoidBody]) -> HazardState:
        return await self._act(Action.VOID, command)

    @void.validator
    def _validate_void(self, command: Command[VoidBody]) -> None:
        self._check(Action.VOID, command)

    # --- the machinery -------------------------------------------------------------------------------

    def _check(self, action: Action, command: Command[Any]) -> None:
        try:
            transitions.check(action, self._state, command.actor, command.body, workflow.now())
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    async def _act(self, action: Action, command: Command[Any]) -> HazardState:
        # Re-check: another update accepted in the same activation may have moved the state since validation.
        self._check(action, command)
        self._record(*transitions.apply(action, self._state, command.actor, command.body, workflow.now()))
        state = self._state
        await self._project()
        return state

    def _record(self, *items: ProjectionItem) -> None:
        """Take the last item's state as the truth and queue every item for projection."""
        self._outbox.extend(items)
        self._state = items[-1].state
        for item in items:
            workflow.logger.info(
                "hazard transition",
                extra={"hazard_code": self._state.code, "seq": item.transition.seq, "action": item.transition.action.value},
            )
        self._changes += 1

    async def _project(self) -> None:
        """Project queued transitions in sequence order; one at a time, so the read model never goes back."""
        async with self._projecting:
            while self._outbox:
                await workflow.execute_activity(
                    "project_transition",
                    self._outbox[0],
                    start_to_close_timeout=PROJECTION_TIMEOUT,
                    retry_policy=PROJECTION_RETRY,
                )
                self._outbox.pop(0)

    async def _wait_for_change_or_deadline(self) -> None:
        seen = self._changes
        deadline = transitions.deadline_watched(self._state)
        if deadline is None:
            await workflow.wait_condition(lambda: self._changes != seen)
            return
        remaining = deadline - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(lambda: self._changes != seen, timeout=remaining)
                return
            except TimeoutError:
                pass
        if transitions.deadline_watched(self._state) == deadline:
            self._record(transitions.deadline_passed(self._state, workflow.now()))
            await self._project()
