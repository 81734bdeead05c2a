"""The inbox: the caller's notifications, and marking one read."""

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from models.base import record_path
from services import notifications as inbox
from services.errors import ApiError
from web.pages.context import PageDep, csrf_refused, error_page, render, safe_next, see_other

router = APIRouter(include_in_schema=False)
NOTES_PER_PAGE = 50


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(page: PageDep, unread: bool = False, p: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    rows, total, unread_count = inbox.inbox_rows(
        page.session, page.principal, unread=True if unread else None, page=p, page_size=NOTES_PER_PAGE
    )
    return render(
        page, "notifications.html", rows=rows, total=total, unread_count=unread_count, unread=unread, p=p,
        pages=max(1, -(-total // NOTES_PER_PAGE)),
        tour_of=inbox.tour_ids(page.session, rows), record_path=record_path,  # the tour a hazard came from
    )


@router.post("/notifications/{notification_id}/read")
async def notification_read(request: Request, page: PageDep, notification_id: int) -> Response:
    form = await request.form()
    if (refused := csrf_refused(page, form)) is not None:
        return refused

    def mark() -> Response:
        try:
            inbox.mark_read(page.session, page.principal, notification_id)
        except ApiError as error:
            return error_page(page, error)
        return see_other(safe_next(str(form.get("next") or "/notifications")))

    return await to_thread.run_sync(mark)
