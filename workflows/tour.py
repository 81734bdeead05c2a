"""TourWorkflow (安全生产巡查): one execution per inspection tour, workflow id `tour-<id>`.

Plan → stationing at 00:00 of the start date → inspection (findings; a hazard finding starts a HazardWorkflow
with source `inspection_tour`) → the report within N working days after the end (reminders; a missed deadline
is a government-side lapse) → feedback letters → each target's rectification within M months (reminders;
overdue or rejected: an InterviewWorkflow of its responsible person) → publication. Every human step is an
Update whose validator runs `domain.tour.check`; every step is projected before the Update returns.
"""

import asyncio
import contextlib
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from activities.calendar import CalendarActivities
    from activities.tour import TourActivities
    from domain import tour as rules
    from domain import tour_steps as steps
    from domain.refusals import Refusal
    from models.actions import Command
    from models.clock import ClockPlan, ClockRequest
    from models.documents import SignDocument
    from models.hazard import HazardStart, workflow_id_for
    from models.interview import InterviewOutcome, InterviewStart, interview_workflow_id
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
        TourClock,
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
    from workflows.interview import InterviewWorkflow
    from workflows.interview_outcomes import InterviewOutcomes
    from workflows.tour_clock import TourClockMixin
    from workflows.tour_paperwork import TourPaperwork

A = TourAction
MAX_CODE_ATTEMPTS = 50


