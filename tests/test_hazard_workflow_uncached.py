"""The workflow suites again, on workers that keep no workflow in cache (`max_cached_workflows=0`): every
workflow task replays the whole history first, so any non-determinism in the code shows up here.

`make test` re-runs the representative part: one test for each way the workflow code moves (the full major
lifecycle with its verification loop, the general hazard's deadline, the overdue timer, each ladder, an extension
and a pause moving a waiting timer, a verification clock, the interview child, continue-as-new, a cancelled
child). The rest add no workflow path of their own to replay: a refused update leaves no event in the history
(the validators' tests), a branch the lifecycle test already replays (void, the on-the-spot fix), or no workflow at
all (the calendar check). They re-run here under `make test-long` (the `long` marker)."""

import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests import test_deadline_clock, test_hazard_workflow, workflow_helpers

REPRESENTATIVE = {
    "test_major_hazard_runs_from_report_through_a_failed_verification_to_close_out",
    "test_general_hazard_with_a_deadline_is_ordered_to_rectify_without_listing",
    "test_rectification_deadline_passing_marks_the_hazard_overdue_without_changing_its_state",
    "test_a_listed_hazard_left_alone_climbs_every_rung_on_its_working_day",
    "test_nothing_fires_for_the_enterprise_after_acceptance_is_requested",
    "test_an_extension_approved_while_the_timer_waits_moves_the_deadline",
    "test_a_pause_across_a_holiday_adds_only_the_working_days_paused",
    "test_a_verification_deadline_missed_by_the_county_is_escalated_to_the_city",
    "test_a_general_hazard_with_a_deadline_climbs_its_own_shorter_ladder",
    "test_a_no_show_at_the_interview_raises_the_hazards_rung",
    "test_a_year_of_monthly_reports_continues_as_new_and_carries_the_state",
    "test_voiding_a_hazard_cancels_its_open_interview",
}


@pytest.fixture(autouse=True)
def uncached_workers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(workflow_helpers, "WORKER_OPTIONS", {"max_cached_workflows": 0})
    yield


def collected_again(name: str, test: Callable[..., Any]) -> Callable[..., Any]:
    """`test` as a function of this module (so it runs with the fixture above); a copy, so that marking it `long`
    leaves the original in its own module unmarked."""
    assert isinstance(test, types.FunctionType)
    copy = types.FunctionType(test.__code__, test.__globals__, name, test.__defaults__, test.__closure__)
    copy.__dict__.update(test.__dict__)
    copy.__kwdefaults__, copy.__annotations__, copy.__doc__ = test.__kwdefaults__, test.__annotations__, test.__doc__
    return copy if name in REPRESENTATIVE else pytest.mark.long(copy)


SUITES = {
    name: test
    for module in (test_hazard_workflow, test_deadline_clock)
    for name, test in vars(module).items()
    if name.startswith("test_") and callable(test)
}
assert set(SUITES) >= REPRESENTATIVE, REPRESENTATIVE - set(SUITES)
globals().update({name: collected_again(name, test) for name, test in SUITES.items()})


async def test_the_workers_of_this_module_keep_no_workflow_in_cache(env, task_queue: str) -> None:  # type: ignore[no-untyped-def]
    async with workflow_helpers.hazard_worker(env.client, task_queue, workflow_helpers.RecordingProjection()) as worker:
        assert worker.config()["max_cached_workflows"] == 0
