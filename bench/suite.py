"""The bench suite (issue 6): intake, a human action's round trip, timer precision, scale and replay, each against
a bare ceiling measured in the same run on the same embedded Temporal dev server.

    .venv/bin/python bench/suite.py [--runs 3] [--intake 2000] [--action 200] [--timers 1000] [--scale 10000]
                                    [--replay 2000] [--workers 1] [--cache 1000] [--only intake,action,...] [--write]

Every figure is the median of `--runs` runs with min and max. Sizes also come from the environment
(`DUBAN_BENCH_INTAKE`, ...), so `make bench` and the CI smoke run (tiny sizes) share this file. With `--write`
the tables replace the "Suite" section of bench/RESULTS.md (the other sections are kept).
"""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Replayer, Worker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from activities.calendar import CalendarActivities  # noqa: E402
from activities.projection import ProjectionActivities  # noqa: E402
from api.main import prepare_database  # noqa: E402
from audit.histories import hazard_histories  # noqa: E402
from audit.replay import HazardReplayJob, WorkflowRuns, replay_jobs  # noqa: E402
from bench.ui_pages import DEFAULT_POSTGRES, drop_schema, page_times, postgres_schema  # noqa: E402
from core.codec import data_converter, reader_data_converter  # noqa: E402
from core.db import make_engine, migrate  # noqa: E402
from core.logging import configure_logging  # noqa: E402
from core.policies import PolicyRegistry  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.temporal import temporal_cli  # noqa: E402
from models.actions import AssessBody, Command  # noqa: E402
from models.base import china_date  # noqa: E402
from models.calendar import Deadline, DeadlineRequest, ShiftRequest, WorkingDaysRequest  # noqa: E402
from models.clock import ClockPlan, ClockRequest, LadderRequest  # noqa: E402
from models.enums import Action, HazardLevel  # noqa: E402
from models.hazard import HazardStart, ProjectionItem, ProjectionReceipt, workflow_id_for  # noqa: E402
from models.interview import InterviewProjection, InterviewReceipt  # noqa: E402
from workflows.registry import WORKFLOWS  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Suite (make bench)"
BENCH_POLICIES = ROOT / "bench" / "policies"
DEMO_PASSWORD = "duban-demo"
BENCHES = ("intake", "action", "timers", "scale", "replay")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(f"DUBAN_BENCH_{name.upper()}", default))


# --- the bare ceilings' workflow ------------------------------------------------------------------------------


@workflow.defn(sandboxed=False)
class Trivial:
    """Starts, takes Updates that return at once, ends when told."""

    def __init__(self) -> None:
        self._done = False
        self._n = 0

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self._done)
        return self._n

    @workflow.update
    async def touch(self) -> int:
        self._n += 1
        return self._n

    @workflow.signal
    def finish(self) -> None:
        self._done = True


# --- the stack: an embedded dev server, the app under uvicorn, a worker --------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class DevServer:
    address: str
    process: subprocess.Popen[bytes]
    db: Path

    def db_mib(self) -> float:
        return sum(p.stat().st_size for p in self.db.parent.glob(self.db.name + "*")) / 2**20


