"""The tour's clock, a part TourWorkflow owns: stationing at 00:00 of the start date, the end at 24:00 of the end
date, the report's reminders and lapse, each target's reminders and its overdue step (which starts the interview of
its responsible person), and the interviews' outcomes. It works on the workflow's step machine, and is given the
outcomes queue and the interviews part it needs; `plan_clock` plans a clock on the working-day calendar."""

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.calendar import CalendarActivities
    from domain import tour_documents as paperwork
    from domain import tour_steps as steps
    from models.clock import ClockPlan, ClockRequest
    from models.tour import TargetStatus, TourClock, TourProjection, TourState, TourStatus
    from workflows import calls
    from workflows.interview_outcomes import InterviewOutcomes
    from workflows.steps import StepMachine
    from workflows.tour_interviews import TourInterviews


async def plan_clock(state: TourState, start: datetime, *, working_days: int | None = None,
                     due_at: datetime | None = None) -> TourClock:
    """A clock planned by the calendar activity, with the policy's reminders (none already past)."""
    policy = state.start.policy
    request = ClockRequest(start=start, working_days=working_days, due_at=due_at,
                           reminder_fractions=policy.reminders.fractions,
                           reminder_working_days_before=policy.reminders.working_days_before)
    plan: ClockPlan = await calls.call(CalendarActivities.plan_clock, request)
    return TourClock.planned(plan, workflow.now())


class TourClockKeeper:
    """What is due next, waiting for it, and the system step it takes."""

    def __init__(self, machine: StepMachine[TourProjection, TourState], outcomes: InterviewOutcomes,
                 interviews: TourInterviews) -> None:
        self._machine = machine
        self._outcomes = outcomes
        self._interviews = interviews

    def next_due(self) -> datetime | None:
        state = self._machine.state
        if state.status == TourStatus.PLANNED:
            return steps.stationing_at(state.start)
        if state.status == TourStatus.INSPECTING:
            return steps.ending_at(state.start)
        instants: list[datetime] = paperwork.sign_instants(state)
        if state.status == TourStatus.REPORTING and state.report_clock is not None:
            instants += state.report_clock.pending()
        if state.status == TourStatus.RECTIFYING:
            for progress in state.progress:
                if progress.status == TargetStatus.RECTIFYING and progress.clock is not None:
                    instants += progress.clock.pending()
        return min(instants) if instants else None

    async def wait_for_change_or_due(self) -> None:
        if self._outcomes:
            await self._take_outcome()
            return
        machine = self._machine
        if await calls.changed_or_due(machine.changed_since(machine.changes), self.next_due()):
            await self._take_due()

    async def _take_outcome(self) -> None:
        outcome = self._outcomes.take()
        machine = self._machine
        async with machine.one_at_a_time():
            machine.record(steps.interview_outcome(machine.state, outcome.interview_id, outcome.kind.value, workflow.now()))
        await machine.project()

    async def _take_due(self) -> None:
        """The one system step due now: a draft's reminder or lapse, stationing, the end, a reminder, a lapse, an
        overdue target."""
        machine = self._machine
        async with machine.one_at_a_time():
            now = workflow.now()
            state = machine.state
            signing = paperwork.sign_due(state, now)
            if signing is not None:
                machine.record(signing)
            elif state.status == TourStatus.PLANNED and now >= steps.stationing_at(state.start):
                machine.record(steps.stationed(state, now))
            elif state.status == TourStatus.INSPECTING and now >= steps.ending_at(state.start):
                machine.record(steps.ended(state, now))
            elif state.status == TourStatus.REPORTING and state.report_clock is not None:
                clock = state.report_clock
                if clock.reminder_due(now):
                    machine.record(steps.report_reminder(state, now))
                elif clock.lapse_due(now):
                    machine.record(steps.report_lapsed(state, now))
            elif state.status == TourStatus.RECTIFYING:
                await self._target_due(state, now)
        await machine.project()

    async def _target_due(self, state: TourState, now: datetime) -> None:
        machine = self._machine
        for progress in state.progress:
            clock = progress.clock
            if progress.status != TargetStatus.RECTIFYING or clock is None:
                continue
            if clock.reminder_due(now):
                machine.record(steps.rectification_reminder(state, progress.key, now))
                return
            if clock.lapse_due(now):
                interview_id = self._interviews.next_id()
                overdue = steps.rectification_overdue(state, progress.key, interview_id, now)
                machine.record(overdue)
                reason = f"巡查（{state.id}）反馈问题逾期未报送整改情况"
                await self._interviews.start(progress.key, interview_id, reason, "ladder", overdue.actor)
                return
