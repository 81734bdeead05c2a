"""`duban simulate`: a city's year of hazards on the time-skipping server, with the real workflow code.

A seeded random model (arrival rate by month; shares of major hazards, of enterprises that are late, that ask
for extensions, whose verification fails, that miss an interview; of government steps taken late) decides what
each simulated actor does and when. The simulation drives the server's clock one day at a time with
`env.sleep`: every morning at 09:00 Asia/Shanghai the day's new hazards are started and the enterprises and
the county and city supervisors act through Updates (a few at a time, each short); the reminders, lapses
and rungs fire on their own in between. The projection is an in-memory stand-in that keeps each hazard's last
state: the metrics of domain.md section 10 are computed from it at year end. The same seed gives the same
figures; two profiles on the same seed give a side-by-side comparison.
"""

import asyncio
import contextlib
import multiprocessing
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from temporalio import activity
from temporalio.api.testservice.v1 import SleepRequest, UnlockTimeSkippingRequest
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from core.bytecode import compile_workflows
from core.policies import DEFAULT_POLICIES_DIR, PolicyRegistry
from core.temporal import time_skipping_server_binary
from domain import clocks, interviews
from domain.calendar import WorkCalendar
from models.actions import (
    AssessBody,
    CloseBody,
    Command,
    ListBody,
    ReportProgressBody,
    RequestExtensionBody,
    ReviewExtensionBody,
    ReviewPlanBody,
    SubmitCompletionBody,
    SubmitPlanBody,
    VerifyBody,
)
from models.actors import Actor
from models.base import china_date
from models.clock import GOVERNMENT_CLOCKS, ExtensionStatus
from models.enums import Action, HazardLevel, HazardStatus, JurisdictionLevel, Role, Source
from models.hazard import (
    HazardFacts,
    HazardStart,
    HazardState,
    JurisdictionRef,
    ProjectionItem,
    ProjectionReceipt,
    workflow_id_for,
)
from models.interview import (
    InterviewProjection,
    InterviewReceipt,
    InterviewState,
    InterviewStatus,
    RecordBody,
    ReplyBody,
    ScheduleBody,
)
from models.policy import PolicyProfile, RungType
from store.metrics import RECTIFIED, Figures
from workflows.hazard import HazardWorkflow
from workflows.interview import InterviewWorkflow

BENCH_POLICIES_DIR = DEFAULT_POLICIES_DIR.parent / "bench" / "policies"
# Seasonality of reports: inspection campaigns in spring and autumn, a lull at the Spring Festival.
DEFAULT_MONTHLY = (0.6, 0.7, 1.2, 1.2, 1.1, 1.0, 0.9, 0.9, 1.1, 1.2, 1.1, 1.0)
S = HazardStatus
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

PROVINCE = JurisdictionRef(code="370000", name="山东省", level=JurisdictionLevel.PROVINCE)
CITY = JurisdictionRef(code="371700", name="菏泽市", level=JurisdictionLevel.CITY)
COUNTIES = (
    (JurisdictionRef(code="371702", name="牡丹区", level=JurisdictionLevel.COUNTY), "91371702MA3C4G0R29", "菏泽市牡丹区示范化工有限公司", "王建国", "危险化学品"),
    (JurisdictionRef(code="371721", name="曹县", level=JurisdictionLevel.COUNTY), "91371721MA3D8J7K5L", "曹县示范木业有限公司", "李春生", "木材加工"),
)


def _actor(username: str, role: Role, where: JurisdictionRef | None = None, uscc: str | None = None) -> Actor:
    return Actor(
        user_id=f"sim-{username}", username=username, role=role, display_name=username,
        jurisdiction_code=where.code if where else None, jurisdiction_level=where.level if where else None,
        enterprise_uscc=uscc,
    )


