"""Replaying the histories of any record (a hazard, a tour, a campaign, an interview, a circular's sign-off)
against today's workflow code: determinism and outcome.

For each record, every run of its workflow (and of its children: a hazard's interviews) is replayed with
Temporal's `Replayer` and the current `workflows.registry.WORKFLOWS`. Two things are checked:

- determinism: today's code issues the same commands the history recorded, else the first divergence;
- outcome: the state today's code reaches (the argument of the projections it makes, captured by a worker
  interceptor while replaying: `audit/outcome.py`) equals the state the read model recorded for the record.

Work is spread over processes (`ProcessPoolExecutor`, each with its own Replayer); histories travel as
Temporal JSON strings.
"""

import asyncio
import multiprocessing
import os
import re
import time
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer

from audit.histories import child_workflow_ids, workflow_histories
from audit.outcome import ProjectionCapture, Reached, compare_outcome, completed_projections
from audit.records import RECORDS
from core.codec import reader_data_converter
from models.interview import InterviewState

FETCH_CONCURRENCY = 16


# --- what is replayed, and what it answers ------------------------------------------------------------


@dataclass(frozen=True)
class WorkflowRuns:
    """One workflow's runs (Temporal JSON, first to newest) and the state the read model holds for it."""

    workflow_id: str
    histories: tuple[str, ...]
    expected_state: str | None = None  # HazardRow / InterviewRow `state_json`; None: no outcome check

    @property
    def size(self) -> int:
        return sum(len(h) for h in self.histories)


@dataclass(frozen=True)
class ReplayJob:
    """One record's workflow runs (and its children's: a hazard's interviews), replayed together."""

    record_id: str
    main: WorkflowRuns
    children: tuple[WorkflowRuns, ...] = ()
    problems: tuple[str, ...] = ()  # found before replaying (a tampered file, a missing history)
    record_kind: str = "hazard"

    @property
    def workflows(self) -> tuple[WorkflowRuns, ...]:
        return (self.main, *self.children)

    @property
    def history_count(self) -> int:
        return sum(len(w.histories) for w in self.workflows)


@dataclass(frozen=True)
class ReplayResult:
    record_id: str
    histories: int
    error: str | None = None
    record_kind: str = "hazard"

    @property
    def ok(self) -> bool:
        return self.error is None

    def failure(self) -> dict[str, Any]:
        named = {"hazard_code": self.record_id} if self.record_kind == "hazard" else {}
        return {"record_kind": self.record_kind, "record_id": self.record_id, **named, "error": self.error}


@dataclass(frozen=True)
class ReplayReport:
    results: tuple[ReplayResult, ...]
    seconds: float
    workers: int = 1

    @property
    def histories(self) -> int:
        return sum(r.histories for r in self.results)

    @property
    def failures(self) -> list[ReplayResult]:
        return [r for r in self.results if not r.ok]

    @property
    def per_second(self) -> float:
        return self.histories / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "replayed": len(self.results),
            "histories": self.histories,
            "failures": [r.failure() for r in self.failures],
            "seconds": round(self.seconds, 3),
            "per_second": round(self.per_second, 1),
            "workers": self.workers,
        }


# --- replaying ---------------------------------------------------------------------------------------


def make_replayer(workflows: Sequence[type] | None, capture: ProjectionCapture) -> Replayer:
    if workflows is None:
        from workflows.registry import WORKFLOWS  # the code the workers run today

        workflows = WORKFLOWS
    return Replayer(workflows=list(workflows), data_converter=reader_data_converter(), interceptors=[capture])


