"""`GET /tasks`: what the caller must do next (待办), most urgent first."""

from fastapi import APIRouter

from api.deps import CurrentUser, SessionDep
from api.schemas import TaskOut
from services import tasks

router = APIRouter(tags=["tasks"])


@router.get("/tasks", response_model=list[TaskOut])
def my_tasks(session: SessionDep, principal: CurrentUser) -> list[TaskOut]:
    return tasks.my_tasks(session, principal)