# Two supervisors per authority: the one who verifies a major hazard never also closes it (four eyes).
SUPERVISORS: dict[str, tuple[Actor, Actor]] = {
    ref.code: (_actor(f"sim.{ref.code}.a", Role.SUPERVISOR, ref), _actor(f"sim.{ref.code}.b", Role.SUPERVISOR, ref))
    for ref in (PROVINCE, CITY, *(c[0] for c in COUNTIES))
}
INSPECTORS = {c[0].code: _actor(f"sim.{c[0].code}.inspector", Role.INSPECTOR, c[0]) for c in COUNTIES}
ENTERPRISES = {c[1]: _actor(f"sim.{c[1]}", Role.ENTERPRISE, None, c[1]) for c in COUNTIES}


@dataclass(frozen=True)
class Model:
    """The seeded random model of a city's year."""

    seed: int = 1
    hazards: int = 1000
    year: int = field(default_factory=lambda: datetime.now(UTC).year + 1)  # the test server cannot go back
    major: float = 0.15  # share of major hazards (listed); the rest are general with a deadline
    late: float = 0.2  # share of enterprises that finish after the deadline (or not within the year)
    extension: float = 0.1  # share of (listed) enterprises that ask for an extension
    failed_verification: float = 0.1  # share whose first verification fails
    no_show: float = 0.3  # share of interviewees who do not come
    late_government: float = 0.05  # share of hazards whose supervisors act after their own deadline
    monthly: tuple[float, ...] = DEFAULT_MONTHLY


@dataclass(frozen=True)
class Plan:
    """What happens to one hazard, drawn from the model before the year starts (so the seed fixes it)."""

    index: int
    code: str
    arrival: date
    county: int
    major: bool
    city_listed: bool
    period_days: int  # rectification period in calendar days from the assessment or listing
    finish_offset: int  # completion: days relative to the deadline (negative: early; None-like large: never)
    asks_extension: bool
    fails_verification: bool
    no_show: bool
    gov_delay: int  # calendar days a supervisor takes for each step


def plans(model: Model) -> list[Plan]:
    rng = random.Random(model.seed)
    months = list(range(1, 13))
    out: list[Plan] = []
    for n in range(model.hazards):
        month = rng.choices(months, weights=model.monthly)[0]
        first = date(model.year, month, 1)
        days_in = ((date(model.year + (month == 12), month % 12 + 1, 1)) - first).days
        arrival = first + timedelta(days=rng.randrange(days_in))
        major = rng.random() < model.major
        late = rng.random() < model.late
        finish = rng.randint(5, 90) if late else -rng.randint(1, 8)
        out.append(
            Plan(
                index=n,
                code=f"SIM-{model.year}-{n:06d}",
                arrival=arrival,
                county=rng.randrange(len(COUNTIES)),
                major=major,
                city_listed=rng.random() < 0.5,
                period_days=rng.choice((60, 90, 120)) if major else rng.choice((14, 21, 30)),
                finish_offset=finish,
                asks_extension=rng.random() < model.extension,
                fails_verification=rng.random() < model.failed_verification,
                no_show=rng.random() < model.no_show,
                gov_delay=rng.randint(16, 20) if rng.random() < model.late_government else rng.randint(1, 2),
            )
        )
    out.sort(key=lambda p: (p.arrival, p.index))
    return out


