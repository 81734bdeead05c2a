"""The deadline clock on the time-skipping server: reminders and rungs on the right working day, with no
human action; extensions, pauses, government-side deadlines and interviews."""

import uuid
from datetime import UTC, date, datetime, timedelta

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.calendar import WorkCalendar
from models.actions import (
    AssessBody,
    Command,
    ListBody,
    PauseBody,
    RequestExtensionBody,
    ResumeBody,
    ReviewExtensionBody,
    ReviewPlanBody,
    SubmitCompletionBody,
)
from models.base import CHINA_TZ, china_date, end_of_day
from models.enums import HazardStatus
from models.hazard import HazardState, ProjectionItem, workflow_id_for
from tests import factories as f
from tests.eventually import assert_eventually_async
from tests.test_hazard_workflow import assess_major, plan
from tests.workflow_helpers import RecordingProjection, hazard_worker, no_show
from workflows.hazard import HazardWorkflow as W

CALENDAR = WorkCalendar()  # what the workers use in these tests: official data, else the provisional rule


def fired_at(actual: datetime, expected: datetime) -> bool:
    """Recorded in workflow time: when the timer fired, moments after the instant it was set for (the rung's
    document is rendered first: seconds on a loaded machine, never the next day)."""
    return expected <= actual < expected + timedelta(seconds=30)


def deadline_day(deadline: datetime) -> date:
    return china_date(deadline - timedelta(seconds=1))


def end_of_working_day_after(day: date, k: int) -> datetime:
    return end_of_day(CALENDAR.add_working_days(day, k))


async def listed_hazard(env: WorkflowEnvironment, task_queue: str, level: str = "county", days: int = 30) -> WorkflowHandle:
    code = f"HZ-371702-2026-{uuid.uuid4().hex[:6]}"
    handle = await env.client.start_workflow(W.run, f.start(code), id=workflow_id_for(code), task_queue=task_queue)
    await handle.execute_update(W.assess, assess_major())
    listing = ListBody(authority_level=level, deadline=f.days_after(await env.get_current_time(), days))
    who = f.COUNTY_SUPERVISOR if level == "county" else f.CITY_SUPERVISOR
    await handle.execute_update(W.list_hazard, Command(actor=who, body=listing))
    return handle


async def rectifying_hazard(env: WorkflowEnvironment, task_queue: str, days: int, plan_days: int) -> WorkflowHandle:
    """A hazard the county listed `days` out, rectifying on a plan (due in `plan_days`) the county approved."""
    handle = await listed_hazard(env, task_queue, days=days)
    today = await env.get_current_time()
    await handle.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(f.days_after(today, plan_days))))
    await handle.execute_update(W.review_plan, Command(actor=f.COUNTY_SUPERVISOR, body=ReviewPlanBody(decision="approve")))
    return handle


def system_steps(projection: RecordingProjection, code: str, action: str) -> list[ProjectionItem]:
    return [i for i in projection.of(code) if i.transition.action.value == action]


