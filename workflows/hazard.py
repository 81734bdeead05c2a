"""HazardWorkflow: one execution per hazard (workflow id `hazard-<code>`), from report to close-out.

Every human step is an Update, one per action of the registry (`registry/hazard.py`), whose validator refuses
the wrong state, role, jurisdiction or body before anything reaches history. The deadline clock
(docs/domain.md §3 to §5, `workflows/hazard_clock.py`) runs in the main loop: each clock is an absolute
instant in state, waited on with `wait_condition(..., timeout=...)` recomputed on every wake-up, so an
extension moves a deadline that is already being waited on. Interviews are child workflows
(`workflows/hazard_interviews.py`). Every transition is projected into the read model, in order, before the
Update returns, so the caller reads its own write.
"""

import contextlib
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.projection import ProjectionActivities
    from domain import clocks, transitions
    from domain.refusals import Refusal
    from models.actions import (
        AssessBody,
        CloseBody,
        Command,
        ListBody,
        PauseBody,
        PublishBody,
        ReportProgressBody,
        RequestExtensionBody,
        ResumeBody,
        ReviewExtensionBody,
        ReviewPlanBody,
        StartInterviewBody,
        SubmitCompletionBody,
        SubmitPlanBody,
        VerifyBody,
        VoidBody,
    )
    from models.documents import SignDocument
    from models.enums import Action
    from models.hazard import HazardStart, HazardState, ProjectionItem
    from models.interview import InterviewOutcome
    from workflows.calls import refusal_error
    from workflows.hazard_clock import HazardClock
    from workflows.hazard_interviews import HazardInterviews
    from workflows.hazard_paperwork import HazardPaperwork
    from workflows.interview_outcomes import InterviewOutcomes
    from workflows.steps import StepMachine


