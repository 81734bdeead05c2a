"""Interviews (约谈): list, read, and the human steps (`POST /interviews/{id}/actions/{action}`).

Interviews are started by their hazard (the escalation ladder's `interview` rung, or a supervisor through
the hazard); here they are read and moved on. Each step is an Update of the interview's workflow.
"""

import asyncio
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlmodel import Session
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateStage
from temporalio.service import RPCError, RPCStatusCode

from api import services, views
from api.deps import CurrentUser, Principal, SessionDep, TemporalDep
from api.errors import ApiError
from api.gateway import refusal_from
from api.schemas import ErrorOut, TimelineEntry, action_description
from core.db import as_utc
from domain import interviews as rules
from models.actions import Command
from models.actors import Actor
from models.base import Frozen
from models.interview import (
    Commitment,
    InterviewAction,
    InterviewOutcomeKind,
    InterviewState,
    InterviewStatus,
    Materials,
    Reply,
)
from models.tables import InterviewRow
from registry.base import ActionSpec
from registry.interview import INTERVIEW
from store import interviews
from workflows.interview import InterviewWorkflow

router = APIRouter(tags=["interviews"])
REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (401, 403, 404, 409, 422)
}
PROJECTION_WAIT_SECONDS = 15.0

ACTION_BODIES: dict[InterviewAction, type[Frozen]] = {
    InterviewAction(spec.name): spec.body for spec in INTERVIEW.actions  # type: ignore[misc]
}
UPDATES: dict[InterviewAction, Any] = {
    InterviewAction.SCHEDULE: InterviewWorkflow.schedule,
    InterviewAction.SUBMIT_MATERIALS: InterviewWorkflow.submit_materials,
    InterviewAction.RECORD: InterviewWorkflow.record,
    InterviewAction.REPLY: InterviewWorkflow.reply,
}


class InterviewSummary(BaseModel):
    id: str
    hazard_code: str
    status: InterviewStatus
    trigger: str
    enterprise_uscc: str
    enterprise_name: str
    interviewee: str
    conducting_authority_code: str
    conducting_authority_name: str
    scheduled_at: datetime | None
    reply_due: datetime | None
    outcome: InterviewOutcomeKind | None
    updated_at: datetime


class InterviewOut(InterviewSummary):
    reason: str
    notice_at: datetime
    latest_schedule: datetime = Field(description="the interview is held by this instant (notice + N days)")
    place: str | None
    materials: Materials | None
    attended: bool | None
    minutes: str | None
    attendees: tuple[str, ...]
    commitments: tuple[Commitment, ...]
    reply_due_provisional: bool
    reply: Reply | None
    closed_at: datetime | None
    cancel_reason: str | None
    started_by: Actor
    timeline: list[TimelineEntry]
    allowed_actions: tuple[InterviewAction, ...] = Field(description="what the caller may do now")
    workflow_id: str


@router.get("/interviews", response_model=list[InterviewSummary], responses=REFUSALS)
def list_interviews(
    session: SessionDep,
    principal: CurrentUser,
    hazard_code: str | None = None,
    status: InterviewStatus | None = None,
) -> list[InterviewSummary]:
    """The interviews the caller may see: their jurisdiction subtree, or their own enterprise's."""
    rows = interviews.list_rows(
        session=session, scope=principal.scope, hazard_code=hazard_code, status=status.value if status else None
    )
    return [summary(row, interviews.state_of(row)) for row in rows]


@router.get("/interviews/{interview_id}", response_model=InterviewOut, responses=REFUSALS)
def get_interview(interview_id: str, session: SessionDep, principal: CurrentUser) -> InterviewOut:
    return detail(session, visible_row(session, interview_id, principal), principal)


