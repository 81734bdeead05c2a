"""A captured command is no master key: a sealed payload copied out of one hazard's history and sent, with a raw
Temporal client, to another hazard changes nothing there (no step, no audit row, no notification)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.common import RawValue
from temporalio.testing import WorkflowEnvironment

from models.hazard import workflow_id_for
from models.tables import AuditEntry, Notification
from tests.api_helpers import Api, running_api


@pytest.fixture
async def api(dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> AsyncIterator[Api]:
    async with running_api(dev_env.client, tmp_path, task_queue) as client:
        yield client


def counts(api: Api, code: str) -> tuple[int, int]:
    with Session(api.app.state.engine) as session:
        rows = session.exec(select(func.count()).select_from(AuditEntry).where(AuditEntry.record_id == code)).one()
        notes = session.exec(select(func.count()).select_from(Notification).where(Notification.record_id == code)).one()
        return int(rows), int(notes)


async def test_an_update_copied_from_one_hazards_history_is_refused_by_another(api: Api, dev_env: WorkflowEnvironment) -> None:
    first = (await api.report()).json()["code"]
    second = (await api.report()).json()["code"]
    assessed = await api.act("county.supervisor", first, "assess", {"level": "major", "basis": "GB 30871-2022 5.1"})
    assert assessed.status_code == 200, assessed.text
    history = await dev_env.client.get_workflow_handle(workflow_id_for(first)).fetch_history()
    accepted = next(e.workflow_execution_update_accepted_event_attributes.accepted_request for e in history.events
                    if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
                    and e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name == "assess")
    captured = accepted.input.args.payloads[0]
    assert captured.metadata["encryption-binding"].decode().endswith(workflow_id_for(first))
    before = counts(api, second)

    raw = Client(dev_env.client.service_client, namespace=dev_env.client.namespace)  # no key: passes bytes as they are
    with pytest.raises(Exception):  # noqa: B017 - refused by the workflow's codec, whatever the SDK wraps it in
        await raw.get_workflow_handle(workflow_id_for(second)).execute_update("assess", RawValue(captured))
    state = (await api.as_user("county.supervisor", "GET", f"/hazards/{second}")).json()
    assert state["status"] == "reported" and state["level"] is None
    assert counts(api, second) == before
