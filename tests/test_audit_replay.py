"""Auditors replay histories: export, delete, replay from the export alone; a non-deterministic change is
caught; a tampered export is reported; the history and replay endpoints."""

import argparse
import asyncio
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio import workflow
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from audit.archive import MANIFEST, jobs_from_export, replay_export
from audit.histories import timeline
from audit.replay import ReplayJob, WorkflowRuns, replay_report
from cli import main as cli
from core.db import make_engine, migrate
from core.settings import get_settings
from core.temporal import time_skipping_server_binary
from models.actions import (
    Command,
    ListBody,
    ReviewPlanBody,
    SubmitCompletionBody,
    VerifyBody,
)
from models.base import china_date
from models.enums import HazardStatus
from models.hazard import HazardStart, HazardState, workflow_id_for
from models.tables import HazardRow
from tests import factories as f
from tests.api_helpers import Api
from tests.eventually import assert_eventually_async
from tests.histories.scenarios import SCENARIOS, fingerprint_problem, has_patch_marker, record
from tests.test_hazard_workflow import assess_major, plan
from tests.test_replay_histories import FINGERPRINTS, HISTORIES, committed
from worker import build_worker
from workflows.campaign import CampaignWorkflow
from workflows.hazard import HazardWorkflow
from workflows.interview import InterviewWorkflow
from workflows.signoff import SignOffWorkflow
from workflows.tour import TourWorkflow

W = HazardWorkflow


@workflow.defn(name="HazardWorkflow", sandboxed=False)
class ChangedHazardWorkflow(HazardWorkflow):
    """A deliberately non-deterministic edit of HazardWorkflow: it now waits a second before projecting."""

    @workflow.init
    def __init__(self, start: HazardStart) -> None:
        super().__init__(start)
        project = self._steps.project

        async def waiting_first() -> None:
            await workflow.sleep(timedelta(milliseconds=1))
            await project()

        self._steps.project = waiting_first  # type: ignore[method-assign]

    @workflow.run
    async def run(self, start: HazardStart) -> HazardState:
        return await super().run(start)


@workflow.defn(name="HazardWorkflow", sandboxed=False)
class PatchedHazardWorkflow(HazardWorkflow):
    """The same edit, gated as the README says: hazards started before it replay the old path."""

    @workflow.init
    def __init__(self, start: HazardStart) -> None:
        super().__init__(start)
        project = self._steps.project

        async def waiting_first_if_patched() -> None:
            if workflow.patched("wait-before-projecting"):
                await workflow.sleep(timedelta(milliseconds=1))
            await project()

        self._steps.project = waiting_first_if_patched  # type: ignore[method-assign]

    @workflow.run
    async def run(self, start: HazardStart) -> HazardState:
        return await super().run(start)


CHANGED = [ChangedHazardWorkflow, InterviewWorkflow, TourWorkflow, CampaignWorkflow,  # tours, campaigns
           SignOffWorkflow]  # a circular's sign-off
PATCHED = [PatchedHazardWorkflow, InterviewWorkflow, TourWorkflow, CampaignWorkflow, SignOffWorkflow]


@dataclass(frozen=True)
class Exported:
    code: str
    out: Path
    state: HazardState


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


async def _until_projected(engine: Engine, code: str, seq: int) -> None:
    def projected() -> bool:
        with Session(engine) as session:
            row = session.get(HazardRow, code)
            return row is not None and row.last_seq >= seq

    await assert_eventually_async(projected, timeout=10, interval=0.05, what=f"{code}: seq {seq} never reached the read model")


