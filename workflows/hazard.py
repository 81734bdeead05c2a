"""HazardWorkflow: one execution per hazard (workflow id `hazard-<code>`), from report to close-out.

Every human step is an Update whose validator refuses the wrong state, role or jurisdiction before anything
reaches history. The deadline clock (domain.md sections 3 to 5) runs in the main loop: each clock is an
absolute instant in state, planned on the working-day calendar by an activity, and waited on with
`wait_condition(..., timeout=...)` recomputed on every wake-up, so an extension moves a deadline that is
already being waited on. Every transition is projected into the read model, in order, before the Update
returns, so the caller reads its own write.
"""

import asyncio
import contextlib
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from activities.calendar import CalendarActivities
    from activities.projection import ProjectionActivities
    from domain import clocks, escalation, transitions
    from domain.refusals import Refusal
    from models.actions import (
        AssessBody,
        CloseBody,
        Command,
        ListBody,
        PauseBody,
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
    from models.actors import Actor, system_actor
    from models.calendar import Deadline, DeadlineRequest, ShiftRequest, WorkingDaysRequest
    from models.clock import Clock, ClockName, ClockPlan, ClockRequest, ClockSpec, LadderRequest
    from models.enums import Action, ExtensionDecision, Rectification
    from models.hazard import HazardStart, HazardState, ProjectionItem
    from models.interview import RUNG_RAISING_OUTCOMES, InterviewOutcome, InterviewStart
    from workflows import calls
    from workflows.calls import refusal_error
    from workflows.interview import InterviewWorkflow



@workflow.defn
class HazardWorkflow:
    @workflow.init
    def __init__(self, start: HazardStart) -> None:
        self._start = start
        self._outbox: list[ProjectionItem] = []
        self._projecting = asyncio.Lock()
        self._acting = asyncio.Lock()  # one change at a time: planning clocks awaits activities
        self._changes = 0
        self._outcomes: list[InterviewOutcome] = []
        self._interview_starters: dict[str, Actor] = {}  # interviews a supervisor started by hand
        self._interview_reasons: dict[str, str] = {}  # and the reason they gave
        self._projected_seq = 0
        self._started_interviews: set[str] = set()
        if start.resume is not None:  # continued as new: the state carries on
            self._state = start.resume
            self._started_interviews.update(start.resume.interviews)
            return
        self._state = HazardState(
            code=start.code,
            facts=start.facts,
            reported_at=workflow.now(),
            reported_by=start.reporter,
            policy=start.policy,
            status_since=workflow.now(),
        )
        # Recorded here, not in run(): an update delivered with the first task runs before run() starts.
        self._record(transitions.reported(self._state, start.reporter))

    @workflow.run
    async def run(self, start: HazardStart) -> HazardState:
        async with self._acting:
            self._state = await self._planned(self._state)
            self._refresh_unprojected()
        await self._project()
        while not self._state.status.terminal:
            if self._should_continue_as_new():
                await workflow.wait_condition(workflow.all_handlers_finished)
                if not self._outcomes and not self._outbox:
                    workflow.continue_as_new(self._start.model_copy(update={"resume": self._state}))
            await self._wait_for_change_or_due()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._project()
        await self._cancel_interviews()
        return self._state

    async def _cancel_interviews(self) -> None:
        """A closed or voided hazard needs no more interviews: tell any still open to stop (best effort)."""
        reason = f"隐患 {self._state.code} 已{'销号' if self._state.status == 'closed' else '作废'}"
        for interview_id in self._state.interviews:
            try:
                await workflow.get_external_workflow_handle_for(InterviewWorkflow.run, interview_id).signal(
                    InterviewWorkflow.cancel, reason
                )
            except Exception as error:  # noqa: BLE001 - it may have ended already
                workflow.logger.info("interview not cancelled", extra={"interview_id": interview_id, "error": str(error)})

    @workflow.query
    def state(self) -> HazardState:
        return self._state

    @workflow.signal
    def interview_outcome(self, outcome: InterviewOutcome) -> None:
        """An interview this hazard started has ended; a no-show or a missed reply raises the rung."""
        self._outcomes.append(outcome)
        self._changes += 1

    @workflow.update
    async def reported(self) -> HazardState:
        """Update-with-start's answer to `POST /hazards`: the hazard once its report (登记) is projected, so
        the API answers from the workflow and reads its own write without polling."""
        await workflow.wait_condition(lambda: self._projected_seq >= 1)
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

    # --- the machinery -------------------------------------------------------------------------------

    def _check(self, action: Action, command: Command[Any]) -> None:
        try:
            transitions.check(action, self._state, command.actor, command.body, workflow.now())
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    async def _act(self, action: Action, command: Command[Any]) -> HazardState:
        async with self._acting:
            # Re-check: another update may have moved the state since this one was validated.
            self._check(action, command)
            new_deadline = await self._new_deadline(action, command)
            try:
                items = transitions.apply(
                    action, self._state, command.actor, command.body, workflow.now(), new_deadline
                )
            except Refusal as refusal:  # only knowable after the calendar was asked (the one-year cap)
                raise refusal_error(refusal) from None
            await self._commit(items)
            if action == Action.INTERVIEW:
                self._interview_starters[self._state.interviews[-1]] = command.actor
                self._interview_reasons[self._state.interviews[-1]] = command.body.reason
            state = self._state
        await self._project()
        await self._start_interviews()
        return state

    async def _new_deadline(self, action: Action, command: Command[Any]) -> Deadline | None:
        """The calendar's answer an approved extension, a resume or a general hazard ordered to rectify without
        a date (the policy's `timers.general_rectification` working days) needs, asked before the change."""
        body = command.body
        if action == Action.ASSESS and body.rectification == Rectification.DEADLINE and body.deadline is None:
            days = self._state.policy.timers.general_rectification
            return await calls.call(CalendarActivities.compute_deadline, DeadlineRequest(start=workflow.now(), working_days=days))
        deadline = self._state.deadline
        if deadline is None:
            return None
        if action == Action.REVIEW_EXTENSION and command.body.decision == ExtensionDecision.APPROVE:
            return await calls.call(CalendarActivities.shift_deadline, ShiftRequest(deadline=deadline, working_days=command.body.days))
        if action == Action.RESUME and self._state.pause is not None:
            span = WorkingDaysRequest(start=self._state.pause.since, end=workflow.now())
            paused_days = await calls.call(CalendarActivities.count_working_days, span)
            return await calls.call(CalendarActivities.shift_deadline, ShiftRequest(deadline=deadline, working_days=paused_days))
        return None

    async def _commit(self, items: tuple[ProjectionItem, ...]) -> None:
        """Plan the clocks of the resulting state, then take it as the truth and queue every item."""
        planned = await self._planned(items[-1].state)
        self._record(*items[:-1], items[-1].model_copy(update={"state": planned}))

    def _record(self, *items: ProjectionItem) -> None:
        self._outbox.extend(items)
        self._state = items[-1].state
        self._changes += 1
        for item in items:
            workflow.logger.info(
                "hazard transition",
                extra={"hazard_code": self._state.code, "seq": item.transition.seq, "action": item.transition.action.value},
            )

    def _refresh_unprojected(self) -> None:
        """Give a queued item whose state was planned after it was queued the planned state."""
        if self._outbox and self._outbox[-1].state.seq == self._state.seq:
            self._outbox[-1] = self._outbox[-1].model_copy(update={"state": self._state})

    async def _project(self) -> None:
        """Project queued transitions in sequence order; one at a time, so the read model never goes back."""
        async with self._projecting:
            while self._outbox:
                await calls.project(ProjectionActivities.project_transition, self._outbox[0])
                self._projected_seq = self._outbox.pop(0).state.seq

    # --- the deadline clock --------------------------------------------------------------------------

    async def _planned(self, state: HazardState) -> HazardState:
        """The state with a planned clock for every clock that should run, and the ladder's instants."""
        kept = {c.spec: c for c in state.clocks}
        planned: list[Clock] = []
        for spec in clocks.clocks_for(state):
            planned.append(kept[spec] if spec in kept else await self._plan_clock(state, spec))
        state = state.model_copy(update={"clocks": tuple(planned)})
        rectification = clocks.clock(state, ClockName.RECTIFICATION)
        if rectification is not None and state.deadline is not None:
            state = state.model_copy(update={"deadline_provisional": rectification.provisional})
        if state.ladder and state.deadline is not None and state.ladder_deadline != state.deadline:
            offsets = tuple(r.offset_working_days for r in state.ladder)
            due = await calls.call(CalendarActivities.plan_ladder, LadderRequest(deadline=state.deadline, offsets=offsets))
            state = state.model_copy(update={"ladder_due": tuple(due), "ladder_deadline": state.deadline})
        return state

    async def _plan_clock(self, state: HazardState, spec: ClockSpec) -> Clock:
        rules = state.policy
        reminders = spec.name != ClockName.PROGRESS
        cutoff = rules.extension.min_working_days_before if spec.name == ClockName.RECTIFICATION and state.listing else None
        request = ClockRequest(
            start=spec.start,
            working_days=spec.working_days,
            due_at=spec.due_at,
            reminder_fractions=rules.reminders.fractions if reminders else (),
            reminder_working_days_before=rules.reminders.working_days_before if reminders else (),
            cutoff_working_days_before=cutoff,
        )
        plan: ClockPlan = await calls.call(CalendarActivities.plan_clock, request)
        now = workflow.now()
        sent = sum(1 for r in plan.reminders if r <= now)  # a clock planned late does not remind of the past
        return Clock(spec=spec, due_at=plan.due_at, provisional=plan.provisional, reminders=plan.reminders,
                     reminders_sent=sent, cutoff_at=plan.cutoff_at)

    async def _wait_for_change_or_due(self) -> None:
        seen = self._changes
        wake = clocks.next_wake(self._state)
        if wake is None or wake > workflow.now():
            timeout = None if wake is None else wake - workflow.now()
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._changes != seen or self._should_continue_as_new(), timeout=timeout
                )
        async with self._acting:
            item = self._next_system_step(workflow.now())
            if item is None:
                return
            await self._commit((item,))
        await self._project()
        await self._start_interviews()

    def _next_system_step(self, now: datetime) -> ProjectionItem | None:
        """The one thing due now, earliest first: an interview outcome, a reminder, a lapse, or a rung."""
        if self._outcomes:
            return self._outcome_step(self._outcomes.pop(0), now)
        state = self._state
        due: list[tuple[datetime, int, ProjectionItem | None]] = []
        if state.pause is None:
            for index, c in enumerate(state.clocks):
                if c.reminders_sent < len(c.reminders) and c.reminders[c.reminders_sent] <= now:
                    due.append((c.reminders[c.reminders_sent], 0, escalation.reminder(state, index, now)))
                if not c.lapsed and c.due_at <= now:
                    due.append((c.due_at, 1, escalation.lapse(state, index, now)))
        rung = clocks.next_rung_due(state)
        if rung is not None and rung <= now:
            due.append((rung, 2, escalation.fire_next_rung(state, "deadline", now)))
        due = [d for d in due if d[2] is not None]
        return min(due, key=lambda d: (d[0], d[1]))[2] if due else None

    def _outcome_step(self, outcome: InterviewOutcome, now: datetime) -> ProjectionItem:
        if outcome.kind in RUNG_RAISING_OUTCOMES and not self._state.status.terminal:
            raised = escalation.fire_next_rung(self._state, f"interview_{outcome.kind.value}", now)
            if raised is not None:
                return raised
        title = f"约谈 {outcome.interview_id} 结束：{outcome.kind.value}"
        return escalation.step(self._state, self._state, Action.INTERVIEW_OUTCOME, f"interview:{outcome.kind.value}", title, now)

    async def _start_interviews(self) -> None:
        """Start the interview child workflow of every interview the state names and no one started yet."""
        for interview_id in self._state.interviews:
            if interview_id in self._started_interviews:
                continue
            self._started_interviews.add(interview_id)
            state = self._state
            authority = clocks.supervising_authority(state)
            authority_name = next((r.name for r in state.facts.region_path if r.code == authority), authority)
            start = InterviewStart(
                interview_id=interview_id,
                hazard_code=state.code,
                hazard_workflow_id=workflow.info().workflow_id,
                reason=self._interview_reasons.get(interview_id) or escalation.interview_reason(state, workflow.now()),
                trigger="manual" if interview_id in self._interview_starters else "ladder",
                enterprise_uscc=state.facts.enterprise_uscc,
                enterprise_name=state.facts.enterprise_name,
                interviewee=state.facts.enterprise_principal or state.facts.enterprise_name,
                conducting_authority_code=authority,
                conducting_authority_name=authority_name,
                region_path=state.facts.region_path,
                started_by=self._interview_starters.get(interview_id, system_actor("rung:interview")),
                rules=state.policy.interview,
            )
            with contextlib.suppress(WorkflowAlreadyStartedError):
                await workflow.start_child_workflow(
                    InterviewWorkflow.run,
                    start,
                    id=interview_id,
                    parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                )

    def _should_continue_as_new(self) -> bool:
        info = workflow.info()
        return info.is_continue_as_new_suggested() or info.get_current_history_length() > self._start.continue_as_new_after_events
