"""The home page: my tasks (待办), most urgent first: the first page of GET /api/v1/tasks."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from services.tasks import task_page
from web.pages.context import PageDep, render

router = APIRouter(include_in_schema=False)
TASKS_SHOWN = 200  # the most urgent; the rest are on the hazard list


@router.get("/", response_class=HTMLResponse)
def tasks_page(page: PageDep) -> HTMLResponse:
    tasks = task_page(page.session, page.principal, 1, TASKS_SHOWN)
    rows = [{"task": task, "urgency": page.urgency(task.due_at, task.overdue)} for task in tasks.items]
    return render(page, "tasks.html", rows=rows, total=tasks.total)
