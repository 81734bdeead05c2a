"""The `interview_outcome` signal of a workflow that starts interviews (约谈) as its children: a hazard, a tour."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.interview import InterviewOutcome


class InterviewOutcomes:
    """Mixed into HazardWorkflow and TourWorkflow: each ended interview's outcome is queued for the run loop,
    which it wakes; the workflow takes it up on its next step (a no-show or a missed reply raises a hazard's
    rung; a tour records it)."""

    _outcomes: list[InterviewOutcome]
    _changes: int

    @workflow.signal
    def interview_outcome(self, outcome: InterviewOutcome) -> None:
        """An interview this workflow started has ended (a no-show, a reply, a missed reply)."""
        self._outcomes.append(outcome)
        self._changes += 1