@workflow.defn
class TourWorkflow(TourClockMixin, TourPaperwork, InterviewOutcomes):
    @workflow.init
    def __init__(self, start: TourStart) -> None:
        self._state = TourState(start=start, workflow_id=workflow.info().workflow_id, created_at=workflow.now(),
                                team=start.team)
        self._outbox: list[TourProjection] = []
        self._projecting = asyncio.Lock()
        self._acting = asyncio.Lock()
        self._changes = 0
        self._projected_seq = 0
        self._outcomes: list[InterviewOutcome] = []
        self._record(steps.planned(self._state))

    @workflow.run
    async def run(self, start: TourStart) -> TourState:
        async with self._acting:  # the report's deadline is known from the plan: fixed now, shown from the start
            clock = await self._plan(steps.report_period_start(start), working_days=start.rules.report_working_days)
            self._state = self._state.model_copy(update={"report_clock": clock})
            self._outbox = [i.model_copy(update={"state": i.state.model_copy(update={"report_clock": clock})})
                            if i.seq == 1 else i for i in self._outbox]
        await self._project()
        while self._state.status != TourStatus.CLOSED:
            await self._wait_for_change_or_due()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._project()
        return self._state

    @workflow.query
    def state(self) -> TourState:
        return self._state

    @workflow.update
    async def created(self) -> TourState:
        """Update-with-start's answer to `POST /tours`: the tour once its plan is projected."""
        await workflow.wait_condition(lambda: self._projected_seq >= 1)
        return self._state

    # --- human steps: one Update per action of registry/tour.py -----------------------------------------

    @workflow.update(name="change-team")
    async def change_team(self, command: TeamCommand) -> TourState:
        async with self._acting:
            self._check_team(command)
            self._record(steps.apply(A.CHANGE_TEAM, self._state, command.actor, command.body, workflow.now(),
                                     members=command.members))
        await self._project()
        return self._state

    @change_team.validator
    def _validate_change_team(self, command: TeamCommand) -> None:
        self._check_team(command)

    @workflow.update(name="record-finding")
    async def record_finding(self, command: Command[RecordFindingBody]) -> TourState:
        async with self._acting:
            self._check(A.RECORD_FINDING, command)
            hazard_code = None
            if command.body.kind == FindingKind.HAZARD:
                hazard_code = await self._open_hazard(command)
            self._record(steps.apply(A.RECORD_FINDING, self._state, command.actor, command.body, workflow.now(),
                                     hazard_code=hazard_code))
        await self._project()
        return self._state

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
        async with self._acting:
            self._check(A.SUBMIT_REPORT, command)
            self._record(await self._report_item(command))
        await self._project()
        return self._state

    @submit_report.validator
    def _validate_submit_report(self, command: Command[SubmitReportBody]) -> None:
        self._check(A.SUBMIT_REPORT, command)

    @workflow.update(name="approve-report")
    async def approve_report(self, command: Command[ApproveReportBody]) -> TourState:
        return await self._act(A.APPROVE_REPORT, command)

    @approve_report.validator
    def _validate_approve_report(self, command: Command[ApproveReportBody]) -> None:
        self._check(A.APPROVE_REPORT, command)

    @workflow.update(name="deliver-feedback")
    async def deliver_feedback(self, command: Command[DeliverFeedbackBody]) -> TourState:
        async with self._acting:
            self._check(A.DELIVER_FEEDBACK, command)
            now = workflow.now()
            clocks = {}
            for target in self._state.start.targets:
                clocks[target.key] = await self._plan(now, due_at=steps.rectification_due(self._state, now))
            self._record(await self._feedback_item(command, clocks))
        await self._project()
        return self._state

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
        async with self._acting:
            self._check(A.REJECT_RECTIFICATION, command)
            interview_id = self._next_interview_id()
            self._record(steps.apply(A.REJECT_RECTIFICATION, self._state, command.actor, command.body,
                                     workflow.now(), interview_id=interview_id))
            await self._start_interview(command.body.target, interview_id, command.body.comment, "manual", command.actor)
        await self._project()
        return self._state

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
        async with self._acting:
            self._check_sign(command)
            self._record(await self._signed_item(command))
        await self._project()
        return self._state

    @sign.validator
    def _validate_sign(self, command: Command[SignDocument]) -> None:
        self._check_sign(command)

    # --- the machinery ---------------------------------------------------------------------------------

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
        async with self._acting:
            self._check(action, command)  # again: the state may have moved since validation
            self._record(steps.apply(action, self._state, command.actor, command.body, workflow.now()))
        await self._project()
        return self._state

    def _record(self, item: TourProjection) -> None:
        self._outbox.append(item)
        self._state = item.state
        self._changes += 1
        workflow.logger.info("tour transition", extra={"tour_id": self._state.id, "seq": item.seq, "action": item.action.value})

    async def _project(self) -> None:
        async with self._projecting:
            while self._outbox:
                item = self._outbox[0]
                await calls.project(TourActivities.project_tour, item)
                self._projected_seq = item.seq
                self._outbox.pop(0)

    async def _plan(self, start: datetime, *, working_days: int | None = None, due_at: datetime | None = None) -> TourClock:
        policy = self._state.start.policy
        request = ClockRequest(start=start, working_days=working_days, due_at=due_at,
                               reminder_fractions=policy.reminders.fractions,
                               reminder_working_days_before=policy.reminders.working_days_before)
        plan: ClockPlan = await calls.call(CalendarActivities.plan_clock, request)
        return TourClock.planned(plan, workflow.now())

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

    def _next_interview_id(self) -> str:
        return interview_workflow_id(self._state.id, self._state.interviews_started + 1)

    async def _start_interview(self, key: str, interview_id: str, reason: str, trigger: str, actor: Any) -> None:
        start = self._state.start
        target = self._state.target(key)
        assert target is not None
        interview = InterviewStart(
            interview_id=interview_id, hazard_code=start.id, hazard_workflow_id=self._state.workflow_id,
            reason=reason, trigger=trigger, enterprise_uscc="", enterprise_name=target.name,  # type: ignore[arg-type]
            interviewee=f"{target.name}主要负责人", conducting_authority_code=start.organizer.code,
            conducting_authority_name=start.organizer.name, region_path=target.region_path, started_by=actor,
            rules=start.policy.interview, tour_id=start.id,
        )
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await workflow.start_child_workflow(InterviewWorkflow.run, interview, id=interview_id,
                                                parent_close_policy=workflow.ParentClosePolicy.ABANDON)
