"""Helpers for workflow tests: a worker with a recording projection, and update calls that return errors."""

import uuid
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from activities.documents import DocumentActivities
from models.hazard import ProjectionItem, ProjectionReceipt, workflow_id_for
from models.interview import InterviewProjection, InterviewReceipt
from models.signoff import SignOffStep
from models.tour import TourProjection, TourReceipt
from workflows.hazard import HazardWorkflow
from workflows.interview import InterviewWorkflow


class RecordingProjection:
    """Stands in for the read model: keeps every projected item, as the real activity would write it."""

    def __init__(self) -> None:
        self.items: list[ProjectionItem] = []
        self.interview_items: list[InterviewProjection] = []
        self.tour_items: list[TourProjection] = []  # inspection tours
        self.signoff_steps: list[SignOffStep] = []  # a circular's sign-off

    @activity.defn(name="project_transition")
    async def project_transition(self, item: ProjectionItem) -> ProjectionReceipt:
        self.items.append(item)
        return ProjectionReceipt.of(item, True)

    @activity.defn(name="project_interview")
    async def project_interview(self, item: InterviewProjection) -> InterviewReceipt:
        self.interview_items.append(item)
        return InterviewReceipt.of(item, True)

    @activity.defn(name="project_tour")
    async def project_tour(self, item: TourProjection) -> TourReceipt:
        self.tour_items.append(item)
        return TourReceipt(seq=item.seq, action=item.action, written=True)

    @activity.defn(name="project_signoff")
    async def project_signoff(self, step: SignOffStep) -> bool:
        self.signoff_steps.append(step)
        return True

    def actions(self, code: str) -> list[str]:
        return [i.transition.action.value for i in self.items if i.state.code == code]

    def of(self, code: str) -> list[ProjectionItem]:
        return [i for i in self.items if i.state.code == code]


# Worker options every `hazard_worker` gets unless the call overrides them; the uncached suite
# (tests/test_hazard_workflow_uncached.py) sets `max_cached_workflows=0` here so every step replays.
WORKER_OPTIONS: dict[str, object] = {}


@asynccontextmanager
async def hazard_worker(
    client: Client,
    task_queue: str,
    projection: RecordingProjection,
    workflows: Sequence[type] = (HazardWorkflow, InterviewWorkflow),
    **kwargs: object,
) -> AsyncIterator[Worker]:
    calendar = CalendarActivities(None)  # the official calendar and the provisional rule; nothing loaded
    with ThreadPoolExecutor(max_workers=4) as executor:
        worker = Worker(
            client,
            task_queue=task_queue,
            workflows=list(workflows),
            activities=[
                projection.project_transition,
                projection.project_interview,
                projection.project_tour,  # inspection tours
                projection.project_signoff,  # a circular's sign-off
                calendar.compute_deadline,
                calendar.count_working_days,
                calendar.shift_deadline,
                calendar.plan_clock,
                calendar.plan_ladder,
                DocumentActivities(None).render_document,  # renders, stores nothing
            ],
            activity_executor=executor,
            **{**WORKER_OPTIONS, **kwargs},  # type: ignore[arg-type]
        )
        async with worker:
            yield worker


async def start_hazard(env: WorkflowEnvironment, task_queue: str) -> WorkflowHandle:
    """A hazard just reported (the factories' report), on a code of its own."""
    from tests import factories as f

    code = f"HZ-371702-2026-{uuid.uuid4().hex[:6]}"
    return await env.client.start_workflow(HazardWorkflow.run, f.start(code), id=workflow_id_for(code), task_queue=task_queue)


@asynccontextmanager
async def running_hazard(env: WorkflowEnvironment, task_queue: str) -> AsyncIterator[tuple[RecordingProjection, WorkflowHandle]]:
    """A worker with a recording projection, and a hazard just reported."""
    projection = RecordingProjection()
    async with hazard_worker(env.client, task_queue, projection):
        yield projection, await start_hazard(env, task_queue)


async def refusal_of(handle: WorkflowHandle, update: object, command: object) -> ApplicationError:
    """Run an update expected to be refused; return the ApplicationError its validator raised."""
    try:
        await handle.execute_update(update, command)  # type: ignore[call-overload]
    except WorkflowUpdateFailedError as failure:
        assert isinstance(failure.cause, ApplicationError), failure.cause
        return failure.cause
    raise AssertionError("the update was accepted")


async def finish_paperwork(handle: WorkflowHandle, publisher: object) -> None:
    """A listed hazard's workflow ends once its drafts are signed (by a leader of each issuing
    authority) and its listing and close-out published (by `publisher`, a supervisor of the listing authority)."""
    from models.actions import Command
    from models.actors import Actor
    from models.documents import PublishBody, SignDocument
    from models.enums import Role

    state = await handle.query(HazardWorkflow.state)
    for document in state.documents:
        if document.status == "draft":
            ref = next(r for r in state.facts.region_path if r.code == document.authority_code)
            leader = Actor(user_id=f"u-leader-{ref.code}", username=f"leader.{ref.code}", role=Role.LEADER,
                           display_name="王领导", jurisdiction_code=ref.code, jurisdiction_level=ref.level)
            await handle.execute_update(HazardWorkflow.sign, Command(actor=leader, body=SignDocument(document_id=document.id)))
    for _ in range(2):
        state = await handle.query(HazardWorkflow.state)
        if state.listing is None or (state.listing_published_at and (state.closeout_published_at or state.status != "closed")):
            return
        await handle.execute_update(HazardWorkflow.publish, Command(actor=publisher, body=PublishBody()))


async def refusal_code(handle: WorkflowHandle, update: object, command: object) -> tuple[str, str]:
    """Run an update expected to be refused; return its refusal's (type, code), having checked that the refusal
    says why in both languages."""
    refused = await refusal_of(handle, update, command)
    assert refused.details[0]["message_zh"] and refused.details[0]["message_en"], refused.details
    return refused.type or "", refused.details[0]["code"]


UPDATE_EVENTS = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
}


async def update_events(handle: WorkflowHandle) -> int:
    """How many update events the workflow's history holds: a refused update leaves none."""
    history = await handle.fetch_history()
    return len([e for e in history.events if e.event_type in UPDATE_EVENTS])


async def now(env: WorkflowEnvironment) -> datetime:
    return await env.get_current_time()


async def no_show(env: WorkflowEnvironment, interview: WorkflowHandle) -> None:
    """The county schedules an interview two days out, records that nobody came, and the interview ends."""
    from models.actions import Command
    from models.interview import RecordBody, ScheduleBody
    from tests import factories as f

    when = await env.get_current_time() + timedelta(days=2)
    await interview.execute_update(
        InterviewWorkflow.schedule, Command(actor=f.COUNTY_SUPERVISOR, body=ScheduleBody(at=when, place="区应急局三楼会议室"))
    )
    await interview.execute_update(InterviewWorkflow.record, Command(actor=f.COUNTY_SUPERVISOR, body=RecordBody(attended=False)))
    await interview.result()