async def test_a_listed_hazard_left_alone_climbs_every_rung_on_its_working_day(env: WorkflowEnvironment, task_queue: str) -> None:
    projection = RecordingProjection()
    async with hazard_worker(env.client, task_queue, projection):
        handle = await listed_hazard(env, task_queue)
        listed: HazardState = await handle.query(W.state)
        assert listed.deadline is not None and [r.type for r in listed.ladder][:2] == ["urging_letter", "circular"]
        await env.sleep(timedelta(days=140))
        state: HazardState = await handle.query(W.state)

    code, deadline = state.code, listed.deadline
    # Every rung of the ladder fired, in order, each at the end of its working day after the deadline day.
    rungs = system_steps(projection, code, "rung")
    assert [i.transition.reason for i in rungs] == [f"rung:{r.type.value}" for r in listed.policy.ladder]
    for item, rung in zip(rungs, listed.policy.ladder, strict=True):
        expected = deadline if rung.offset_working_days == 0 else end_of_working_day_after(deadline_day(deadline), rung.offset_working_days)
        assert fired_at(item.transition.at, expected), rung.type
        assert item.document is not None and item.document.kind == rung.type.value
        assert item.notices and item.transition.actor.role == "system"
    assert [f.rung for f in state.fired] == [r.type for r in listed.policy.ladder]
    # The overdue flag went up at the deadline itself, before the first rung.
    (passed,) = system_steps(projection, code, "deadline-passed")
    assert fired_at(passed.transition.at, deadline) and passed.transition.seq < rungs[0].transition.seq
    # Reminders of the rectification deadline: half-way, 5 and 1 working days before.
    listing_day = china_date(listed.listing.at)  # type: ignore[union-attr]
    period = CALENDAR.working_days_between(listing_day, deadline_day(deadline))
    expected_reminders = sorted({end_of_working_day_after(listing_day, k) for k in (period // 2, period - 5, period - 1)})
    reminders = [i.transition.at for i in system_steps(projection, code, "reminder") if i.transition.reason == "reminder:rectification"]
    assert len(reminders) == len(expected_reminders) and all(map(fired_at, reminders, expected_reminders))
    # The plan was never submitted: its own clock (10 working days) lapsed and was reported.
    missed = [i for i in system_steps(projection, code, "deadline-missed") if i.transition.reason == "plan_deadline"]
    assert len(missed) == 1 and fired_at(missed[0].transition.at, end_of_working_day_after(listing_day, 10))
    # raise_listing moved the listing from the county to the city, and told the city.
    assert state.listing is not None and state.listing.authority_code == "371700"
    raise_item = next(i for i in rungs if i.transition.reason == "rung:raise_listing")
    assert ("authority", "371700") in {(n.target_kind, n.target_code) for n in raise_item.notices}
    # The interview rung started an interview, a tracked process of its own.
    assert state.interviews == (f"interview-{code}-1",)
    assert any(i.action == "notice" and i.state.start.trigger == "ladder" for i in projection.interview_items)
    # Seq numbers are contiguous: every step was recorded exactly once.
    assert [i.transition.seq for i in projection.of(code)] == list(range(1, state.seq + 1))


async def test_nothing_fires_for_the_enterprise_after_acceptance_is_requested(env: WorkflowEnvironment, task_queue: str) -> None:
    projection = RecordingProjection()
    async with hazard_worker(env.client, task_queue, projection):
        handle = await rectifying_hazard(env, task_queue, days=20, plan_days=15)
        state: HazardState = await handle.query(W.state)
        # 9 days and an hour: not at a midnight, where the circular's signature clock wakes the workflow,
        # so the update below does not cancel a timer that fired meanwhile (the time-skipping server's bug, sdk-java#3088)
        await env.sleep(state.deadline - await env.get_current_time() + timedelta(days=9, hours=1))  # type: ignore[operator]
        fired_before = len((await handle.query(W.state)).fired)
        assert fired_before >= 2  # the urging letter and the circular
        accepted = await handle.execute_update(W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="整改完毕")))
        assert accepted.status == HazardStatus.ACCEPTANCE_REQUESTED and not accepted.overdue
        seq_at_acceptance = accepted.seq
        await env.sleep(timedelta(days=120))
        after: HazardState = await handle.query(W.state)

    assert len(after.fired) == fired_before
    later = [i for i in projection.of(after.code) if i.transition.seq > seq_at_acceptance]
    assert not [i for i in later if i.transition.action.value == "rung"]
    assert all(n.target_kind == "authority" for i in later for n in i.notices)  # only the verifier is reminded


async def test_an_extension_approved_while_the_timer_waits_moves_the_deadline(env: WorkflowEnvironment, task_queue: str) -> None:
    projection = RecordingProjection()
    async with hazard_worker(env.client, task_queue, projection):
        handle = await rectifying_hazard(env, task_queue, days=60, plan_days=50)
        original: HazardState = await handle.query(W.state)
        await env.sleep(timedelta(days=3))
        requested = await handle.execute_update(
            W.request_extension, Command(actor=f.ENTERPRISE_A, body=RequestExtensionBody(days=15, reason="设备到货延迟"))
        )
        assert requested.extensions[-1].status == "pending" and not requested.extensions[-1].late
        assert any(c.spec.name == "extension_decision" for c in requested.clocks)
        approved = await handle.execute_update(
            W.review_extension,
            Command(actor=f.COUNTY_SUPERVISOR, body=ReviewExtensionBody(decision="approve", days=10, comment="同意")),
        )
        expected = end_of_day(CALENDAR.add_working_days(deadline_day(original.deadline), 10))  # type: ignore[arg-type]
        assert approved.deadline == expected and approved.extensions[-1].deadline_after == expected
        # Past the original deadline nothing fires; past the new one the ladder starts.
        await env.sleep(original.deadline - await env.get_current_time() + timedelta(days=1))  # type: ignore[operator]
        mid: HazardState = await handle.query(W.state)
        assert not mid.overdue and not mid.fired
        await env.sleep(expected - await env.get_current_time() + timedelta(hours=1))
        late: HazardState = await handle.query(W.state)
    assert late.overdue and late.fired[0].rung == "urging_letter" and fired_at(late.fired[0].at, expected)


async def test_a_pause_across_a_holiday_adds_only_the_working_days_paused(env: WorkflowEnvironment, task_queue: str) -> None:
    projection = RecordingProjection()
    async with hazard_worker(env.client, task_queue, projection):
        now = await env.get_current_time()
        holiday = next_weekday_holiday(china_date(now) + timedelta(days=3))
        handle = await listed_hazard(env, task_queue, days=(holiday - china_date(now)).days + 60)
        before: HazardState = await handle.query(W.state)
        # Pause on the morning of the working day before the holiday, resume on the morning after it.
        pause_at = datetime.combine(CALENDAR.add_working_days(holiday, 0) - timedelta(days=1), datetime.min.time(), CHINA_TZ)
        pause_day = previous_working_day(holiday)
        pause_at = datetime(pause_day.year, pause_day.month, pause_day.day, 9, tzinfo=CHINA_TZ)
        await env.sleep(pause_at - await env.get_current_time())
        paused = await handle.execute_update(W.pause, Command(actor=f.COUNTY_SUPERVISOR, body=PauseBody(reason="上级部门责令停产")))
        assert paused.pause is not None and paused.clocks == ()
        resume_day = CALENDAR.add_working_days(holiday, 1)
        resume_at = datetime(resume_day.year, resume_day.month, resume_day.day, 9, tzinfo=CHINA_TZ)
        await env.sleep(resume_at - await env.get_current_time())
        resumed = await handle.execute_update(W.resume, Command(actor=f.COUNTY_SUPERVISOR, body=ResumeBody(reason="复产")))

    paused_working_days = CALENDAR.working_days_between(pause_day, resume_day)
    calendar_days = (resume_day - pause_day).days
    assert paused_working_days < calendar_days  # the holiday (and any weekend) is not counted
    assert resumed.pauses[-1].until is not None and resumed.pause is None
    expected = end_of_day(CALENDAR.add_working_days(deadline_day(before.deadline), paused_working_days))  # type: ignore[arg-type]
    assert resumed.deadline == expected


def next_weekday_holiday(start: date) -> date:
    day = start
    while CALENDAR.is_working_day(day) or day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def previous_working_day(day: date) -> date:
    day -= timedelta(days=1)
    while not CALENDAR.is_working_day(day):
        day -= timedelta(days=1)
    return day


async def test_a_verification_deadline_missed_by_the_county_is_escalated_to_the_city(env: WorkflowEnvironment, task_queue: str) -> None:
    projection = RecordingProjection()
    async with hazard_worker(env.client, task_queue, projection):
        handle = await rectifying_hazard(env, task_queue, days=40, plan_days=30)
        requested = await handle.execute_update(W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="完成")))
        (verify_clock,) = [c for c in requested.clocks if c.spec.name == "verify"]
        asked_day = china_date(requested.status_since)
        assert verify_clock.due_at == end_of_working_day_after(asked_day, 10) and verify_clock.spec.owner_code == "371702"
        await env.sleep(timedelta(days=30))
        state: HazardState = await handle.query(W.state)

    missed = [i for i in system_steps(projection, state.code, "deadline-missed") if i.transition.reason == "verify_deadline"]
    assert len(missed) == 1 and fired_at(missed[0].transition.at, verify_clock.due_at)
    targets = {(n.target_kind, n.target_code) for n in missed[0].notices}
    assert targets == {("authority", "371702"), ("authority", "371700")}  # the county that owes it, and the city
    reminded = [i for i in system_steps(projection, state.code, "reminder") if i.transition.reason == "reminder:verify"]
    assert reminded and all(("authority", "371700") in {(n.target_kind, n.target_code) for n in i.notices} for i in reminded)
    assert state.status == HazardStatus.ACCEPTANCE_REQUESTED and not state.fired  # no enterprise rung for a government delay


