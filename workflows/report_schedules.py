"""The reporting cadence on Temporal Schedules: one schedule per report kind the policy profile turns on
(`[reports]`), each starting a `PeriodicReportWorkflow` at its hour (Asia/Shanghai). Visible and pausable in the
Temporal Web UI ("Schedules"); a period missed while the system was down is run when it comes back, within the
profile's `catchup_days` (the schedule's catch-up window; every missed run is buffered, none skipped).

`ensure_schedules` runs at every worker's start (`worker.py`), idempotently: a missing schedule is created, an
existing one gets the profile's cadence (keeping a pause an operator set in the Web UI), and a kind the profile no
longer lists is deleted. Against a server without Schedules (the time-skipping test server answers
`CreateSchedule` with "unimplemented") it logs that the cadence is off and returns; reports still run on demand.
"""

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError, RPCStatusCode

from core.logging import get_logger
from models.policy import PolicyProfile, ReportCadence
from models.report import CadenceRun, ReportKind
from workflows.report import PeriodicReportWorkflow

SCHEDULE_PREFIX = "duban-report-"
TIME_ZONE = "Asia/Shanghai"
log = get_logger("duban.reports")


def calendar_for(kind: ReportKind, cadence: ReportCadence) -> ScheduleCalendarSpec:
    """When `kind` runs: daily; Monday (周调度); the 1st (月分析); `quarterly_day` of January, April, July and October
    (季讲评, by the 15th); `annual_day` of January (by the 31st). At the profile's hour and minute."""
    at = {"second": (ScheduleRange(0),), "minute": (ScheduleRange(cadence.minute),), "hour": (ScheduleRange(cadence.hour),)}
    if kind == ReportKind.WEEKLY:
        return ScheduleCalendarSpec(**at, day_of_week=(ScheduleRange(1),), comment="周调度: every Monday")
    if kind == ReportKind.MONTHLY:
        return ScheduleCalendarSpec(**at, day_of_month=(ScheduleRange(1),), comment="月分析: the 1st of each month")
    if kind == ReportKind.QUARTERLY:
        return ScheduleCalendarSpec(**at, day_of_month=(ScheduleRange(cadence.quarterly_day),),
                                    month=(ScheduleRange(1, 10, 3),), comment="季讲评: after each quarter")
    if kind == ReportKind.ANNUAL:
        return ScheduleCalendarSpec(**at, day_of_month=(ScheduleRange(cadence.annual_day),), month=(ScheduleRange(1),),
                                    comment="annual statistics: in January")
    return ScheduleCalendarSpec(**at, comment="日报送: every day")


def schedule_for(kind: ReportKind, cadence: ReportCadence, task_queue: str, prefix: str = SCHEDULE_PREFIX) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            PeriodicReportWorkflow.run, CadenceRun(kind=kind), id=f"{prefix}{kind.value}", task_queue=task_queue,
        ),
        spec=ScheduleSpec(calendars=[calendar_for(kind, cadence)], time_zone_name=TIME_ZONE),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.BUFFER_ALL, catchup_window=timedelta(days=cadence.catchup_days)),
        state=ScheduleState(note=f"Duban {kind.value} reports (policy profile [reports])"),
    )


async def ensure_schedules(client: Client, profile: PolicyProfile, task_queue: str, prefix: str = SCHEDULE_PREFIX) -> bool:
    """Make the server's report schedules match the profile. False when the cadence is off (no `[reports]` in
    the profile, or a server without Schedules), logged as such."""
    cadence = profile.reports
    if cadence is None:
        log.warning("report cadence off: the policy profile has no [reports] table", policy=profile.key)
        return False
    try:
        for kind in ReportKind:
            if kind.value in cadence.kinds:
                await _create_or_update(client, prefix + kind.value, schedule_for(kind, cadence, task_queue, prefix))
            else:
                await _delete_if_there(client, prefix + kind.value)
    except RPCError as error:
        if error.status == RPCStatusCode.UNIMPLEMENTED:
            log.warning("report cadence off: this Temporal server does not implement Schedules; reports run on demand",
                        error=str(error))
        else:  # the hazards must not wait for the reports: the worker starts, the log says why the cadence is off
            log.error("report cadence off: the schedules could not be set; reports run on demand", error=str(error),
                      status=error.status.name)
        return False
    log.info("report cadence on", kinds=list(cadence.kinds), hour=cadence.hour, minute=cadence.minute, policy=profile.key)
    return True


async def _create_or_update(client: Client, schedule_id: str, schedule: Schedule) -> None:
    try:
        await client.create_schedule(schedule_id, schedule)
        return
    except ScheduleAlreadyRunningError:
        pass

    def updated(current: ScheduleUpdateInput) -> ScheduleUpdate:
        state = current.description.schedule.state  # an operator's pause stays
        return ScheduleUpdate(schedule=Schedule(action=schedule.action, spec=schedule.spec, policy=schedule.policy, state=state))

    await client.get_schedule_handle(schedule_id).update(updated)


async def _delete_if_there(client: Client, schedule_id: str) -> None:
    try:
        await client.get_schedule_handle(schedule_id).delete()
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
