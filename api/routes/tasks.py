"""`GET /tasks`: what the caller must do next (待办), most urgent first, a page at a time.

One indexed query of the task read model (`store/tasks.py`), which the projections keep with each record's
row: hazards' steps and interviews' steps alike."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session

from api.deps import CurrentUser, Principal, SessionDep
from api.schemas import ErrorOut, TaskOut, TaskPage
from core.db import as_utc
from store import tasks

router = APIRouter(tags=["tasks"])


def task_page(session: Session, principal: Principal, page: int = 1, page_size: int = 50) -> TaskPage:
    """The caller's tasks: overdue first, then by due instant (none last)."""
    rows, total = tasks.page_for(session=session, actor=principal.actor, page=page, page_size=page_size)
    items = [
        TaskOut(
            hazard_code=row.hazard_code,
            interview_id=row.record_id if row.process == "interview" else None,
            process=row.process,
            action=row.action,
            due_at=as_utc(row.due_at),
            title=row.title,
            status=row.status,
            overdue=row.overdue,
        )
        for row in rows
    ]
    return TaskPage(items=items, total=total, page=page, page_size=page_size)


@router.get("/tasks", response_model=TaskPage, responses={401: {"model": ErrorOut}, 422: {"model": ErrorOut}})
def my_tasks(
    session: SessionDep,
    principal: CurrentUser,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TaskPage:
    return task_page(session, principal, page, page_size)
