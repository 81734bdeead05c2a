"""The outcomes of the interviews (约谈) a workflow starts as its children (a hazard, a tour): a queue the workflow
owns. Its `interview_outcome` signal handler puts each ended interview's outcome here, which wakes the run loop;
the loop takes it up on its next step (a no-show or a missed reply raises a hazard's rung; a tour records it)."""

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.interview import InterviewOutcome
    from workflows.steps import StepMachine


class InterviewOutcomes:
    def __init__(self, steps: StepMachine[Any, Any]) -> None:
        self._steps = steps
        self._queue: list[InterviewOutcome] = []

    def __bool__(self) -> bool:
        """Some outcome waits to be taken up."""
        return bool(self._queue)

    def put(self, outcome: InterviewOutcome) -> None:
        """An interview this workflow started has ended: queue its outcome and wake the loop."""
        self._queue.append(outcome)
        self._steps.changed()

    def take(self) -> InterviewOutcome:
        """The earliest outcome not taken up yet (call only when there is one)."""
        return self._queue.pop(0)
