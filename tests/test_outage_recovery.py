"""Outages on real processes, and the recovery after them.

1. The Temporal dev server killed with `kill -9` in the middle of hazards' lives (one after a few actions,
   three whose reminder and first rungs fall due during the outage): an action answers 503 within seconds,
   `/healthz` says which component is down; the server started again on the same SQLite file and port, the
   action retried applies once, the due timers fire once, every timeline is contiguous.
2. The read model's PostgreSQL (a private cluster) stopped while a projection is due: sign-in and actions
   answer 503 `database_unavailable`, the workflow keeps retrying its projection; the cluster started again,
   the read model catches up with nothing lost or doubled.
"""

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateStage
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from activities.documents import DocumentActivities
from activities.interviews import InterviewActivities
from activities.projection import ProjectionActivities
from core.bytecode import compile_workflows
from core.codec import data_converter
from core.db import make_engine
from core.settings import Settings
from models.actions import Command
from models.clock import ClockPlan, ClockRequest, LadderRequest
from models.hazard import workflow_id_for
from tests import factories as f
from tests.api_helpers import hazard_body, in_days
from tests.eventually import assert_eventually_async
from tests.outage_helpers import (
    ApiProcess,
    PrivateCluster,
    TemporalServer,
    WorkerProcess,
    assert_unavailable,
    postgres_problem,
    token,
)
from tests.test_hazard_workflow import plan
from workflows.hazard import HazardWorkflow as W
from workflows.registry import WORKFLOWS

pytestmark = pytest.mark.slow

USERS = ("inspector", "county.supervisor", "city.supervisor", "enterprise.a")
MAJOR_STEPS: list[tuple[str, str, dict[str, Any]]] = [
    ("county.supervisor", "assess", {"level": "major", "basis": "GB 30871-2022 5.1", "interim_measures": "停用"}),
    ("city.supervisor", "list", {"authority_level": "city", "deadline": in_days(60), "requirements": "限期整改"}),
    ("enterprise.a", "submit-plan", {"objectives": "加装", "measures": "采购安装", "funds_cny": 5000,
                                     "responsible_person": "王建国", "deadline": in_days(45), "contingency_plan": "停用"}),
]  # fmt: skip


class ShortClock:
    """The real calendar activities, except that a rectification deadline set a week ahead falls due at `at`
    (seconds away), its reminder `REMINDER_LEAD` before, and each working day of its ladder lasts `RUNG`:
    the timers of the workflow code, which is the real one, fire within the test."""

    REMINDER_LEAD = timedelta(seconds=2)
    RUNG = timedelta(seconds=1)

    def __init__(self, real: CalendarActivities) -> None:
        self.real = real
        self.at = datetime.now(UTC) + timedelta(days=365)

    def _short(self, start: datetime, due_at: datetime | None) -> bool:
        return due_at is not None and due_at - start < timedelta(days=20)

    @activity.defn(name="plan_clock")
    def plan_clock(self, request: ClockRequest) -> ClockPlan:
        if self._short(request.start, request.due_at):
            return ClockPlan(due_at=self.at, provisional=False, reminders=(self.at - self.REMINDER_LEAD,))
        return self.real.plan_clock(request)

    @activity.defn(name="plan_ladder")
    def plan_ladder(self, request: LadderRequest) -> tuple[datetime, ...]:
        if request.deadline - datetime.now(UTC) < timedelta(days=20):  # the short hazards' deadline
            return tuple(self.at + k * self.RUNG for k in request.offsets)
        return self.real.plan_ladder(request)


def timeline_of(hazard: dict[str, Any]) -> list[dict[str, Any]]:
    timeline: list[dict[str, Any]] = hazard["timeline"]
    assert [t["seq"] for t in timeline] == list(range(1, len(timeline) + 1)), [t["seq"] for t in timeline]
    return timeline


async def sleep_until(instant: datetime) -> None:
    await asyncio.sleep(max(0.0, (instant - datetime.now(UTC)).total_seconds()))


