"""`GET /tasks`: what the caller must do next (待办), most urgent first, a page at a time (`services/tasks.py`)."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, SessionDep
from services.schemas import ErrorOut, TaskPage
from services.tasks import task_page

router = APIRouter(tags=["tasks"])


@router.get("/tasks", response_model=TaskPage, responses={401: {"model": ErrorOut}, 422: {"model": ErrorOut}})
def my_tasks(
    session: SessionDep,
    principal: CurrentUser,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TaskPage:
    """Each item: `hazard_code`, `action`, `due_at`, `title`, `status`, `overdue`, and for an interview's step
    `process: interview` with its `interview_id`. `total` counts them all."""
    return task_page(session, principal, page, page_size)
