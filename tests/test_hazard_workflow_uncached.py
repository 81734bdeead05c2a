"""The workflow suites again, on workers that keep no workflow in cache (`max_cached_workflows=0`): every
workflow task replays the whole history first, so any non-determinism in the code shows up here."""

from collections.abc import Iterator

import pytest

from tests import test_deadline_clock, test_hazard_workflow, workflow_helpers


@pytest.fixture(autouse=True)
def uncached_workers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(workflow_helpers, "WORKER_OPTIONS", {"max_cached_workflows": 0})
    yield


# The same test functions, collected again in this module (so they run with the fixture above).
globals().update(
    {
        name: test
        for module in (test_hazard_workflow, test_deadline_clock)
        for name, test in vars(module).items()
        if name.startswith("test_") and callable(test)
    }
)


async def test_the_workers_of_this_module_keep_no_workflow_in_cache(env, task_queue: str) -> None:  # type: ignore[no-untyped-def]
    async with workflow_helpers.hazard_worker(env.client, task_queue, workflow_helpers.RecordingProjection()) as worker:
        assert worker.config()["max_cached_workflows"] == 0
