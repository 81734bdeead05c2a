"""Bench 5, replay: `duban audit replay` (audit.replay), on one core and on every core, vs the SDK's bare
Replayer on the same histories."""

import asyncio
import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from temporalio.worker import Replayer

from audit.histories import hazard_histories
from audit.replay import ReplayJob, WorkflowRuns, replay_jobs
from bench.stack import Stack
from core.codec import reader_data_converter
from models.hazard import workflow_id_for
from workflows.registry import WORKFLOWS

# --- 5. replay ----------------------------------------------------------------------------------------------------


async def bench_replay(s: Stack, n: int) -> dict[str, float]:
    """Histories of `n` hazards that have lived a little (reported, assessed, one reminder and a rung at most)."""
    from tests import factories

    codes = []
    for i in range(n):
        code = f"RP-{i:06d}-{uuid.uuid4().hex[:6]}"
        await s.client.start_workflow("HazardWorkflow", factories.start(code), id=workflow_id_for(code), task_queue=s.task_queue)
        codes.append(code)
    histories = []
    for code in codes:
        for _ in range(100):
            runs = await hazard_histories(s.client, code)
            if runs and any(e.HasField("timer_started_event_attributes") for e in runs[0].events):
                histories.append(runs[0])
                break
            await asyncio.sleep(0.05)
    jobs = [ReplayJob(h.workflow_id, WorkflowRuns(h.workflow_id, (json.dumps(h.to_json_dict()),))) for h in histories]
    replayer = Replayer(workflows=WORKFLOWS, data_converter=reader_data_converter())
    t0 = time.perf_counter()

    async def each() -> AsyncIterator[Any]:
        for history in histories:
            yield history

    async with replayer.workflow_replay_iterator(each()) as results:
        async for result in results:
            assert result.replay_failure is None, result.replay_failure
    bare = len(histories) / (time.perf_counter() - t0)
    one = await asyncio.to_thread(replay_jobs, jobs, workers=1)
    every = await asyncio.to_thread(replay_jobs, jobs, workers=os.cpu_count())
    assert all(r.error is None for r in one.results), [r.error for r in one.results if r.error][:3]
    one_rate = len(histories) / one.seconds
    every_rate = len(histories) / every.seconds
    return {"histories": float(len(histories)), "bare /s": bare, "duban 1 core /s": one_rate, "ratio 1 core": one_rate / bare,
            f"duban {every.workers} procs /s": every_rate}
