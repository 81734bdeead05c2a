"""Each bench of bench/suite.py at a tiny size on one embedded stack, so the benches cannot rot. Speed is never
asserted here (it is measured by `make bench` into bench/RESULTS.md); only that every figure is produced.

The stack and its benches take minutes: `make test-long` runs them (the `long` marker), not every `make test`."""

import math
import os

import pytest

from bench import suite


@pytest.mark.long
async def test_every_bench_produces_its_figures() -> None:
    async with suite.stack() as s:
        intake = await suite.bench_intake(s, 10, concurrency=5)
        action = await suite.bench_action(s, 4)
        timers = await suite.bench_timers(s, 5, min_lead=6.0)
        scale = await suite.bench_scale(s, 10)
        replay = await suite.bench_replay(s, 3)
        imported = await suite.RUNNERS["import"](s, 6)  # a campaign's hazard list
    assert intake["hazards/s"] > 0 and intake["bare starts/s"] > 0 and intake["ratio"] > 0
    assert {"seq p99 ms", "seq bare p99 ms", "c20 p99 ms", "c20 bare p99 ms"} <= set(action)
    assert timers["fired"] == 5
    for kind in ("reminder", "rung"):  # each a lateness, in ms, within the two minutes the bench waits for them
        p50, p99 = timers[f"{kind} p50 ms"], timers[f"{kind} p99 ms"]
        assert all(isinstance(v, float) and math.isfinite(v) and v < 180_000 for v in (p50, p99)), timers
        assert p50 <= p99, timers
    assert isinstance(timers["rung projected p99 ms"], float) and math.isfinite(timers["rung projected p99 ms"])
    assert scale["server RSS MiB"] > 0 and scale["worker RSS MiB"] > 0 and scale["Temporal DB MiB"] > 0
    assert scale["SQLite dashboard ms"] > 0
    if os.environ.get("DUBAN_REQUIRE_POSTGRES") == "1":  # CI: the PostgreSQL half of the page times too
        assert scale["PostgreSQL dashboard ms"] > 0
    assert replay["histories"] == 3 and replay["bare /s"] > 0 and replay["duban 1 core /s"] > 0
    assert imported["real run rows"] == 6 and imported["dry run rows/s"] > 0 and imported["same file again rows/s"] > 0
    report = suite.report({"intake": [intake], "action": [action]}, {"intake": 10, "action": 4}, "cmd")
    assert "| hazards/s |" in report and "| seq p99 ratio |" in report


def test_the_scale_bench_measures_at_every_power_of_ten_on_the_way() -> None:
    assert suite.scale_checkpoints(10) == (10,)
    assert suite.scale_checkpoints(10_000) == (10_000,)
    assert suite.scale_checkpoints(100_000) == (10_000, 100_000)
    assert suite.scale_checkpoints(250_000) == (10_000, 100_000, 250_000)
