"""Running hazards are guarded against code changes: every committed history replays against today's code,
and every scenario still issues the commands its committed history recorded (or the change is patched).

See the README, "Changing a workflow safely"."""

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHistory

from audit.replay import ReplayJob, WorkflowRuns, replay_jobs, replay_report
from tests.histories.scenarios import SCENARIOS, Scenario, command_sequence, fingerprint_problem, record

HISTORIES = Path(__file__).resolve().parent / "histories"
FINGERPRINTS: dict[str, dict[str, Any]] = json.loads((HISTORIES / "fingerprints.json").read_text(encoding="utf-8"))


def committed(name: str) -> WorkflowHistory:
    return WorkflowHistory.from_json(FINGERPRINTS[name]["workflow_id"], (HISTORIES / name).read_text(encoding="utf-8"))


def test_every_committed_history_is_listed_in_the_fingerprints() -> None:
    on_disk = {str(p.relative_to(HISTORIES)) for p in HISTORIES.rglob("*.json")} - {"fingerprints.json"}
    assert on_disk == set(FINGERPRINTS)
    for scenario in SCENARIOS:
        assert f"{scenario.name}.json" in FINGERPRINTS, f"{scenario.name}: run `python tests/histories/record.py`"


async def test_every_committed_history_replays_against_todays_code() -> None:
    jobs = [
        ReplayJob(name, WorkflowRuns(entry["workflow_id"], ((HISTORIES / name).read_text(encoding="utf-8"),)))
        for name, entry in FINGERPRINTS.items()
    ]
    report = await replay_report(jobs)
    assert [(f.record_id, f.error) for f in report.failures] == [], (
        "today's workflow code does not replay a committed history: a running hazard of that version would be stuck. "
        "Gate the change with workflow.patched(...) (see the README, 'Changing a workflow safely')."
    )
    assert report.histories == len(FINGERPRINTS)


async def test_replay_over_several_processes_gives_the_same_answers() -> None:
    jobs = [
        ReplayJob(name, WorkflowRuns(entry["workflow_id"], ((HISTORIES / name).read_text(encoding="utf-8"),)))
        for name, entry in FINGERPRINTS.items()
    ]
    # A changed history too (an activity renamed in one recorded before local activities): its failure must
    # come back from its process, under its own name.
    source = next(j for j in jobs if '"project_transition"' in j.main.histories[0])
    broken = source.main.histories[0].replace('"project_transition"', '"project_something_else"', 1)
    jobs.append(ReplayJob("broken", WorkflowRuns(source.main.workflow_id, (broken,))))
    pooled = await asyncio.to_thread(replay_jobs, jobs, workers=2)
    assert pooled.workers == 2
    assert [(r.record_id, r.ok) for r in pooled.results] == [(j.record_id, j.record_id != "broken") for j in jobs]
    assert "NondeterminismError" in (pooled.results[-1].error or "")


def test_the_committed_fingerprints_match_the_committed_histories() -> None:
    for name, entry in FINGERPRINTS.items():
        assert command_sequence(committed(name)) == entry["commands"], f"{name}: re-record with tests/histories/record.py"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
async def test_each_scenario_still_issues_the_committed_commands(scenario: Scenario) -> None:
    fresh = {r.file: r.history for r in await record(scenario)}
    problem = fingerprint_problem(scenario.name, committed_commands(scenario.name), fresh)
    if problem:
        pytest.fail(problem)


def committed_commands(scenario: str) -> dict[str, list[str]]:
    return {n: e["commands"] for n, e in FINGERPRINTS.items() if e["scenario"] == scenario and e["current"]}