async def test_a_general_hazard_with_a_deadline_climbs_its_own_shorter_ladder(env: WorkflowEnvironment, task_queue: str) -> None:
    projection = RecordingProjection()
    async with hazard_worker(env.client, task_queue, projection):
        code = f"HZ-371702-2026-{uuid.uuid4().hex[:6]}"
        handle = await env.client.start_workflow(W.run, f.start(code), id=workflow_id_for(code), task_queue=task_queue)
        deadline = f.days_after(await env.get_current_time(), 14)
        state = await handle.execute_update(
            W.assess, Command(actor=f.INSPECTOR, body=AssessBody(level="general", rectification="deadline", deadline=deadline))
        )
        assert state.ladder == f.DEFAULT_POLICY.general_ladder
        await env.sleep(timedelta(days=60))
        final: HazardState = await handle.query(W.state)
    assert [x.rung for x in final.fired] == [r.type for r in f.DEFAULT_POLICY.general_ladder]
    assert final.listing is None


def test_calendar_days_used_here_are_working_days_of_the_calendar() -> None:
    # The helpers above must agree with the calendar: a spot check keeps them honest.
    assert CALENDAR.add_working_days(date(2026, 9, 25), 10) == date(2026, 10, 15)
    assert end_of_working_day_after(date(2026, 9, 25), 10) == datetime(2026, 10, 15, 16, 0, tzinfo=UTC)


