"""The hazard's deadline clock (docs/domain.md §3 to §5), a part HazardWorkflow owns: it plans and fires it, on the
workflow's step machine and the interviews' outcomes it is given.

Each clock is an absolute instant in state, planned on the working-day calendar by an activity (so a replay
never depends on today's holiday data), waited on in the main loop and re-planned whenever the state, the
deadline or a pause changes it. What is due now is one system step: an interview's outcome, a reminder, a
lapse or a rung, earliest first.
"""

from datetime import datetime
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.calendar import CalendarActivities
    from domain import clocks, escalation
    from models.actions import Command
    from models.calendar import Deadline, DeadlineRequest, ShiftRequest, WorkingDaysRequest
    from models.clock import Clock, ClockName, ClockPlan, ClockRequest, ClockSpec, LadderRequest
    from models.enums import Action, ExtensionDecision, Rectification
    from models.hazard import HazardState, ProjectionItem
    from models.interview import RUNG_RAISING_OUTCOMES, InterviewOutcome
    from workflows import calls
    from workflows.interview_outcomes import InterviewOutcomes
    from workflows.steps import StepMachine


class HazardClock:
    """Planning the clocks of a state, and the system step due now."""

    def __init__(self, machine: StepMachine[ProjectionItem, HazardState], outcomes: InterviewOutcomes) -> None:
        self._machine = machine
        self._outcomes = outcomes

    @property
    def _state(self) -> HazardState:
        return self._machine.state

    async def planned(self, state: HazardState) -> HazardState:
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

    async def new_deadline(self, action: Action, command: Command[Any]) -> Deadline | None:
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

    def next_system_step(self, now: datetime) -> ProjectionItem | None:
        """The one thing due now, earliest first: an interview outcome, a reminder, a lapse, or a rung."""
        if self._outcomes:
            return self._outcome_step(self._outcomes.take(), now)
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
