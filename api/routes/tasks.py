"""`GET /tasks`: what the caller must do next (待办), most urgent first."""

from datetime import UTC, datetime

from fastapi import APIRouter

from api.deps import CurrentUser, SessionDep
from api.schemas import TaskOut
from domain import clocks
from domain.transitions import allowed_actions
from models.enums import Action
from store import hazards

router = APIRouter(tags=["tasks"])

# Steps someone owes; voiding, pausing, interviews, extension requests and progress notes are possible but
# never "due".
NOT_TASKS = {Action.VOID, Action.REPORT_PROGRESS, Action.PAUSE, Action.RESUME, Action.INTERVIEW, Action.REQUEST_EXTENSION}
FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


@router.get("/tasks", response_model=list[TaskOut])
def my_tasks(session: SessionDep, principal: CurrentUser) -> list[TaskOut]:
    tasks = []
    for row in hazards.open_rows(session=session, scope=principal.scope):
        state = hazards.state_of(row)
        for action in allowed_actions(state, principal.actor):
            if action in NOT_TASKS:
                continue
            tasks.append(
                TaskOut(
                    hazard_code=row.code,
                    action=action,
                    due_at=clocks.due_for(state, action.value),
                    title=row.title,
                    status=state.status,
                    overdue=row.overdue,
                )
            )
    return sorted(tasks, key=lambda t: (not t.overdue, t.due_at or FAR_FUTURE, t.hazard_code))