def _action_route(spec: ActionSpec) -> None:
    action = InterviewAction(spec.name)

    def take_action(
        interview_id: str, body: spec.body, session: SessionDep, principal: CurrentUser, client: TemporalDep  # type: ignore[name-defined]
    ) -> Any:
        row = services.interview_action(
            session=session, principal=principal, client=client, interview_id=interview_id, action=action, body=body
        )
        if row is None:
            return JSONResponse(
                {"id": interview_id, "detail": {"code": "accepted", "message_zh": "操作已受理，正在处理", "message_en": "accepted; still being recorded"}},
                status_code=202,
            )
        return detail(session, row, principal)

    take_action.__name__ = f"interview_action_{action.value.replace('-', '_')}"
    router.add_api_route(
        f"/interviews/{{interview_id}}/actions/{action.value}",
        take_action,
        methods=["POST"],
        response_model=InterviewOut,
        responses=REFUSALS,
        summary=f"interview: {spec.label_en} ({spec.label_zh})",
        description=action_description(INTERVIEW, spec),
    )


for _spec in INTERVIEW.actions:
    _action_route(_spec)


@router.post("/interviews/{interview_id}/actions/{action}", include_in_schema=False)
def unknown_action(interview_id: str, action: str) -> None:
    known = ", ".join(a.value for a in ACTION_BODIES)
    raise ApiError(404, "unknown_action", f"没有“{action}”这个操作，可用的有：{known}", f"no action '{action}'; the actions are {known}")


async def run_update(
    client: Client, workflow_id: str, action: InterviewAction, command: Command[Any], timeout: float
) -> InterviewState | None:
    """Run the Update; a refusal becomes an ApiError. None when accepted but not finished within `timeout`."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        update = await handle.start_update(UPDATES[action], command, wait_for_stage=WorkflowUpdateStage.ACCEPTED)
        return await asyncio.wait_for(update.result(), timeout)  # type: ignore[no-any-return]
    except WorkflowUpdateFailedError as failure:
        raise refusal_from(failure.cause) from None
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise ApiError(
                409, "interview_finished", "该约谈的流程已结束", "the process of this interview has ended"
            ) from None
        raise
    except TimeoutError:
        return None


# --- views ------------------------------------------------------------------------------------------------


def visible_row(session: Session, interview_id: str, principal: Principal) -> InterviewRow:
    """The interview's row, if it exists and the caller may see it (404 and 403 otherwise)."""
    row = interviews.get_row(session=session, interview_id=interview_id)
    in_scope = row is not None and interviews.in_scope(row, principal.scope)
    return views.visible(row, in_scope, ("约谈", "interview"), interview_id)


def summary(row: InterviewRow, state: InterviewState) -> InterviewSummary:
    start = state.start
    return InterviewSummary(
        id=row.id,
        hazard_code=row.hazard_code,
        status=state.status,
        trigger=row.trigger,
        enterprise_uscc=row.enterprise_uscc,
        enterprise_name=start.enterprise_name,
        interviewee=row.interviewee,
        conducting_authority_code=start.conducting_authority_code,
        conducting_authority_name=start.conducting_authority_name,
        scheduled_at=as_utc(row.scheduled_at),
        reply_due=as_utc(row.reply_due),
        outcome=state.outcome,
        updated_at=as_utc(row.updated_at),  # type: ignore[arg-type]
    )


def detail(session: Session, row: InterviewRow, principal: Principal) -> InterviewOut:
    state = interviews.state_of(row)
    events = interviews.events(session=session, interview_id=row.id)
    allowed = rules.allowed_actions(state, principal.actor) if rules.may_see(principal.actor, state) else ()
    return InterviewOut(
        **summary(row, state).model_dump(),
        reason=state.start.reason,
        notice_at=state.notice_at,
        latest_schedule=rules.latest_schedule(state),
        place=state.place,
        materials=state.materials,
        attended=state.attended,
        minutes=state.minutes,
        attendees=state.attendees,
        commitments=state.commitments,
        reply_due_provisional=state.reply_due_provisional,
        reply=state.reply,
        closed_at=state.closed_at,
        cancel_reason=state.cancel_reason,
        started_by=state.start.started_by,
        timeline=views.timeline_of(events),
        allowed_actions=allowed,
        workflow_id=row.workflow_id,
    )
