"""The inbox (`GET /notifications`) and the documents the process produced (`GET /documents/{sha256}`)."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from api import views
from api.deps import BrowserOrApiUser, CurrentUser, SessionDep
from api.errors import ApiError, not_found
from api.schemas import RowId
from services import (
    campaigns,
    circulars,  # issue 14, reports
)
from services import notifications as inbox
from services.notifications import InboxOut, NotificationOut
from store import notifications

router = APIRouter(tags=["notifications"])


@router.get("/notifications", response_model=InboxOut)
def my_notifications(
    session: SessionDep,
    principal: CurrentUser,
    unread: bool | None = None,
    hazard_code: Annotated[str | None, Query(max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InboxOut:
    return inbox.inbox(
        session, principal, unread=unread, hazard_code=hazard_code, page=page, page_size=page_size
    )


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut)
def mark_notification_read(notification_id: RowId, session: SessionDep, principal: CurrentUser) -> NotificationOut:
    return inbox.mark_read(session, principal, notification_id)


@router.get("/documents/{sha256}", response_class=PlainTextResponse)
def get_document(sha256: str, session: SessionDep, principal: BrowserOrApiUser) -> PlainTextResponse:
    """A rendered document (urging letter, circular, ...), to whoever may see its hazard (a bearer token, or the
    web UI's session cookie: its pages link here)."""
    document = notifications.document(session=session, sha256=sha256)
    if document is None:
        raise not_found("文书", "document", sha256)
    if document.kind.startswith("campaign_"):  # a campaign's account or summary (专项整治): its campaign's visibility
        campaigns.visible_row(session, document.hazard_code, principal)
    if circulars.is_cadence_record(document.hazard_code):  # issue 14, reports: a report's or a circular's document
        circulars.check_document_visible(session, principal, document.hazard_code)
    if document.hazard_code.startswith("TR-"):  # a tour's report or feedback letter (issue 15)
        from services import tours

        tours.visible_row(session, document.hazard_code, principal)
    else:
        views.visible_row(session, document.hazard_code, principal)
    if len(sha256) != 64:
        raise ApiError(422, "invalid_hash", "文书编号应为 64 位十六进制", "a document id is 64 hex characters")
    return PlainTextResponse(
        document.content,
        media_type="text/plain; charset=utf-8",
        headers={
            "X-Content-SHA256": document.hash,
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{document.kind}-{document.hazard_code}.txt"',
        },
    )
