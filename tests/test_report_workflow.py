"""`PeriodicReportWorkflow` on the time-skipping server: it asks for the period of its scheduled instant, and its
committed history (tests/report_histories/, recorded by `python -m tests.test_report_workflow`) still replays
against today's code."""

import asyncio
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from temporalio import activity
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from core.codec import data_converter
from core.settings import Settings
from core.temporal import time_skipping_server_binary
from domain.report_periods import period_ended_before
from models.base import china_date
from models.report import CadenceOutcome, CadenceRun, ReportKind
from workflows.report import PeriodicReportWorkflow

HISTORY = Path(__file__).resolve().parent / "report_histories" / "periodic_report.json"
WORKFLOW_ID = "duban-report-monthly-2040-04-01T00:00:00Z"
DUE = datetime(2040, 4, 1, 0, 0, tzinfo=UTC)  # 08:00 Asia/Shanghai on 1 April: March's monthly report


@activity.defn(name="run_periodic_reports")
async def stand_in(run: CadenceRun) -> CadenceOutcome:
    """Answers what the real activity would compute for the period, without a read model."""
    assert run.due is not None
    start, end = period_ended_before(run.kind, china_date(run.due))
    return CadenceOutcome(kind=run.kind, period_start=start, period_end=end, written=(f"RP-{run.kind.value}-371700",), existing=())


async def _run(env: WorkflowEnvironment, run: CadenceRun, workflow_id: str) -> tuple[CadenceOutcome, WorkflowHistory]:
    task_queue = f"tq-{uuid.uuid4()}"
    async with Worker(env.client, task_queue=task_queue, workflows=[PeriodicReportWorkflow], activities=[stand_in]):
        handle = await env.client.start_workflow(PeriodicReportWorkflow.run, run, id=workflow_id, task_queue=task_queue)
        outcome = await handle.result()
        return outcome, await handle.fetch_history()


async def test_a_run_reports_the_period_that_ended_before_its_instant(env: WorkflowEnvironment) -> None:
    outcome, _ = await _run(env, CadenceRun(kind=ReportKind.MONTHLY, due=DUE), WORKFLOW_ID)
    assert (outcome.period_start, outcome.period_end) == (date(2040, 3, 1), date(2040, 3, 31))
    quarterly, _ = await _run(env, CadenceRun(kind=ReportKind.QUARTERLY, due=datetime(2040, 4, 10, 0, tzinfo=UTC)), "q-1")
    assert (quarterly.period_start, quarterly.period_end) == (date(2040, 1, 1), date(2040, 3, 31))


async def test_a_run_started_by_hand_reports_the_period_before_now(env: WorkflowEnvironment) -> None:
    outcome, _ = await _run(env, CadenceRun(kind=ReportKind.WEEKLY), "by-hand-1")
    assert (outcome.period_start, outcome.period_end) == period_ended_before(ReportKind.WEEKLY, china_date(datetime.now(UTC)))


async def test_the_committed_history_replays_against_todays_code() -> None:
    history = WorkflowHistory.from_json(WORKFLOW_ID, HISTORY.read_text(encoding="utf-8"))
    replayer = Replayer(workflows=[PeriodicReportWorkflow], data_converter=data_converter(Settings(), strict=False))
    await replayer.replay_workflow(history)


async def record() -> None:
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(Settings()), test_server_existing_path=str(time_skipping_server_binary())
    ) as env:
        _, history = await _run(env, CadenceRun(kind=ReportKind.MONTHLY, due=DUE), WORKFLOW_ID)
    HISTORY.parent.mkdir(exist_ok=True)
    HISTORY.write_text(history.to_json(), encoding="utf-8")
    print(f"wrote {HISTORY}")


if __name__ == "__main__":
    asyncio.run(record())