async def replay_in_process(
    jobs: Sequence[ReplayJob], workflows: Sequence[type] | None = None
) -> list[ReplayResult]:
    """Replay the jobs here, one history after another, with one Replayer."""
    capture = ProjectionCapture()
    replayer = make_replayer(workflows, capture)
    parsed: list[tuple[int, int, int, WorkflowHistory]] = []  # (job, workflow within the job, run, history)
    errors: dict[int, str] = {}
    for j, job in enumerate(jobs):
        if job.problems:  # a tampered or missing file: its content is not evidence, so it is not replayed
            errors[j] = "; ".join(job.problems)
            continue
        try:
            parsed.extend(
                (j, w, n, WorkflowHistory.from_json(runs.workflow_id, text))
                for w, runs in enumerate(job.workflows)
                for n, text in enumerate(runs.histories, start=1)
            )
        except Exception as error:  # noqa: BLE001 - an unreadable file is this hazard's failure
            errors[j] = f"history unreadable: {error}"
    parsed = [p for p in parsed if p[0] not in errors]
    reached: dict[tuple[int, int], Reached] = {}

    async def histories() -> AsyncIterator[WorkflowHistory]:
        for *_, history in parsed:
            yield history

    async with replayer.workflow_replay_iterator(histories()) as results:
        index = 0
        async for result in results:
            j, w, n, history = parsed[index]
            index += 1
            calls = capture.take(history.workflow_id, history.run_id)
            reached.setdefault((j, w), Reached()).add(calls, completed_projections(history))
            if result.replay_failure is not None and j not in errors:
                errors[j] = divergence(jobs[j].workflows[w], n, result.replay_failure)
    return [
        ReplayResult(job.record_id, job.history_count, errors.get(j) or outcome_problem(job, j, reached), job.record_kind)
        for j, job in enumerate(jobs)
    ]


def divergence(runs: WorkflowRuns, number: int, failure: Exception) -> str:
    where = f"{runs.workflow_id} run {number}" if len(runs.histories) > 1 else runs.workflow_id
    text = str(failure)
    core_message = _CORE_MESSAGE.search(text)  # Core wraps the divergence in a debug dump of the failure
    message = " ".join((core_message.group(1) if core_message else text).split())
    return f"{where}: {type(failure).__name__}: {message}"


_CORE_MESSAGE = re.compile(r'message: "(.*?)", source:', re.DOTALL)


def outcome_problem(job: ReplayJob, j: int, reached: dict[tuple[int, int], Reached]) -> str | None:
    for w, runs in enumerate(job.workflows):
        kind = RECORDS[job.record_kind].state if w == 0 else InterviewState
        if runs.expected_state is not None and kind is not None:
            problem = compare_outcome(runs.workflow_id, reached.get((j, w), Reached()), runs.expected_state, kind)
            if problem:
                return problem
    return None


def _replay_chunk(jobs: list[ReplayJob], workflows: Sequence[type] | None) -> list[ReplayResult]:
    """One process's share: its own event loop and Replayer."""
    return asyncio.run(replay_in_process(jobs, workflows))


