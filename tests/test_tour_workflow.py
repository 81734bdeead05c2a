"""TourWorkflow (巡查) on the time-skipping server: stationing, the report deadline across a holiday with its
reminder and lapse, the rectification deadline two months after feedback, an overdue target's interview
whose no-show is recorded on the tour, and the 回避 rules at a team change."""

import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from activities.documents import DocumentActivities
from domain.tour_steps import add_months
from models.actions import Command
from models.base import china_date, end_of_day
from models.calendar import Deadline, DeadlineRequest
from models.documents import DocumentKind, DocumentStatus, SignDocument
from models.enums import Role
from models.hazard import HazardStart
from models.interview import InterviewStatus, RecordBody, ScheduleBody
from models.tour import (
    ApproveReportBody,
    ChangeTeamBody,
    DeliverFeedbackBody,
    SubmitReportBody,
    Target,
    TargetStatus,
    TeamCommand,
    TeamMember,
    TeamRole,
    TeamSlot,
    TourAction,
    TourHazardRequest,
    TourKind,
    TourProjection,
    TourStart,
    TourState,
    TourStatus,
    tour_workflow_id,
)
from tests import factories as f
from tests.workflow_helpers import RecordingProjection, refusal_of
from workflows.interview import InterviewWorkflow
from workflows.tour import TourWorkflow

W = TourWorkflow
LEADER = f.actor("tour.leader", Role.SUPERVISOR, f.CITY)
COMMITTEE_LEADER = f.actor("city.leader", Role.LEADER, f.CITY)


class StandIns(RecordingProjection):
    """The recording projection (tours' and interviews' items), and stand-ins for the hazard a finding opens and
    for the calendar."""

    @activity.defn(name="open_tour_hazard")
    async def open_tour_hazard(self, request: TourHazardRequest) -> HazardStart:
        raise AssertionError("no hazard findings in these tests")

    @activity.defn(name="compute_deadline")
    async def compute_deadline(self, request: DeadlineRequest) -> Deadline:
        return CalendarActivities(None).compute_deadline(request)

    def steps(self, action: TourAction) -> list[TourProjection]:
        return [i for i in self.tour_items if i.action == action]


@asynccontextmanager
async def tour_worker(client: Client, task_queue: str, stand_ins: StandIns) -> AsyncIterator[Worker]:
    calendar = CalendarActivities(None)  # the official calendar and the provisional rule
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with Worker(
            client, task_queue=task_queue, workflows=[TourWorkflow, InterviewWorkflow],
            activities=[stand_ins.project_tour, stand_ins.project_interview, stand_ins.open_tour_hazard,
                        stand_ins.compute_deadline, calendar.plan_clock,
                        DocumentActivities(None).render_document],  # the interview's notice and minutes
            activity_executor=executor,
        ) as worker:
            yield worker


def member(name: str, role: TeamRole, where: str = "371700", path: str = "370000/371700/", unit: str | None = None) -> TeamMember:
    return TeamMember(username=name, user_id=f"u-{name}", display_name=name, role=role, jurisdiction_code=where,
                      jurisdiction_path=path, unit=unit)


TEAM = (
    member("tour.leader", TeamRole.LEADER),
    member("tour.deputy", TeamRole.DEPUTY),
    *(member(f"tour.m{i}", TeamRole.MEMBER) for i in range(1, 4)),
    member("tour.expert", TeamRole.EXPERT, where="", path=""),
)
COUNTY_TARGET = Target(key="371702", region_code="371702", name="牡丹区", region_path=(f.PROVINCE, f.CITY, f.COUNTY))
DEPARTMENT_TARGET = Target(key="菏泽市住房和城乡建设局", region_code="371700", department="菏泽市住房和城乡建设局",
                           name="菏泽市住房和城乡建设局", region_path=(f.PROVINCE, f.CITY))


def tour_start(starts_on: date, ends_on: date, targets: tuple[Target, ...] = (COUNTY_TARGET,)) -> TourStart:
    return TourStart(id=f"TR-371700-2026-{uuid.uuid4().hex[:6]}", title="2026年度第一轮安全生产巡查",
                     kind=TourKind.COMPREHENSIVE, organizer=f.CITY, organizer_path=(f.PROVINCE, f.CITY),
                     targets=targets, starts_on=starts_on, ends_on=ends_on, focus=("风险分级管控和隐患排查治理",),
                     team=TEAM, created_by=f.CITY_SUPERVISOR, policy=f.DEFAULT_POLICY)


async def started(env: WorkflowEnvironment, task_queue: str, start: TourStart) -> WorkflowHandle:
    return await env.client.start_workflow(W.run, start, id=tour_workflow_id(start.id), task_queue=task_queue)


