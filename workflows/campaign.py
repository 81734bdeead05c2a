"""CampaignWorkflow (专项整治): one execution per campaign, workflow id `campaign-<id>`.

The phase boundaries are timers: a phase starts at 00:00 Asia/Shanghai of its `starts_on` and ends at 24:00 of
its `ends_on`; the main loop waits for the next boundary, reminder or annual summary, recomputed on every wake-up,
so an amended phase moves its timer. When `rectify` ends the closing account is written, when `evaluate` ends the
summary report, on each 31 December of a multi-year campaign its annual summary. Every human step is an Update
whose validator runs `domain.campaigns.check`; every step is projected, in order, before the Update returns.
"""

from datetime import date, datetime, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.calendar import CalendarActivities
    from activities.campaigns import CampaignActivities
    from activities.documents import DocumentActivities
    from domain import campaign_documents as documents
    from domain import campaign_reminders as reminders
    from domain import campaigns as rules
    from domain.refusals import Refusal
    from models.actions import Command
    from models.base import end_of_day
    from models.campaign import (
        AddMeasureBody,
        AmendPhaseBody,
        CampaignAccount,
        CampaignAction,
        CampaignProjection,
        CampaignStart,
        CampaignState,
        CampaignStatus,
        CancelBody,
        CompleteMeasureBody,
        FiguresRequest,
        PhaseKind,
        phase_starts_at,
        year_ends,
    )
    from models.clock import ClockRequest, DocumentSpec
    from models.documents import RenderRequest
    from workflows import calls
    from workflows.calls import refusal_error
    from workflows.steps import StepMachine

A = CampaignAction
FINISHED = (CampaignStatus.CLOSED, CampaignStatus.CANCELLED)


