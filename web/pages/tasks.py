"""The home page: my tasks (待办), most urgent first."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from services.tasks import my_tasks
from web.pages.context import PageDep, render

router = APIRouter(include_in_schema=False)
TASKS_SHOWN = 200  # the most urgent; the rest are on the hazard list


@router.get("/", response_class=HTMLResponse)
def tasks_page(page: PageDep) -> HTMLResponse:
    tasks = my_tasks(page.session, page.principal)  # the same list as GET /api/v1/tasks
    rows = [{"task": task, "urgency": page.urgency(task.due_at, task.overdue)} for task in tasks[:TASKS_SHOWN]]
    return render(page, "tasks.html", rows=rows, total=len(tasks))