class LastStateProjection:
    """The read model's stand-in: each hazard's and interview's last state, and counts of system steps."""

    def __init__(self) -> None:
        self.hazards: dict[str, HazardState] = {}
        self.interviews: dict[str, InterviewState] = {}
        self.steps: Counter[str] = Counter()  # action (and reason for lapses) of every transition, counted once
        self.completed_at: dict[str, datetime] = {}  # last transition into acceptance_requested

    @activity.defn(name="project_transition")
    async def project_transition(self, item: ProjectionItem) -> ProjectionReceipt:
        code = item.state.code
        last = self.hazards.get(code)
        if last is not None and last.seq >= item.transition.seq:
            return ProjectionReceipt.of(item, False)
        self.hazards[code] = item.state
        t = item.transition
        self.steps[t.action.value] += 1
        if t.action == Action.DEADLINE_MISSED and t.reason:
            self.steps[f"missed:{t.reason.removesuffix('_deadline')}"] += 1
        if t.to_status == S.ACCEPTANCE_REQUESTED and t.from_status != S.ACCEPTANCE_REQUESTED:
            self.completed_at[code] = t.at
        return ProjectionReceipt.of(item, True)

    @activity.defn(name="project_interview")
    async def project_interview(self, item: InterviewProjection) -> InterviewReceipt:
        self.interviews[item.state.workflow_id] = item.state  # an interview projects its steps in order
        return InterviewReceipt.of(item, True)

    def timers_between(self, start: datetime, end: datetime) -> list[datetime]:
        """The instants in [start, end] at which a hazard or an interview waits on a timer, as last projected."""
        instants = [clocks.next_wake(s) for s in self.hazards.values() if not s.status.terminal]
        instants += [interviews.deadline_watched(i) for i in self.interviews.values()]
        return sorted(i for i in instants if i is not None and start <= i <= end)


# --- the actors -------------------------------------------------------------------------------------------


def _facts(plan: Plan, discovered: datetime) -> HazardFacts:
    county, uscc, name, principal, industry = COUNTIES[plan.county]
    return HazardFacts(
        title=f"模拟隐患 {plan.index}", description="模拟检查发现的事故隐患", enterprise_uscc=uscc, enterprise_name=name,
        enterprise_principal=principal, region_code=county.code, region_path=(PROVINCE, CITY, county), industry=industry,
        location="模拟工业园", source=Source.INSPECTION, discovered_at=discovered,
    )


def _plan_body(deadline: date) -> SubmitPlanBody:
    return SubmitPlanBody(objectives="消除隐患", measures="按方案整改", funds_cny=10000, responsible_person="负责人",
                          deadline=deadline, contingency_plan="应急预案")


Step = tuple[str, str, Any, str]  # (workflow id, update name, command, label)


