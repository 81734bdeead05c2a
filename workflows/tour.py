"""TourWorkflow (安全生产巡查): one execution per inspection tour, workflow id `tour-<id>`.

Plan → stationing at 00:00 of the start date → inspection (findings; a hazard finding starts a HazardWorkflow
with source `inspection_tour`) → the report within N working days after the end (reminders; a missed deadline
is a government-side lapse) → feedback letters → each target's rectification within M months (reminders;
overdue or rejected: an InterviewWorkflow of its responsible person) → publication. Every human step is an
Update whose validator runs `domain.tour.check`; every step is projected before the Update returns.
"""

from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from activities.tour import TourActivities
    from domain import tour as rules
    from domain import tour_steps as steps
    from domain.refusals import Refusal
    from models.actions import Command
    from models.documents import DocumentKind, SignDocument
    from models.hazard import HazardStart, workflow_id_for
    from models.interview import InterviewOutcome
    from models.tour import (
        AcceptRectificationBody,
        ApproveReportBody,
        DeliverFeedbackBody,
        FindingKind,
        RecordFindingBody,
        RejectRectificationBody,
        SubmitRectificationBody,
        SubmitReportBody,
        TeamCommand,
        TourAction,
        TourHazardRequest,
        TourProjection,
        TourPublishBody,
        TourStart,
        TourState,
        TourStatus,
        TransferClueBody,
    )
    from workflows import calls
    from workflows.calls import refusal_error
    from workflows.hazard import HazardWorkflow
    from workflows.interview_outcomes import InterviewOutcomes
    from workflows.steps import StepMachine
    from workflows.tour_clock import TourClockKeeper, plan_clock
    from workflows.tour_interviews import TourInterviews
    from workflows.tour_paperwork import TourPaperwork

A = TourAction
MAX_CODE_ATTEMPTS = 50


