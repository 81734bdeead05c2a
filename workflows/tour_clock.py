"""The tour's clock, the part of TourWorkflow that waits and fires: stationing at 00:00 of the start
date, the end at 24:00 of the end date, the report's reminders and lapse, each target's reminders and its
overdue step (which starts the interview of its responsible person), and the interviews' outcomes."""

from datetime import datetime
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import tour_documents as paperwork
    from domain import tour_steps as steps
    from models.interview import InterviewOutcome
    from models.tour import TargetStatus, TourProjection, TourState, TourStatus
    from workflows import calls


class TourClockMixin:
    """Mixed into TourWorkflow: what is due next, waiting for it, and the system step it takes."""

    _state: TourState
    _outcomes: list[InterviewOutcome]
    _outbox: list[TourProjection]
    _changes: int
    _acting: Any

    def _record(self, item: TourProjection) -> None:
        raise NotImplementedError

    async def _project(self) -> None:
        raise NotImplementedError

    def _next_interview_id(self) -> str:
        raise NotImplementedError

    async def _start_interview(self, key: str, interview_id: str, reason: str, trigger: str, actor: Any) -> None:
        raise NotImplementedError


    def _next_due(self) -> datetime | None:
        state = self._state
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

    async def _wait_for_change_or_due(self) -> None:
        if self._outcomes:
            await self._take_outcome()
            return
        seen = self._changes
        if await calls.changed_or_due(lambda: self._changes != seen, self._next_due()):
            await self._take_due()

    async def _take_outcome(self) -> None:
        outcome = self._outcomes.pop(0)
        async with self._acting:
            self._record(steps.interview_outcome(self._state, outcome.interview_id, outcome.kind.value, workflow.now()))
        await self._project()

    async def _take_due(self) -> None:
        """The one system step due now: a draft's reminder or lapse, stationing, the end, a reminder, a lapse, an
        overdue target."""
        async with self._acting:
            now = workflow.now()
            state = self._state
            signing = paperwork.sign_due(state, now)
            if signing is not None:
                self._record(signing)
            elif state.status == TourStatus.PLANNED and now >= steps.stationing_at(state.start):
                self._record(steps.stationed(state, now))
            elif state.status == TourStatus.INSPECTING and now >= steps.ending_at(state.start):
                self._record(steps.ended(state, now))
            elif state.status == TourStatus.REPORTING and state.report_clock is not None:
                clock = state.report_clock
                if clock.reminder_due(now):
                    self._record(steps.report_reminder(state, now))
                elif clock.lapse_due(now):
                    self._record(steps.report_lapsed(state, now))
            elif state.status == TourStatus.RECTIFYING:
                await self._target_due(state, now)
        await self._project()

    async def _target_due(self, state: TourState, now: datetime) -> None:
        for progress in state.progress:
            clock = progress.clock
            if progress.status != TargetStatus.RECTIFYING or clock is None:
                continue
            if clock.reminder_due(now):
                self._record(steps.rectification_reminder(state, progress.key, now))
                return
            if clock.lapse_due(now):
                interview_id = self._next_interview_id()
                self._record(steps.rectification_overdue(state, progress.key, interview_id, now))
                reason = f"巡查（{state.id}）反馈问题逾期未报送整改情况"
                await self._start_interview(progress.key, interview_id, reason, "ladder",
                                            self._outbox[-1].actor)
                return
