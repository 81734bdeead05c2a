"""A captured command is no master key: a sealed payload copied out of one hazard's history and sent, with a raw
Temporal client, to another hazard changes nothing there (no step, no audit row, no notification)."""


import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.common import RawValue
from temporalio.testing import WorkflowEnvironment

from models.hazard import workflow_id_for
from models.tables import AuditEntry, Notification
from tests.api_helpers import Api


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


def test_an_interview_outcome_counts_once_and_only_for_an_interview_the_workflow_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import logging
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from models.interview import InterviewOutcome, InterviewOutcomeKind
    from workflows import interview_outcomes

    monkeypatch.setattr(interview_outcomes, "workflow", SimpleNamespace(logger=logging.getLogger("test")))
    woken: list[int] = []
    steps = SimpleNamespace(changed=lambda: woken.append(1))
    outcomes = interview_outcomes.InterviewOutcomes(steps, lambda: ("interview-HZ-1-1",))  # type: ignore[arg-type]

    def outcome(interview_id: str) -> InterviewOutcome:
        return InterviewOutcome(interview_id=interview_id, hazard_code="HZ-1", kind=InterviewOutcomeKind.NO_SHOW,
                                at=datetime(2026, 12, 1, tzinfo=UTC))

    outcomes.put(outcome("interview-HZ-2-1"))  # another hazard's interview
    assert not outcomes and woken == []
    outcomes.put(outcome("interview-HZ-1-1"))
    outcomes.put(outcome("interview-HZ-1-1"))  # the same outcome again, replayed
    assert outcomes.take().interview_id == "interview-HZ-1-1" and not outcomes and woken == [1]
    carried = interview_outcomes.InterviewOutcomes(steps, lambda: ("interview-HZ-1-1",), outcomes.consumed)  # type: ignore[arg-type]
    carried.put(outcome("interview-HZ-1-1"))  # after continue-as-new, still taken once
    assert not carried


async def test_an_outcome_signal_for_an_interview_the_hazard_never_started_changes_nothing(
    api: Api, dev_env: WorkflowEnvironment
) -> None:
    from datetime import UTC, datetime

    from models.interview import InterviewOutcome, InterviewOutcomeKind

    code = (await api.report()).json()["code"]
    listed = await api.act("county.supervisor", code, "assess", {"level": "major", "basis": "GB 30871-2022 5.1"})
    assert listed.status_code == 200, listed.text
    before, state = counts(api, code), listed.json()
    handle = dev_env.client.get_workflow_handle(workflow_id_for(code))
    forged = InterviewOutcome(interview_id=f"interview-{code}-7", hazard_code=code, kind=InterviewOutcomeKind.NO_SHOW,
                              at=datetime.now(UTC))
    await handle.signal("interview_outcome", forged)
    barrier = await api.act("county.supervisor", code, "assess", {"level": "major", "basis": "again"})
    assert barrier.status_code == 409  # handled after the signal: by now the signal has been taken or ignored
    after = (await api.as_user("county.supervisor", "GET", f"/hazards/{code}")).json()
    assert counts(api, code) == before and after["status"] == state["status"] and after["escalation"]["fired"] == []
