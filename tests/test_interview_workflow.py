"""InterviewWorkflow (约谈) on the time-skipping server: the steps, the outcomes told to the parent hazard,
the reply deadline, and every refusal."""

import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from temporalio import activity, workflow
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.documents import DocumentActivities
from models.actions import Command
from models.base import china_date, end_of_day
from models.calendar import Deadline, DeadlineRequest
from models.interview import (
    Commitment,
    InterviewOutcome,
    InterviewOutcomeKind,
    InterviewProjection,
    InterviewReceipt,
    InterviewStart,
    InterviewState,
    InterviewStatus,
    RecordBody,
    ReplyBody,
    ScheduleBody,
    SubmitMaterialsBody,
    interview_workflow_id,
)
from tests import factories as f
from tests.workflow_helpers import now, refusal_code, update_events
from workflows.interview import InterviewWorkflow

W = InterviewWorkflow


@workflow.defn(name="InterviewParentStandIn", sandboxed=False)
class ParentStandIn:
    """Stands in for the parent HazardWorkflow: keeps the `interview_outcome` signals it receives."""

    def __init__(self) -> None:
        self._outcomes: list[InterviewOutcome] = []

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)  # until the test terminates it

    @workflow.signal
    def interview_outcome(self, outcome: InterviewOutcome) -> None:
        self._outcomes.append(outcome)

    @workflow.query
    def outcomes(self) -> list[InterviewOutcome]:
        return self._outcomes


class StandIns:
    """The activities the interview calls: a recording projection and a calendar."""

    def __init__(self) -> None:
        self.items: list[InterviewProjection] = []
        self.deadline_requests: list[DeadlineRequest] = []

    @activity.defn(name="project_interview")
    async def project_interview(self, item: InterviewProjection) -> InterviewReceipt:
        self.items.append(item)
        return InterviewReceipt.of(item, True)

    # Stands in for the calendar activity (activities/calendar.py, "compute_deadline"): calendar days, not
    # working days, so the test does not depend on the holiday schedule.
    @activity.defn(name="compute_deadline")
    async def compute_deadline(self, request: DeadlineRequest) -> Deadline:
        self.deadline_requests.append(request)
        day = china_date(request.start) + timedelta(days=request.working_days)
        return Deadline(at=end_of_day(day), provisional=False)

    def actions(self, interview_id: str) -> list[str]:
        return [i.action.value for i in self.items if i.state.interview_id == interview_id]


@asynccontextmanager
async def interview_worker(client: Client, task_queue: str, stand_ins: StandIns) -> AsyncIterator[Worker]:
    with ThreadPoolExecutor(max_workers=4) as executor:
        worker = Worker(
            client,
            task_queue=task_queue,
            workflows=[InterviewWorkflow, ParentStandIn],
            activities=[stand_ins.project_interview, stand_ins.compute_deadline, DocumentActivities(None).render_document],
            activity_executor=executor,
        )
        async with worker:
            yield worker


def interview_start(hazard_code: str, interview_id: str, parent_id: str) -> InterviewStart:
    return InterviewStart(
        interview_id=interview_id,
        hazard_code=hazard_code,
        hazard_workflow_id=parent_id,
        reason="重大事故隐患逾期未整改",
        trigger="ladder",
        enterprise_uscc=f.USCC_A,
        enterprise_name="菏泽市牡丹区示范化工有限公司",
        interviewee="王建国",
        conducting_authority_code=f.COUNTY.code,
        conducting_authority_name="牡丹区安委会",
        region_path=(f.PROVINCE, f.CITY, f.COUNTY),
        started_by=f.COUNTY_SUPERVISOR,
    )


class Started:
    def __init__(self, interview: WorkflowHandle, parent: WorkflowHandle | None, interview_id: str) -> None:
        self.interview = interview
        self.parent = parent
        self.interview_id = interview_id

    async def outcomes(self) -> list[InterviewOutcome]:
        assert self.parent is not None
        return await self.parent.query(ParentStandIn.outcomes)

    async def finish(self, env: WorkflowEnvironment) -> tuple[InterviewState, list[InterviewOutcome]]:
        """The interview's result and the outcomes its parent received; the parent stand-in then ends."""
        final = await finished(env, self.interview)
        outcomes = await self.outcomes()
        await self.parent.terminate("test over")  # type: ignore[union-attr]
        return final, outcomes


