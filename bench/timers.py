"""Bench 3, timer precision: hazards whose deadlines fall in the same second, on a worker of this process with
a compressed calendar (`ShortCalendar`) and the real projection noting when each timer ran (`TimerLog`)."""

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from temporalio import activity
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from activities.documents import DocumentActivities
from activities.projection import ProjectionActivities
from bench.stack import ROOT, Stack, pool, quantile
from core.db import make_engine
from core.policies import PolicyRegistry
from models.actions import AssessBody, Command
from models.base import china_date
from models.calendar import Deadline, DeadlineRequest, ShiftRequest, WorkingDaysRequest
from models.clock import ClockPlan, ClockRequest, LadderRequest
from models.enums import Action, HazardLevel
from models.hazard import HazardStart, ProjectionItem, ProjectionReceipt, workflow_id_for
from models.interview import InterviewProjection, InterviewReceipt
from workflows.registry import WORKFLOWS

BENCH_POLICIES = ROOT / "bench" / "policies"


# --- 3. timer precision ------------------------------------------------------------------------------------------


class ShortCalendar:
    """The calendar activities, with the bench's short clock: every rectification deadline is the same instant
    `at` (the instant the bench chose), its reminder `reminder_seconds` before, and a ladder's working day
    `rung_seconds` long. The workflow code waiting on them is the real one."""

    def __init__(self, at: datetime, reminder_seconds: float = 3, rung_seconds: float = 2) -> None:
        self.at = at
        self.reminder = timedelta(seconds=reminder_seconds)
        self.rung = timedelta(seconds=rung_seconds)
        self.real = CalendarActivities(None)

    @activity.defn(name="plan_clock")
    def plan_clock(self, request: ClockRequest) -> ClockPlan:
        if request.due_at is not None:
            return ClockPlan(due_at=self.at, provisional=False, reminders=(self.at - self.reminder,))
        return ClockPlan(due_at=request.start + timedelta(days=30), provisional=False, reminders=())

    @activity.defn(name="plan_ladder")
    def plan_ladder(self, request: LadderRequest) -> tuple[datetime, ...]:
        return tuple(self.at + k * self.rung for k in request.offsets)

    @activity.defn(name="compute_deadline")
    def compute_deadline(self, request: DeadlineRequest) -> Deadline:
        return self.real.compute_deadline(request)

    @activity.defn(name="count_working_days")
    def count_working_days(self, request: WorkingDaysRequest) -> int:
        return self.real.count_working_days(request)

    @activity.defn(name="shift_deadline")
    def shift_deadline(self, request: ShiftRequest) -> Deadline:
        return self.real.shift_deadline(request)


class TimerLog:
    """The real projection (into the stack's read model), noting when each hazard's first reminder and first
    rung ran (workflow time) and when the rung was written (wall time)."""

    def __init__(self, engine: Any) -> None:
        self.real = ProjectionActivities(engine)
        self.reminder: dict[str, datetime] = {}
        self.rung: dict[str, datetime] = {}
        self.wall_rung: dict[str, float] = {}

    @activity.defn(name="project_transition")
    def project_transition(self, item: ProjectionItem) -> ProjectionReceipt:
        receipt = self.real.project_transition(item)
        t, code = item.transition, item.state.code
        if t.action == Action.REMINDER and code not in self.reminder:
            self.reminder[code] = t.at
        if t.action == Action.RUNG and code not in self.rung:
            self.rung[code] = t.at
            self.wall_rung[code] = time.time()
        return receipt

    @activity.defn(name="project_interview")
    def project_interview(self, item: InterviewProjection) -> InterviewReceipt:
        return InterviewReceipt.of(item, True)


async def bench_timers(s: Stack, n: int, min_lead: float = 20.0) -> dict[str, float]:
    from tests import factories

    profile = PolicyRegistry(BENCH_POLICIES).latest("bench")
    lead = timedelta(seconds=max(min_lead, n / 4))  # time to start and assess them all before the deadline
    at = (datetime.now().astimezone() + lead).replace(microsecond=0)
    engine = make_engine(s.settings.sqlalchemy_url)
    calendar, log = ShortCalendar(at), TimerLog(engine)
    queue = f"{s.task_queue}-timers"
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = Worker(
            s.client, task_queue=queue, workflows=WORKFLOWS, activity_executor=executor, max_cached_workflows=n + 100,
            max_concurrent_workflow_tasks=s.settings.worker_max_concurrent_workflow_tasks,
            max_concurrent_local_activities=s.settings.worker_max_concurrent_workflow_tasks,
            activities=[log.project_transition, log.project_interview, calendar.plan_clock, calendar.plan_ladder,
                        calendar.compute_deadline, calendar.count_working_days, calendar.shift_deadline,
                        DocumentActivities(None).render_document],  # each rung renders its letter
        )
        async with worker:
            codes = [f"TM-{uuid.uuid4().hex[:10]}" for _ in range(n)]

            async def start(i: int) -> None:
                code = codes[i]
                handle = await s.client.start_workflow(
                    "HazardWorkflow", HazardStart(code=code, facts=factories.facts(), reporter=factories.INSPECTOR, policy=profile),
                    id=workflow_id_for(code), task_queue=queue,
                )
                deadline = china_date(datetime.now().astimezone()) + timedelta(days=7)
                body = AssessBody(level=HazardLevel.GENERAL, rectification="deadline", deadline=deadline)
                await handle.execute_update("assess", Command(actor=factories.INSPECTOR, body=body))

            await pool(n, 20, start)
            if datetime.now().astimezone() >= at - calendar.reminder:
                raise RuntimeError("the hazards were not all set before their reminder: raise the lead")
            until = time.monotonic() + lead.total_seconds() + 120
            while (len(log.rung) < n or len(log.reminder) < n) and time.monotonic() < until:
                await asyncio.sleep(0.2)
            for code in codes:  # leave nothing waiting
                await s.client.get_workflow_handle(workflow_id_for(code)).terminate("bench done")
    engine.dispose()
    reminder_late = [(log.reminder[c] - (at - calendar.reminder)).total_seconds() * 1000 for c in codes if c in log.reminder]
    rung_late = [(log.rung[c] - at).total_seconds() * 1000 for c in codes if c in log.rung]
    wall_late = [(log.wall_rung[c] - at.timestamp()) * 1000 for c in codes if c in log.wall_rung]
    assert reminder_late and rung_late, "no timer fired"
    return {
        "fired": min(len(reminder_late), len(rung_late)),
        "reminder p50 ms": quantile(reminder_late, 0.5), "reminder p99 ms": quantile(reminder_late, 0.99),
        "rung p50 ms": quantile(rung_late, 0.5), "rung p99 ms": quantile(rung_late, 0.99),
        "rung projected p99 ms": quantile(wall_late, 0.99),
    }