async def test_a_no_show_at_the_interview_raises_the_hazards_rung(env: WorkflowEnvironment, task_queue: str) -> None:
    from models.actions import StartInterviewBody
    from workflows.interview import InterviewWorkflow

    projection = RecordingProjection()
    async with hazard_worker(env.client, task_queue, projection):
        handle = await listed_hazard(env, task_queue, days=60)
        # A supervisor starts an interview by hand; the enterprise's principal does not come.
        state = await handle.execute_update(
            W.interview, Command(actor=f.COUNTY_SUPERVISOR, body=StartInterviewBody(reason="整改方案迟迟未报"))
        )
        (interview_id,) = state.interviews
        interview = env.client.get_workflow_handle(interview_id)
        started = await interview.query(InterviewWorkflow.state)
        assert started.start.trigger == "manual" and started.start.started_by.username == "county.supervisor"
        assert started.start.interviewee == "王建国" and started.start.conducting_authority_code == "371702"
        await no_show(env, interview)

        async def rung_raised() -> HazardState:  # the outcome reaches the hazard as a signal
            state: HazardState = await handle.query(W.state)
            assert state.fired, "the no-show did not raise a rung"
            return state

        raised = await assert_eventually_async(rung_raised, timeout=30, interval=1, sleep=env.sleep)

    assert [x.rung for x in raised.fired] == ["urging_letter"] and raised.fired[0].reason == "interview_no_show"
    assert not raised.overdue  # the deadline has not passed: the rung was raised by the no-show alone


async def test_a_year_of_monthly_reports_continues_as_new_and_carries_the_state(env: WorkflowEnvironment, task_queue: str) -> None:
    from temporalio.client import WorkflowExecutionStatus

    from models.actions import ReportProgressBody

    projection = RecordingProjection()
    async with hazard_worker(env.client, task_queue, projection):
        code = f"HZ-371702-2026-{uuid.uuid4().hex[:6]}"
        first = await env.client.start_workflow(
            W.run, f.start(code, continue_as_new_after_events=150), id=workflow_id_for(code), task_queue=task_queue
        )
        latest = env.client.get_workflow_handle(workflow_id_for(code))  # follows the newest run
        await latest.execute_update(W.assess, assess_major())
        today = await env.get_current_time()
        await latest.execute_update(
            W.list_hazard, Command(actor=f.CITY_SUPERVISOR, body=ListBody(authority_level="city", deadline=f.days_after(today, 360)))
        )
        await latest.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(f.days_after(today, 350))))
        await latest.execute_update(W.review_plan, Command(actor=f.CITY_SUPERVISOR, body=ReviewPlanBody(decision="approve")))
        for month in range(12):
            await env.sleep(timedelta(days=29))
            await latest.execute_update(
                W.report_progress, Command(actor=f.ENTERPRISE_A, body=ReportProgressBody(percent=8 * (month + 1), note=f"第{month + 1}月"))
            )
        state: HazardState = await latest.query(W.state)
        first_run = await env.client.get_workflow_handle(
            workflow_id_for(code), run_id=first.first_execution_run_id
        ).describe()
        newest_run = await latest.describe()

    assert first_run.status == WorkflowExecutionStatus.CONTINUED_AS_NEW
    assert newest_run.run_id != first_run.run_id and newest_run.status == WorkflowExecutionStatus.RUNNING
    assert len(state.progress) == 12 and state.progress[-1].percent == 96
    assert state.status == HazardStatus.RECTIFYING and state.listing is not None and state.listing.authority_code == "371700"
    assert [i.transition.seq for i in projection.of(code)] == list(range(1, state.seq + 1))  # nothing lost or doubled
    assert len(system_steps(projection, code, "report")) == 1  # the new run did not report the hazard again


async def test_voiding_a_hazard_cancels_its_open_interview(env: WorkflowEnvironment, task_queue: str) -> None:
    from models.actions import StartInterviewBody, VoidBody
    from models.interview import InterviewState
    from workflows.interview import InterviewWorkflow

    projection = RecordingProjection()
    async with hazard_worker(env.client, task_queue, projection):
        handle = await listed_hazard(env, task_queue)
        state = await handle.execute_update(W.interview, Command(actor=f.COUNTY_SUPERVISOR, body=StartInterviewBody(reason="约谈")))
        await handle.execute_update(W.void, Command(actor=f.COUNTY_SUPERVISOR, body=VoidBody(reason="重复登记")))
        await handle.result()
        interview: WorkflowHandle[InterviewWorkflow, InterviewState] = env.client.get_workflow_handle_for(
            InterviewWorkflow.run, state.interviews[0]
        )
        final = await interview.result()
    assert final.outcome == "cancelled" and "作废" in (final.cancel_reason or "")
