"""The tour's interviews (约谈), a part TourWorkflow owns: each of a target's responsible person, a child workflow
started when a rectification is rejected or overdue, numbered in the tour's state."""

import contextlib
from typing import Any

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from models.interview import InterviewStart, interview_workflow_id
    from models.tour import TourProjection, TourState
    from workflows.interview import InterviewWorkflow
    from workflows.steps import StepMachine


class TourInterviews:
    def __init__(self, machine: StepMachine[TourProjection, TourState]) -> None:
        self._machine = machine

    def next_id(self) -> str:
        state = self._machine.state
        return interview_workflow_id(state.id, state.interviews_started + 1)

    async def start(self, key: str, interview_id: str, reason: str, trigger: str, actor: Any) -> None:
        state = self._machine.state
        start = state.start
        target = state.target(key)
        assert target is not None
        interview = InterviewStart(
            interview_id=interview_id, hazard_code=start.id, hazard_workflow_id=state.workflow_id,
            reason=reason, trigger=trigger, enterprise_uscc="", enterprise_name=target.name,  # type: ignore[arg-type]
            interviewee=f"{target.name}主要负责人", conducting_authority_code=start.organizer.code,
            conducting_authority_name=start.organizer.name, region_path=target.region_path, started_by=actor,
            rules=start.policy.interview, tour_id=start.id,
        )
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await workflow.start_child_workflow(InterviewWorkflow.run, interview, id=interview_id,
                                                parent_close_policy=workflow.ParentClosePolicy.ABANDON)
