"""The inbox (`GET /notifications`) and the documents the process produced (`GET /documents/{sha256}`)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from api import views
from api.deps import BrowserOrApiUser, CurrentUser, Principal, SessionDep
from api.errors import ApiError, not_found
from api.schemas import RowId
from core.db import as_utc
from models.enums import Role
from models.tables import Notification
from store import notifications

router = APIRouter(tags=["notifications"])


class NotificationOut(BaseModel):
    id: int
    hazard_code: str
    at: datetime
    kind: str
    title: str
    body: str
    target_kind: str
    target_code: str
    document_hash: str | None
    read: bool


class InboxOut(BaseModel):
    items: list[NotificationOut]
    total: int
    unread: int


def _whose(principal: Principal) -> tuple[str | None, tuple[str, ...]]:
    """An enterprise user reads its enterprise's inbox; staff read their own authority's."""
    if principal.actor.role == Role.ENTERPRISE:
        return principal.actor.enterprise_uscc, ()
    return None, (principal.actor.jurisdiction_code,) if principal.actor.jurisdiction_code else ()


def _out(row: Notification) -> NotificationOut:
    return NotificationOut(
        id=row.id or 0,
        hazard_code=row.hazard_code,
        at=as_utc(row.at),  # type: ignore[arg-type]
        kind=row.kind,
        title=row.title,
        body=row.body,
        target_kind=row.target_kind,
        target_code=row.target_code,
        document_hash=row.document_hash,
        read=row.read_at is not None,
    )


@router.get("/notifications", response_model=InboxOut)
def my_notifications(
    session: SessionDep,
    principal: CurrentUser,
    unread: bool | None = None,
    hazard_code: Annotated[str | None, Query(max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InboxOut:
    enterprise, authorities = _whose(principal)
    rows, total, unread_count = notifications.inbox(
        session=session, enterprise_uscc=enterprise, authority_codes=authorities, unread=unread,
        hazard_code=hazard_code, page=page, page_size=page_size,
    )
    return InboxOut(items=[_out(r) for r in rows], total=total, unread=unread_count)


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut)
def mark_notification_read(notification_id: RowId, session: SessionDep, principal: CurrentUser) -> NotificationOut:
    row = session.get(Notification, notification_id)
    enterprise, authorities = _whose(principal)
    mine = row is not None and (
        (row.target_kind == "enterprise" and row.target_code == enterprise)
        or (row.target_kind == "authority" and row.target_code in authorities)
    )
    if row is None or not mine:
        raise not_found("通知", "notification", str(notification_id))
    notifications.mark_read(session=session, notification=row)
    session.commit()
    return _out(row)


@router.get("/documents/{sha256}", response_class=PlainTextResponse)
def get_document(sha256: str, session: SessionDep, principal: BrowserOrApiUser) -> PlainTextResponse:
    """A rendered document (urging letter, circular, ...), to whoever may see its hazard (a bearer token, or the
    web UI's session cookie: its pages link here)."""
    document = notifications.document(session=session, sha256=sha256)
    if document is None:
        raise not_found("文书", "document", sha256)
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
