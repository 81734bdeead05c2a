"""The reporting cadence on Temporal Schedules: on the dev server each kind the profile turns on is scheduled with
its cadence, an operator's pause survives a worker's restart, and a triggered run writes its reports once; against
the time-skipping server (no Schedules) the worker still starts, the log says the cadence is off, and reports run on
demand."""

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import Client, ScheduleRange
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from core.codec import data_converter
from core.settings import Settings
from core.temporal import time_skipping_server_binary
from domain.report_periods import period_ended_before
from models.base import china_date
from models.report import CadenceOutcome, ReportKind
from tests.api_helpers import running_api
from tests.eventually import assert_eventually_async
from tests.factories import DEFAULT_POLICY
from workflows.report_schedules import TIME_ZONE, ensure_schedules

DEMO_JURISDICTIONS = 4  # 370000, 371700, 371702, 371721


async def _cleanup(client: Client, prefix: str) -> None:
    for kind in ReportKind:
        with contextlib.suppress(RPCError):
            await client.get_schedule_handle(prefix + kind.value).delete()


async def test_each_kind_is_scheduled_with_the_profiles_cadence(dev_env: WorkflowEnvironment, task_queue: str) -> None:
    client, prefix = dev_env.client, f"t-{uuid.uuid4().hex[:8]}-"
    try:
        assert await ensure_schedules(client, DEFAULT_POLICY, task_queue, prefix)
        expected = {
            "weekly": {"day_of_week": [ScheduleRange(1, 1, 1)]},
            "monthly": {"day_of_month": [ScheduleRange(1, 1, 1)]},
            "quarterly": {"day_of_month": [ScheduleRange(10, 10, 1)], "month": [ScheduleRange(1, 10, 3)]},
            "annual": {"day_of_month": [ScheduleRange(20, 20, 1)], "month": [ScheduleRange(1, 1, 1)]},
        }
        for kind, days in expected.items():
            described = await client.get_schedule_handle(prefix + kind).describe()
            spec = described.schedule.spec
            calendar = spec.calendars[0] if spec.calendars else None
            assert spec.time_zone_name == TIME_ZONE
            if calendar is not None:  # the server may answer the calendar in its structured form...
                assert list(calendar.hour) == [ScheduleRange(8, 8, 1)]
                for field, ranges in days.items():
                    assert list(getattr(calendar, field)) == ranges, (kind, field)
            else:  # ...or as cron strings
                assert spec.cron_expressions, kind
            assert described.schedule.policy.catchup_window == timedelta(days=45)
        with pytest.raises(RPCError):  # daily is off in the default profile
            await client.get_schedule_handle(prefix + "daily").describe()
    finally:
        await _cleanup(client, prefix)


async def test_a_new_profile_cadence_updates_the_schedules_and_keeps_a_pause(dev_env: WorkflowEnvironment, task_queue: str) -> None:
    client, prefix = dev_env.client, f"t-{uuid.uuid4().hex[:8]}-"
    try:
        assert await ensure_schedules(client, DEFAULT_POLICY, task_queue, prefix)
        await client.get_schedule_handle(prefix + "weekly").pause(note="paused by an operator")
        assert DEFAULT_POLICY.reports is not None
        cadence = DEFAULT_POLICY.reports.model_copy(update={"kinds": ("daily", "weekly"), "hour": 7})
        assert await ensure_schedules(client, DEFAULT_POLICY.model_copy(update={"reports": cadence}), task_queue, prefix)
        weekly = await client.get_schedule_handle(prefix + "weekly").describe()
        daily = await client.get_schedule_handle(prefix + "daily").describe()
        assert weekly.schedule.state.paused
        for described in (weekly, daily):
            assert [r.start for r in described.schedule.spec.calendars[0].hour] == [7]
        with pytest.raises(RPCError):  # monthly is no longer in the profile: its schedule is gone
            await client.get_schedule_handle(prefix + "monthly").describe()
    finally:
        await _cleanup(client, prefix)