async def test_temporal_killed_mid_life_answers_503_then_everything_goes_on(tmp_path: Path) -> None:
    server = TemporalServer(tmp_path)
    server.start()
    task_queue = f"outage-{uuid.uuid4().hex[:8]}"
    database_url = f"sqlite:///{tmp_path / 'readmodel.db'}"
    api: ApiProcess | None = None
    try:
        api = ApiProcess(tmp_path, temporal_address=server.address, temporal_task_queue=task_queue, database_url=database_url)
        client = await Client.connect(server.address, data_converter=data_converter(Settings(_env_file=None)))  # type: ignore[call-arg]
        engine = make_engine(database_url)
        compile_workflows()
        real = CalendarActivities(engine)
        clock = ShortClock(real)
        with ThreadPoolExecutor(max_workers=8) as executor:
            worker = Worker(
                client, task_queue=task_queue, workflows=WORKFLOWS, activity_executor=executor,
                activities=[
                    ProjectionActivities(engine).project_transition, InterviewActivities(engine).project_interview,
                    real.compute_deadline, real.count_working_days, real.shift_deadline, clock.plan_clock, clock.plan_ladder,
                    DocumentActivities(engine).render_document,  # the listing notice and letters
                ],
            )  # fmt: skip
            async with worker, httpx.AsyncClient(base_url=api.url, timeout=30) as http:
                await _temporal_outage(server, http, clock)
        engine.dispose()
    finally:
        if api is not None:
            api.stop()
        server.stop()


async def _temporal_outage(server: TemporalServer, http: httpx.AsyncClient, clock: ShortClock) -> None:
    auth = {user: await token(http, user) for user in USERS}

    async def act(user: str, code: str, action: str, body: dict[str, Any]) -> httpx.Response:
        return await http.post(f"/api/v1/hazards/{code}/actions/{action}", json=body, headers=auth[user])

    async def hazard(code: str) -> dict[str, Any]:
        reply = await http.get(f"/api/v1/hazards/{code}", headers=auth["city.supervisor"])
        assert reply.status_code == 200, reply.text
        return reply.json()  # type: ignore[no-any-return]

    # A major hazard a few actions into its life.
    reply = await http.post("/api/v1/hazards", json=hazard_body(), headers=auth["inspector"])
    assert reply.status_code == 201, reply.text
    code = reply.json()["code"]
    for user, action, body in MAJOR_STEPS:
        reply = await act(user, code, action, body)
        assert reply.status_code == 200, (action, reply.text)

    # Three general hazards whose deadline falls seconds from now: the reminder and the first rungs fall due
    # while the server is down.
    clock.at = (datetime.now(UTC) + timedelta(seconds=8)).replace(microsecond=0)
    timed = []
    for _ in range(3):
        reply = await http.post("/api/v1/hazards", json=hazard_body(), headers=auth["inspector"])
        assert reply.status_code == 201, reply.text
        timed.append(reply.json()["code"])
        reply = await act("county.supervisor", timed[-1], "assess", {"level": "general", "rectification": "deadline", "deadline": in_days(7)})
        assert reply.status_code == 200, reply.text
    assert datetime.now(UTC) < clock.at - clock.REMINDER_LEAD - timedelta(seconds=0.5), "set up too slowly: raise the lead"
    await sleep_until(clock.at - clock.REMINDER_LEAD - timedelta(seconds=0.5))

    server.kill_9()
    started = time.monotonic()
    reply = await act("city.supervisor", code, "review-plan", {"decision": "approve"})
    assert time.monotonic() - started < 5, f"the refusal took {time.monotonic() - started:.1f} s"
    assert_unavailable(reply, "engine_unavailable")
    health = await http.get("/healthz")
    assert health.status_code == 503 and health.headers["retry-after"]
    assert health.json()["status"] == "degraded"
    assert health.json()["components"]["temporal"]["ok"] is False
    assert health.json()["components"]["database"]["ok"] is True
    assert (await hazard(code))["status"] == "plan_submitted"  # reads go on from the read model
    await sleep_until(clock.at + 2 * clock.RUNG)  # the reminder and the first rung are due now

    server.start()

    async def retried() -> httpx.Response | None:
        reply = await act("city.supervisor", code, "review-plan", {"decision": "approve"})
        if reply.status_code == 503:  # the frontend still starting: try again, as a client would
            return None
        return reply

    reply = await assert_eventually_async(retried, timeout=30, interval=0.5, what="the action retried after the restart")
    assert reply is not None and reply.status_code == 200, reply.text if reply else None
    assert reply.json()["status"] == "rectifying"
    actions = [t["action"] for t in timeline_of(await hazard(code))]
    assert actions == ["report", "assess", "list", "submit-plan", "review-plan"]

    async def timers_fired() -> None:
        for one in timed:
            state = await hazard(one)
            timeline = timeline_of(state)
            kinds = [t["action"] for t in timeline]
            assert kinds[:2] == ["report", "assess"], kinds
            assert kinds.count("reminder") == 1, (one, kinds)
            fired = [r["rung"] for r in state["escalation"]["fired"]]
            assert len(fired) == len(set(fired)), (one, fired)
            assert {"urging_letter", "circular"} <= set(fired), (one, fired)

    await assert_eventually_async(timers_fired, timeout=30, interval=0.5, what="the timers due during the outage")


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    problem = postgres_problem()
    if problem is not None:
        if os.environ.get("DUBAN_REQUIRE_POSTGRES") == "1" or os.environ.get("CI"):
            pytest.fail(f"a private PostgreSQL cluster is required here: {problem}")
        pytest.skip(f"no private PostgreSQL cluster: {problem}")
    made = PrivateCluster()
    try:
        made.start()
        yield made
    finally:
        made.remove()


