"""`duban simulate` at a tiny size: the same seed gives the same figures; a stricter ladder fires more rungs,
earlier. Speed is measured in bench/RESULTS.md, never asserted here."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from temporalio.testing import WorkflowEnvironment

from domain import transitions
from models.clock import Clock, ClockName, ClockSpec
from models.enums import HazardStatus
from models.hazard import HazardState
from models.interview import InterviewState
from simulation.actors import todays_interview_steps
from simulation.model import Model, Plan
from simulation.projection import LastStateProjection
from simulation.report import resolve_policy
from simulation.year import TIMER_GUARD, TIMER_SLACK, clear_of_timers, simulate
from tests import factories as f
from tests.test_interview_workflow import interview_start

MODEL = Model(seed=7, hazards=16, major=0.3, late=0.5, no_show=0.5, late_government=0.2)


async def test_same_seed_same_figures_and_a_stricter_ladder_climbs_sooner() -> None:
    default = resolve_policy("default")
    first = await simulate(MODEL, default)
    again = await simulate(MODEL, default, shards=2, processes=2)  # two servers in two processes: the same year
    assert first.figures() == again.figures()
    assert first.found == MODEL.hazards and first.rectified > 0 and first.reminders > 0
    assert sum(first.rungs.values()) > 0 and first.government_missed > 0

    strict = await simulate(MODEL, resolve_policy("strict"))
    assert strict.found == first.found
    assert sum(strict.rungs.values()) >= sum(first.rungs.values())
    shared = [r for r in ("circular", "interview", "raise_listing") if r in strict.rung_days and r in first.rung_days]
    assert shared and all(strict.rung_days[r] < first.rung_days[r] for r in shared)


def _waiting_on(code: str, due_at: datetime, terminal: bool = False) -> HazardState:
    """A hazard whose one clock is due at `due_at` (a progress report owed, say)."""
    reported = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    state = transitions.reported(
        HazardState(code=code, facts=f.facts(), reported_at=reported, reported_by=f.INSPECTOR, policy=f.DEFAULT_POLICY,
                    status_since=reported), f.INSPECTOR,
    ).state
    spec = ClockSpec(name=ClockName.PROGRESS, owner_code=f.USCC_A, start=reported, due_at=due_at)
    clock = Clock(spec=spec, due_at=due_at, provisional=False, reminders=())
    return state.model_copy(update={"clocks": (clock,), "status": HazardStatus.CLOSED if terminal else state.status})


async def test_the_actors_act_only_after_the_timers_due_that_morning_have_fired(env: WorkflowEnvironment) -> None:
    """A timer that fires while an Update's workflow task is with the worker strands the workflow on the
    time-skipping server; a progress report owed at 09:00:00.2 falls just after the morning's skip lands."""
    now = await env.get_current_time()
    morning = datetime(now.year, now.month, now.day, 1, 0, tzinfo=UTC) + timedelta(days=2)
    projection = LastStateProjection()
    projection.hazards = {
        "DUE": _waiting_on("DUE", morning + timedelta(milliseconds=200)),
        "LATER": _waiting_on("LATER", morning + TIMER_GUARD + timedelta(hours=1)),
        "DONE": _waiting_on("DONE", morning + timedelta(minutes=5), terminal=True),
    }
    await env.sleep(morning - await env.get_current_time())

    await clear_of_timers(env, projection, morning)

    acting = await env.get_current_time()
    assert morning + timedelta(milliseconds=200) + TIMER_SLACK <= acting < morning + timedelta(minutes=5)
    assert projection.timers_between(acting - TIMER_SLACK, morning + TIMER_GUARD) == []


def test_the_interviews_of_a_hazard_closed_today_are_left_alone() -> None:
    """A hazard closed in the morning cancels its interviews: acting on them as well would race the cancellation."""
    projection = LastStateProjection()
    today = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    projection.hazards = {"OPEN": _waiting_on("OPEN", today + timedelta(days=5)),
                          "SHUT": _waiting_on("SHUT", today + timedelta(days=5), terminal=True)}
    projection.interviews = {
        f"interview-{code}-1": InterviewState(start=interview_start(code, f"{code}-1", f"hazard-{code}"),
                                              workflow_id=f"interview-{code}-1", notice_at=today)
        for code in ("OPEN", "SHUT")
    }
    plan = Plan(index=0, code="", arrival=today.date(), county=0, major=True, city_listed=False, period_days=30,
                finish_offset=0, asks_extension=False, fails_verification=False, no_show=False, gov_delay=0)
    by_code = {code: replace(plan, code=code) for code in ("OPEN", "SHUT")}

    steps = todays_interview_steps(projection, by_code, today.date(), today)

    assert [(wid, label) for wid, _update, _command, label in steps] == [("interview-OPEN-1", "interview-schedule")]