@asynccontextmanager
async def running_tours(env: WorkflowEnvironment, task_queue: str) -> AsyncIterator[tuple[StandIns, date]]:
    """A worker with the stand-ins, and today's date in China on the test server's clock."""
    stand_ins = StandIns()
    async with tour_worker(env.client, task_queue, stand_ins):
        yield stand_ins, china_date(await env.get_current_time())


async def state(handle: WorkflowHandle) -> TourState:
    return await handle.query(W.state)  # type: ignore[no-any-return]


async def sleep_until(env: WorkflowEnvironment, instant: datetime) -> None:
    now = await env.get_current_time()
    if instant > now:
        await env.sleep(instant - now)


async def test_the_report_is_due_on_the_15th_working_day_after_the_end_across_new_year_and_its_reminder_and_lapse_fire(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_tours(env, task_queue) as (stand_ins, today):
        handle = await started(env, task_queue, tour_start(today + timedelta(days=1), date(2026, 12, 31)))
        planned = await state(handle)
        assert planned.status == TourStatus.PLANNED and planned.report_clock is not None  # known from the plan
        await sleep_until(env, end_of_day(today) + timedelta(minutes=1))
        stationed = await state(handle)
        assert stationed.status == TourStatus.INSPECTING and "12350" in (stationed.announcement or "")
        assert abs(stand_ins.steps(TourAction.STATION)[0].at - end_of_day(today)) < timedelta(seconds=1)  # 00:00 of the start date
        await sleep_until(env, end_of_day(date(2026, 12, 31)) + timedelta(minutes=1))
        reporting = await state(handle)
        assert reporting.status == TourStatus.REPORTING and reporting.report_clock is not None
        # Thu 2026-12-31 ends it; Fri 1 January is a holiday, so the 15th working day is Fri 22 January, not 21st.
        assert reporting.report_clock.due_at == datetime(2027, 1, 22, 16, 0, tzinfo=UTC)
        first_reminder = reporting.report_clock.reminders[0]
        await sleep_until(env, first_reminder + timedelta(minutes=1))
        reminder = stand_ins.steps(TourAction.REMINDER)
        assert reminder and {n.target_code for n in reminder[0].notices} >= {"371700"}
        await sleep_until(env, reporting.report_clock.due_at + timedelta(minutes=1))
        lapsed = stand_ins.steps(TourAction.DEADLINE_MISSED)
        assert len(lapsed) == 1 and abs(lapsed[0].at - reporting.report_clock.due_at) < timedelta(seconds=1)
        assert {(n.target_code, n.kind) for n in lapsed[0].notices} == {("371700", "overdue"), ("370000", "overdue")}
        assert (await state(handle)).report_clock.lapsed  # type: ignore[union-attr]
        await handle.terminate("test over")


async def test_an_overdue_target_is_interviewed_two_months_after_feedback_and_its_no_show_is_recorded_on_the_tour(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_tours(env, task_queue) as (stand_ins, today):
        start = tour_start(today + timedelta(days=1), today + timedelta(days=1))
        handle = await started(env, task_queue, start)
        await sleep_until(env, end_of_day(today + timedelta(days=1)) + timedelta(minutes=1))
        assert (await state(handle)).status == TourStatus.REPORTING
        await handle.execute_update(W.submit_report, Command(actor=LEADER, body=SubmitReportBody(summary="总体情况", proposals="加强隐患排查")))
        await handle.execute_update(W.approve_report, Command(actor=COMMITTEE_LEADER, body=ApproveReportBody(comment="同意")))
        fed = await handle.execute_update(W.deliver_feedback, Command(actor=f.CITY_SUPERVISOR, body=DeliverFeedbackBody()))
        feedback_day = china_date(await env.get_current_time())
        progress = fed.progress_of("371702")
        assert progress is not None and progress.status == TargetStatus.RECTIFYING and progress.clock is not None
        assert progress.clock.due_at == end_of_day(add_months(feedback_day, 2))
        letter = stand_ins.steps(TourAction.DELIVER_FEEDBACK)[0].documents[0]
        assert progress.feedback_hash == letter.sha256 and "整改" in letter.content
        await sleep_until(env, progress.clock.due_at + timedelta(minutes=1))
        overdue = await state(handle)
        target = overdue.progress_of("371702")
        assert target is not None and target.clock is not None and target.clock.lapsed and len(target.interviews) == 1
        interview = env.client.get_workflow_handle(target.interviews[0])
        interview_state = await interview.query(InterviewWorkflow.state)
        assert interview_state.start.tour_id == start.id and interview_state.start.interviewee == "牡丹区主要负责人"
        assert interview_state.status == InterviewStatus.NOTICE
        at = await env.get_current_time() + timedelta(days=2)
        await interview.execute_update(InterviewWorkflow.schedule, Command(actor=f.CITY_SUPERVISOR, body=ScheduleBody(at=at, place="市应急管理局")))
        await interview.execute_update(InterviewWorkflow.record, Command(actor=f.CITY_SUPERVISOR, body=RecordBody(attended=False)))
        for _ in range(50):
            recorded = (await state(handle)).progress_of("371702")
            if recorded is not None and recorded.interview_outcomes:
                break
            await env.sleep(timedelta(seconds=1))
        assert recorded is not None and recorded.interview_outcomes == (f"{target.interviews[0]}:no_show",)
        assert stand_ins.steps(TourAction.INTERVIEW_OUTCOME)
        await handle.terminate("test over")


async def test_a_team_change_is_refused_for_regional_avoidance_and_for_ones_own_unit(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_tours(env, task_queue) as (stand_ins, today):
        handle = await started(env, task_queue, tour_start(today + timedelta(days=5), today + timedelta(days=9),
                                                            (COUNTY_TARGET, DEPARTMENT_TARGET)))
        local = member("county.staff", TeamRole.MEMBER, where="371702", path="370000/371700/371702/")
        own_unit = member("jianshe.staff", TeamRole.MEMBER, unit="菏泽市住房和城乡建设局")
        for newcomer, code in ((local, "avoidance_region"), (own_unit, "avoidance_unit")):
            team = (*TEAM[:5], newcomer)
            body = ChangeTeamBody(team=tuple(TeamSlot(username=m.username, role=m.role) for m in team))
            refusal = await refusal_of(handle, W.change_team, TeamCommand(actor=f.CITY_SUPERVISOR, body=body, members=team))
            detail = refusal.details[0]
            assert detail["code"] == code and detail["field"] == "team.5.username"
            assert newcomer.username in detail["message_zh"]
        fine = (*TEAM[:5], member("tour.m9", TeamRole.MEMBER))
        body = ChangeTeamBody(team=tuple(TeamSlot(username=m.username, role=m.role) for m in fine))
        changed = await handle.execute_update(W.change_team, TeamCommand(actor=f.CITY_SUPERVISOR, body=body, members=fine))
        assert [m.username for m in changed.team][-1] == "tour.m9"
        await handle.terminate("test over")


async def test_the_unsigned_tour_report_reminds_the_committee_lapses_upward_and_the_leaders_signature_issues_it(
    env: WorkflowEnvironment, task_queue: str
) -> None:
    async with running_tours(env, task_queue) as (stand_ins, today):
        handle = await started(env, task_queue, tour_start(today + timedelta(days=1), today + timedelta(days=1)))
        await sleep_until(env, end_of_day(today + timedelta(days=1)) + timedelta(minutes=1))
        submitted = await handle.execute_update(W.submit_report, Command(actor=LEADER, body=SubmitReportBody(summary="总体情况", proposals="加强隐患排查")))
        (draft,) = submitted.documents
        assert draft.kind == DocumentKind.TOUR_REPORT and draft.status == DocumentStatus.DRAFT and draft.authority_code == f.CITY.code
        assert submitted.report is not None and submitted.report.document_hash == draft.sha256
        (clock,) = submitted.sign_clocks
        refused = await refusal_of(handle, W.sign, Command(actor=LEADER, body=SignDocument(document_id=draft.id)))
        assert refused.details[0]["code"] == "not_a_leader"
        await sleep_until(env, clock.clock.due_at + timedelta(minutes=1))
        reminded = [i for i in stand_ins.steps(TourAction.REMINDER) if i.reason == "reminder:sign"]
        assert reminded and {n.target_code for n in reminded[0].notices} == {f.CITY.code}
        (lapsed,) = [i for i in stand_ins.steps(TourAction.DEADLINE_MISSED) if i.reason == "deadline:sign"]
        assert {n.target_code for n in lapsed.notices} == {f.CITY.code, f.PROVINCE.code}
        signed = await handle.execute_update(W.sign, Command(actor=COMMITTEE_LEADER, body=SignDocument(document_id=draft.id)))
        (issued,) = signed.documents
        assert issued.status == DocumentStatus.ISSUED and issued.signature is not None and issued.source.signer == issued.signature.name
        assert issued.sha256 != draft.sha256 and signed.report is not None and signed.report.document_hash == issued.sha256
        assert not signed.sign_clocks and stand_ins.steps(TourAction.SIGN)[0].documents[0].sha256 == issued.sha256
        again = await refusal_of(handle, W.sign, Command(actor=COMMITTEE_LEADER, body=SignDocument(document_id=draft.id)))
        assert again.details[0]["code"] == "already_signed"
        await handle.terminate("test over")