@workflow.defn
class TourWorkflow:
    """Its parts, each given what it works on: the step machine (state, outbox, one change at a time), the
    interviews' outcomes, the interviews it starts, its clock and its paperwork."""

    @workflow.init
    def __init__(self, start: TourStart) -> None:
        state = TourState(start=start, workflow_id=workflow.info().workflow_id, created_at=workflow.now(), team=start.team)
        self._steps: StepMachine[TourProjection, TourState] = StepMachine(
            state, name="tour", projection=TourActivities.project_tour, seq=lambda item: item.seq,
            log=lambda item: {"tour_id": item.state.id, "action": item.action.value},
        )
        self._outcomes = InterviewOutcomes(
            self._steps, lambda: (i for p in self._steps.state.progress for i in p.interviews))
        self._interviews = TourInterviews(self._steps)
        self._clock = TourClockKeeper(self._steps, self._outcomes, self._interviews)
        self._paperwork = TourPaperwork(self._steps)
        self._steps.record(steps.planned(state))

    @workflow.run
    async def run(self, start: TourStart) -> TourState:
        machine = self._steps
        async with machine.one_at_a_time():  # the report's deadline is known from the plan: fixed now, shown from the start
            clock = await plan_clock(machine.state, steps.report_period_start(start),
                                     working_days=start.rules.report_working_days)
            machine.state = machine.state.model_copy(update={"report_clock": clock})
            machine.outbox[:] = [i.model_copy(update={"state": i.state.model_copy(update={"report_clock": clock})})
                                 if i.seq == 1 else i for i in machine.outbox]
        await machine.project()
        while machine.state.status != TourStatus.CLOSED:
            await self._clock.wait_for_change_or_due()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await machine.project()
        return machine.state

    @workflow.query
    def state(self) -> TourState:
        return self._state

    @workflow.update
    async def created(self) -> TourState:
        """Update-with-start's answer to `POST /tours`: the tour once its plan is projected."""
        return await self._steps.wait_projected(1)

    @workflow.signal
    def interview_outcome(self, outcome: InterviewOutcome) -> None:
        """An interview this tour started has ended (a no-show, a reply, a missed reply): its step comes next."""
        self._outcomes.put(outcome)

    # --- human steps: one Update per action of registry/tour.py -----------------------------------------

    @workflow.update(name="change-team")
    async def change_team(self, command: TeamCommand) -> TourState:
        return await self._steps.act(
            lambda: self._check_team(command),
            lambda: steps.apply(A.CHANGE_TEAM, self._state, command.actor, command.body, workflow.now(),
                                members=command.members),
        )

    @change_team.validator
    def _validate_change_team(self, command: TeamCommand) -> None:
        self._check_team(command)

    @workflow.update(name="record-finding")
    async def record_finding(self, command: Command[RecordFindingBody]) -> TourState:
        async def make() -> TourProjection:
            hazard_code = None
            if command.body.kind == FindingKind.HAZARD:
                hazard_code = await self._open_hazard(command)
            return steps.apply(A.RECORD_FINDING, self._state, command.actor, command.body, workflow.now(),
                               hazard_code=hazard_code)

        return await self._steps.act(lambda: self._check(A.RECORD_FINDING, command), make)

    @record_finding.validator
    def _validate_record_finding(self, command: Command[RecordFindingBody]) -> None:
        self._check(A.RECORD_FINDING, command)

    @workflow.update(name="transfer-clue")
    async def transfer_clue(self, command: Command[TransferClueBody]) -> TourState:
        return await self._act(A.TRANSFER_CLUE, command)

    @transfer_clue.validator
    def _validate_transfer_clue(self, command: Command[TransferClueBody]) -> None:
        self._check(A.TRANSFER_CLUE, command)

    @workflow.update(name="submit-report")
    async def submit_report(self, command: Command[SubmitReportBody]) -> TourState:
        return await self._steps.act(lambda: self._check(A.SUBMIT_REPORT, command),
                                     lambda: self._paperwork.report_item(command))

    @submit_report.validator
    def _validate_submit_report(self, command: Command[SubmitReportBody]) -> None:
        self._check(A.SUBMIT_REPORT, command)

    @workflow.update(name="approve-report")
    async def approve_report(self, command: Command[ApproveReportBody]) -> TourState:
        return await self._act(A.APPROVE_REPORT, command)

    @approve_report.validator
    def _validate_approve_report(self, command: Command[ApproveReportBody]) -> None:
        self._check(A.APPROVE_REPORT, command)
        self._check_duties(A.APPROVE_REPORT, command)

    @workflow.update(name="deliver-feedback")
    async def deliver_feedback(self, command: Command[DeliverFeedbackBody]) -> TourState:
        async def make() -> TourProjection:
            now = workflow.now()
            clocks = {}
            for target in self._state.start.targets:
                clocks[target.key] = await plan_clock(self._state, now, due_at=steps.rectification_due(self._state, now))
            return await self._paperwork.feedback_item(command, clocks)

        return await self._steps.act(lambda: self._check(A.DELIVER_FEEDBACK, command), make)

    @deliver_feedback.validator
    def _validate_deliver_feedback(self, command: Command[DeliverFeedbackBody]) -> None:
        self._check(A.DELIVER_FEEDBACK, command)

    @workflow.update(name="submit-rectification-report")
    async def submit_rectification_report(self, command: Command[SubmitRectificationBody]) -> TourState:
        return await self._act(A.SUBMIT_RECTIFICATION_REPORT, command)

    @submit_rectification_report.validator
    def _validate_submit_rectification_report(self, command: Command[SubmitRectificationBody]) -> None:
        self._check(A.SUBMIT_RECTIFICATION_REPORT, command)

    @workflow.update(name="accept-rectification")
    async def accept_rectification(self, command: Command[AcceptRectificationBody]) -> TourState:
        return await self._act(A.ACCEPT_RECTIFICATION, command)

    @accept_rectification.validator
    def _validate_accept_rectification(self, command: Command[AcceptRectificationBody]) -> None:
        self._check(A.ACCEPT_RECTIFICATION, command)

    @workflow.update(name="reject-rectification")
    async def reject_rectification(self, command: Command[RejectRectificationBody]) -> TourState:
        machine = self._steps
        async with machine.one_at_a_time():  # by hand: the interview starts once the step is recorded
            self._check(A.REJECT_RECTIFICATION, command)
            interview_id = self._interviews.next_id()
            machine.record(steps.apply(A.REJECT_RECTIFICATION, machine.state, command.actor, command.body,
                                       workflow.now(), interview_id=interview_id))
            state = machine.state
            await self._interviews.start(command.body.target, interview_id, command.body.comment, "manual", command.actor)
        await machine.project()
        return state

    @reject_rectification.validator
    def _validate_reject_rectification(self, command: Command[RejectRectificationBody]) -> None:
        self._check(A.REJECT_RECTIFICATION, command)

    @workflow.update
    async def publish(self, command: Command[TourPublishBody]) -> TourState:
        return await self._act(A.PUBLISH, command)

    @publish.validator
    def _validate_publish(self, command: Command[TourPublishBody]) -> None:
        self._check(A.PUBLISH, command)

    @workflow.update
    async def sign(self, command: Command[SignDocument]) -> TourState:
        """A leader of the organizing committee's jurisdiction signs a draft (`POST /documents/{id}/actions/sign`)."""
        return await self._steps.act(lambda: self._paperwork.check_sign(command),
                                     lambda: self._paperwork.signed_item(command))

    @sign.validator
    def _validate_sign(self, command: Command[SignDocument]) -> None:
        self._paperwork.check_sign(command)
        document = next((d for d in self._steps.state.documents if d.id == command.body.document_id), None)
        if document is not None and document.kind == DocumentKind.TOUR_REPORT:  # not signed by who wrote it
            self._check_duties(A.SIGN, command)

    def _check_duties(self, action: TourAction, command: Command[Any]) -> None:
        try:
            rules.check_duties(action, self._steps.state, command.actor)
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    # --- the machinery ---------------------------------------------------------------------------------

    @property
    def _state(self) -> TourState:
        return self._steps.state

    def _check(self, action: TourAction, command: Command[Any]) -> None:
        try:
            rules.check(action, self._state, command.actor, command.body)
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    def _check_team(self, command: TeamCommand) -> None:
        sent = [(s.username, s.role) for s in command.body.team]
        if sent != [(m.username, m.role) for m in command.members]:
            raise ValueError("the resolved team does not match the team sent")
        try:
            rules.check(A.CHANGE_TEAM, self._state, command.actor, command.body, command.members)
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    async def _act(self, action: TourAction, command: Command[Any]) -> TourState:
        return await self._steps.act(  # checked again: the state may have moved since validation
            lambda: self._check(action, command),
            lambda: steps.apply(action, self._state, command.actor, command.body, workflow.now()),
        )

    async def _open_hazard(self, command: Command[RecordFindingBody]) -> str:
        """Start the hazard a hazard finding names (source `inspection_tour`, linked to the tour)."""
        assert command.body.hazard is not None
        request = TourHazardRequest(tour_id=self._state.id, organizer_code=self._state.start.organizer.code,
                                    reporter=command.actor, description=command.body.description,
                                    fields=command.body.hazard, found_at=workflow.now(), policy=self._state.start.policy)
        for _ in range(MAX_CODE_ATTEMPTS):
            start: HazardStart = await calls.call(TourActivities.open_tour_hazard, request)
            try:
                await workflow.start_child_workflow(HazardWorkflow.run, start, id=workflow_id_for(start.code),
                                                    parent_close_policy=workflow.ParentClosePolicy.ABANDON)
            except WorkflowAlreadyStartedError:
                continue  # the code is held by a workflow the read model does not know: take the next one
            return start.code
        raise ApplicationError("no free hazard code", non_retryable=True)
