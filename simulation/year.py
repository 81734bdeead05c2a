"""The year, one day at a time, on time-skipping servers run side by side (shards), in one process or several.

The simulation drives each server's clock one day at a time with `env.sleep`: every morning at 09:00
Asia/Shanghai the day's new hazards are started and the enterprises and the county and city supervisors act
through Updates (a few at a time, each short); the reminders, lapses and rungs fire on their own in between.
"""

import asyncio
import contextlib
import hashlib
import multiprocessing
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from temporalio import activity
from temporalio.api.testservice.v1 import SleepRequest, UnlockTimeSkippingRequest
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from core.bytecode import compile_workflows
from core.codec import data_converter
from core.settings import Settings
from core.temporal import time_skipping_server_binary
from models.documents import RenderReceipt, RenderRequest
from models.hazard import HazardStart, workflow_id_for
from models.policy import PolicyProfile
from simulation.actors import Step, hazard_facts, todays_hazard_steps, todays_interview_steps
from simulation.metrics import Metrics, metrics_of
from simulation.model import COUNTIES, INSPECTORS, Model, Plan, plans
from simulation.projection import LastStateProjection
from workflows.hazard import HazardWorkflow
from workflows.interview import InterviewWorkflow

STUCK_SECONDS = 10.0
UPDATE_TIMEOUT = timedelta(seconds=60)  # an Update whose workflow the test server stranded (below) never returns: lost
# While the actors act the server's clock runs at wall speed. A timer that fires while an Update's workflow task
# is with the worker, and that the task cancels, strands the workflow on the time-skipping server (it refuses the
# completion, "invalid history builder state for action", and never sends the task again; the real server takes
# it). So before acting, the clock is taken past every timer due within TIMER_GUARD of the morning.
TIMER_GUARD = timedelta(minutes=10)
YEAR_END_SETTLE = timedelta(minutes=1)  # the run ends this long after 24:00 on 31 December, the lapses due then done
TIMER_SLACK = timedelta(seconds=30)  # a timer fires a workflow task's length after the instant it was planned for
RELEASED_LOCKS = [0]


def debug(line: str) -> None:
    if os.environ.get("DUBAN_SIM_DEBUG"):
        print(line, file=sys.stderr, flush=True)


@activity.defn(name="render_document")
def render_unprinted(request: RenderRequest) -> RenderReceipt:
    """The simulation's render activity: the document's SHA-256 over its model, not a PDF (a simulated year
    renders tens of thousands; their layout is not what it measures). The real one: activities/documents.py."""
    digest = hashlib.sha256(request.document.model_dump_json().encode()).hexdigest()
    return RenderReceipt(sha256=digest, html_sha256=digest, pages=1, size=0)


async def _sleep(env: WorkflowEnvironment, duration: timedelta) -> None:
    """`env.sleep` with a long RPC timeout: a day on which hundreds of timers fire takes a while to skip."""
    request = SleepRequest()
    request.duration.FromTimedelta(duration)
    sleeping = asyncio.create_task(
        env.client.test_service.unlock_time_skipping_with_sleep(request, timeout=timedelta(minutes=30))
    )
    while True:
        done, _ = await asyncio.wait({sleeping}, timeout=STUCK_SECONDS)
        if done:
            sleeping.result()
            return
        # The test server's clock can be left locked (moving at wall speed) after a burst of Updates; nothing is
        # pending then. Releasing the stray lock lets it skip again; the figures do not depend on it.
        RELEASED_LOCKS[0] += 1
        debug(f"time skipping was locked; unlocking ({RELEASED_LOCKS[0]})")
        with contextlib.suppress(Exception):
            await env.client.test_service.unlock_time_skipping(UnlockTimeSkippingRequest())


async def clear_of_timers(env: WorkflowEnvironment, projection: LastStateProjection, morning: datetime) -> None:
    """Take the clock past the timers due within TIMER_GUARD of `morning`, so none fires while the actors act."""
    for _ in range(100):
        now = await env.get_current_time()
        due = projection.timers_between(now - TIMER_SLACK, morning + TIMER_GUARD)
        if not due:
            return
        debug(f"{morning:%Y-%m-%d}: {len(due)} timer(s) due by {due[-1]:%H:%M:%S}; skipping past them")
        await _sleep(env, max(due[-1] + TIMER_SLACK - now, timedelta(seconds=1)))


