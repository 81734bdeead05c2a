"""A hazard's Temporal event histories, every run of it, and a readable timeline of what was decided.

A hazard's workflow (`hazard-<code>`) may have continued as new: its histories are the runs from the first
to the newest, each fetched on its own. The timeline reads them back as decisions: who asked for each human
step (the Update and its Command's actor), each transition projected into the read model, each timer
started and fired, each interview started and each signal received, with the event id and workflow time.
"""

import base64
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory

from activities.campaigns import CampaignActivities
from activities.interviews import InterviewActivities
from activities.projection import ProjectionActivities
from activities.signoff import SignOffActivities
from activities.tour import TourActivities
from core.codec import ENCRYPTED, DubanPayloadConverter, decode_payload, reader_codec
from models.campaign import CampaignProjection
from models.hazard import ProjectionItem, ProjectionReceipt, Transition, workflow_id_for
from models.interview import InterviewProjection, InterviewReceipt
from models.signoff import SignOffStep
from models.tour import TourProjection
from workflows.calls import activity_definition

MAX_RUNS = 10_000  # a guard against a cycle in continued-as-new links, never reached in practice
_E = EventType
LOCAL_ACTIVITY_MARKER = "core_local_activity"
PROJECT_TRANSITION = activity_definition(ProjectionActivities.project_transition).name
PROJECT_INTERVIEW = activity_definition(InterviewActivities.project_interview).name
# the projections of the other processes: their steps read back the same way (seq, action, statuses, actor)
PROJECT_STEPS = {
    activity_definition(CampaignActivities.project_campaign).name: CampaignProjection,
    activity_definition(TourActivities.project_tour).name: TourProjection,
    activity_definition(SignOffActivities.project_signoff).name: SignOffStep,
}
_CONVERTER = DubanPayloadConverter()


async def workflow_histories(client: Client, workflow_id: str) -> list[WorkflowHistory]:
    """Every run of `workflow_id`, first to newest, following continue-as-new from the first run."""
    newest = await client.get_workflow_handle(workflow_id).describe()
    run_id: str | None = newest.raw_description.workflow_execution_info.first_run_id or newest.run_id
    histories: list[WorkflowHistory] = []
    while run_id and len(histories) < MAX_RUNS:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        histories.append(history)
        run_id = next_run_id(history)
    return histories


async def hazard_histories(client: Client, code: str) -> list[WorkflowHistory]:
    """Every run of the hazard's workflow `hazard-<code>`, in order."""
    return await workflow_histories(client, workflow_id_for(code))


def next_run_id(history: WorkflowHistory) -> str | None:
    """The run this one continued as, if it did."""
    last = history.events[-1] if history.events else None
    if last is not None and last.event_type == _E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        return last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id or None
    return None


def child_workflow_ids(histories: Iterable[WorkflowHistory]) -> list[str]:
    """The ids of the child workflows (interviews) the runs started, in order, once each."""
    seen: dict[str, None] = {}
    for history in histories:
        for event in history.events:
            if event.event_type == _E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
                seen.setdefault(event.start_child_workflow_execution_initiated_event_attributes.workflow_id)
    return list(seen)


def histories_json(histories: Sequence[WorkflowHistory]) -> list[dict[str, Any]]:
    """The runs as Temporal's own JSON (what the CLI and the Web UI download), one object per run, every payload
    decrypted: the answer holds no sealed payload that could be copied into a command, and still replays."""
    return [_opened(history.to_json_dict()) for history in histories]


_SEALED = base64.b64encode(ENCRYPTED).decode()


