"""Interviews (约谈) as both doors see them: the visible list, one interview, and running a step's Update.

`GET /api/v1/interviews[/{id}]`, the web UI's interview pages and `interview_action` below all call
these; the interview's workflow owns the Updates, and its validators check the rules again.
"""

from datetime import datetime
from typing import Any

from anyio import from_thread
from pydantic import BaseModel, Field
from sqlmodel import Session
from temporalio.client import Client

from core.db import as_utc
from domain import interviews as rules
from domain.refusals import Refusal
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
    RecordBody,
    Reply,
    ReplyBody,
    ScheduleBody,
    SubmitMaterialsBody,
)
from models.tables import InterviewRow
from services import presenters
from services.errors import from_refusal, refused
from services.gateway import run_step
from services.principal import Principal
from services.schemas import DocumentOut, TimelineEntry
from store import interviews
from workflows.interview import InterviewWorkflow

PROJECTION_WAIT_SECONDS = 15.0  # an accepted step not recorded by then answers 202
ACTION_BODIES: dict[InterviewAction, type[Frozen]] = {
    InterviewAction.SCHEDULE: ScheduleBody,
    InterviewAction.SUBMIT_MATERIALS: SubmitMaterialsBody,
    InterviewAction.RECORD: RecordBody,
    InterviewAction.REPLY: ReplyBody,
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
    tour_id: str | None = None  # the inspection tour that started it


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
    documents: list[DocumentOut] = Field(default_factory=list, description="the notice and minutes")


def visible_interviews(
    session: Session, principal: Principal, *, hazard_code: str | None = None, status: InterviewStatus | None = None
) -> list[InterviewSummary]:
    """The interviews the caller may see: their jurisdiction subtree, or their own enterprise's."""
    rows = interviews.list_rows(
        session=session, scope=principal.scope, hazard_code=hazard_code, status=status.value if status else None
    )
    return [summary(row, interviews.state_of(row)) for row in rows]


def visible_row(session: Session, interview_id: str, principal: Principal) -> InterviewRow:
    """The interview's row, if it exists and the caller may see it (404 and 403 otherwise)."""
    row = interviews.get_row(session=session, interview_id=interview_id)
    in_scope = row is not None and interviews.in_scope(row, principal.scope)
    return presenters.visible(row, in_scope, "interview", interview_id)


def read_interview(session: Session, interview_id: str, principal: Principal) -> InterviewOut:
    """One interview in full, with what the caller may do now."""
    return detail(session, visible_row(session, interview_id, principal), principal)


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
        tour_id=start.tour_id,
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
        timeline=presenters.timeline_of(events),
        allowed_actions=allowed,
        workflow_id=row.workflow_id,
        documents=presenters.documents_of(state.documents),
    )


async def run_update(
    client: Client, workflow_id: str, action: InterviewAction, command: Command[Any], timeout: float
) -> InterviewState | None:
    """Run an interview's Update (`gateway.run_step`)."""
    ended = refused(409, "interview_finished")
    return await run_step(client, workflow_id, UPDATES[action], command, timeout, ended)  # type: ignore[no-any-return]


def interview_action(
    *,
    session: Session,
    principal: Principal,
    client: Client,
    interview_id: str,
    action: InterviewAction,
    body: Frozen,
) -> InterviewRow | None:
    """Take a human step of an interview; None when accepted but not yet in the read model."""
    row = visible_row(session, interview_id, principal)
    try:
        rules.check_role(action, principal.actor, interviews.state_of(row))
    except Refusal as refusal:
        raise from_refusal(refusal) from None
    command_type: Any = Command[type(body)]  # type: ignore[misc]
    command = command_type(actor=principal.actor, body=body)
    state = from_thread.run(run_update, client, row.workflow_id, action, command, PROJECTION_WAIT_SECONDS)
    if state is None:
        return None
    session.expire_all()
    return visible_row(session, row.id, principal)