async def _until_projected(projection: LastStateProjection, codes: Sequence[str], limit: float = 60.0) -> None:
    """Wait until the hazards started this morning have projected their report, so whether one is acted on the
    day it arrives does not depend on how fast the worker took its first task."""
    give_up = time.monotonic() + limit
    while time.monotonic() < give_up and any(code not in projection.hazards for code in codes):
        await asyncio.sleep(0.01)


async def _act(client: Client, step: Step, refused: Counter[str]) -> None:
    wid, update, command, label = step
    try:
        # rpc_timeout bounds each call, not the wait for the outcome that follows an accepted Update
        async with asyncio.timeout(UPDATE_TIMEOUT.total_seconds()):
            await client.get_workflow_handle(wid).execute_update(update, command, rpc_timeout=UPDATE_TIMEOUT)
    except WorkflowUpdateFailedError:
        refused[label] += 1
    except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError, TimeoutError) as error:  # the test server lost it
        refused[f"lost:{label}"] += 1
        debug(f"{wid} {label}: {error!r}")


@dataclass
class Shard:
    """One time-skipping server's share of the year: its hazards, what they projected, what the actors did."""

    number: int
    plans: list[Plan]
    projection: LastStateProjection = field(default_factory=LastStateProjection)
    refused: Counter[str] = field(default_factory=Counter)
    actions: int = 0


async def simulate(
    model: Model,
    policy: PolicyProfile,
    progress: Callable[[str], None] | None = None,
    concurrency: int = 32,
    shards: int = 1,
    processes: int = 1,
) -> Metrics:
    """Run the model's year with `policy`; the year's metrics. The hazards are dealt by number over `shards`
    fresh time-skipping servers run side by side (hazards do not interact, so the figures do not depend on it),
    and the servers over `processes` Python processes: one process runs the workflow code of its servers on
    one core. Progress from other processes goes to standard output."""
    began = time.monotonic()
    say = progress or (lambda _line: None)
    compile_workflows()
    schedule = plans(model)
    parts = [Shard(k, [p for p in schedule if p.index % shards == k]) for k in range(shards)]
    groups = [parts[k::processes] for k in range(min(processes, shards))]
    if len(groups) <= 1:
        await _run_shards(model, policy, parts, shards, say, concurrency, began)
    else:
        loop = asyncio.get_running_loop()
        with ProcessPoolExecutor(len(groups), mp_context=multiprocessing.get_context("spawn")) as pool:
            done = await asyncio.gather(*(
                loop.run_in_executor(pool, _shards_in_process, model, policy, group, shards, progress is not None, concurrency, began)
                for group in groups
            ))
        parts = [part for group in done for part in group]
    projection = LastStateProjection()
    refused: Counter[str] = Counter()
    for part in parts:
        projection.hazards.update(part.projection.hazards)
        projection.interviews.update(part.projection.interviews)
        projection.steps.update(part.projection.steps)
        projection.completed_at.update(part.projection.completed_at)
        refused.update(part.refused)
    result = metrics_of(policy.key, projection, CalendarActivities(None).calendar(), sum(p.actions for p in parts), refused)
    result.seconds = round(time.monotonic() - began, 1)
    return result


def _shards_in_process(
    model: Model, policy: PolicyProfile, parts: list[Shard], shards: int, verbose: bool, concurrency: int, began: float
) -> list[Shard]:
    """In a process of its own: run `parts` and hand them back with what they projected."""
    say: Callable[[str], None] = (lambda line: print(line, flush=True)) if verbose else (lambda _line: None)
    asyncio.run(_run_shards(model, policy, parts, shards, say, concurrency, began))
    return parts


async def _run_shards(
    model: Model, policy: PolicyProfile, parts: list[Shard], shards: int, say: Callable[[str], None], concurrency: int, began: float
) -> None:
    # One budget of Updates in flight for the process's servers: their workflow code shares one core, and Updates
    # beyond what it can run only wait there, each workflow task slower (at 8 servers of 32 each, tasks took over
    # 5 s and timers past the morning's guard fired while they ran).
    in_flight = asyncio.Semaphore(concurrency)
    await asyncio.gather(*(_run_shard(model, policy, part, shards, say, in_flight, began) for part in parts))


