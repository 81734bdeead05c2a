"""What the caller must do next (待办), most urgent first: `GET /api/v1/tasks` and the web UI's home page."""

from datetime import UTC, datetime

from sqlmodel import Session

from api.deps import Principal
from api.schemas import TaskOut
from domain import clocks
from domain.transitions import allowed_actions
from models.enums import Action
from store import hazards

# Steps someone owes; voiding, pausing, interviews, extension requests and progress notes are possible but
# never "due".
NOT_TASKS = {Action.VOID, Action.REPORT_PROGRESS, Action.PAUSE, Action.RESUME, Action.INTERVIEW, Action.REQUEST_EXTENSION}
FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def my_tasks(session: Session, principal: Principal) -> list[TaskOut]:
    """Every step the caller may take now on an open hazard in their scope: overdue first, then by due time."""
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