def hazard_step(plan: Plan, state: HazardState, today: date) -> Step | None:
    """What a human does to the hazard today, if anything (one step a day)."""
    wid = workflow_id_for(plan.code)
    county = COUNTIES[plan.county][0]
    local_a, local_b = SUPERVISORS[county.code]
    authority = state.listing.authority_code if state.listing is not None else county.code
    auth_a, auth_b = SUPERVISORS[authority]
    enterprise = ENTERPRISES[state.facts.enterprise_uscc]
    waited = (today - china_date(state.status_since)).days
    status = state.status
    if status == S.REPORTED and waited >= plan.gov_delay:
        if plan.major:
            return wid, "assess", Command(actor=local_a, body=AssessBody(level=HazardLevel.MAJOR, basis="GB 30871-2022 5.1")), "assess"
        body = AssessBody(level=HazardLevel.GENERAL, rectification="deadline", deadline=today + timedelta(days=plan.period_days))
        return wid, "assess", Command(actor=INSPECTORS[county.code], body=body), "assess"
    if status == S.ASSESSED and waited >= plan.gov_delay:
        who = SUPERVISORS[CITY.code][0] if plan.city_listed else local_a
        level = "city" if plan.city_listed else "county"
        body_l = ListBody(authority_level=level, deadline=today + timedelta(days=plan.period_days))
        return wid, "list", Command(actor=who, body=body_l), "list"
    if status == S.LISTED and waited >= 3 and state.listing is not None and state.deadline is not None:
        return wid, "submit-plan", Command(actor=enterprise, body=_plan_body(china_date(state.deadline) - timedelta(days=1))), "submit-plan"
    if status == S.PLAN_SUBMITTED and waited >= plan.gov_delay:
        return wid, "review-plan", Command(actor=auth_a, body=ReviewPlanBody(decision="approve")), "review-plan"
    if status == S.RECTIFYING and state.deadline is not None:
        pending = next((e for e in state.extensions if e.status == ExtensionStatus.PENDING), None)
        if pending is not None:
            if (today - china_date(pending.requested_at)).days >= plan.gov_delay:
                body_x = ReviewExtensionBody(decision="approve", days=15, comment="同意")
                return wid, "review-extension", Command(actor=auth_a, body=body_x), "review-extension"
        elif plan.asks_extension and state.listing is not None and not state.extensions and waited >= 3:
            body_r = RequestExtensionBody(days=20, reason="设备到货延迟", late_reason="设备到货延迟")
            return wid, "request-extension", Command(actor=enterprise, body=body_r), "request-extension"
        if today >= china_date(state.deadline) + timedelta(days=plan.finish_offset):
            return wid, "submit-completion", Command(actor=enterprise, body=SubmitCompletionBody(summary="整改完毕")), "submit-completion"
        if plan.major and plan.finish_offset < 0:
            last = max([state.status_since, *(p.at for p in state.progress)])
            if (today - china_date(last)).days >= 25:
                body_p = ReportProgressBody(percent=min(90, 30 * (len(state.progress) + 1)), note="按计划推进")
                return wid, "report-progress", Command(actor=enterprise, body=body_p), "report-progress"
        return None
    if status == S.ACCEPTANCE_REQUESTED and waited >= plan.gov_delay:
        if plan.fails_verification and state.failed_verifications == 0:
            body_v = VerifyBody(decision="fail", comment="整改不到位", new_deadline=today + timedelta(days=20))
            return wid, "verify", Command(actor=local_a, body=body_v), "verify-fail"
        return wid, "verify", Command(actor=local_a, body=VerifyBody(decision="pass")), "verify"
    if status == S.VERIFIED and waited >= plan.gov_delay:
        return wid, "close", Command(actor=auth_b, body=CloseBody(comment="销号")), "close"
    return None


def interview_step(plan: Plan, interview: InterviewState, today: date, now: datetime) -> Step | None:
    start = interview.start
    conductor = SUPERVISORS.get(start.conducting_authority_code, SUPERVISORS[CITY.code])[0]
    wid = interview.workflow_id
    if interview.status == InterviewStatus.NOTICE:
        at = now + timedelta(days=2, hours=1)
        return wid, "schedule", Command(actor=conductor, body=ScheduleBody(at=at, place="应急管理局会议室")), "interview-schedule"
    if interview.status == InterviewStatus.SCHEDULED and interview.scheduled_at is not None and interview.scheduled_at <= now:
        if plan.no_show:
            return wid, "record", Command(actor=conductor, body=RecordBody(attended=False)), "interview-no-show"
        body = RecordBody(attended=True, minutes="约谈纪要", attendees=(start.interviewee,))
        return wid, "record", Command(actor=conductor, body=body), "interview-held"
    if interview.status == InterviewStatus.HELD:
        enterprise = ENTERPRISES[start.enterprise_uscc]
        return wid, "reply", Command(actor=enterprise, body=ReplyBody(text="已按要求整改")), "interview-reply"
    return None


def todays_hazard_steps(projection: LastStateProjection, by_code: dict[str, Plan], day: date) -> list[Step]:
    return [step for code, state in list(projection.hazards.items())
            if not state.status.terminal and (step := hazard_step(by_code[code], state, day)) is not None]


def todays_interview_steps(projection: LastStateProjection, by_code: dict[str, Plan], day: date, now: datetime) -> list[Step]:
    """Leaving out the interviews of hazards closed (today, perhaps): a closed hazard cancels its interviews."""
    return [
        step for i in list(projection.interviews.values())
        if i.status != InterviewStatus.CLOSED and not projection.hazards[i.start.hazard_code].status.terminal
        and (step := interview_step(by_code[i.start.hazard_code], i, day, now)) is not None
    ]