async def start_interview(env: WorkflowEnvironment, task_queue: str, with_parent: bool = True) -> Started:
    code = f"HZ-371702-2026-{uuid.uuid4().hex[:6]}"
    parent_id = f"hazard-{code}"
    parent = None
    if with_parent:
        parent = await env.client.start_workflow(ParentStandIn.run, id=parent_id, task_queue=task_queue)
    interview_id = f"{code}-1"
    handle = await env.client.start_workflow(
        W.run,
        interview_start(code, interview_id, parent_id),
        id=interview_workflow_id(code, 1),
        task_queue=task_queue,
    )
    return Started(handle, parent, interview_id)


def schedule(at: datetime) -> Command[ScheduleBody]:
    return Command(actor=f.COUNTY_SUPERVISOR, body=ScheduleBody(at=at, place="牡丹区应急管理局三楼会议室"))


MATERIALS = SubmitMaterialsBody(facts="配电室未设置挡鼠板", causes="安全投入不足", measures="十日内加装挡鼠板")


def held(today: datetime) -> Command[RecordBody]:
    return Command(
        actor=f.COUNTY_SUPERVISOR,
        body=RecordBody(
            attended=True,
            minutes="企业主要负责人到场，承认问题，承诺整改",
            attendees=("王建国", "张督办"),
            commitments=(Commitment(text="加装挡鼠板", due=f.days_after(today, 10)),),
        ),
    )


@asynccontextmanager
async def running_interview(
    env: WorkflowEnvironment, task_queue: str, with_parent: bool = True
) -> AsyncIterator[tuple[StandIns, Started]]:
    """A worker with the stand-ins, and an interview just noticed (its parent a stand-in, if `with_parent`)."""
    stand_ins = StandIns()
    async with interview_worker(env.client, task_queue, stand_ins):
        yield stand_ins, await start_interview(env, task_queue, with_parent)


async def finished(env: WorkflowEnvironment, handle: WorkflowHandle) -> InterviewState:
    """The interview's result, without letting the server skip time: a skip would run into the parent
    stand-in's execution timeout (the server's default, ten years), which is the next timer it knows."""
    with env.auto_time_skipping_disabled():
        return await handle.result()  # type: ignore[no-any-return]


async def end(env: WorkflowEnvironment, handle: WorkflowHandle) -> None:
    """End an interview cleanly. Not `terminate`: terminating while an activity is in flight leaves the
    time-skipping server's clock locked, and every later `env.sleep` in the session then hangs."""
    await handle.signal(W.cancel, "test over")
    assert (await finished(env, handle)).outcome == InterviewOutcomeKind.CANCELLED


