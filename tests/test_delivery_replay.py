"""The delivery workflows' committed histories replay against today's code, and today's code still issues
the commands they recorded (else gate the change with workflow.patched, README "Changing a workflow safely")."""

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.delivery_histories.scenarios import FILES, committed, record
from tests.histories.scenarios import command_sequence
from workflows.delivery import DeliveryWorkflow, DigestWorkflow


@pytest.mark.parametrize("name", sorted(FILES))
async def test_the_committed_delivery_histories_replay(name: str) -> None:
    replayer = Replayer(workflows=[DeliveryWorkflow, DigestWorkflow], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(committed(name), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{name}: {result.replay_failure}"


async def test_the_delivery_workflows_still_issue_the_committed_commands() -> None:
    fresh = await record()
    for name in FILES:
        assert command_sequence(fresh[name]) == command_sequence(committed(name)), name
    commands = command_sequence(committed("delivery"))
    assert commands.count("ScheduleActivity deliver") == 2 and "ScheduleActivity give_up_delivery" in commands