@workflow.defn
class HazardWorkflow:
    """Its parts, each given what it works on: the step machine (state, outbox, one change at a time), the
    interviews' outcomes, the deadline clock, the interviews it starts and its paperwork."""

    @workflow.init
    def __init__(self, start: HazardStart) -> None:
        self._start = start
        if start.resume is not None:  # continued as new: the state carries on
            state = start.resume
        else:
            state = HazardState(
                code=start.code,
                facts=start.facts,
                reported_at=workflow.now(),
                reported_by=start.reporter,
                policy=start.policy,
                status_since=workflow.now(),
            )
        self._steps: StepMachine[ProjectionItem, HazardState] = StepMachine(
            state, name="hazard", projection=ProjectionActivities.project_transition, seq=lambda item: item.state.seq,
            log=lambda item: {"hazard_code": item.state.code, "seq": item.transition.seq,
                              "action": item.transition.action.value},
        )
        self._outcomes = InterviewOutcomes(self._steps, lambda: self._steps.state.interviews, start.consumed_outcomes)
        self._clock = HazardClock(self._steps, self._outcomes)
        self._interviews = HazardInterviews(self._steps)
        self._paperwork = HazardPaperwork(self._steps)
        if start.resume is None:
            # Recorded here, not in run(): an update delivered with the first task runs before run() starts.
            self._steps.record(transitions.reported(state, start.reporter))

    @workflow.run
    async def run(self, start: HazardStart) -> HazardState:
        steps = self._steps
        async with steps.one_at_a_time():
            self._paperwork.start()
            steps.state = await self._clock.planned(steps.state)
            self._refresh_unprojected()
        await steps.project()
        cancelled = False
        while not steps.state.status.terminal or self._paperwork.open():  # a close-out to sign and publish
            if steps.state.status.terminal and not cancelled:  # closed: its interviews end now, not after
                await self._interviews.cancel()
                cancelled = True
            if self._should_continue_as_new():
                await workflow.wait_condition(workflow.all_handlers_finished)
                if not self._outcomes and not steps.outbox:
                    workflow.continue_as_new(self._start.model_copy(
                        update={"resume": steps.state, "consumed_outcomes": tuple(self._outcomes.consumed)}))
            await self._wait_for_change_or_due()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await steps.project()
        if not cancelled:
            await self._interviews.cancel()
        return steps.state

    @workflow.query
    def state(self) -> HazardState:
        return self._state

    @workflow.update
    async def reported(self) -> HazardState:
        """Update-with-start's answer to `POST /hazards`: the hazard once its report (登记) is projected, so
        the API answers from the workflow and reads its own write without polling."""
        return await self._steps.wait_projected(1)

    @workflow.signal
    def interview_outcome(self, outcome: InterviewOutcome) -> None:
        """An interview this hazard started has ended (a no-show, a reply, a missed reply): the clock takes it up."""
        self._outcomes.put(outcome)

    # --- human steps: one Update per action of registry/hazard.py (tests/test_registry.py checks) ---------------------------------------------------------------------------------

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

    @workflow.update(name="request-extension")
    async def request_extension(self, command: Command[RequestExtensionBody]) -> HazardState:
        return await self._act(Action.REQUEST_EXTENSION, command)

    @request_extension.validator
    def _validate_request_extension(self, command: Command[RequestExtensionBody]) -> None:
        self._check(Action.REQUEST_EXTENSION, command)

    @workflow.update(name="review-extension")
    async def review_extension(self, command: Command[ReviewExtensionBody]) -> HazardState:
        return await self._act(Action.REVIEW_EXTENSION, command)

    @review_extension.validator
    def _validate_review_extension(self, command: Command[ReviewExtensionBody]) -> None:
        self._check(Action.REVIEW_EXTENSION, command)

    @workflow.update
    async def pause(self, command: Command[PauseBody]) -> HazardState:
        return await self._act(Action.PAUSE, command)

    @pause.validator
    def _validate_pause(self, command: Command[PauseBody]) -> None:
        self._check(Action.PAUSE, command)

    @workflow.update
    async def resume(self, command: Command[ResumeBody]) -> HazardState:
        return await self._act(Action.RESUME, command)

    @resume.validator
    def _validate_resume(self, command: Command[ResumeBody]) -> None:
        self._check(Action.RESUME, command)

    @workflow.update
    async def interview(self, command: Command[StartInterviewBody]) -> HazardState:
        return await self._act(Action.INTERVIEW, command)

    @interview.validator
    def _validate_interview(self, command: Command[StartInterviewBody]) -> None:
        self._check(Action.INTERVIEW, command)

    @workflow.update
    async def publish(self, command: Command[PublishBody]) -> HazardState:
        return await self._act(Action.PUBLISH, command)

    @publish.validator
    def _validate_publish(self, command: Command[PublishBody]) -> None:
        self._check(Action.PUBLISH, command)

    @workflow.update
    async def sign(self, command: Command[SignDocument]) -> HazardState:
        """A leader of the issuing authority signs a draft document (`POST /documents/{id}/actions/sign`)."""
        async def make() -> tuple[ProjectionItem, ...]:
            return await self._committed((await self._paperwork.signed_item(command),))

        return await self._steps.act(lambda: self._paperwork.check_sign(command), make)

    @sign.validator
    def _validate_sign(self, command: Command[SignDocument]) -> None:
        self._paperwork.check_sign(command)

    # --- the machinery -------------------------------------------------------------------------------

    def _check(self, action: Action, command: Command[Any]) -> None:
        try:
            transitions.check(action, self._state, command.actor, command.body, workflow.now())
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    @property
    def _state(self) -> HazardState:
        return self._steps.state

    async def _act(self, action: Action, command: Command[Any]) -> HazardState:
        async def make() -> tuple[ProjectionItem, ...]:
            new_deadline = await self._clock.new_deadline(action, command)
            try:
                items = transitions.apply(action, self._state, command.actor, command.body, workflow.now(), new_deadline)
            except Refusal as refusal:  # only knowable after the calendar was asked (the one-year cap)
                raise refusal_error(refusal) from None
            items = await self._committed(items)
            if action == Action.INTERVIEW:
                self._interviews.started_by_hand(items[-1].state.interviews[-1], command.actor, command.body.reason)
            return items

        # Re-checked under the lock: another update may have moved the state since this one was validated.
        state = await self._steps.act(lambda: self._check(action, command), make)
        await self._interviews.start()
        return state

    async def _committed(self, items: tuple[ProjectionItem, ...]) -> tuple[ProjectionItem, ...]:
        """The items with the documents they issue rendered, the last one's state with its clocks planned: the
        truth to record."""
        items = await self._paperwork.with_documents(self._state, items)
        planned = await self._clock.planned(items[-1].state)
        return (*items[:-1], items[-1].model_copy(update={"state": planned}))

    def _refresh_unprojected(self) -> None:
        """Give a queued item whose state was planned after it was queued the planned state."""
        outbox = self._steps.outbox
        if outbox and outbox[-1].state.seq == self._state.seq:
            outbox[-1] = outbox[-1].model_copy(update={"state": self._state})

    async def _wait_for_change_or_due(self) -> None:
        steps = self._steps
        seen = steps.changes
        wake = clocks.next_wake(self._state)
        if wake is None or wake > workflow.now():
            timeout = None if wake is None else wake - workflow.now()
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: steps.changes != seen or self._should_continue_as_new(), timeout=timeout
                )
        async with steps.one_at_a_time():
            item = self._clock.next_system_step(workflow.now())
            if item is None:
                return
            steps.record(*await self._committed((item,)))
        await steps.project()
        await self._interviews.start()

    def _should_continue_as_new(self) -> bool:
        info = workflow.info()
        return info.is_continue_as_new_suggested() or info.get_current_history_length() > self._start.continue_as_new_after_events