async def test_interview_runs_from_notice_through_minutes_to_a_written_reply_and_tells_the_hazard(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_interview(env, task_queue) as (stand_ins, started):
        handle = started.interview
        today = await now(env)
        state = await handle.query(W.state)
        assert state.status == InterviewStatus.NOTICE and state.seq == 1
        assert state.workflow_id == handle.id

        state = await handle.execute_update(W.schedule, schedule(today + timedelta(days=3)))
        assert state.status == InterviewStatus.SCHEDULED and state.place
        state = await handle.execute_update(W.submit_materials, Command(actor=f.ENTERPRISE_A, body=MATERIALS))
        assert state.status == InterviewStatus.SCHEDULED
        assert state.materials is not None and not state.materials.late

        state = await handle.execute_update(W.record, held(today))
        assert state.status == InterviewStatus.HELD and state.attended
        assert state.reply_due == end_of_day(china_date(today) + timedelta(days=5))
        assert not state.reply_due_provisional
        assert [r.working_days for r in stand_ins.deadline_requests] == [5]

        state = await handle.execute_update(
            W.reply, Command(actor=f.ENTERPRISE_A, body=ReplyBody(text="已加装挡鼠板，附照片"))
        )
        assert state.status == InterviewStatus.CLOSED and state.outcome == InterviewOutcomeKind.REPLIED
        final, outcomes = await started.finish(env)

    assert final.outcome == InterviewOutcomeKind.REPLIED and final.reply is not None
    assert [(o.kind, o.interview_id, o.hazard_code) for o in outcomes] == [
        (InterviewOutcomeKind.REPLIED, started.interview_id, final.start.hazard_code)
    ]
    assert stand_ins.actions(started.interview_id) == ["notice", "schedule", "submit-materials", "record", "reply"]
    # the notice (once scheduled) and the minutes (once held) are issued as official documents
    assert [(d.kind.value, d.status.value) for d in final.documents] == [("interview_notice", "issued"), ("interview_minutes", "issued")]
    assert final.place and final.place in "".join(final.documents[0].source.paragraphs)
    assert final.minutes and final.minutes in "".join(final.documents[1].source.paragraphs)
    items = [i for i in stand_ins.items if i.state.interview_id == started.interview_id]
    assert [i.seq for i in items] == [1, 2, 3, 4, 5]
    assert all(i.state.seq == i.seq for i in items)
    assert [(i.from_status, i.to_status) for i in items] == [
        (None, "notice"),
        ("notice", "scheduled"),
        ("scheduled", "scheduled"),
        ("scheduled", "held"),
        ("held", "closed"),
    ]
    assert items[0].actor.username == "county.supervisor"
    assert items[2].actor.username == "enterprise.a"


async def test_a_no_show_closes_the_interview_and_tells_the_hazard_no_show(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_interview(env, task_queue) as (stand_ins, started):
        handle = started.interview
        await handle.execute_update(W.schedule, schedule(await now(env) + timedelta(days=1)))
        state = await handle.execute_update(
            W.record, Command(actor=f.COUNTY_SUPERVISOR, body=RecordBody(attended=False))
        )
        assert state.status == InterviewStatus.CLOSED and state.outcome == InterviewOutcomeKind.NO_SHOW
        assert state.reply_due is None
        final, outcomes = await started.finish(env)
    assert final.outcome == InterviewOutcomeKind.NO_SHOW and final.attended is False
    assert [o.kind for o in outcomes] == [InterviewOutcomeKind.NO_SHOW]
    assert stand_ins.deadline_requests == []  # no reply is due from someone who did not come
    assert stand_ins.actions(started.interview_id) == ["notice", "schedule", "record"]


async def test_a_reply_missing_at_the_deadline_closes_the_interview_and_tells_the_hazard_reply_missed(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_interview(env, task_queue) as (stand_ins, started):
        handle = started.interview
        today = await now(env)
        await handle.execute_update(W.schedule, schedule(today + timedelta(days=2)))
        state = await handle.execute_update(W.record, held(today))
        assert state.reply_due is not None
        await env.sleep(timedelta(days=4))
        assert stand_ins.actions(started.interview_id)[-1] == "record"  # not yet due
        await env.sleep(timedelta(days=3))
        final, outcomes = await started.finish(env)
    assert final.status == InterviewStatus.CLOSED and final.outcome == InterviewOutcomeKind.REPLY_MISSED
    assert final.closed_at is not None and final.closed_at >= state.reply_due
    assert [o.kind for o in outcomes] == [InterviewOutcomeKind.REPLY_MISSED]
    missed = stand_ins.items[-1]
    assert missed.action.value == "reply-missed" and missed.actor.role == "system"
    assert stand_ins.actions(started.interview_id) == ["notice", "schedule", "record", "reply-missed"]


async def test_cancel_closes_the_interview_as_cancelled_without_telling_the_hazard(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_interview(env, task_queue) as (stand_ins, started):
        handle = started.interview
        await handle.execute_update(W.schedule, schedule(await now(env) + timedelta(days=1)))
        await handle.signal(W.cancel, "隐患已销号")
        final, outcomes = await started.finish(env)
    assert final.outcome == InterviewOutcomeKind.CANCELLED and final.cancel_reason == "隐患已销号"
    assert outcomes == []
    assert stand_ins.actions(started.interview_id) == ["notice", "schedule", "cancel"]


async def test_an_outcome_the_finished_hazard_cannot_receive_still_closes_the_interview(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_interview(env, task_queue, with_parent=False) as (stand_ins, started):
        handle = started.interview
        await handle.execute_update(W.schedule, schedule(await now(env) + timedelta(days=1)))
        await handle.execute_update(W.record, Command(actor=f.COUNTY_SUPERVISOR, body=RecordBody(attended=False)))
        final = await finished(env, handle)
    assert final.status == InterviewStatus.CLOSED and final.outcome == InterviewOutcomeKind.NO_SHOW


def _later(days: float) -> Callable[[datetime], Any]:
    return lambda today: ScheduleBody(at=today + timedelta(days=days), place="会议室")


REFUSALS: list[tuple[str, Any, Any, Any, str, str]] = [
    # (name, update, actor, body or body-of-now, expected type, expected code) on an interview just noticed
    ("enterprise cannot schedule", W.schedule, f.ENTERPRISE_A, _later(2), "forbidden", "role_not_allowed"),
    ("inspector cannot schedule", W.schedule, f.INSPECTOR, _later(2), "forbidden", "role_not_allowed"),
    ("other county cannot schedule", W.schedule, f.COUNTY2_SUPERVISOR, _later(2), "forbidden", "not_conducting_authority"),
    ("the city is not the conducting authority", W.schedule, f.CITY_SUPERVISOR, _later(2), "forbidden", "not_conducting_authority"),
    ("supervisor cannot reply", W.reply, f.COUNTY_SUPERVISOR, ReplyBody(text="x"), "forbidden", "role_not_allowed"),
    ("no minutes before the schedule", W.record, f.COUNTY_SUPERVISOR, RecordBody(attended=False), "conflict", "wrong_state"),
    ("no materials before the schedule", W.submit_materials, f.ENTERPRISE_A, MATERIALS, "conflict", "wrong_state"),
    ("no reply before the interview", W.reply, f.ENTERPRISE_A, ReplyBody(text="x"), "conflict", "wrong_state"),
    ("schedule beyond seven days", W.schedule, f.COUNTY_SUPERVISOR, _later(8.5), "invalid", "schedule_too_late"),
    ("schedule in the past", W.schedule, f.COUNTY_SUPERVISOR, _later(-0.1), "invalid", "schedule_in_past"),
]


@pytest.mark.parametrize("name,update,who,body,kind,code", REFUSALS, ids=[r[0] for r in REFUSALS])
async def test_refused_interview_step_names_its_reason_and_leaves_no_trace_in_history(
    env: WorkflowEnvironment, task_queue: str, name, update, who, body, kind, code  # type: ignore[no-untyped-def]
) -> None:
    async with running_interview(env, task_queue, with_parent=False) as (stand_ins, started):
        handle = started.interview
        if callable(body):
            body = body(await now(env))
        assert await refusal_code(handle, update, Command(actor=who, body=body)) == (kind, code)
        state = await handle.query(W.state)
        assert state.status == InterviewStatus.NOTICE and state.seq == 1
        assert await update_events(handle) == 0
        await end(env, handle)
    assert stand_ins.actions(started.interview_id) == ["notice", "cancel"]


async def test_an_enterprise_acts_only_on_its_own_interview_and_a_second_schedule_is_refused(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_interview(env, task_queue, with_parent=False) as (stand_ins, started):
        handle = started.interview
        today = await now(env)
        await handle.execute_update(W.schedule, schedule(today + timedelta(days=2)))
        accepted = await update_events(handle)

        assert await refusal_code(handle, W.submit_materials, Command(actor=f.ENTERPRISE_B, body=MATERIALS)) == ("forbidden", "not_your_enterprise")
        assert await refusal_code(handle, W.schedule, schedule(today + timedelta(days=3))) == ("conflict", "wrong_state")
        past = held(today).body.model_copy(
            update={"commitments": (Commitment(text="x", due=f.days_after(today, -1)),)}
        )
        assert await refusal_code(handle, W.record, Command(actor=f.COUNTY_SUPERVISOR, body=past)) == ("invalid", "date_in_past")

        assert await update_events(handle) == accepted
        state = await handle.query(W.state)
        assert state.status == InterviewStatus.SCHEDULED and state.seq == 2 and state.materials is None
        await end(env, handle)