# --- the run ------------------------------------------------------------------------------------------------


@dataclass
class Metrics:
    """domain.md section 10 for the simulated year."""

    policy: str
    found: int = 0
    rectified: int = 0
    on_time: int = 0
    listed: int = 0
    listed_closed: int = 0
    closed: int = 0
    overdue_at_year_end: int = 0
    open_at_year_end: int = 0
    working_days_to_close: float | None = None
    rungs: dict[str, int] = field(default_factory=dict)
    rung_days: dict[str, float] = field(default_factory=dict)  # mean working days from the deadline to each rung
    government_missed: int = 0
    enterprise_missed: int = 0
    reminders: int = 0
    interviews: int = 0
    interview_no_shows: int = 0
    actions: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rates(self) -> Figures:
        """The dashboard's own figures, so 整改率, 按期整改率 and 销号率 are defined once (store.metrics)."""
        return Figures(
            found=self.found, rectified=self.rectified, on_time=self.on_time, listed=self.listed,
            closed_listed=self.listed_closed,
        )

    @property
    def rectification_rate(self) -> float | None:
        return self.rates.rectification_rate

    @property
    def on_time_rate(self) -> float | None:
        return self.rates.on_time_rate

    @property
    def close_rate(self) -> float | None:
        return self.rates.closure_rate

    def figures(self) -> dict[str, Any]:
        """Every figure that must be the same for the same seed (not the run time)."""
        return {
            "found": self.found, "rectified": self.rectified, "on_time": self.on_time, "listed": self.listed,
            "listed_closed": self.listed_closed, "closed": self.closed, "overdue_at_year_end": self.overdue_at_year_end,
            "open_at_year_end": self.open_at_year_end, "working_days_to_close": self.working_days_to_close,
            "rungs": dict(sorted(self.rungs.items())), "rung_days": dict(sorted(self.rung_days.items())),
            "government_missed": self.government_missed, "enterprise_missed": self.enterprise_missed,
            "reminders": self.reminders, "interviews": self.interviews, "interview_no_shows": self.interview_no_shows,
            "actions": self.actions, "refused": dict(sorted(self.refused.items())),
        }


def metrics_of(policy: str, projection: LastStateProjection, calendar: WorkCalendar, actions: int, refused: Counter[str]) -> Metrics:
    m = Metrics(policy=policy, actions=actions, refused=dict(refused))
    close_days: list[int] = []
    rung_days: dict[str, list[int]] = {}
    rungs: Counter[str] = Counter()
    for code, state in projection.hazards.items():
        if state.status == S.VOIDED:
            continue
        m.found += 1
        if state.listing is not None:
            m.listed += 1
        if state.status.value in RECTIFIED:
            m.rectified += 1
            done = projection.completed_at.get(code)
            if state.deadline is None or (done is not None and done <= state.deadline):
                m.on_time += 1
        if state.status == S.CLOSED:
            m.closed += 1
            m.listed_closed += state.listing is not None
            if state.closed_at is not None:
                close_days.append(calendar.working_days_between(china_date(state.reported_at), china_date(state.closed_at)))
        else:
            m.open_at_year_end += 1
            m.overdue_at_year_end += state.overdue
        for fired in state.fired:
            rungs[fired.rung.value] += 1
        if state.ladder_deadline is not None:
            for fired in state.fired:
                days = calendar.working_days_between(china_date(state.ladder_deadline), china_date(fired.at))
                rung_days.setdefault(fired.rung.value, []).append(days)
    m.rungs = {r.value: rungs.get(r.value, 0) for r in RungType}
    m.working_days_to_close = round(sum(close_days) / len(close_days), 2) if close_days else None
    m.rung_days = {r: round(sum(d) / len(d), 2) for r, d in rung_days.items()}
    government = {c.value for c in GOVERNMENT_CLOCKS}
    for key, count in projection.steps.items():
        if key.startswith("missed:"):
            if key.removeprefix("missed:") in government:
                m.government_missed += count
            else:
                m.enterprise_missed += count
    m.reminders = projection.steps.get(Action.REMINDER.value, 0)
    m.interviews = len(projection.interviews)
    m.interview_no_shows = sum(1 for i in projection.interviews.values() if i.outcome is not None and i.outcome.value == "no_show")
    return m


