"""The inbox (`GET /notifications`) and the documents the process produced (`GET /documents/{sha256}`)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import HTMLResponse, PlainTextResponse

from api.deps import BrowserOrApiUser, CurrentUser, RowId, SessionDep
from services import documents
from services import notifications as inbox
from services.notifications import InboxOut, NotificationOut
from services.records import RecordKind

router = APIRouter(tags=["notifications"])


@router.get("/notifications", response_model=InboxOut)
def my_notifications(
    session: SessionDep,
    principal: CurrentUser,
    unread: bool | None = None,
    hazard_code: Annotated[str | None, Query(max_length=40, description="one hazard's notifications")] = None,
    record_kind: Annotated[RecordKind | None, Query(description="with `record_id`: one record's notifications")] = None,
    record_id: Annotated[str | None, Query(max_length=80)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InboxOut:
    record = ("hazard", hazard_code) if hazard_code else (record_kind, record_id) if record_id else None
    return inbox.inbox(session, principal, unread=unread, record=record, page=page, page_size=page_size)


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut)
def mark_notification_read(notification_id: RowId, session: SessionDep, principal: CurrentUser) -> NotificationOut:
    return inbox.mark_read(session, principal, notification_id)


@router.get("/documents/{sha256}", response_class=Response, responses={200: {"content": {"application/pdf": {}, "text/html": {}, "text/plain": {}}}})
def get_document(
    sha256: Annotated[str, Path(json_schema_extra={"pattern": "^[0-9a-f]{64}$"}, description="the document's SHA-256")],
    session: SessionDep,
    principal: BrowserOrApiUser,
    format: Annotated[Literal["pdf", "html"], Query(description="`html`: the document's HTML view")] = "pdf",
) -> Response:
    """A rendered document, to whoever may see its hazard (a bearer token, or the web UI's session cookie: its
    pages link here): the PDF (`application/pdf`), or with `?format=html` its HTML. Documents issued as plain
    text before documents were PDFs stay readable as `text/plain`."""
    document = documents.stored(session, principal, sha256)
    headers = {"X-Content-SHA256": document.hash, "X-Content-Type-Options": "nosniff"}
    if document.pdf is None:  # issued as text before official documents were PDFs
        headers["Content-Disposition"] = f'inline; filename="{document.kind}-{document.record_id}.txt"'
        return PlainTextResponse(document.content, media_type="text/plain; charset=utf-8", headers=headers)
    if format == "html":
        return HTMLResponse(document.html or "", headers=headers)
    headers["Content-Disposition"] = f'inline; filename="{document.kind}-{document.record_id}.pdf"'
    return Response(document.pdf, media_type="application/pdf", headers=headers)