async def export_a_hazard_through_a_rejection_loop_and_a_rung(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: Path
) -> Exported:
    """On its own time-skipping server (stopped on return: the histories are gone with it), with the real
    worker and a SQLite read model (deleted on return): plan returned, verification failed, a rung fired;
    then `duban audit export`."""
    url = f"sqlite:///{tmp_path / 'readmodel.db'}"
    migrate(url)
    engine = make_engine(url)
    code = f"HZ-371702-2026-{uuid.uuid4().hex[:6]}"
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=str(time_skipping_server_binary())
    ) as env:
        with ThreadPoolExecutor(max_workers=8) as executor:
            async with build_worker(env.client, engine, f"tq-{uuid.uuid4()}", executor) as worker:
                handle = await env.client.start_workflow(
                    W.run, f.start(code), id=workflow_id_for(code), task_queue=worker.task_queue
                )
                today = china_date(await env.get_current_time())
                await handle.execute_update(W.assess, assess_major())
                listing = ListBody(authority_level="city", deadline=today + timedelta(days=60))
                await handle.execute_update(W.list_hazard, Command(actor=f.CITY_SUPERVISOR, body=listing))
                await handle.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(today + timedelta(days=50))))
                returned = ReviewPlanBody(decision="return", comment="资金不足")
                await handle.execute_update(W.review_plan, Command(actor=f.CITY_SUPERVISOR, body=returned))
                await handle.execute_update(W.submit_plan, Command(actor=f.ENTERPRISE_A, body=plan(today + timedelta(days=40))))
                await handle.execute_update(W.review_plan, Command(actor=f.CITY_SUPERVISOR, body=ReviewPlanBody(decision="approve")))
                await handle.execute_update(W.submit_completion, Command(actor=f.ENTERPRISE_A, body=SubmitCompletionBody(summary="已安装")))
                failed = VerifyBody(decision="fail", comment="高度不足", new_deadline=today + timedelta(days=20))
                await handle.execute_update(W.verify, Command(actor=f.COUNTY_SUPERVISOR, body=failed))
                await env.sleep(timedelta(days=25))  # past the new deadline: the first rung fires
                state: HazardState = await handle.query(W.state)
                await _until_projected(engine, code, state.seq)
        assert [r.decision for r in state.plan_reviews] == ["return", "approve"] and state.failed_verifications == 1
        assert state.overdue and [x.rung for x in state.fired][:1] == ["urging_letter"]
        monkeypatch.setenv("DUBAN_DATABASE_URL", url)
        monkeypatch.setenv("DUBAN_TEMPORAL_ADDRESS", env.client.service_client.config.target_host)
        get_settings.cache_clear()
        since = (today - timedelta(days=1)).isoformat()
        assert await asyncio.to_thread(cli.main, ["audit", "export", "--since", since, "--out", str(out)]) == 0
    engine.dispose()
    (tmp_path / "readmodel.db").unlink()  # nothing left but the export
    monkeypatch.setenv("DUBAN_TEMPORAL_ADDRESS", "127.0.0.1:1")  # and no server to ask
    get_settings.cache_clear()
    return Exported(code, out, state)