def debug(line: str) -> None:
    if os.environ.get("DUBAN_SIM_DEBUG"):
        print(line, file=sys.stderr, flush=True)


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
        data_converter=pydantic_data_converter, test_server_existing_path=str(time_skipping_server_binary())
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
                        start = HazardStart(code=plan.code, facts=_facts(plan, now - timedelta(hours=1)), reporter=INSPECTORS[COUNTIES[plan.county][0].code], policy=policy)
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


# --- profiles and the report ---------------------------------------------------------------------------------


def resolve_policy(spec: str, directories: Sequence[Path] = (DEFAULT_POLICIES_DIR, BENCH_POLICIES_DIR)) -> PolicyProfile:
    """NAME or NAME@VERSION, looked up in the policy folders in order."""
    name, _, version = spec.partition("@")
    for directory in directories:
        if not directory.is_dir() or not any(directory.glob("*.toml")):
            continue
        registry = PolicyRegistry(directory)
        if name in registry.names():
            return registry.get(name, int(version)) if version else registry.latest(name)
    raise KeyError(f"no policy profile {spec!r} in {', '.join(str(d) for d in directories)}")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def table(results: Sequence[Metrics]) -> str:
    """The year's metrics, one column per profile."""
    rows: list[tuple[str, list[str]]] = [
        ("found 发现", [str(m.found) for m in results]),
        ("rectified 已整改", [str(m.rectified) for m in results]),
        ("整改率", [_pct(m.rectification_rate) for m in results]),
        ("按期整改率", [_pct(m.on_time_rate) for m in results]),
        ("listed 挂牌", [str(m.listed) for m in results]),
        ("销号率", [_pct(m.close_rate) for m in results]),
        ("overdue at year end 年末逾期", [str(m.overdue_at_year_end) for m in results]),
        ("open at year end 年末未销号", [str(m.open_at_year_end) for m in results]),
        ("avg working days to close", [str(m.working_days_to_close) for m in results]),
        *((f"rung {rung.value} (avg working days after the deadline)",
           [f"{m.rungs.get(rung.value, 0)} ({m.rung_days.get(rung.value, '-')})" for m in results]) for rung in RungType),
        ("government-side deadlines missed", [str(m.government_missed) for m in results]),
        ("enterprise-side deadlines missed", [str(m.enterprise_missed) for m in results]),
        ("reminders", [str(m.reminders) for m in results]),
        ("interviews (no-shows)", [f"{m.interviews} ({m.interview_no_shows})" for m in results]),
        ("human actions (refused)", [f"{m.actions} ({sum(m.refused.values())})" for m in results]),
        ("run time s", [f"{m.seconds}" for m in results]),
    ]
    header = ["metric", *(m.policy for m in results)]
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * len(results)]
    lines += ["| " + " | ".join([name, *values]) + " |" for name, values in rows]
    return "\n".join(lines)


async def run(
    model: Model, policies: Sequence[PolicyProfile], out: TextIO = sys.stdout, concurrency: int = 32, shards: int = 1,
    processes: int = 1,
) -> list[Metrics]:
    results = []
    for policy in policies:
        print(f"simulating {model.hazards} hazards of {model.year} with {policy.key} (seed {model.seed}, "
              f"{shards} server(s), {min(processes, shards)} process(es))", file=out, flush=True)
        say = lambda line: print(line, file=out, flush=True)  # noqa: E731
        results.append(await simulate(model, policy, progress=say, concurrency=concurrency, shards=shards, processes=processes))
    print(table(results), file=out, flush=True)
    return results
