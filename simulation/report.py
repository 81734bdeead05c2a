"""Profiles by name, the side-by-side table of the year's metrics, and the run `duban simulate` starts."""

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from core.policies import DEFAULT_POLICIES_DIR, PolicyRegistry
from models.policy import PolicyProfile, RungType
from simulation.metrics import Metrics
from simulation.model import Model
from simulation.year import simulate

BENCH_POLICIES_DIR = DEFAULT_POLICIES_DIR.parent / "bench" / "policies"


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
