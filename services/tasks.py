""""My tasks" (待办) for both doors: one indexed query of the task read model (`store/tasks.py`), which the
projections keep with each record's row, hazards' steps and interviews' steps alike; most urgent first."""

from sqlmodel import Session

from core.db import as_utc
from services.principal import Principal
from services.schemas import TaskOut, TaskPage
from store import tasks


def task_page(session: Session, principal: Principal, page: int = 1, page_size: int = 50) -> TaskPage:
    """The caller's tasks: overdue first, then by due instant (none last)."""
    rows, total = tasks.page_for(session=session, actor=principal.actor, page=page, page_size=page_size)
    items = [
        TaskOut(
            hazard_code=row.hazard_code,
            interview_id=row.record_id if row.process == "interview" else None,
            tour_id=row.record_id if row.process == "tour" else None,
            circular_id=row.record_id if row.process == "circular" else None,
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