@workflow.defn
class CampaignWorkflow:
    @workflow.init
    def __init__(self, start: CampaignStart) -> None:
        first = rules.launched(start, workflow.info().workflow_id, workflow.now())
        self._steps: StepMachine[CampaignProjection, CampaignState] = StepMachine(
            first.state, name="campaign", projection=CampaignActivities.project_campaign, seq=lambda item: item.seq,
            log=lambda item: {"campaign_id": item.state.campaign_id, "action": item.action.value},
        )
        self._steps.outbox.append(first)
        self._settled = False  # the boundaries due at launch are taken (a campaign starting today is active)

    @workflow.run
    async def run(self, start: CampaignStart) -> CampaignState:
        await self._steps.project()
        for phase in self._state.phases:
            await self._plan_phase_reminders(phase.kind)
        await self._catch_up()
        self._settled = True
        while not self._finished():
            await self._catch_up()
            if self._finished():
                break
            await self._wait_for_change_or_instant()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._steps.project()
        return self._state

    @workflow.query
    def state(self) -> CampaignState:
        return self._state

    @workflow.update
    async def launched(self) -> CampaignState:
        """Update-with-start's answer to `POST /campaigns`: the campaign once its launch (and any phase starting
        at once) is projected, so the API answers from the workflow and reads its own write."""
        await workflow.wait_condition(lambda: self._settled and not self._steps.outbox)
        return self._state

    # --- human steps ---------------------------------------------------------------------------------

    @workflow.update(name="amend-phase")
    async def amend_phase(self, command: Command[AmendPhaseBody]) -> CampaignState:
        state = await self._act(A.AMEND_PHASE, command)
        await self._plan_phase_reminders(command.body.kind)
        return state

    @amend_phase.validator
    def _validate_amend_phase(self, command: Command[AmendPhaseBody]) -> None:
        self._check(A.AMEND_PHASE, command)

    @workflow.update(name="add-measure")
    async def add_measure(self, command: Command[AddMeasureBody]) -> CampaignState:
        state = await self._act(A.ADD_MEASURE, command)
        measure = self._state.measures[-1]
        due_at = end_of_day(measure.due_on)
        if due_at > workflow.now():
            before = self._state.start.rules.measure_reminder_working_days_before
            request = ClockRequest(start=workflow.now(), due_at=due_at, reminder_working_days_before=before)
            plan = await calls.call(CalendarActivities.plan_clock, request)
            self._steps.state = reminders.with_measure_reminders(self._state, measure.id, plan.reminders, workflow.now())
            self._steps.changed()
        return state

    @add_measure.validator
    def _validate_add_measure(self, command: Command[AddMeasureBody]) -> None:
        self._check(A.ADD_MEASURE, command)

    @workflow.update(name="complete-measure")
    async def complete_measure(self, command: Command[CompleteMeasureBody]) -> CampaignState:
        return await self._act(A.COMPLETE_MEASURE, command)

    @complete_measure.validator
    def _validate_complete_measure(self, command: Command[CompleteMeasureBody]) -> None:
        self._check(A.COMPLETE_MEASURE, command)

    @workflow.update
    async def cancel(self, command: Command[CancelBody]) -> CampaignState:
        return await self._act(A.CANCEL, command)

    @cancel.validator
    def _validate_cancel(self, command: Command[CancelBody]) -> None:
        self._check(A.CANCEL, command)

    # --- the machinery -------------------------------------------------------------------------------

    @property
    def _state(self) -> CampaignState:
        return self._steps.state

    def _finished(self) -> bool:
        """Cancelled; or closed with every measure of the list done (a measure can still be completed after)."""
        if self._state.status == CampaignStatus.CANCELLED:
            return True
        return self._state.status == CampaignStatus.CLOSED and all(m.completed_at for m in self._state.measures)

    def _check(self, action: CampaignAction, command: Command[Any]) -> None:
        try:
            rules.check(action, self._state, command.actor, command.body, workflow.now())
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    async def _act(self, action: CampaignAction, command: Command[Any]) -> CampaignState:
        return await self._steps.act(  # checked again: a timer or another update may have moved the state
            lambda: self._check(action, command),
            lambda: rules.apply(action, self._state, command.actor, command.body, workflow.now()),
        )

    async def _plan_phase_reminders(self, kind: PhaseKind) -> None:
        phase = self._state.phase(kind)
        now = workflow.now()
        if phase is None or phase.ends_at <= now or self._state.status in FINISHED:
            return
        request = ClockRequest(start=now, due_at=phase.ends_at,
                               reminder_working_days_before=self._state.start.rules.phase_reminder_working_days_before)
        plan = await calls.call(CalendarActivities.plan_clock, request)
        self._steps.state = reminders.with_phase_reminders(self._state, kind, plan.reminders, workflow.now())
        self._steps.changed()

    def _next_instant(self) -> datetime | None:
        instants = [rules.next_boundary(self._state), reminders.next_reminder(self._state), self._next_year_end()]
        present = [i for i in instants if i is not None]
        return min(present) if present else None

    def _next_year_end(self) -> datetime | None:
        if self._state.status == CampaignStatus.CANCELLED:
            return None
        written = {s.year for s in self._state.summaries if s.kind == "annual_summary"}
        pending = [end for end in year_ends(self._state) if rules.year_of(end - timedelta(seconds=1)) not in written]
        return min(pending) if pending else None

    async def _wait_for_change_or_instant(self) -> None:
        changed = self._steps.changed_since(self._steps.changes)
        await calls.changed_or_due(changed, self._next_instant())  # due: the loop takes it

    async def _catch_up(self) -> None:
        """Take every boundary, annual summary and reminder that is due now, in time order."""
        now = workflow.now()
        for what, kind in rules.due_boundaries(self._state, now):
            if self._state.status == CampaignStatus.CANCELLED:
                return
            if what == "start":
                self._steps.record(rules.phase_started(self._state, kind, now))
                await self._steps.project()
                continue
            self._steps.record(rules.phase_ended(self._state, kind, now))
            await self._steps.project()
            if kind == PhaseKind.RECTIFY:
                await self._write_account()
            elif kind == PhaseKind.EVALUATE:
                await self._write_summary(None)
        year_end = self._next_year_end()
        while year_end is not None and year_end <= workflow.now():
            await self._write_summary(rules.year_of(year_end - timedelta(seconds=1)))
            year_end = self._next_year_end()
        for what_, key in reminders.due_reminders(self._state, workflow.now()):
            self._steps.record(reminders.reminded(self._state, what_, key, workflow.now()))
        await self._steps.project()

    def _request(self, since: datetime | None = None, until: datetime | None = None) -> FiguresRequest:
        path = rules.region_key(self._state.start)
        return FiguresRequest(campaign_id=self._state.campaign_id, region_path=path, since=since, until=until)

    async def _official(self, spec: DocumentSpec, now: datetime) -> DocumentSpec:
        """Since official documents: the document rendered to PDF by the render activity, which stores
        it; the spec then names the PDF's SHA-256 (campaigns started before keep their text documents)."""
        if not workflow.patched("campaign-official-documents"):
            return spec
        source = documents.official_source(self._state, spec, now)
        receipt = await calls.call(DocumentActivities.render_document, RenderRequest(document=source))
        return spec.model_copy(update={"sha256": receipt.sha256})

    async def _write_account(self) -> None:
        now = workflow.now()
        hazards = await calls.call(CampaignActivities.campaign_hazards, self._request())
        closed, carried, overdue = rules.classify(tuple(hazards), now)
        account = CampaignAccount(generated_at=now, closed=tuple(closed), carried_over=tuple(carried), overdue=tuple(overdue))
        document = await self._official(documents.account_document(self._state, account, now), now)
        self._steps.record(rules.account_written(self._state, account, document, now))
        await self._steps.project()

    async def _write_summary(self, year: int | None) -> None:
        now = workflow.now()
        if year is None:
            request = self._request()
        else:
            request = self._request(phase_starts_at(date(year, 1, 1)), end_of_day(date(year, 12, 31)))
        groups = await calls.call(CampaignActivities.campaign_figures, request)
        document = await self._official(documents.summary_document(self._state, groups, now, year), now)
        action = A.ANNUAL_SUMMARY if year else A.SUMMARY
        self._steps.record(rules.summary_written(self._state, action, document, year, now))
        await self._steps.project()