async def test_a_triggered_run_writes_each_jurisdictions_report_once(
    dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str
) -> None:
    client, prefix = dev_env.client, f"t-{uuid.uuid4().hex[:8]}-"
    async with running_api(client, tmp_path, task_queue) as api:
        try:
            assert await ensure_schedules(client, DEFAULT_POLICY, task_queue, prefix)
            handle = client.get_schedule_handle(prefix + "weekly")
            outcomes = []
            for run in (1, 2):
                await handle.trigger()

                async def started(count: int = run) -> list[str]:
                    actions = (await handle.describe()).info.recent_actions
                    assert len(actions) >= count
                    return [a.action.workflow_id for a in actions]  # type: ignore[attr-defined]

                workflow_id = (await assert_eventually_async(started, timeout=30))[-1]
                outcomes.append(await client.get_workflow_handle(workflow_id, result_type=CadenceOutcome).result())
            start, end = period_ended_before(ReportKind.WEEKLY, china_date(datetime.now(UTC)))
            assert (outcomes[0].period_start, outcomes[0].period_end) == (start, end)
            assert (len(outcomes[0].written), len(outcomes[0].existing)) == (DEMO_JURISDICTIONS, 0)
            assert (len(outcomes[1].written), len(outcomes[1].existing)) == (0, DEMO_JURISDICTIONS)
            listed = await api.as_user("admin", "GET", "/reports", params={"kind": "weekly"})
            assert listed.status_code == 200 and listed.json()["total"] == DEMO_JURISDICTIONS
            assert {i["period_start"] for i in listed.json()["items"]} == {start.isoformat()}
            assert {i["trigger"] for i in listed.json()["items"]} == {"schedule"}
        finally:
            await _cleanup(client, prefix)


class _Recorder:
    """Stands in for a structlog logger: keeps each event's words."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def bind(self, **_: object) -> "_Recorder":
        return self

    def _record(self, event: str, **_: object) -> None:
        self.events.append(event)

    info = warning = error = debug = _record


async def test_against_the_time_skipping_server_the_cadence_is_off_and_reports_run_on_demand(
    tmp_path: Path, task_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    import worker
    import workflows.report_schedules as schedules

    recorder = _Recorder()
    monkeypatch.setattr(schedules, "log", recorder)
    monkeypatch.setattr(worker, "get_logger", lambda name: recorder)
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(Settings()), test_server_existing_path=str(time_skipping_server_binary())
    ) as env:
        target = env.client.service_client.config.target_host
        settings = Settings(_env_file=None, data_dir=tmp_path, temporal_address=target, temporal_task_queue=task_queue)  # type: ignore[call-arg]
        serving = asyncio.create_task(worker.serve(settings))
        try:
            async def started() -> list[str]:
                assert not serving.done(), serving.exception()
                assert "worker started" in recorder.events
                return recorder.events

            events = await assert_eventually_async(started, timeout=60)
            assert any(e.startswith("report cadence off") for e in events), events
        finally:
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)
            for sig in (signal.SIGINT, signal.SIGTERM):
                asyncio.get_running_loop().remove_signal_handler(sig)
        async with running_api(env.client, tmp_path / "api", task_queue) as api:
            body = {"kind": "monthly", "region_code": "371700", "period_start": "2026-03-01", "period_end": "2026-03-31"}
            made = await api.as_user("city.supervisor", "POST", "/reports", json=body)
            assert made.status_code == 201, made.text
            assert made.json()["id"] == "RP-monthly-371700-20260301-20260331"


async def test_missed_periods_are_caught_up_each_with_its_own_period(
    dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str
) -> None:
    """Two Mondays run after the fact (a backfill, as a schedule catching up after an outage does): each run reports
    the week before its own scheduled Monday, not the week before today."""
    from temporalio.client import ScheduleBackfill, ScheduleOverlapPolicy

    client, prefix = dev_env.client, f"t-{uuid.uuid4().hex[:8]}-"
    async with running_api(client, tmp_path, task_queue) as api:
        try:
            assert await ensure_schedules(client, DEFAULT_POLICY, task_queue, prefix)
            handle = client.get_schedule_handle(prefix + "weekly")
            now = datetime.now(UTC)
            await handle.backfill(ScheduleBackfill(start_at=now - timedelta(days=15), end_at=now, overlap=ScheduleOverlapPolicy.ALLOW_ALL))
            today = china_date(now)
            mondays = sorted({today - timedelta(days=today.weekday() + 7 * k) for k in range(3)
                              if now - timedelta(days=15) <= datetime.combine(today - timedelta(days=today.weekday() + 7 * k),
                                                                              datetime.min.time(), UTC) <= now})
            expected = {period_ended_before(ReportKind.WEEKLY, monday)[0].isoformat() for monday in mondays}

            async def caught_up() -> set[str]:
                listed = (await api.as_user("admin", "GET", "/reports", params={"kind": "weekly"})).json()
                starts = {i["period_start"] for i in listed["items"]}
                assert starts == expected and listed["total"] == DEMO_JURISDICTIONS * len(expected), listed
                return starts

            assert len(await assert_eventually_async(caught_up, timeout=60, interval=0.5)) == len(mondays) >= 2
        finally:
            await _cleanup(client, prefix)
