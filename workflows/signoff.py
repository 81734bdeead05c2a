"""SignOffWorkflow: a leader's sign-off of a document no process workflow owns, one execution per
draft, workflow id `signoff-<document id>-<drafted at>`; today a circular (通报) drafted by the circulars service or by the
reporting cadence and started by that service or by the worker's outbox.

The sign clock is planned in working days from the drafting; reminders go to the issuing authority, a lapse to
it and the authority above; the `sign` Update (a leader of the issuing authority, its validator refusing anyone
else) re-renders the document with the signer's name, and its projection issues the record (the circular goes
to everyone it names only then). The workflow ends once the document is signed. Its step machine takes each step
projected first (`StepMachine.take`): the draft is signed only once the signature's record is issued.
"""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.calendar import CalendarActivities
    from activities.documents import DocumentActivities
    from activities.signoff import SignOffActivities
    from domain import signoff
    from domain import signoff_steps as steps
    from domain.refusals import Refusal
    from models.actions import Command
    from models.clock import ClockPlan, ClockRequest, PlannedClock
    from models.documents import RenderRequest, SignDocument
    from models.signoff import SignOffStart, SignOffState, SignOffStep
    from workflows import calls
    from workflows.calls import refusal_error
    from workflows.steps import StepMachine


@workflow.defn
class SignOffWorkflow:
    @workflow.init
    def __init__(self, start: SignOffStart) -> None:
        self._steps: StepMachine[SignOffStep, SignOffState] = StepMachine(
            SignOffState(start=start, document=start.document), name="signoff",
            projection=SignOffActivities.project_signoff, seq=lambda step: step.seq,
            log=lambda step: {"record_id": step.state.start.record_id, "action": step.action},
        )

    @property
    def _state(self) -> SignOffState:
        return self._steps.state

    @workflow.run
    async def run(self, start: SignOffStart) -> SignOffState:
        async with self._steps.one_at_a_time():
            request = ClockRequest(start=start.document.drafted_at, working_days=start.sign_working_days,
                                   reminder_fractions=start.reminder_fractions,
                                   reminder_working_days_before=start.reminder_working_days_before)
            plan: ClockPlan = await calls.call(CalendarActivities.plan_clock, request)
            clock = PlannedClock.planned(plan, workflow.now())  # drafted long ago (the outbox was late): no stale reminders
            self._steps.state = self._state.model_copy(update={"clock": clock})
        while not self._state.signed:
            await self._wait_for_change_or_due()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    @workflow.query
    def state(self) -> SignOffState:
        return self._state

    @workflow.update
    async def sign(self, command: Command[SignDocument]) -> SignOffState:
        """A leader of the issuing authority signs the draft (`POST /documents/{id}/actions/sign`)."""
        async with self._steps.one_at_a_time():
            self._check_sign(command)
            source = signoff.signed_source(self._state.documents, command.actor, command.body.document_id)
            receipt = await calls.call(DocumentActivities.render_document, RenderRequest(document=source))
            await self._steps.take(steps.signed(self._state, command.actor, receipt, workflow.now()))
        return self._state

    @sign.validator
    def _validate_sign(self, command: Command[SignDocument]) -> None:
        self._check_sign(command)

    def _check_sign(self, command: Command[SignDocument]) -> None:
        try:
            signoff.check_sign(self._state.documents, command.actor, command.body.document_id)
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    async def _wait_for_change_or_due(self) -> None:
        machine = self._steps
        if not await calls.changed_or_due(machine.changed_since(machine.changes), steps.next_due(self._state)):
            return
        async with machine.one_at_a_time():
            step = steps.due_step(self._state, workflow.now())
            if step is not None:
                await machine.take(step)  # projected (its audit row and notices), then the state