async def test_a_hazard_exported_and_gone_from_the_server_replays_and_verifies_from_the_export_alone(
    tmp_path: Path, cli_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = await export_a_hazard_through_a_rejection_loop_and_a_rung(tmp_path, cli_env, tmp_path / "export")
    code, out = exported.code, exported.out
    assert (out / MANIFEST).exists() and (out / "hazards" / f"{code}.json").exists() and (out / "audit" / f"{code}.json").exists()
    assert len(list((out / "histories" / code).glob("1-*.json"))) == 1
    capsys.readouterr()

    # `duban audit replay --from DIR`: every history replays, and the state reached is the exported row's.
    assert await asyncio.to_thread(cli.main, ["audit", "replay", "--from", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{code} ok" in printed and "1 record(s), 1 histories: 1 ok, 0 failed" in printed and "histories/s" in printed
    report = await asyncio.to_thread(replay_export, out)
    assert [(r.record_id, r.ok) for r in report.results] == [(code, True)]

    # The outcome check has teeth: an exported read-model row that claims another state is caught.
    job = jobs_from_export(out)[0]
    state, workflow_id = exported.state, job.main.workflow_id
    claims = {
        state.model_copy(update={"status": HazardStatus.CLOSED}): f"outcome differs: {workflow_id}: status: replay 'rectifying', read model 'closed'",
        state.model_copy(update={"seq": state.seq - 1}): f"the read model holds seq {state.seq - 1}, the history shows seq {state.seq} projected",
    }
    for claim, expected in claims.items():
        wrong = ReplayJob(code, WorkflowRuns(workflow_id, job.main.histories, claim.model_dump_json()))
        (result,) = (await replay_report([wrong])).results
        assert result.error is not None and expected in result.error

    # A deliberately non-deterministic change of the workflow is caught by `duban audit replay`.
    args = argparse.Namespace(from_path=out, workers=1)
    assert await asyncio.to_thread(cli.audit_replay, args, CHANGED) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(f"hazard {code}"))
    assert line.startswith(f"hazard {code} FAIL {workflow_id_for(code)}: NondeterminismError: [TMPRL1100] Nondeterminism error:")


async def test_a_non_deterministic_change_fails_the_replay_of_the_committed_histories() -> None:
    """What CI does in tests/test_replay_histories.py, against a changed copy of HazardWorkflow."""
    hazards = [n for n, e in FINGERPRINTS.items() if e["workflow_type"] == "HazardWorkflow" and e["current"]]
    jobs = [
        ReplayJob(n, WorkflowRuns(FINGERPRINTS[n]["workflow_id"], ((HISTORIES / n).read_text(encoding="utf-8"),)))
        for n in hazards
    ]
    assert not (await replay_report(jobs)).failures  # today's code: clean
    changed = await replay_report(jobs, CHANGED)
    assert {r.record_id for r in changed.failures} == set(hazards)
    for failure in changed.failures:  # the SDK names it a NondeterminismError, or core's state machines refuse it
        error = failure.error or ""
        assert ("NondeterminismError" in error or "Fatal error in workflow machines" in error), error
        assert FINGERPRINTS[failure.record_id]["workflow_id"] in error
    assert {s.name for s in SCENARIOS if s.workflow_type == "HazardWorkflow"} <= {n.split(".")[0] for n in hazards}


async def test_the_fingerprint_check_fails_an_unpatched_change_and_passes_a_gated_one() -> None:
    scenario = next(s for s in SCENARIOS if s.name == "general_on_the_spot")
    committed_commands = {n: e["commands"] for n, e in FINGERPRINTS.items() if e["scenario"] == scenario.name and e["current"]}
    unpatched = {r.file: r.history for r in await record(scenario, CHANGED)}
    problem = fingerprint_problem(scenario.name, committed_commands, unpatched)
    assert problem is not None and "workflow.patched" in problem and "python tests/histories/record.py" in problem
    assert "committed 'RecordMarker core_local_activity project_transition', now 'StartTimer'" in problem
    gated = {r.file: r.history for r in await record(scenario, PATCHED)}
    assert any(has_patch_marker(h) for h in gated.values())
    assert fingerprint_problem(scenario.name, committed_commands, gated) is None
    # ... and the gated code still replays every committed history: running hazards keep the old path.
    jobs = [
        ReplayJob(n, WorkflowRuns(e["workflow_id"], ((HISTORIES / n).read_text(encoding="utf-8"),)))
        for n, e in FINGERPRINTS.items()
    ]
    assert (await replay_report(jobs, PATCHED)).failures == []


def test_the_timeline_reads_the_decisions_of_every_run_of_the_committed_histories() -> None:
    runs = [committed(n) for n in ("continue_as_new.json", "continue_as_new.run-2.json")]
    entries = timeline(runs)
    assert [e["run"] for e in entries if e["kind"] == "run_started"] == [1, 2]
    assert [e["run"] for e in entries if e["kind"] == "continued_as_new"] == [1]
    seqs = [e["seq"] for e in entries if e["kind"] == "transition"]
    assert seqs == list(range(1, len(seqs) + 1))  # one life across the runs, nothing twice
    progress = [(e["actor"], e["role"]) for e in entries if e["kind"] == "update" and e["update"] == "report-progress"]
    assert progress == [("enterprise.a", "enterprise")] * 12

    ladder = timeline([committed("every_rung.json")])
    rungs = [e["reason"] for e in ladder if e["kind"] == "transition" and e["action"] == "rung"]
    assert rungs == [f"rung:{r.type.value}" for r in f.DEFAULT_POLICY.ladder]
    assert all(e["actor"] == "system" and e["role"] == "system" for e in ladder if e["kind"] == "transition" and e["action"] == "rung")
    fired = {e["timer_id"] for e in ladder if e["kind"] == "timer_fired"}
    assert fired and fired <= {e["timer_id"] for e in ladder if e["kind"] == "timer_started"}
    assert [e["workflow_id"] for e in ladder if e["kind"] == "child_started"] == [FINGERPRINTS["every_rung.interview-1.json"]["workflow_id"]]


def _flip_a_byte(data: bytes) -> bytes:
    at = data.index(b'"eventId"')
    return data[:at] + b"'" + data[at + 1:]


async def test_a_tampered_export_is_reported(tmp_path: Path, cli_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    exported = await export_a_hazard_through_a_rejection_loop_and_a_rung(tmp_path, cli_env, tmp_path / "export.zip")
    code, original = exported.code, exported.out
    assert zipfile.is_zipfile(original)
    assert [r.ok for r in (await asyncio.to_thread(replay_export, original)).results] == [True]

    # One byte of a history changed inside the zip.
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, _flip_a_byte(data) if name.startswith(f"histories/{code}/1-") else data)
    capsys.readouterr()
    assert await asyncio.to_thread(cli.main, ["audit", "replay", "--from", str(tampered), "--workers", "1"]) == 1
    printed = capsys.readouterr().out
    assert f"{code} FAIL manifest: histories/{code}/1-" in printed and "does not match its SHA-256" in printed

    # In a directory: an audit row edited by one byte, and a file slipped in.
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(original) as source:
        source.extractall(folder)
    audit = folder / "audit" / f"{code}.json"
    audit.write_bytes(audit.read_bytes().replace(b"city.supervisor", b"city.supervisoR", 1))
    (report,) = (await asyncio.to_thread(replay_export, folder)).results
    assert report.error == f"manifest: audit/{code}.json does not match its SHA-256 (changed since the export)"
    shutil.copy(original, folder / "audit" / "extra.json")
    audit.unlink()
    errors = [r.error for r in (await asyncio.to_thread(replay_export, folder)).results]
    assert errors == [f"manifest: audit/{code}.json is missing; manifest: audit/extra.json is not listed (added since the export)"]


# --- the endpoints ------------------------------------------------------------------------------------------


async def test_history_timeline_and_replay_through_the_api(api: Api) -> None:
    reply = await api.report()
    assert reply.status_code == 201, reply.text
    code = reply.json()["code"]
    for user, action, body in (
        ("inspector", "assess", {"level": "general", "rectification": "immediate"}),
        ("county.supervisor", "verify", {"decision": "pass"}),
    ):
        assert (await api.act(user, code, action, body)).status_code == 200

    reply = await api.as_user("auditor", "GET", f"/hazards/{code}/history")
    assert reply.status_code == 200, reply.text
    history = reply.json()
    assert history["hazard_code"] == code and len(history["runs"]) == 1
    events = history["runs"][0]["events"]
    assert events[0]["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"

    reply = await api.as_user("county.supervisor", "GET", f"/hazards/{code}/history", params={"format": "timeline"})
    assert reply.status_code == 200, reply.text
    timeline = reply.json()["timeline"]
    updates = [(e["update"], e["actor"], e["role"]) for e in timeline if e["kind"] == "update"]
    assert updates == [("assess", "inspector", "inspector"), ("verify", "county.supervisor", "supervisor")]
    transitions = [(e["seq"], e["action"], e["to_status"]) for e in timeline if e["kind"] == "transition"]
    assert transitions[0] == (1, "report", "reported") and transitions[-1][1:] == ("verify", "verified")
    assert any(e["kind"] == "timer_started" for e in timeline)

    for user, expected in (("enterprise.a", "role_not_allowed"), ("county2.supervisor", "outside_jurisdiction")):
        reply = await api.as_user(user, "GET", f"/hazards/{code}/history")
        assert reply.status_code == 403 and reply.json()["detail"]["code"] == expected

    reply = await api.as_user("auditor", "POST", "/audit/replay", json={"hazard_codes": [code]})
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert (answer["replayed"], answer["failures"]) == (1, []) and answer["per_second"] > 0
    reply = await api.as_user("admin", "POST", "/audit/replay", json={"all": True})
    assert reply.status_code == 200 and reply.json()["replayed"] >= 1 and reply.json()["failures"] == []
    for wrong in ({}, {"all": True, "hazard_codes": [code]}, {"all": False}):
        reply = await api.as_user("auditor", "POST", "/audit/replay", json=wrong)
        assert reply.status_code == 422, wrong
    for user in ("enterprise.a", "county.supervisor"):
        reply = await api.as_user(user, "POST", "/audit/replay", json={"all": True})
        assert reply.status_code == 403 and reply.json()["detail"]["code"] == "role_not_allowed"


async def test_on_a_real_server_the_cli_replays_by_code_query_and_all_then_exports_and_outlives_deletion(
    api: Api, dev_env: WorkflowEnvironment, tmp_path: Path, cli_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = await api.report()
    code = reply.json()["code"]
    for user, action, body in (
        ("inspector", "assess", {"level": "general", "rectification": "immediate"}),
        ("county.supervisor", "verify", {"decision": "pass"}),
        ("county.supervisor", "close", {"comment": "销号"}),
    ):
        assert (await api.act(user, code, action, body)).status_code == 200
    await dev_env.client.get_workflow_handle(workflow_id_for(code)).result()
    cli_env.setenv("DUBAN_DATABASE_URL", api.app.state.settings.sqlalchemy_url)
    cli_env.setenv("DUBAN_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host)
    get_settings.cache_clear()
    capsys.readouterr()

    for source in (["--hazard", code], ["--all"], ["--query", f"WorkflowId='{workflow_id_for(code)}'"]):

        async def replayed(source: list[str] = source) -> tuple[int, str]:
            status = await asyncio.to_thread(cli.main, ["audit", "replay", *source, "--workers", "1"])
            printed = capsys.readouterr().out
            assert f"{code} ok" in printed, (source, printed)
            return status, printed

        # The server's visibility store catches up with a new workflow within moments.
        status, printed = await assert_eventually_async(replayed, timeout=30, interval=0.2)
        assert status == 0, (source, printed)

    out = tmp_path / "export.zip"
    today = china_date(await dev_env.get_current_time()).isoformat()
    assert await asyncio.to_thread(cli.main, ["audit", "export", "--since", today, "--out", str(out)]) == 0
    await dev_env.client.workflow_service.delete_workflow_execution(
        DeleteWorkflowExecutionRequest(namespace=dev_env.client.namespace, workflow_execution=WorkflowExecution(workflow_id=workflow_id_for(code)))
    )

    async def deleted() -> bool:
        try:
            await dev_env.client.get_workflow_handle(workflow_id_for(code)).describe()
        except RPCError as gone:
            if gone.status != RPCStatusCode.NOT_FOUND:
                raise
            return True
        return False

    # Deletion is asynchronous: the dev server takes about half a minute.
    await assert_eventually_async(deleted, timeout=90, interval=0.1, what="the workflow was not deleted")
    capsys.readouterr()
    assert await asyncio.to_thread(cli.main, ["audit", "replay", "--hazard", code, "--workers", "1"]) == 1
    assert f"{code} FAIL history not available" in capsys.readouterr().out
    reply = await api.as_user("auditor", "GET", f"/hazards/{code}/history")
    assert reply.status_code == 404 and reply.json()["detail"]["code"] == "history_not_found"
    report = await asyncio.to_thread(replay_export, out)
    assert [(r.record_id, r.ok) for r in report.results if r.record_id == code] == [(code, True)]