@contextmanager
def dev_server(directory: Path) -> Iterator[DevServer]:
    port = free_port()
    db = directory / "temporal.db"
    args = [
        str(temporal_cli()), "server", "start-dev", "--db-filename", str(db), "--port", str(port),
        "--ui-port", str(free_port()), "--http-port", str(free_port()), "--metrics-port", str(free_port()),
        "--headless", "--sqlite-pragma", "journal_mode=wal", "--log-level", "error",
        "--dynamic-config-value", "frontend.enableUpdateWorkflowExecution=true",
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield DevServer(f"127.0.0.1:{port}", process, db)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


async def connect(address: str) -> Client:
    for _ in range(300):
        try:
            return await Client.connect(address, data_converter=data_converter(Settings()))
        except Exception:  # noqa: BLE001 - not up yet
            await asyncio.sleep(0.1)
    raise RuntimeError(f"no Temporal server at {address}")


@dataclass
class Stack:
    """The production shape on one machine, as `make run` starts it: the dev server, worker process(es) and the
    API (uvicorn) in processes of their own; the bench drives them from this process over HTTP and gRPC."""

    server: DevServer
    client: Client
    settings: Settings
    base_url: str
    task_queue: str
    directory: Path
    workers: list[subprocess.Popen[bytes]]
    api: subprocess.Popen[bytes]

    def worker_rss_mib(self) -> float:
        return sum(rss_mib(w.pid) for w in self.workers)


def _child(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def _wait_for_http(url: str, api: subprocess.Popen[bytes], log: Path) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            if api.poll() is not None:
                raise RuntimeError(f"the API stopped: {log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the API did not start: {log}")


@asynccontextmanager
async def stack(cache: int = 1000, workers: int = 1, database_url: str | None = None) -> AsyncIterator[Stack]:
    """A fresh dev server, read model (SQLite, or `database_url`), `workers` worker processes and the API."""
    with tempfile.TemporaryDirectory(prefix="duban-bench-") as tmp:
        directory = Path(tmp)
        with dev_server(directory) as server:
            client = await connect(server.address)
            task_queue = f"bench-{uuid.uuid4().hex[:8]}"
            port = free_port()
            env = {
                **os.environ, "DUBAN_DATA_DIR": str(directory / "data"), "DUBAN_TEMPORAL_ADDRESS": server.address,
                "DUBAN_TEMPORAL_TASK_QUEUE": task_queue, "DUBAN_LOG_LEVEL": "WARNING",
                "DUBAN_WORKER_MAX_CACHED_WORKFLOWS": str(cache), "DUBAN_HTTP_PORT": str(port),
                **({"DUBAN_DATABASE_URL": database_url} if database_url else {}),
            }
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None, data_dir=directory / "data", temporal_address=server.address, temporal_task_queue=task_queue,
                database_url=database_url, log_json=False, log_level="WARNING",
            )
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            prepare_database(settings)
            logs = directory / "logs"
            logs.mkdir()
            children = [_child([sys.executable, "worker.py"], env, logs / f"worker-{n}.log") for n in range(workers)]
            api = _child([sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory", "--host", "127.0.0.1",
                          "--port", str(port), "--no-access-log", "--log-level", "warning"], env, logs / "api.log")
            children.append(api)
            try:
                base_url = f"http://127.0.0.1:{port}"
                await _wait_for_http(f"{base_url}/healthz", api, logs / "api.log")
                async with Worker(client, task_queue=f"{task_queue}-bare", workflows=[Trivial]):
                    yield Stack(server, client, settings, base_url, task_queue, directory, children[:-1], api)
            finally:
                for child in reversed(children):
                    _stop(child)


async def token(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    reply = await http.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    reply.raise_for_status()
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def hazard_body(n: int) -> dict[str, Any]:
    return {
        "title": f"压测隐患 {n}", "description": "压测", "enterprise_uscc": "91371702MA3C4G0R29", "region_code": "371702",
        "industry": "危险化学品", "location": "工业园 1 号", "source": "inspection",
        "discovered_at": china_date(datetime.now().astimezone()).isoformat(),
    }


async def pool(n: int, concurrency: int, one: Callable[[int], Awaitable[None]]) -> None:
    """Run one(0..n-1) with `concurrency` clients, each taking the next number."""
    counter = iter(range(n))

    async def client() -> None:
        for i in counter:
            await one(i)

    await asyncio.gather(*(client() for _ in range(concurrency)))


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- 1. intake -------------------------------------------------------------------------------------------------


async def bench_intake(s: Stack, n: int, concurrency: int = 50) -> dict[str, float]:
    from sqlalchemy import text

    engine = make_engine(s.settings.sqlalchemy_url)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM hazard")).scalar_one()
    async with httpx.AsyncClient(base_url=s.base_url, timeout=120, limits=httpx.Limits(max_connections=concurrency)) as http:
        headers = await token(http, "inspector")
        began = time.perf_counter()

        async def post(i: int) -> None:
            reply = await http.post("/api/v1/hazards", json=hazard_body(i), headers=headers)
            assert reply.status_code in (201, 202), reply.text

        await pool(n, concurrency, post)
        while True:  # counted when every row is visible in the read model
            with engine.connect() as conn:
                if conn.execute(text("SELECT count(*) FROM hazard")).scalar_one() - before >= n:
                    break
            await asyncio.sleep(0.02)
        api_rate = n / (time.perf_counter() - began)
    engine.dispose()
    began = time.perf_counter()
    ids: list[str] = []

    async def start(i: int) -> None:
        wid = f"trivial-{uuid.uuid4().hex}"
        await s.client.start_workflow(Trivial.run, id=wid, task_queue=f"{s.task_queue}-bare")
        ids.append(wid)

    await pool(n, concurrency, start)
    bare_rate = n / (time.perf_counter() - began)
    for wid in ids:
        await s.client.get_workflow_handle(wid).signal(Trivial.finish)
    return {"hazards/s": api_rate, "bare starts/s": bare_rate, "ratio": api_rate / bare_rate}


# --- 2. a human action's round trip ------------------------------------------------------------------------------


async def bench_action(s: Stack, n: int) -> dict[str, float]:
    out: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=s.base_url, timeout=120) as http:
        inspector = await token(http, "inspector")
        codes: list[str] = []

        async def report(i: int) -> None:
            reply = await http.post("/api/v1/hazards", json=hazard_body(i), headers=inspector)
            assert reply.status_code == 201, reply.text
            codes.append(reply.json()["code"])

        await pool(2 * n, 20, report)
        body = {"level": "general", "rectification": "immediate"}
        for concurrency, batch in ((1, codes[:n]), (20, codes[n:])):
            latencies: list[float] = []

            async def act(i: int, batch: list[str] = batch, latencies: list[float] = latencies) -> None:
                began = time.perf_counter()
                reply = await http.post(f"/api/v1/hazards/{batch[i]}/actions/assess", json=body, headers=inspector)
                assert reply.status_code == 200 and reply.json()["status"] == "acceptance_requested", reply.text
                latencies.append((time.perf_counter() - began) * 1000)

            await pool(len(batch), concurrency, act)
            bare: list[float] = []
            handles = [await s.client.start_workflow(Trivial.run, id=f"bare-{uuid.uuid4().hex}", task_queue=f"{s.task_queue}-bare")
                       for _ in range(concurrency)]

            async def touch(i: int, bare: list[float] = bare, handles: list[Any] = handles) -> None:
                began = time.perf_counter()
                await handles[i % len(handles)].execute_update(Trivial.touch)
                bare.append((time.perf_counter() - began) * 1000)

            await pool(len(batch), concurrency, touch)
            for handle in handles:
                await handle.signal(Trivial.finish)
            key = "seq" if concurrency == 1 else "c20"
            out[f"{key} p50 ms"] = quantile(latencies, 0.5)
            out[f"{key} p99 ms"] = quantile(latencies, 0.99)
            out[f"{key} bare p50 ms"] = quantile(bare, 0.5)
            out[f"{key} bare p99 ms"] = quantile(bare, 0.99)
            out[f"{key} p99 ratio"] = out[f"{key} p99 ms"] / out[f"{key} bare p99 ms"]
    return out


# --- 3. timer precision ------------------------------------------------------------------------------------------


class ShortCalendar:
    """The calendar activities, with the bench's short clock: every rectification deadline is the same instant
    `at` (the instant the bench chose), its reminder `reminder_seconds` before, and a ladder's working day
    `rung_seconds` long. The workflow code waiting on them is the real one."""

    def __init__(self, at: datetime, reminder_seconds: float = 3, rung_seconds: float = 2) -> None:
        self.at = at
        self.reminder = timedelta(seconds=reminder_seconds)
        self.rung = timedelta(seconds=rung_seconds)
        self.real = CalendarActivities(None)

    @activity.defn(name="plan_clock")
    def plan_clock(self, request: ClockRequest) -> ClockPlan:
        if request.due_at is not None:
            return ClockPlan(due_at=self.at, provisional=False, reminders=(self.at - self.reminder,))
        return ClockPlan(due_at=request.start + timedelta(days=30), provisional=False, reminders=())

    @activity.defn(name="plan_ladder")
    def plan_ladder(self, request: LadderRequest) -> tuple[datetime, ...]:
        return tuple(self.at + k * self.rung for k in request.offsets)

    @activity.defn(name="compute_deadline")
    def compute_deadline(self, request: DeadlineRequest) -> Deadline:
        return self.real.compute_deadline(request)

    @activity.defn(name="count_working_days")
    def count_working_days(self, request: WorkingDaysRequest) -> int:
        return self.real.count_working_days(request)

    @activity.defn(name="shift_deadline")
    def shift_deadline(self, request: ShiftRequest) -> Deadline:
        return self.real.shift_deadline(request)


class TimerLog:
    """The real projection (into the stack's read model), noting when each hazard's first reminder and first
    rung ran (workflow time) and when the rung was written (wall time)."""

    def __init__(self, engine: Any) -> None:
        self.real = ProjectionActivities(engine)
        self.reminder: dict[str, datetime] = {}
        self.rung: dict[str, datetime] = {}
        self.wall_rung: dict[str, float] = {}

    @activity.defn(name="project_transition")
    def project_transition(self, item: ProjectionItem) -> ProjectionReceipt:
        receipt = self.real.project_transition(item)
        t, code = item.transition, item.state.code
        if t.action == Action.REMINDER and code not in self.reminder:
            self.reminder[code] = t.at
        if t.action == Action.RUNG and code not in self.rung:
            self.rung[code] = t.at
            self.wall_rung[code] = time.time()
        return receipt

    @activity.defn(name="project_interview")
    def project_interview(self, item: InterviewProjection) -> InterviewReceipt:
        return InterviewReceipt.of(item, True)


async def bench_timers(s: Stack, n: int, min_lead: float = 20.0) -> dict[str, float]:
    from tests import factories

    profile = PolicyRegistry(BENCH_POLICIES).latest("bench")
    lead = timedelta(seconds=max(min_lead, n / 4))  # time to start and assess them all before the deadline
    at = (datetime.now().astimezone() + lead).replace(microsecond=0)
    engine = make_engine(s.settings.sqlalchemy_url)
    calendar, log = ShortCalendar(at), TimerLog(engine)
    queue = f"{s.task_queue}-timers"
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = Worker(
            s.client, task_queue=queue, workflows=WORKFLOWS, activity_executor=executor, max_cached_workflows=n + 100,
            max_concurrent_workflow_tasks=s.settings.worker_max_concurrent_workflow_tasks,
            max_concurrent_local_activities=s.settings.worker_max_concurrent_workflow_tasks,
            activities=[log.project_transition, log.project_interview, calendar.plan_clock, calendar.plan_ladder,
                        calendar.compute_deadline, calendar.count_working_days, calendar.shift_deadline],
        )
        async with worker:
            codes = [f"TM-{uuid.uuid4().hex[:10]}" for _ in range(n)]

            async def start(i: int) -> None:
                code = codes[i]
                handle = await s.client.start_workflow(
                    "HazardWorkflow", HazardStart(code=code, facts=factories.facts(), reporter=factories.INSPECTOR, policy=profile),
                    id=workflow_id_for(code), task_queue=queue,
                )
                deadline = china_date(datetime.now().astimezone()) + timedelta(days=7)
                body = AssessBody(level=HazardLevel.GENERAL, rectification="deadline", deadline=deadline)
                await handle.execute_update("assess", Command(actor=factories.INSPECTOR, body=body))

            await pool(n, 20, start)
            if datetime.now().astimezone() >= at - calendar.reminder:
                raise RuntimeError("the hazards were not all set before their reminder: raise the lead")
            until = time.monotonic() + lead.total_seconds() + 120
            while (len(log.rung) < n or len(log.reminder) < n) and time.monotonic() < until:
                await asyncio.sleep(0.2)
            for code in codes:  # leave nothing waiting
                await s.client.get_workflow_handle(workflow_id_for(code)).terminate("bench done")
    engine.dispose()
    reminder_late = [(log.reminder[c] - (at - calendar.reminder)).total_seconds() * 1000 for c in codes if c in log.reminder]
    rung_late = [(log.rung[c] - at).total_seconds() * 1000 for c in codes if c in log.rung]
    wall_late = [(log.wall_rung[c] - at.timestamp()) * 1000 for c in codes if c in log.wall_rung]
    assert reminder_late and rung_late, "no timer fired"
    return {
        "fired": min(len(reminder_late), len(rung_late)),
        "reminder p50 ms": quantile(reminder_late, 0.5), "reminder p99 ms": quantile(reminder_late, 0.99),
        "rung p50 ms": quantile(rung_late, 0.5), "rung p99 ms": quantile(rung_late, 0.99),
        "rung projected p99 ms": quantile(wall_late, 0.99),
    }


# --- 4. scale -----------------------------------------------------------------------------------------------------


def scale_checkpoints(n: int) -> tuple[int, ...]:
    """The counts at which the scale bench stops starting hazards and measures: 10,000, 100,000, ... below `n`, then `n`."""
    marks: list[int] = []
    mark = 10_000
    while mark < n:
        marks.append(mark)
        mark *= 10
    return (*marks, n)


async def bench_scale(s: Stack, n: int) -> dict[str, float]:
    """`n` hazards started (50 clients, no API) and projected, measured at every checkpoint on the way (the
    figures at a checkpoint below `n` carry its count: "worker RSS MiB at 10000"); progress every 30 s on stderr."""
    from sqlalchemy import text

    from tests import factories

    engine = make_engine(s.settings.sqlalchemy_url)

    def projected() -> int:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM hazard WHERE code LIKE 'SC-%'")).scalar_one())

    window = _Window(projected)

    async def start(_i: int) -> None:
        await window.admit()
        code = f"SC-{uuid.uuid4().hex[:10]}"
        await s.client.start_workflow("HazardWorkflow", factories.start(code), id=workflow_id_for(code), task_queue=s.task_queue)

    began = time.perf_counter()
    progress = asyncio.create_task(_scale_progress(s, projected, began))
    out: dict[str, float] = {}
    made = 0
    try:
        for mark in scale_checkpoints(n):
            leg = time.perf_counter()
            await pool(mark - made, 50, start)
            while await window.refresh() < mark:
                await asyncio.sleep(0.5)
            rate = (mark - made) / (time.perf_counter() - leg)
            made = mark
            figures = {"open hazards": float(mark), "started and projected /s": rate, **await _scale_figures(s)}
            print(f"  scale checkpoint {mark}: {json.dumps({k: round(v, 2) for k, v in figures.items()})}", file=sys.stderr, flush=True)
            out.update({(k if mark == n else f"{k} at {mark}"): v for k, v in figures.items()})
    finally:
        progress.cancel()
        engine.dispose()
    return out


class _Window:
    """Admits a start while fewer than SCALE_WINDOW hazards are started and not yet projected; one waiting client
    at a time counts the projected rows again."""

    def __init__(self, projected: Callable[[], int]) -> None:
        self.projected, self.started, self.seen = projected, 0, 0
        self.lock = asyncio.Lock()

    async def refresh(self) -> int:
        self.seen = await asyncio.to_thread(self.projected)
        return self.seen

    async def admit(self) -> None:
        async with self.lock:
            while self.started - self.seen >= SCALE_WINDOW:
                await asyncio.sleep(0.1)
                await self.refresh()
            self.started += 1


async def _scale_progress(s: Stack, projected: Callable[[], int], began: float) -> None:
    while True:
        await asyncio.sleep(30)
        count = await asyncio.to_thread(projected)
        elapsed = time.perf_counter() - began
        print(f"  scale {elapsed:6.0f} s: {count} projected ({count / elapsed:.1f}/s), server {rss_mib(s.server.process.pid):.0f} MiB, "
              f"worker {s.worker_rss_mib():.0f} MiB, Temporal DB {s.server.db_mib():.0f} MiB", file=sys.stderr, flush=True)


async def _scale_figures(s: Stack) -> dict[str, float]:
    """Memory, the Temporal database's size and the pages' times (SQLite, then a copy on PostgreSQL) right now."""
    out = {"server RSS MiB": rss_mib(s.server.process.pid), "worker RSS MiB": s.worker_rss_mib(),
           "API RSS MiB": rss_mib(s.api.pid), "Temporal DB MiB": s.server.db_mib()}
    sqlite_pages = await page_times(s.settings, runs=3, pages=SCALE_PAGES)
    out.update({f"SQLite {name} ms": statistics.median(times) for name, times in sqlite_pages.items()})
    target = postgres_schema(DEFAULT_POSTGRES)
    if target is not None:
        url, schema = target
        try:
            await asyncio.to_thread(copy_read_model, s.settings.sqlalchemy_url, url)
            settings = s.settings.model_copy(update={"database_url": url})
            pg_pages = await page_times(settings, runs=3, pages=SCALE_PAGES)
            out.update({f"PostgreSQL {name} ms": statistics.median(times) for name, times in pg_pages.items()})
        finally:
            drop_schema(DEFAULT_POSTGRES, schema)
    return out


# At most this many hazards started and not yet projected: a start is cheap for the server, and 50 clients starting
# 100,000 at once would fill its task queue, which then spills to its database and slows every task it holds.
SCALE_WINDOW = 200
SCALE_PAGES = (("list", "/hazards"), ("board", "/board"), ("dashboard", "/dashboard"))


def copy_read_model(source_url: str, target_url: str) -> None:
    """The whole read model, row for row, into a freshly migrated database (the pages only read it)."""
    from sqlmodel import SQLModel

    import models.tables  # noqa: F401 - the tables' metadata

    migrate(target_url)
    source, target = make_engine(source_url), make_engine(target_url)
    tables = SQLModel.metadata.sorted_tables
    with source.connect() as read, target.begin() as write:
        for table in reversed(tables):
            write.execute(table.delete())
        for table in tables:
            rows = [dict(r) for r in read.execute(table.select()).mappings()]
            for i in range(0, len(rows), 5000):
                write.execute(table.insert(), rows[i : i + 5000])
    source.dispose()
    target.dispose()


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
    jobs = [HazardReplayJob(h.workflow_id, WorkflowRuns(h.workflow_id, (json.dumps(h.to_json_dict()),))) for h in histories]
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


# --- running and the report --------------------------------------------------------------------------------------


def machine() -> str:
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} cores, {memory / 2**20:.0f} GiB memory, Python {platform.python_version()}, Linux {platform.release()}"


