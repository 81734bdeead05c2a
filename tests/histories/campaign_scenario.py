"""The committed history of a campaign (专项整治): launched, a measure added, a phase amended, its phases run
through the rectify phase's closing account and the evaluate phase's summary, across a year boundary (an annual
summary). Recorded by `record.py` with the other scenarios (`scenarios.py` lists it)."""

from datetime import date, datetime, timedelta

from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from core.temporal import time_skipping_server_binary
from models.actions import Command
from models.base import china_date
from models.campaign import (
    AddMeasureBody,
    AmendPhaseBody,
    PhaseIn,
    PhaseKind,
    TaggedHazard,
    campaign_workflow_id,
)
from tests import factories as f
from tests.test_campaign_workflow import StandIns, campaign_start, campaign_worker
from workflows.campaign import CampaignWorkflow as W

CAMPAIGN_ID = "CP-371702-2040-001"


async def run_campaign(env: WorkflowEnvironment, task_queue: str) -> None:
    today = china_date(await env.get_current_time())
    phases = (
        PhaseIn(kind=PhaseKind.INVESTIGATE, starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=20)),
        PhaseIn(kind=PhaseKind.RECTIFY, starts_on=today + timedelta(days=21), ends_on=date(today.year, 12, 20)),
        PhaseIn(kind=PhaseKind.EVALUATE, starts_on=date(today.year + 1, 1, 5), ends_on=date(today.year + 1, 1, 20)),
    )
    stand_ins = StandIns((TaggedHazard(code="HZ-371702-2040-000001", status="closed"),
                          TaggedHazard(code="HZ-371702-2040-000002", status="rectifying")))
    async with campaign_worker(env.client, task_queue, stand_ins):
        start = campaign_start(phases).model_copy(update={"campaign_id": CAMPAIGN_ID})
        handle = await env.client.start_workflow(W.run, start, id=campaign_workflow_id(CAMPAIGN_ID), task_queue=task_queue)
        await handle.execute_update(W.launched)
        measure = AddMeasureBody(title="建立隐患排查治理制度", responsible_unit="区应急管理局", due_on=today + timedelta(days=40))
        await handle.execute_update(W.add_measure, Command(actor=f.COUNTY_SUPERVISOR, body=measure))
        amend = AmendPhaseBody(kind=PhaseKind.RECTIFY, starts_on=today + timedelta(days=21), ends_on=date(today.year, 12, 25), reason="顺延")
        await handle.execute_update(W.amend_phase, Command(actor=f.COUNTY_SUPERVISOR, body=amend))
        await env.sleep(timedelta(days=45))
        state = await handle.query(W.state)
        assert state.measures, "the measure is there"
        from models.campaign import CompleteMeasureBody

        done = CompleteMeasureBody(measure_id=1, note="已印发")
        await handle.execute_update(W.complete_measure, Command(actor=f.COUNTY_SUPERVISOR, body=done))
        await handle.result()


async def record_campaign(epoch: datetime) -> list[tuple[str, str, str, WorkflowHistory]]:
    """(file, workflow id, workflow type, history) of the campaign scenario, run from `epoch`."""
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=str(time_skipping_server_binary())
    ) as env:
        await env.sleep(epoch - await env.get_current_time())
        await run_campaign(env, "scenario-campaign_phases")
        workflow_id = campaign_workflow_id(CAMPAIGN_ID)
        history = await env.client.get_workflow_handle(workflow_id).fetch_history()
    return [("campaign_phases.json", workflow_id, "CampaignWorkflow", history)]
