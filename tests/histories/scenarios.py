"""The scenarios whose histories are committed in `tests/histories/`, and the command fingerprint of a history.

Each scenario drives one hazard on a fresh time-skipping server, from a fixed instant (`EPOCH`) so the
working-day calendar, and so the sequence of commands, is the same whenever it is run. `record.py` writes
what they produce; `tests/test_replay_histories.py` replays it and runs them again to compare fingerprints.
"""

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHandle, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from audit.histories import child_workflow_ids, hazard_histories, workflow_histories
from core.temporal import time_skipping_server_binary
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
    VerifyBody,
    VoidBody,
)
from models.hazard import HazardState, workflow_id_for
from models.interview import RecordBody, ScheduleBody
from tests import factories as f
from tests.eventually import assert_eventually_async
from tests.test_hazard_workflow import assess_major, plan
from tests.workflow_helpers import RecordingProjection, finish_paperwork, hazard_worker, no_show
from workflows.hazard import HazardWorkflow as W
from workflows.interview import InterviewWorkflow
from workflows.signoff import SignOffWorkflow
from workflows.tour import TourWorkflow

# A Monday, 09:00 in Asia/Shanghai, in a year the calendar rule covers provisionally: the same every run.
EPOCH = datetime(2040, 3, 5, 1, 0, tzinfo=UTC)
PATCH_MARKER = "core_patch"
Run = Callable[[WorkflowEnvironment, str, str], Awaitable[None]]


@dataclass(frozen=True)
class Scenario:
    name: str
    code: str  # the hazard's code, fixed so the files stay comparable
    run: Run
    kind: str = "hazard"  # or "campaign" (专项整治): recorded by tests/histories/campaign_scenario.py
    workflow_id: str | None = None  # another process's workflow (a tour: `tour-<id>`); None: the hazard's
    workflow_type: str = "HazardWorkflow"


@dataclass(frozen=True)
class Recorded:
    """One history of a scenario and the file it is kept in."""

    file: str
    workflow_id: str
    workflow_type: str
    history: WorkflowHistory


# --- the scenarios ----------------------------------------------------------------------------------------


async def _start(env: WorkflowEnvironment, task_queue: str, code: str, **extra: object) -> WorkflowHandle:
    """Start the hazard and wait until its first task is done (the report projected, the first timer set).

    An Update sent at once would race the first workflow task: whether it lands in that task or the next
    changes the commands recorded, and the fingerprint must not depend on such timing."""
    handle = await env.client.start_workflow(W.run, f.start(code, **extra), id=workflow_id_for(code), task_queue=task_queue)
    async def first_task_done() -> bool:
        history = await handle.fetch_history()
        return any(e.event_type == EventType.EVENT_TYPE_TIMER_STARTED for e in history.events)

    await assert_eventually_async(
        first_task_done, timeout=10, interval=0.01, what=f"{code}: the workflow's first task did not finish"
    )
    return handle


async def _today(env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    return f.days_after(await env.get_current_time(), 0)


async def _listed(env: WorkflowEnvironment, task_queue: str, code: str, level: str, days: int) -> WorkflowHandle:
    handle = await _start(env, task_queue, code)
    await handle.execute_update(W.assess, assess_major())
    who = f.COUNTY_SUPERVISOR if level == "county" else f.CITY_SUPERVISOR
    today = await _today(env)
    await handle.execute_update(
        W.list_hazard, Command(actor=who, body=ListBody(authority_level=level, deadline=today + timedelta(days=days)))
    )
    return handle


async def _rectifying(env: WorkflowEnvironment, task_queue: str, code: str, days: int) -> WorkflowHandle:
    """Listed by the city, its plan approved."""
    handle = await _listed(env, task_queue, code, "city", days)
    today = await _today(env)
    await handle.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(today + timedelta(days=days - 10))))
    await handle.execute_update(W.review_plan, Command(actor=f.CITY_SUPERVISOR, body=ReviewPlanBody(decision="approve")))
    return handle


async def general_on_the_spot(env: WorkflowEnvironment, task_queue: str, code: str) -> None:
    handle = await _start(env, task_queue, code)
    await handle.execute_update(W.assess, Command(actor=f.INSPECTOR, body=AssessBody(level="general", rectification="immediate")))
    await handle.execute_update(W.verify, Command(actor=f.COUNTY_SUPERVISOR, body=VerifyBody(decision="pass")))
    await handle.execute_update(W.close, Command(actor=f.COUNTY_SUPERVISOR, body=CloseBody(comment="现场整改完毕")))
    await handle.result()