Runner = Callable[[Stack, int], Awaitable[dict[str, float]]]
RUNNERS: dict[str, Runner] = {"intake": bench_intake, "action": bench_action, "timers": bench_timers, "scale": bench_scale, "replay": bench_replay}
TITLES = {
    "intake": "1. Intake: POST /api/v1/hazards at 50 clients until visible in the read model, vs starting a trivial workflow",
    "action": "2. A human action (assess) round trip until projected, sequential and 20 concurrent, vs a bare Update",
    "timers": "3. Timer precision: hazards whose deadlines fall in the same second; lateness of the first reminder and rung",
    "scale": "4. Scale: open hazards waiting on their deadlines",
    "replay": "5. Replay: `duban audit replay` (audit.replay) vs the bare Replayer on the same histories",
}


async def run_all(
    sizes: dict[str, int], runs: int, only: tuple[str, ...], workers: int = 1, cache: int = 1000
) -> dict[str, list[dict[str, float]]]:
    results: dict[str, list[dict[str, float]]] = {name: [] for name in only}
    for r in range(runs):
        for name in only:
            async with stack(cache=cache, workers=workers) as s:
                t0 = time.perf_counter()
                figures = await RUNNERS[name](s, sizes[name])
                print(f"run {r + 1}/{runs} {name} ({sizes[name]}): {json.dumps({k: round(v, 2) for k, v in figures.items()})} "
                      f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
                results[name].append(figures)
    return results


def report(results: dict[str, list[dict[str, float]]], sizes: dict[str, int], command: str) -> str:
    lines = [SECTION, "", f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')}.", "", "```sh", command, "```", ""]
    for name, runs in results.items():
        lines += [f"### {TITLES[name]} (size {sizes[name]}, {len(runs)} runs)", "", "| figure | median | min | max |", "| --- | ---: | ---: | ---: |"]
        for key in runs[0]:
            values = [r[key] for r in runs if key in r]
            lines.append(f"| {key} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} |")
        lines.append("")
    return "\n".join(lines)


def write(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _m: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = {"intake": 2000, "action": 200, "timers": 1000, "scale": 10000, "replay": 2000}
    for name, default in defaults.items():
        parser.add_argument(f"--{name}", type=int, default=env_int(name, default))
    parser.add_argument("--runs", type=int, default=env_int("runs", 3))
    parser.add_argument("--workers", type=int, default=env_int("workers", 1), help="worker processes")
    parser.add_argument("--cache", type=int, default=env_int("cache", 1000), help="each worker's max_cached_workflows")
    parser.add_argument("--only", default=os.environ.get("DUBAN_BENCH_ONLY", ",".join(BENCHES)))
    parser.add_argument("--write", action="store_true", help="put the tables in bench/RESULTS.md")
    args = parser.parse_args(argv)
    only = tuple(b for b in args.only.split(",") if b)
    configure_logging("WARNING", json=False)  # the timer bench's in-process projection logs like the worker
    sizes = {name: getattr(args, name) for name in defaults}
    results = asyncio.run(run_all(sizes, args.runs, only, args.workers, args.cache))
    command = (".venv/bin/python bench/suite.py " + " ".join(f"--{n} {sizes[n]}" for n in only)
               + f" --runs {args.runs} --workers {args.workers} --cache {args.cache} --only {','.join(only)} --write")
    section = report(results, sizes, command)
    print(section)
    if args.write:
        write(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
