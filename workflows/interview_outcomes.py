"""The outcomes of the interviews (约谈) a workflow starts as its children (a hazard, a tour): a queue the workflow
owns. Its `interview_outcome` signal handler puts each ended interview's outcome here, which wakes the run loop;
the loop takes it up on its next step (a no-show or a missed reply raises a hazard's rung; a tour records it).

An outcome counts once, and only for an interview this workflow started: a signal naming another interview, or
repeating one already taken up (a copy replayed by whoever captured it), changes nothing."""

from collections.abc import Callable, Iterable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.interview import InterviewOutcome
    from workflows.steps import StepMachine


class InterviewOutcomes:
    def __init__(self, steps: StepMachine[Any, Any], started: Callable[[], Iterable[str]],
                 consumed: Iterable[str] = ()) -> None:
        self._steps = steps
        self._started = started  # the ids of the interviews this workflow started
        self._queue: list[InterviewOutcome] = []
        self.consumed: list[str] = list(consumed)  # the interviews whose outcome was taken (carried on continue-as-new)

    def __bool__(self) -> bool:
        """Some outcome waits to be taken up."""
        return bool(self._queue)

    def put(self, outcome: InterviewOutcome) -> None:
        """An interview this workflow started has ended: queue its outcome and wake the loop (once per interview;
        an outcome of an interview it did not start is ignored)."""
        if outcome.interview_id not in set(self._started()) or outcome.interview_id in self.consumed:
            workflow.logger.warning("interview outcome ignored: not one of ours, or taken already",
                                    extra={"interview_id": outcome.interview_id})
            return
        self.consumed.append(outcome.interview_id)
        self._queue.append(outcome)
        self._steps.changed()

    def take(self) -> InterviewOutcome:
        """The earliest outcome not taken up yet (call only when there is one)."""
        return self._queue.pop(0)