async def general_deadline_ladder(env: WorkflowEnvironment, task_queue: str, code: str) -> None:
    handle = await _start(env, task_queue, code)
    deadline = await _today(env) + timedelta(days=14)
    await handle.execute_update(
        W.assess, Command(actor=f.INSPECTOR, body=AssessBody(level="general", rectification="deadline", deadline=deadline))
    )
    await env.sleep(timedelta(days=60))  # left alone: the general ladder climbs


async def major_rejection_loop(env: WorkflowEnvironment, task_queue: str, code: str) -> None:
    handle = await _listed(env, task_queue, code, "city", 60)
    today = await _today(env)
    await handle.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(today + timedelta(days=50))))
    await handle.execute_update(
        W.review_plan, Command(actor=f.CITY_SUPERVISOR, body=ReviewPlanBody(decision="return", comment="资金不足"))
    )
    await handle.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(today + timedelta(days=40))))
    await handle.execute_update(W.review_plan, Command(actor=f.CITY_SUPERVISOR, body=ReviewPlanBody(decision="approve")))
    await handle.execute_update(W.report_progress, Command(actor=f.ENTERPRISE_A, body=ReportProgressBody(percent=50, note="已采购")))
    await handle.execute_update(W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="已安装")))
    await handle.execute_update(
        W.verify,
        Command(actor=f.COUNTY_SUPERVISOR, body=VerifyBody(decision="fail", comment="高度不足", new_deadline=today + timedelta(days=20))),
    )
    await handle.execute_update(W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="已加高")))
    await handle.execute_update(W.verify, Command(actor=f.COUNTY_SUPERVISOR, body=VerifyBody(decision="pass")))
    await handle.execute_update(W.close, Command(actor=f.CITY_SUPERVISOR, body=CloseBody(comment="销号")))
    await finish_paperwork(handle, f.CITY_SUPERVISOR)  # the listing and close-out signed and published
    await handle.result()


async def extension_approved(env: WorkflowEnvironment, task_queue: str, code: str) -> None:
    handle = await _rectifying(env, task_queue, code, 60)
    await env.sleep(timedelta(days=3))
    await handle.execute_update(
        W.request_extension, Command(actor=f.ENTERPRISE_A, body=RequestExtensionBody(days=15, reason="设备到货延迟"))
    )
    await handle.execute_update(
        W.review_extension,
        Command(actor=f.CITY_SUPERVISOR, body=ReviewExtensionBody(decision="approve", days=10, comment="同意")),
    )
    await handle.execute_update(W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="整改完毕")))
    await handle.execute_update(W.verify, Command(actor=f.COUNTY_SUPERVISOR, body=VerifyBody(decision="pass")))
    await handle.execute_update(W.close, Command(actor=f.CITY_SUPERVISOR, body=CloseBody()))
    await finish_paperwork(handle, f.CITY_SUPERVISOR)  # the listing and close-out signed and published
    await handle.result()


async def pause_resume(env: WorkflowEnvironment, task_queue: str, code: str) -> None:
    handle = await _rectifying(env, task_queue, code, 60)
    await env.sleep(timedelta(days=2))
    await handle.execute_update(W.pause, Command(actor=f.CITY_SUPERVISOR, body=PauseBody(reason="上级部门责令停产")))
    await env.sleep(timedelta(days=7))
    await handle.execute_update(W.resume, Command(actor=f.CITY_SUPERVISOR, body=ResumeBody(reason="复产")))
    await env.sleep(timedelta(days=5))


async def every_rung(env: WorkflowEnvironment, task_queue: str, code: str) -> None:
    await _listed(env, task_queue, code, "county", 30)
    await env.sleep(timedelta(days=140))  # left alone past the last rung: interview, raise_listing and all


