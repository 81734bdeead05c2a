"""A worker killed with `kill -9` mid-transition: a new worker finishes the hazard, nothing lost or doubled."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from temporalio.api.enums.v1 import PendingActivityState, PendingWorkflowTaskState
from temporalio.client import WorkflowUpdateStage
from temporalio.testing import WorkflowEnvironment

from core.db import make_engine
from models.actions import CloseBody, Command, ReviewPlanBody, SubmitCompletionBody, VerifyBody
from models.enums import HazardStatus
from models.hazard import workflow_id_for
from models.tables import AuditEntry, HazardRow
from tests import factories as f
from tests.databases import copy_sqlite_template
from tests.eventually import assert_eventually_async
from tests.test_hazard_workflow import assess_major, plan
from tests.workflow_helpers import finish_paperwork
from workflows.hazard import HazardWorkflow as W

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


class WorkerProcess:
    """`python worker.py` as a real process, pointed at the test server and a SQLite read model."""

    def __init__(self, address: str, database: Path, task_queue: str, log: Path) -> None:
        env = os.environ | {
            "DUBAN_TEMPORAL_ADDRESS": address,
            "DUBAN_DATABASE_URL": f"sqlite:///{database}",
            "DUBAN_TEMPORAL_TASK_QUEUE": task_queue,
            "DUBAN_DATA_DIR": str(database.parent),
        }
        self._log = log.open("ab")
        self.process = subprocess.Popen([sys.executable, str(ROOT / "worker.py")], cwd=ROOT, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)

    def kill_9(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(30)
        self._log.close()


@pytest.fixture
def read_model(tmp_path: Path) -> Iterator[Path]:
    database = tmp_path / "readmodel.db"
    copy_sqlite_template(database)
    yield database


async def wait_for_projection_in_flight(handle, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
    """Until the worker is inside the projection: a started activity, or (local activities) a started
    workflow task after the update was accepted."""
    async def in_flight() -> bool:
        description = (await handle.describe()).raw_description
        if any(p.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED for p in description.pending_activities):
            return True
        return description.pending_workflow_task.state == PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED

    await assert_eventually_async(in_flight, timeout=seconds, interval=0.1, what="the projection never started")


async def test_worker_killed_mid_transition_loses_and_doubles_nothing(
    dev_env: WorkflowEnvironment, read_model: Path, tmp_path: Path
) -> None:
    client, task_queue = dev_env.client, f"crash-{uuid.uuid4()}"
    address = client.service_client.config.target_host
    code = f"HZ-371702-2026-{uuid.uuid4().hex[:6]}"
    first = WorkerProcess(address, read_model, task_queue, tmp_path / "worker1.log")
    try:
        handle = await client.start_workflow(W.run, f.start(code), id=workflow_id_for(code), task_queue=task_queue)
        today = await dev_env.get_current_time()
        await handle.execute_update(W.assess, assess_major())
        from models.actions import ListBody

        await handle.execute_update(
            W.list_hazard, Command(actor=f.CITY_SUPERVISOR, body=ListBody(authority_level="city", deadline=f.days_after(today, 60)))
        )
        await handle.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(f.days_after(today, 30))))

        # Hold the read model's write lock so the next projection is in flight, then kill the worker under it.
        blocker = sqlite3.connect(read_model, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        review = await handle.start_update(
            W.review_plan,
            Command(actor=f.CITY_SUPERVISOR, body=ReviewPlanBody(decision="approve")),
            wait_for_stage=WorkflowUpdateStage.ACCEPTED,
        )
        await wait_for_projection_in_flight(handle)
        first.kill_9()
        blocker.execute("ROLLBACK")
        blocker.close()
    finally:
        first.stop()

    second = WorkerProcess(address, read_model, task_queue, tmp_path / "worker2.log")
    try:
        state = await review.result()
        assert state.status == HazardStatus.RECTIFYING
        await handle.execute_update(W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="已整改")))
        await handle.execute_update(W.verify, Command(actor=f.COUNTY_SUPERVISOR, body=VerifyBody(decision="pass")))
        await handle.execute_update(W.close, Command(actor=f.CITY_SUPERVISOR, body=CloseBody(comment="销号")))
        await finish_paperwork(handle, f.CITY_SUPERVISOR)  # signed and published, the workflow ends
        final = await handle.result(rpc_timeout=timedelta(seconds=60))
    finally:
        second.stop()

    assert final.status == HazardStatus.CLOSED
    engine = make_engine(f"sqlite:///{read_model}")
    with Session(engine) as session:
        entries = list(session.exec(select(AuditEntry).where(AuditEntry.record_id == code).order_by(AuditEntry.seq)))
        row = session.get(HazardRow, code)
    engine.dispose()
    assert [e.seq for e in entries] == list(range(1, final.seq + 1))
    assert [e.action for e in entries] == [
        "report", "assess", "list", "submit-plan", "review-plan", "submit-completion", "verify", "close",
        "sign", "sign", "publish", "publish",
    ]
    assert row is not None and row.status == "closed" and row.last_seq == final.seq
    logged = [json.loads(line) for line in (tmp_path / "worker2.log").read_text().splitlines() if line.startswith("{")]
    projected = [e for e in logged if e.get("event") == "transition projected"]
    assert projected and all(e["hazard_code"] == code and e["workflow_id"] == f"hazard-{code}" for e in projected)
    in_workflow = [e for e in logged if e.get("event") == "hazard transition"]
    assert in_workflow and all(e["hazard_code"] == code and e["workflow_id"] == f"hazard-{code}" for e in in_workflow)