def _opened(value: Any) -> Any:
    """`value` (Temporal's JSON) with every encrypted payload replaced by the payload it seals."""
    if isinstance(value, list):
        return [_opened(item) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("metadata", {}).get("encoding") == _SEALED and "data" in value:
        sealed = Payload(metadata={k: base64.b64decode(v) for k, v in value["metadata"].items()},
                         data=base64.b64decode(value["data"]))
        plain = decode_payload(reader_codec(), sealed)
        return {"metadata": {k: base64.b64encode(v).decode() for k, v in plain.metadata.items()},
                "data": base64.b64encode(plain.data).decode()}
    return {key: _opened(item) for key, item in value.items()}


# --- the timeline ---------------------------------------------------------------------------------------


def timeline(histories: Sequence[WorkflowHistory]) -> list[dict[str, Any]]:
    """The decisions recorded in the runs, in order: one dict per Update, transition, timer, child, signal."""
    entries: list[dict[str, Any]] = []
    for number, history in enumerate(histories, start=1):
        run_id = history.run_id
        for event in history.events:
            entry = _entry(event)
            if entry is not None:
                entries.append({"run": number, "run_id": run_id, "event_id": event.event_id,
                                "at": _time(event), **entry})
    return entries


def _time(event: HistoryEvent) -> str:
    return event.event_time.ToDatetime().isoformat() + "Z"


def _decode(payloads: Sequence[Any]) -> Any:
    """The first payload as plain JSON data (the pydantic converter writes JSON)."""
    if not payloads:
        return None
    return _from_payload(payloads[0])


def _from_payload(payload: Any, type_hint: Any = None) -> Any:
    """A recorded payload's value: decrypted with the configured keys (one written before the codec as it is)."""
    plain = decode_payload(reader_codec(), payload)
    return _CONVERTER.from_payload(plain, type_hint)


def _actor(actor: dict[str, Any] | None) -> dict[str, Any]:
    actor = actor or {}
    return {"actor": actor.get("username"), "role": actor.get("role"), "actor_reason": actor.get("reason")}


INTAKE_UPDATE = "reported"  # HazardWorkflow.reported (update-with-start's read of the report)


def _entry(event: HistoryEvent) -> dict[str, Any] | None:
    kind = event.event_type
    if kind == _E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        attributes = event.workflow_execution_started_event_attributes
        return {"kind": "run_started", "workflow_type": attributes.workflow_type.name,
                "continued_from": attributes.continued_execution_run_id or None}
    if kind == _E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        request = event.workflow_execution_update_accepted_event_attributes.accepted_request
        command = _decode(request.input.args.payloads) or {}
        if request.input.name == INTAKE_UPDATE:  # update-with-start's read of the report, not a decision
            return {"kind": "intake", "update": request.input.name, "update_id": request.meta.update_id}
        return {"kind": "update", "update": request.input.name, "update_id": request.meta.update_id,
                **_actor(command.get("actor") if isinstance(command, dict) else None)}
    if kind == _E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        return _activity_entry(event)
    if kind == _E.EVENT_TYPE_MARKER_RECORDED:
        return _local_activity_entry(event)
    if kind == _E.EVENT_TYPE_TIMER_STARTED:
        timer = event.timer_started_event_attributes
        seconds = timer.start_to_fire_timeout.ToTimedelta().total_seconds()
        fires = event.event_time.ToDatetime() + timer.start_to_fire_timeout.ToTimedelta()
        return {"kind": "timer_started", "timer_id": timer.timer_id, "seconds": seconds,
                "fires_at": fires.isoformat() + "Z"}
    if kind == _E.EVENT_TYPE_TIMER_FIRED:
        return {"kind": "timer_fired", "timer_id": event.timer_fired_event_attributes.timer_id}
    if kind == _E.EVENT_TYPE_TIMER_CANCELED:
        return {"kind": "timer_canceled", "timer_id": event.timer_canceled_event_attributes.timer_id}
    if kind == _E.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
        child = event.child_workflow_execution_started_event_attributes
        return {"kind": "child_started", "workflow_type": child.workflow_type.name,
                "workflow_id": child.workflow_execution.workflow_id}
    if kind == _E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        signal = event.workflow_execution_signaled_event_attributes
        return {"kind": "signal", "signal": signal.signal_name, "input": _decode(signal.input.payloads)}
    if kind == _E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        sent = event.signal_external_workflow_execution_initiated_event_attributes
        return {"kind": "signal_sent", "signal": sent.signal_name, "workflow_id": sent.workflow_execution.workflow_id}
    if kind == _E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        return {"kind": "continued_as_new",
                "new_run_id": event.workflow_execution_continued_as_new_event_attributes.new_execution_run_id}
    if kind in _ENDINGS:
        return {"kind": _ENDINGS[kind]}
    return None


_ENDINGS = {
    _E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: "completed",
    _E.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: "failed",
    _E.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: "terminated",
    _E.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: "canceled",
    _E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: "timed_out",
}


def _activity_entry(event: HistoryEvent) -> dict[str, Any] | None:
    """A projected transition (hazard or interview); other activities (the calendar) are not decisions."""
    scheduled = event.activity_task_scheduled_event_attributes
    payloads = scheduled.input.payloads
    if scheduled.activity_type.name == PROJECT_TRANSITION and payloads:
        item = _from_payload(payloads[0], ProjectionItem)
        return _transition_entry(item.transition, item.document.sha256 if item.document else None)
    if scheduled.activity_type.name == PROJECT_INTERVIEW and payloads:
        return _interview_entry(_from_payload(payloads[0], InterviewProjection))
    step_type = PROJECT_STEPS.get(scheduled.activity_type.name)
    if step_type is not None and payloads:
        return _step_entry(_from_payload(payloads[0], step_type))
    return None


def completed_local_activity(event: HistoryEvent) -> tuple[str, Any] | None:
    """A local activity's marker holding its result: (the activity type, the result payload); else None."""
    if event.event_type != _E.EVENT_TYPE_MARKER_RECORDED:
        return None
    marker = event.marker_recorded_event_attributes
    if marker.marker_name != LOCAL_ACTIVITY_MARKER or "data" not in marker.details or "result" not in marker.details:
        return None
    about = _decode(marker.details["data"].payloads)
    activity_type = about.get("activity_type") if isinstance(about, dict) else None
    result = marker.details["result"].payloads
    return (activity_type, result[0]) if isinstance(activity_type, str) and result else None


def _local_activity_entry(event: HistoryEvent) -> dict[str, Any] | None:
    """A projection run as a local activity: its marker keeps the receipt it returned (not its input)."""
    completed = completed_local_activity(event)
    if completed is None:
        return None
    activity_type, result = completed
    if activity_type == PROJECT_TRANSITION:
        receipt = _from_payload(result, ProjectionReceipt)
        return _transition_entry(receipt.transition, receipt.document_sha256)
    if activity_type == PROJECT_INTERVIEW:
        return _interview_entry(_from_payload(result, InterviewReceipt))
    if activity_type in PROJECT_STEPS:  # their receipts name the step only (the trail has the rest)
        receipt = _from_payload(result)
        if isinstance(receipt, dict) and "seq" in receipt:
            return {"kind": "step", "seq": receipt["seq"], "action": receipt.get("action")}
    return None


def _transition_entry(t: Transition, document_hash: str | None) -> dict[str, Any]:
    return {"kind": "transition", "seq": t.seq, "action": t.action.value,
            "from_status": t.from_status.value if t.from_status else None, "to_status": t.to_status.value,
            **_actor(t.actor.model_dump(mode="json")), "reason": t.reason, "comment": t.comment,
            "workflow_time": _iso(t.at), "document_hash": document_hash}


def _interview_entry(step: InterviewProjection | InterviewReceipt) -> dict[str, Any]:
    return {"kind": "interview_step", "seq": step.seq, "action": step.action.value,
            "from_status": step.from_status.value if step.from_status else None,
            "to_status": step.to_status.value, **_actor(step.actor.model_dump(mode="json")),
            "comment": step.comment, "workflow_time": _iso(step.at)}


def _step_entry(step: CampaignProjection | TourProjection | SignOffStep) -> dict[str, Any]:
    """A step of a campaign, a tour or a circular's sign-off, as projected."""
    action, before, after = step.action, getattr(step, "from_status", None), getattr(step, "to_status", None)
    return {"kind": "step", "seq": step.seq, "action": getattr(action, "value", action),
            "from_status": getattr(before, "value", before), "to_status": getattr(after, "value", after),
            **_actor(step.actor.model_dump(mode="json")), "comment": step.comment,
            "reason": getattr(step, "reason", None), "workflow_time": _iso(step.at)}


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")