async def interview_no_show(env: WorkflowEnvironment, task_queue: str, code: str) -> None:
    handle = await _listed(env, task_queue, code, "county", 60)
    state = await handle.execute_update(
        W.interview, Command(actor=f.COUNTY_SUPERVISOR, body=StartInterviewBody(reason="整改方案迟迟未报"))
    )
    interview = env.client.get_workflow_handle(state.interviews[0])
    await no_show(env, interview)
    async def rung_raised() -> bool:  # the outcome reaches the hazard as a signal
        raised: HazardState = await handle.query(W.state)
        return bool(raised.fired)

    await assert_eventually_async(
        rung_raised, timeout=30, interval=1, sleep=env.sleep, what="the no-show did not raise the rung"
    )


async def continue_as_new(env: WorkflowEnvironment, task_queue: str, code: str) -> None:
    await _start(env, task_queue, code, continue_as_new_after_events=100)
    latest = env.client.get_workflow_handle(workflow_id_for(code))  # follows the newest run
    await latest.execute_update(W.assess, assess_major())
    today = await _today(env)
    await latest.execute_update(
        W.list_hazard, Command(actor=f.CITY_SUPERVISOR, body=ListBody(authority_level="city", deadline=today + timedelta(days=360)))
    )
    await latest.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(today + timedelta(days=350))))
    await latest.execute_update(W.review_plan, Command(actor=f.CITY_SUPERVISOR, body=ReviewPlanBody(decision="approve")))
    for month in range(12):
        await env.sleep(timedelta(days=29))
        await latest.execute_update(
            W.report_progress, Command(actor=f.ENTERPRISE_A, body=ReportProgressBody(percent=8 * (month + 1), note=f"第{month + 1}月"))
        )


async def tour_rejected_no_show(env: WorkflowEnvironment, task_queue: str, tour_id: str) -> None:
    """An inspection tour from plan to publication: stationing and the end by the clock, the report,
    its approval, the feedback, a rejected rectification whose interview is a no-show, then acceptance."""
    from models.documents import SignDocument
    from models.tour import (
        AcceptRectificationBody,
        ApproveReportBody,
        DeliverFeedbackBody,
        RejectRectificationBody,
        SubmitRectificationBody,
        SubmitReportBody,
        TourPublishBody,
        tour_workflow_id,
    )
    from tests.test_tour_workflow import COMMITTEE_LEADER, LEADER, tour_start
    from workflows.tour import TourWorkflow as T

    today = await _today(env)
    start = tour_start(today + timedelta(days=1), today + timedelta(days=3)).model_copy(update={"id": tour_id})
    handle = await env.client.start_workflow(T.run, start, id=tour_workflow_id(tour_id), task_queue=task_queue)
    await env.sleep(timedelta(days=5))
    await handle.execute_update(T.submit_report, Command(actor=LEADER, body=SubmitReportBody(summary="总体情况", proposals="意见")))
    approved = await handle.execute_update(T.approve_report, Command(actor=COMMITTEE_LEADER, body=ApproveReportBody(comment="同意")))
    sign = SignDocument(document_id=approved.documents[0].id)  # the report as a PDF, signed by a leader
    await handle.execute_update(T.sign, Command(actor=COMMITTEE_LEADER, body=sign))
    await handle.execute_update(T.deliver_feedback, Command(actor=f.CITY_SUPERVISOR, body=DeliverFeedbackBody()))
    report = SubmitRectificationBody(target="371702", summary="已整改")
    await handle.execute_update(T.submit_rectification_report, Command(actor=f.COUNTY_SUPERVISOR, body=report))
    rejected = RejectRectificationBody(target="371702", comment="整改不到位")
    state = await handle.execute_update(T.reject_rectification, Command(actor=f.CITY_SUPERVISOR, body=rejected))
    interview = env.client.get_workflow_handle(state.progress_of("371702").interviews[0])
    at = await env.get_current_time() + timedelta(days=2)
    await interview.execute_update(InterviewWorkflow.schedule, Command(actor=f.CITY_SUPERVISOR, body=ScheduleBody(at=at, place="市应急管理局")))
    await interview.execute_update(InterviewWorkflow.record, Command(actor=f.CITY_SUPERVISOR, body=RecordBody(attended=False)))

    async def no_show_recorded() -> bool:
        tour = await handle.query(T.state)
        return bool(tour.progress_of("371702").interview_outcomes)

    await assert_eventually_async(no_show_recorded, timeout=10, interval=0.05, what="the no-show on the tour")
    await handle.execute_update(T.submit_rectification_report, Command(actor=f.COUNTY_SUPERVISOR, body=report))
    accept = AcceptRectificationBody(target="371702", comment="")
    await handle.execute_update(T.accept_rectification, Command(actor=f.CITY_SUPERVISOR, body=accept))
    await handle.execute_update(T.publish, Command(actor=f.CITY_SUPERVISOR, body=TourPublishBody(comment="公开")))