async def test_read_model_database_stopped_and_started_catches_up(tmp_path: Path, cluster: PrivateCluster) -> None:
    server = TemporalServer(tmp_path)
    server.start()
    task_queue = f"pg-outage-{uuid.uuid4().hex[:8]}"
    settings = {"temporal_address": server.address, "temporal_task_queue": task_queue, "database_url": cluster.url}
    api: ApiProcess | None = None
    worker: WorkerProcess | None = None
    try:
        api = ApiProcess(tmp_path, **settings)  # migrates the cluster's database and loads the demo set
        worker = WorkerProcess(tmp_path / "worker.log", data_dir=str(tmp_path), **settings)
        client = await Client.connect(server.address, data_converter=data_converter(Settings(_env_file=None)))  # type: ignore[call-arg]
        async with httpx.AsyncClient(base_url=api.url, timeout=30) as http:
            await _database_outage(cluster, client, http, tmp_path / "worker.log")
    finally:
        if worker is not None:
            worker.stop()
        if api is not None:
            api.stop()
        server.stop()


async def _database_outage(cluster: PrivateCluster, client: Client, http: httpx.AsyncClient, worker_log: Path) -> None:
    auth = {user: await token(http, user) for user in USERS}
    reply = await http.post("/api/v1/hazards", json=hazard_body(), headers=auth["inspector"])
    assert reply.status_code == 201, reply.text
    code = reply.json()["code"]
    for user, action, body in MAJOR_STEPS[:2]:
        reply = await http.post(f"/api/v1/hazards/{code}/actions/{action}", json=body, headers=auth[user])
        assert reply.status_code == 200, (action, reply.text)

    cluster.stop()
    started = time.monotonic()
    reply = await http.post("/api/v1/auth/token", data={"username": "inspector", "password": "duban-demo"})
    assert time.monotonic() - started < 5, f"sign-in took {time.monotonic() - started:.1f} s"
    assert_unavailable(reply, "database_unavailable")
    started = time.monotonic()
    reply = await http.post(f"/api/v1/hazards/{code}/actions/review-plan", json={"decision": "approve"}, headers=auth["city.supervisor"])
    assert time.monotonic() - started < 5
    assert_unavailable(reply, "database_unavailable")
    health = await http.get("/healthz")
    assert health.status_code == 503
    components = health.json()["components"]
    assert components["database"]["ok"] is False and components["temporal"]["ok"] is True

    # A transition whose projection falls due while the database is down: the workflow accepts it and keeps
    # retrying the projection.
    handle = client.get_workflow_handle(workflow_id_for(code))
    update = await handle.start_update(
        W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(f.days_after(datetime.now(UTC), 45))),
        wait_for_stage=WorkflowUpdateStage.ACCEPTED,
    )

    def projection_failed() -> None:  # the projection fails an attempt (then retries, backing off)
        assert worker_log.exists() and "OperationalError" in worker_log.read_text(errors="replace")

    await assert_eventually_async(projection_failed, timeout=30, interval=0.2, what="a failed projection attempt")

    cluster.start()
    state = await asyncio.wait_for(update.result(), 45)
    assert state.status == "plan_submitted"

    async def caught_up() -> dict[str, Any]:
        reply = await http.get(f"/api/v1/hazards/{code}", headers=auth["city.supervisor"])
        assert reply.status_code == 200, reply.text
        hazard: dict[str, Any] = reply.json()
        assert hazard["status"] == "plan_submitted", hazard["status"]
        return hazard

    hazard = await assert_eventually_async(caught_up, timeout=30, interval=0.5, what="the read model catching up")
    assert [t["action"] for t in timeline_of(hazard)] == ["report", "assess", "list", "submit-plan"]

    reply = await http.post(f"/api/v1/hazards/{code}/actions/review-plan", json={"decision": "approve"}, headers=auth["city.supervisor"])
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "rectifying"
    await token(http, "inspector")  # sign-in works again

    engine = make_engine(cluster.url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT seq, action FROM audit_entry WHERE record_id = :code ORDER BY seq"), {"code": code}
            ).all()
    finally:
        engine.dispose()
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert [r.action for r in rows] == ["report", "assess", "list", "submit-plan", "review-plan"]
