"""The hazard's interviews (约谈), a part HazardWorkflow owns: it starts them as child workflows and calls them off
when the hazard ends. The child and its signal are addressed through `InterviewWorkflow` itself."""

import contextlib

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from domain import clocks, escalation
    from models.actors import Actor, system_actor
    from models.hazard import HazardState, ProjectionItem
    from models.interview import InterviewStart
    from workflows.interview import InterviewWorkflow
    from workflows.steps import StepMachine


class HazardInterviews:
    """The interviews the hazard's state names: which are started, and who started one by hand and why."""

    def __init__(self, machine: StepMachine[ProjectionItem, HazardState]) -> None:
        self._machine = machine
        self._started_interviews: set[str] = set(machine.state.interviews)  # continued as new: they run already
        self._interview_starters: dict[str, Actor] = {}  # interviews a supervisor started by hand
        self._interview_reasons: dict[str, str] = {}  # and the reason they gave

    @property
    def _state(self) -> HazardState:
        return self._machine.state

    def started_by_hand(self, interview_id: str, actor: Actor, reason: str) -> None:
        self._interview_starters[interview_id] = actor
        self._interview_reasons[interview_id] = reason

    async def start(self) -> None:
        """Start the interview child workflow of every interview the state names and no one started yet."""
        for interview_id in self._state.interviews:
            if interview_id in self._started_interviews:
                continue
            self._started_interviews.add(interview_id)
            state = self._state
            authority = clocks.supervising_authority(state)
            authority_name = next((r.name for r in state.facts.region_path if r.code == authority), authority)
            start = InterviewStart(
                interview_id=interview_id,
                hazard_code=state.code,
                hazard_workflow_id=workflow.info().workflow_id,
                reason=self._interview_reasons.get(interview_id) or escalation.interview_reason(state, workflow.now()),
                trigger="manual" if interview_id in self._interview_starters else "ladder",
                enterprise_uscc=state.facts.enterprise_uscc,
                enterprise_name=state.facts.enterprise_name,
                interviewee=state.facts.enterprise_principal or state.facts.enterprise_name,
                conducting_authority_code=authority,
                conducting_authority_name=authority_name,
                region_path=state.facts.region_path,
                started_by=self._interview_starters.get(interview_id, system_actor("rung:interview")),
                rules=state.policy.interview,
            )
            with contextlib.suppress(WorkflowAlreadyStartedError):
                await workflow.start_child_workflow(
                    InterviewWorkflow.run,
                    start,
                    id=interview_id,
                    parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                )

    async def cancel(self) -> None:
        """A closed or voided hazard needs no more interviews: tell any still open to stop (best effort)."""
        reason = f"隐患 {self._state.code} 已{'销号' if self._state.status == 'closed' else '作废'}"
        for interview_id in self._state.interviews:
            try:
                await workflow.get_external_workflow_handle_for(InterviewWorkflow.run, interview_id).signal(
                    InterviewWorkflow.cancel, reason
                )
            except Exception as error:  # noqa: BLE001 - it may have ended already
                workflow.logger.info("interview not cancelled", extra={"interview_id": interview_id, "error": str(error)})