async def sign_and_publish(env: WorkflowEnvironment, task_queue: str, code: str) -> None:
    """The listing notice waits on the leader (reminders, then missed), is signed and published late."""
    handle = await _rectifying(env, task_queue, code, 60)
    await env.sleep(timedelta(days=10))
    await finish_paperwork(handle, f.CITY_SUPERVISOR)
    await handle.execute_update(W.void, Command(actor=f.CITY_SUPERVISOR, body=VoidBody(reason="重复登记")))
    await handle.result()


SCENARIOS = tuple(
    Scenario(run.__name__, f"HZ-371702-2040-{n:06d}", run)
    for n, run in enumerate(
        (
            general_on_the_spot,
            general_deadline_ladder,
            major_rejection_loop,
            extension_approved,
            pause_resume,
            every_rung,
            interview_no_show,
            continue_as_new,
            sign_and_publish,  # official documents
        ),
        start=1,
    )
) + (
    # inspection tours
    Scenario("tour_rejected_no_show", "TR-371700-2040-001", tour_rejected_no_show,
             workflow_id="tour-TR-371700-2040-001", workflow_type="TourWorkflow"),
)


async def _campaign_phases(env: WorkflowEnvironment, task_queue: str, code: str) -> None:
    raise NotImplementedError("recorded by tests/histories/campaign_scenario.py")  # kind="campaign" never calls run


async def circular_signoff(env: WorkflowEnvironment, task_queue: str, code: str) -> None:
    """A draft circular's SignOffWorkflow reminds, lapses, then is signed by the city's leader."""
    from models.documents import SignDocument
    from tests.test_signoff_workflow import CITY_LEADER, draft_start

    start = draft_start(await env.get_current_time(), code)
    handle = await env.client.start_workflow(SignOffWorkflow.run, start, id=f"signoff-{code}-circular-1",
                                             task_queue=task_queue)
    await env.sleep(timedelta(days=10))
    sign = SignDocument(document_id=start.document.id)
    await handle.execute_update(SignOffWorkflow.sign, Command(actor=CITY_LEADER, body=sign))
    await handle.result()


SCENARIOS += (Scenario(
    "circular_signoff", "CR-371700-20400301-20400331", circular_signoff,
    workflow_id="signoff-CR-371700-20400301-20400331-circular-1", workflow_type="SignOffWorkflow",
),)  # a circular's sign-off

SCENARIOS += (Scenario(
    "campaign_phases", "CP-371702-2040-001", _campaign_phases, kind="campaign",
    workflow_id="campaign-CP-371702-2040-001", workflow_type="CampaignWorkflow",
),)  # 专项整治


# --- running and recording ------------------------------------------------------------------------------


async def record(scenario: Scenario, workflows: Sequence[type] = (W, InterviewWorkflow, TourWorkflow, SignOffWorkflow)
                 ) -> list[Recorded]:
    """Run the scenario on a fresh time-skipping server with today's code; every history it produced."""
    if scenario.kind == "campaign":
        from tests.histories.campaign_scenario import record_campaign

        return [Recorded(*item) for item in await record_campaign(EPOCH)]
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=str(time_skipping_server_binary())
    ) as env:
        await env.sleep(EPOCH - await env.get_current_time())
        task_queue = f"scenario-{scenario.name}"
        async with hazard_worker(env.client, task_queue, RecordingProjection(), workflows):
            await scenario.run(env, task_queue, scenario.code)
        if scenario.workflow_id is None:
            runs = await hazard_histories(env.client, scenario.code)
        else:
            runs = await workflow_histories(env.client, scenario.workflow_id)
        recorded = _files(scenario.name, scenario.workflow_id or workflow_id_for(scenario.code), scenario.workflow_type, runs)
        for n, interview_id in enumerate(child_workflow_ids(runs), start=1):
            interview_runs = await workflow_histories(env.client, interview_id)
            recorded += _files(f"{scenario.name}.interview-{n}", interview_id, "InterviewWorkflow", interview_runs)
    return recorded