def _balanced(jobs: Sequence[ReplayJob], parts: int) -> list[list[int]]:
    """Job indexes split into `parts` shares of about equal size, largest jobs first."""
    shares: list[list[int]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for j in sorted(range(len(jobs)), key=lambda j: -sum(w.size for w in jobs[j].workflows)):
        least = loads.index(min(loads))
        shares[least].append(j)
        loads[least] += sum(w.size for w in jobs[j].workflows) + 1
    return [s for s in shares if s]


def replay_jobs(
    jobs: Sequence[ReplayJob], *, workers: int | None = None, workflows: Sequence[type] | None = None
) -> ReplayReport:
    """Replay the jobs over `workers` processes (default: every core); 1 replays here, in this process.

    Call it where no event loop runs (a CLI, a thread); in async code use `replay_in_process`."""
    jobs = list(jobs)
    count = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    started = time.perf_counter()
    if count == 1:
        results = _replay_chunk(jobs, workflows)
    else:
        shares = _balanced(jobs, count)
        # spawn, not fork: a forked copy of a process running Temporal's core threads can deadlock.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=len(shares), mp_context=context) as pool:
            futures = [pool.submit(_replay_chunk, [jobs[j] for j in share], workflows) for share in shares]
            by_index: dict[int, ReplayResult] = {}
            for share, future in zip(shares, futures, strict=True):
                by_index.update(zip(share, future.result(), strict=True))
        results = [by_index[j] for j in range(len(jobs))]
    return ReplayReport(tuple(results), time.perf_counter() - started, count)


async def replay_report(jobs: Sequence[ReplayJob], workflows: Sequence[type] | None = None) -> ReplayReport:
    """`replay_jobs` in one process, from async code."""
    started = time.perf_counter()
    results = await replay_in_process(jobs, workflows)
    return ReplayReport(tuple(results), time.perf_counter() - started, 1)


# --- sources: the server (and the read model for the outcome) -----------------------------------------

MISSING = object()


def _row_of(engine: Engine | None, kind: str, key: str) -> object:
    """The record's row; None without a read model; MISSING when there is no row."""
    if engine is None:
        return None
    with Session(engine) as session:
        row = session.get(RECORDS[kind].row, key)
        return row if row is not None else MISSING


def _state(row: object) -> str | None:
    return getattr(row, "state_json", None) if row is not None and row is not MISSING else None


async def job_from_server(client: Client, code: str, engine: Engine | None = None, kind: str = "hazard") -> ReplayJob:
    """The record's histories (and a hazard's interviews') from the server; the read model's states if given."""
    spec = RECORDS[kind]
    row = await asyncio.to_thread(_row_of, engine, kind, code)
    workflow_id = spec.workflow_id(None if row is MISSING else row, code)
    if workflow_id is None:
        problem = "no workflow ran for it (no sign-off was needed)" if row is not MISSING else "the read model has no row for it"
        return ReplayJob(code, WorkflowRuns(f"{kind}-{code}", ()), (), (problem,), kind)
    try:
        runs = [await workflow_histories(client, workflow_id)]
        ids = [workflow_id, *(child_workflow_ids(runs[0]) if kind == "hazard" else [])]
        runs += [await workflow_histories(client, interview_id) for interview_id in ids[1:]]
    except Exception as error:  # noqa: BLE001 - a record the server no longer holds is this record's failure
        return ReplayJob(code, WorkflowRuns(workflow_id, ()), (), (f"history not available: {error}",), kind)
    children = [await asyncio.to_thread(_row_of, engine, "interview", k) for k in ids[1:]]
    keys, rows = [code, *ids[1:]], [row, *children]
    problems = tuple(f"outcome differs: the read model has no row for {k}" for k, r in zip(keys, rows, strict=True) if r is MISSING)
    workflows = [WorkflowRuns(i, tuple(h.to_json() for h in r), _state(s)) for i, r, s in zip(ids, runs, rows, strict=True)]
    return ReplayJob(code, workflows[0], tuple(workflows[1:]), problems, kind)


async def jobs_from_server(
    client: Client, codes: Sequence[str], engine: Engine | None = None, concurrency: int = FETCH_CONCURRENCY,
    kind: str = "hazard",
) -> list[ReplayJob]:
    """The jobs of the records `codes` (all of the kind `kind`)."""
    return await records_from_server(client, [(kind, code) for code in codes], engine, concurrency)


async def records_from_server(
    client: Client, records: Sequence[tuple[str, str]], engine: Engine | None = None,
    concurrency: int = FETCH_CONCURRENCY,
) -> list[ReplayJob]:
    """The jobs of the records given as (kind, id)."""
    limit = asyncio.Semaphore(concurrency)

    async def one(kind: str, code: str) -> ReplayJob:
        async with limit:
            return await job_from_server(client, code, engine, kind)

    return list(await asyncio.gather(*(one(kind, code) for kind, code in records)))


async def hazard_codes_from_query(client: Client, query: str) -> list[str]:
    """The hazards whose workflows a Temporal visibility query finds (an interview counts for its hazard)."""
    codes: dict[str, None] = {}
    async for execution in client.list_workflows(query):
        if execution.id.startswith("hazard-"):
            codes.setdefault(execution.id.removeprefix("hazard-"))
        elif execution.id.startswith("interview-"):
            codes.setdefault(execution.id.removeprefix("interview-").rsplit("-", 1)[0])
    return list(codes)