async def _run_shard(
    model: Model, policy: PolicyProfile, shard: Shard, shards: int, say: Callable[[str], None], in_flight: asyncio.Semaphore,
    began: float,
) -> None:
    by_code = {p.code: p for p in shard.plans}
    projection, refused = shard.projection, shard.refused
    calendar = CalendarActivities(None)
    task_queue = f"simulate-{model.seed}-{shard.number}"
    label = policy.key if shards == 1 else f"{policy.key} {shard.number + 1}/{shards}"
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(Settings()), test_server_existing_path=str(time_skipping_server_binary())
    ) as env:
        first = datetime(model.year, 1, 1, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai on 1 January
        if first <= await env.get_current_time():
            raise ValueError(f"year {model.year} has begun: the time-skipping server starts today and only goes forward")
        await env.sleep(first - await env.get_current_time())
        with ThreadPoolExecutor(max_workers=4) as executor:
            worker = Worker(
                env.client, task_queue=task_queue, workflows=[HazardWorkflow, InterviewWorkflow],
                activities=[
                    projection.project_transition, projection.project_interview, calendar.compute_deadline,
                    calendar.count_working_days, calendar.shift_deadline, calendar.plan_clock, calendar.plan_ladder,
                    render_unprinted,  # the documents' facts are simulated, their PDFs not printed
                ],
                activity_executor=executor, max_cached_workflows=2 * len(shard.plans) + 100,
                # No deadlock detector (the sandbox stays): with several servers per process a task can wait over its
                # 2 s for the core, and the detector then fails it. In the 20,000-hazard run 26 tasks failed so, one
                # of them an Update's on the server that then stalled. The worker and the tests keep the detector.
                debug_mode=True,
            )
            async with worker:
                pending = list(shard.plans)
                async def limited(step: Step) -> None:
                    async with in_flight:
                        await _act(env.client, step, refused)

                day = date(model.year, 1, 1)
                sleeping = 0.0
                while day.year == model.year:
                    await clear_of_timers(env, projection, datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC))
                    now = await env.get_current_time()
                    arrivals: list[str] = []
                    while pending and pending[0].arrival <= day:
                        plan = pending.pop(0)
                        start = HazardStart(code=plan.code, facts=hazard_facts(plan, now - timedelta(hours=1)), reporter=INSPECTORS[COUNTIES[plan.county][0].code], policy=policy)
                        await env.client.start_workflow(HazardWorkflow.run, start, id=workflow_id_for(plan.code), task_queue=task_queue)
                        arrivals.append(plan.code)
                    await _until_projected(projection, arrivals)
                    # The hazards first, then the interviews: an interview's outcome is signalled to its hazard and
                    # must not race the hazard's own step of the day, and a hazard closed today cancels its interviews.
                    hazard_steps = todays_hazard_steps(projection, by_code, day)
                    await asyncio.gather(*(limited(s) for s in hazard_steps))
                    interview_steps = todays_interview_steps(projection, by_code, day, now)
                    await asyncio.gather(*(limited(s) for s in interview_steps))
                    steps = hazard_steps + interview_steps
                    debug(f"{label} {day} acted {len(steps)}")
                    shard.actions += len(steps)
                    if day.day == 1 or day == date(model.year, 12, 31):
                        open_now = sum(1 for s in projection.hazards.values() if not s.status.terminal)
                        say(f"[{label}] {day}: {len(projection.hazards)} reported, {open_now} open, "
                            f"{shard.actions} actions, {time.monotonic() - began:.0f} s ({sleeping:.0f} s waiting on the server's timers)")
                    day += timedelta(days=1)
                    target = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)
                    if day.year != model.year:  # the year's last timers: up to 24:00 of 31 December in Asia/Shanghai,
                        target -= timedelta(hours=9) - YEAR_END_SETTLE  # with what they set off settled
                    slept = time.monotonic()
                    await _sleep(env, target - await env.get_current_time())
                    sleeping += time.monotonic() - slept