def _files(stem: str, workflow_id: str, workflow_type: str, runs: list[WorkflowHistory]) -> list[Recorded]:
    return [
        Recorded(f"{stem}.json" if n == 1 else f"{stem}.run-{n}.json", workflow_id, workflow_type, history)
        for n, history in enumerate(runs, start=1)
    ]


# --- the fingerprint: the sequence of commands a history records -----------------------------------------

_E = EventType


def _command(event: HistoryEvent) -> str | None:
    kind = event.event_type
    if kind == _E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        return f"ScheduleActivity {event.activity_task_scheduled_event_attributes.activity_type.name}"
    if kind == _E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        return f"StartChildWorkflow {event.start_child_workflow_execution_initiated_event_attributes.workflow_type.name}"
    if kind == _E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        return f"SignalExternalWorkflow {event.signal_external_workflow_execution_initiated_event_attributes.signal_name}"
    if kind == _E.EVENT_TYPE_MARKER_RECORDED:
        marker = event.marker_recorded_event_attributes
        named = _marker_detail(marker.details, "patch-data", "id") or _marker_detail(marker.details, "data", "activity_type")
        return f"RecordMarker {marker.marker_name}" + (f" {named}" if named else "")
    return _SIMPLE_COMMANDS.get(kind)


_SIMPLE_COMMANDS = {
    _E.EVENT_TYPE_TIMER_STARTED: "StartTimer",
    _E.EVENT_TYPE_TIMER_CANCELED: "CancelTimer",
    _E.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED: "RequestCancelActivity",
    _E.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: "RequestCancelExternalWorkflow",
    _E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: "UpsertSearchAttributes",
    _E.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED: "ModifyWorkflowProperties",
    _E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: "ContinueAsNew",
    _E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: "CompleteWorkflow",
    _E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: "FailWorkflow",
    _E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: "CancelWorkflow",
}


def command_sequence(history: WorkflowHistory) -> list[str]:
    """The commands the workflow code issued, in order: what a code change must not alter unpatched."""
    return [c for c in map(_command, history.events) if c is not None]


def _marker_detail(details: Any, key: str, field: str) -> str | None:
    """A field of a marker's JSON detail: a patch marker's id, a local activity marker's activity type."""
    if key not in details or not details[key].payloads:
        return None
    try:
        value = json.loads(details[key].payloads[0].data).get(field)
    except (ValueError, AttributeError):
        return None
    return str(value) if value else None


def patches(commands: list[str]) -> set[str]:
    """The patch ids a command sequence records (`workflow.patched(...)`)."""
    prefix = f"RecordMarker {PATCH_MARKER} "
    return {c.removeprefix(prefix) for c in commands if c.startswith(prefix)}


def has_patch_marker(history: WorkflowHistory) -> bool:
    return bool(patches(command_sequence(history)))


def fingerprint_problem(scenario: str, committed: dict[str, list[str]], fresh: dict[str, WorkflowHistory]) -> str | None:
    """None when today's run of the scenario issues the committed commands, or differs behind a patch marker
    the committed histories do not have yet (a patch already recorded does not excuse a new change); else what
    to do about it."""
    now = {name: command_sequence(history) for name, history in fresh.items()}
    known: set[str] = set().union(*map(patches, committed.values()))
    if now == committed or any(patches(commands) - known for commands in now.values()):
        return None
    changed = sorted(n for n in set(now) | set(committed) if now.get(n) != committed.get(n))
    return (
        f"scenario {scenario!r}: today's code issues a different sequence of commands ({', '.join(changed)}) and "
        "records no patch marker. A hazard already running would fail to replay (NondeterminismError) and be stuck. "
        'Gate the change: `if workflow.patched("<change-id>"): <new code> else: <old code>`, then re-record with '
        "`python tests/histories/record.py` (the old histories move to tests/histories/previous/ and keep being "
        "replayed). If no hazard of the old version can be running, re-recording alone is enough.\n"
        + "\n".join(_first_difference(n, committed.get(n, []), now.get(n, [])) for n in changed)
    )


def _first_difference(name: str, old: list[str], new: list[str]) -> str:
    at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    return f"  {name}: command {at + 1}: committed {old[at] if at < len(old) else '(end)'!r}, now {new[at] if at < len(new) else '(end)'!r}"
