"""The outcome half of a replay: the state today's code reaches, compared with the one the read model holds.

While a history replays, a worker interceptor records the argument of every projection activity (regular or
local) the code schedules (`project_transition`'s ProjectionItem, `project_interview`'s InterviewProjection): each carries the
state right after its step. The read model holds the state of the highest step projected, so it must equal
the replayed state with the same `seq`, and must not be behind what the history shows projected.
"""

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import (
    Interceptor,
    StartActivityInput,
    StartLocalActivityInput,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)

from audit.histories import PROJECT_INTERVIEW, PROJECT_STEPS, PROJECT_TRANSITION, completed_local_activity

PROJECTIONS = frozenset({PROJECT_TRANSITION, PROJECT_INTERVIEW, *PROJECT_STEPS})
CAPTURE = "duban_capture_projection"
FIRST_FIELDS = ("status", "seq")  # shown first when states differ


class ProjectionCapture(Interceptor):
    """Records the argument of every projection activity the replayed code schedules, per workflow run.

    The workflow runs in the sandbox; what it schedules leaves it through an extern function."""

    def __init__(self) -> None:
        self.calls: dict[tuple[str, str], list[Any]] = {}

    def record(self, workflow_id: str, run_id: str, arg: Any) -> None:
        self.calls.setdefault((workflow_id, run_id), []).append(arg)

    def take(self, workflow_id: str, run_id: str) -> list[Any]:
        return self.calls.pop((workflow_id, run_id), [])

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput) -> type[WorkflowInboundInterceptor]:
        input.unsafe_extern_functions[CAPTURE] = self.record
        return _CaptureInbound


class _CaptureInbound(WorkflowInboundInterceptor):
    def init(self, outbound: WorkflowOutboundInterceptor) -> None:
        super().init(_CaptureOutbound(outbound))


class _CaptureOutbound(WorkflowOutboundInterceptor):
    def start_activity(self, input: StartActivityInput) -> workflow.ActivityHandle[Any]:
        _capture(input.activity, input.args)
        return super().start_activity(input)

    def start_local_activity(self, input: StartLocalActivityInput) -> workflow.ActivityHandle[Any]:
        _capture(input.activity, input.args)
        return super().start_local_activity(input)


def _capture(activity: str, args: Any) -> None:
    if activity in PROJECTIONS and args:
        info = workflow.info()
        workflow.extern_functions()[CAPTURE](info.workflow_id, info.run_id, args[0])


def completed_projections(history: WorkflowHistory) -> int:
    """How many projection activities the history shows completed (they run one at a time, in order): regular
    ones by their completion event, local ones by their marker holding a result."""
    scheduled: set[int] = set()
    completed = 0
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            if event.activity_task_scheduled_event_attributes.activity_type.name in PROJECTIONS:
                scheduled.add(event.event_id)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            completed += event.activity_task_completed_event_attributes.scheduled_event_id in scheduled
        elif (local := completed_local_activity(event)) is not None:
            completed += local[0] in PROJECTIONS
    return completed


@dataclass
class Reached:
    """What one workflow's replay reached, over all its runs."""

    states: list[Any] = field(default_factory=list)  # the state of every projection scheduled, in order
    projected_seq: int = 0  # the highest seq the history shows projected

    def add(self, calls: list[Any], completed: int) -> None:
        states = [getattr(call, "state", None) for call in calls]
        self.states.extend(states)
        done = [getattr(s, "seq", 0) for s in states[:completed]]
        self.projected_seq = max([self.projected_seq, *done])


def compare_outcome(workflow_id: str, reached: Reached, recorded_json: str, kind: type[BaseModel]) -> str | None:
    """None when the read model's state is the one replay reached at its seq; else what differs."""
    prefix = f"outcome differs: {workflow_id}:"
    try:
        recorded = kind.model_validate_json(recorded_json)
    except ValidationError as error:
        return f"{prefix} the read model's state cannot be read ({error.error_count()} errors)"
    seq = getattr(recorded, "seq", None)
    if seq is None or seq < reached.projected_seq:
        return f"{prefix} the read model holds seq {seq}, the history shows seq {reached.projected_seq} projected"
    replayed = next((s for s in reversed(reached.states) if getattr(s, "seq", None) == seq), None)
    if not isinstance(replayed, BaseModel):
        last = max((getattr(s, "seq", 0) for s in reached.states), default=0)
        return f"{prefix} seq: replay {last}, read model {seq} (replay never reached it)"
    return _difference(prefix, replayed.model_dump(mode="json"), recorded.model_dump(mode="json"))


def _difference(prefix: str, mine: dict[str, Any], theirs: dict[str, Any]) -> str | None:
    if mine == theirs:
        return None
    keys = [*FIRST_FIELDS, *sorted(set(mine) | set(theirs))]
    fields = [k for k in dict.fromkeys(keys) if mine.get(k) != theirs.get(k)]
    shown = [
        f"{k}: replay {mine.get(k)!r}, read model {theirs.get(k)!r}"
        if not isinstance(mine.get(k), dict | list) and not isinstance(theirs.get(k), dict | list)
        else f"{k} differs"
        for k in fields[:6]
    ]
    return f"{prefix} " + "; ".join(shown)
