"""InterviewWorkflow (约谈): one execution per interview, a child of the hazard's workflow.

The parent chooses the workflow id (`interview-<hazard_code>-<n>`). Every human step is an Update whose
validator refuses the wrong state, role or party before anything reaches history; every step is projected
into the read model, in order, before the Update returns. The outcome (replied, no-show, reply missed) is
signalled to the parent hazard as `interview_outcome`; a no-show or a missed reply raises its rung.
"""

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.calendar import CalendarActivities
    from activities.documents import DocumentActivities
    from activities.interviews import InterviewActivities
    from domain import interview_documents
    from domain import interviews as rules
    from domain.refusals import Refusal
    from models.actions import Command
    from models.calendar import Deadline
    from models.documents import RenderRequest
    from models.interview import (
        REPORTED_OUTCOMES,
        InterviewAction,
        InterviewProjection,
        InterviewStart,
        InterviewState,
        InterviewStatus,
        RecordBody,
        ReplyBody,
        ScheduleBody,
        SubmitMaterialsBody,
    )
    from workflows import calls
    from workflows.calls import refusal_error
    from workflows.steps import StepMachine

OFFICIAL_DOCUMENTS = "official-documents"  # the hazard's patch id: the same change (official documents)
OUTCOME_SIGNAL = "interview_outcome"  # HazardWorkflow.interview_outcome (a string: that module imports this one)


@workflow.defn
class InterviewWorkflow:
    @workflow.init
    def __init__(self, start: InterviewStart) -> None:
        state = InterviewState(start=start, workflow_id=workflow.info().workflow_id, notice_at=workflow.now())
        self._steps: StepMachine[InterviewProjection, InterviewState] = StepMachine(
            state, name="interview", projection=InterviewActivities.project_interview, seq=lambda item: item.seq,
            log=lambda item: {"interview_id": item.state.interview_id, "hazard_code": item.state.start.hazard_code,
                              "action": item.action.value},
        )
        # Recorded here, not in run(): an update delivered with the first task runs before run() starts.
        self._steps.record(rules.noticed(state))

    @workflow.run
    async def run(self, start: InterviewStart) -> InterviewState:
        steps = self._steps
        if workflow.patched(OFFICIAL_DOCUMENTS):  # interviews recorded before it replay without documents
            steps.state = steps.state.model_copy(update={"paperwork": True})
            steps.outbox[:] = [i.model_copy(update={"state": i.state.model_copy(update={"paperwork": True})})
                               for i in steps.outbox]
        await steps.project()
        while self._state.status != InterviewStatus.CLOSED:
            await self._wait_for_change_or_deadline()
        await self._tell_parent()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await steps.project()
        return steps.state

    @workflow.query
    def state(self) -> InterviewState:
        return self._state

    # --- human steps ---------------------------------------------------------------------------------

    @workflow.update
    async def schedule(self, command: Command[ScheduleBody]) -> InterviewState:
        return await self._act(InterviewAction.SCHEDULE, command)

    @schedule.validator
    def _validate_schedule(self, command: Command[ScheduleBody]) -> None:
        self._check(InterviewAction.SCHEDULE, command)

    @workflow.update(name="submit-materials")
    async def submit_materials(self, command: Command[SubmitMaterialsBody]) -> InterviewState:
        return await self._act(InterviewAction.SUBMIT_MATERIALS, command)

    @submit_materials.validator
    def _validate_submit_materials(self, command: Command[SubmitMaterialsBody]) -> None:
        self._check(InterviewAction.SUBMIT_MATERIALS, command)

    @workflow.update
    async def record(self, command: Command[RecordBody]) -> InterviewState:
        reply_due = None
        if command.body.attended:
            reply_due = await calls.call(CalendarActivities.compute_deadline, rules.reply_deadline_request(self._state, workflow.now()))
        return await self._act(InterviewAction.RECORD, command, reply_due)

    @record.validator
    def _validate_record(self, command: Command[RecordBody]) -> None:
        self._check(InterviewAction.RECORD, command)

    @workflow.update
    async def reply(self, command: Command[ReplyBody]) -> InterviewState:
        return await self._act(InterviewAction.REPLY, command)

    @reply.validator
    def _validate_reply(self, command: Command[ReplyBody]) -> None:
        self._check(InterviewAction.REPLY, command)

    @workflow.signal
    def cancel(self, reason: str) -> None:
        """Call the interview off (the hazard closed): outcome `cancelled`, the parent is not signalled."""
        if self._state.status == InterviewStatus.CLOSED or not reason.strip() or len(reason) > 300:
            return  # ended already, or not a reason the hazard gives: nothing changes
        self._steps.record(rules.cancelled(self._state, reason, workflow.now()))

    # --- the machinery -------------------------------------------------------------------------------

    def _check(self, action: InterviewAction, command: Command[Any]) -> None:
        try:
            rules.check(action, self._state, command.actor, command.body, workflow.now())
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    @property
    def _state(self) -> InterviewState:
        return self._steps.state

    async def _act(
        self, action: InterviewAction, command: Command[Any], reply_due: Deadline | None = None
    ) -> InterviewState:
        async def make() -> InterviewProjection:
            item = rules.apply(action, self._state, command.actor, command.body, workflow.now(), reply_due)
            documented = await self._with_documents(action, item)
            while documented.seq != self._state.seq + 1:  # another step landed while rendering: take it into account
                self._check(action, command)
                item = rules.apply(action, self._state, command.actor, command.body, workflow.now(), reply_due)
                documented = await self._with_documents(action, item)
            return documented

        # Re-checked under the lock: another update or the cancel signal may have moved the state since validation;
        # the cancel signal or a missed reply may still land while rendering (make re-applies the step then).
        return await self._steps.act(lambda: self._check(action, command), make, overlap=True)

    async def _with_documents(self, action: InterviewAction, item: InterviewProjection) -> InterviewProjection:
        """The step with the notice or minutes it issues rendered, for interviews since the patch."""
        state = item.state
        if not state.paperwork:
            return item
        for source in interview_documents.documents_for(action, state, workflow.now()):
            receipt = await calls.call(DocumentActivities.render_document, RenderRequest(document=source))
            state = interview_documents.issued(state, source, receipt, workflow.now())
        return item.model_copy(update={"state": state})

    async def _wait_for_change_or_deadline(self) -> None:
        steps = self._steps
        deadline = rules.deadline_watched(steps.state)
        if not await calls.changed_or_due(steps.changed_since(steps.changes), deadline):
            return
        if rules.deadline_watched(steps.state) == deadline:
            steps.record(rules.reply_missed(steps.state, workflow.now()))
            await steps.project()

    async def _tell_parent(self) -> None:
        """Signal the outcome to the hazard; a parent that has finished is logged, never a failure here."""
        outcome = rules.outcome_of(self._state, self._state.closed_at or workflow.now())
        if outcome is None or outcome.kind not in REPORTED_OUTCOMES:
            return
        parent_id = self._state.start.hazard_workflow_id
        try:
            await workflow.get_external_workflow_handle(parent_id).signal(OUTCOME_SIGNAL, outcome)
        except Exception as error:  # noqa: BLE001 - the parent may have ended; the outcome stays in our state
            workflow.logger.warning(
                "interview outcome not delivered to the hazard",
                extra={"interview_id": outcome.interview_id, "parent": parent_id, "error": str(error)},
            )
