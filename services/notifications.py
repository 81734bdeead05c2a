"""The inbox: `GET /api/v1/notifications`, `POST .../{id}/read` and the web UI's notifications page."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from core.db import as_utc
from models.enums import Role
from models.tables import Notification
from services.errors import not_found
from services.principal import Principal
from store import notifications


class NotificationOut(BaseModel):
    id: int
    record_kind: str  # the record it is about: hazard | interview | campaign | tour | circular | report
    record_id: str
    hazard_code: str | None = None  # the record's id when it is a hazard
    at: datetime
    kind: str
    title: str
    body: str
    target_kind: str
    target_code: str
    document_hash: str | None
    read: bool
    tour_id: str | None = None  # the inspection tour it concerns, or that found its hazard


class InboxOut(BaseModel):
    items: list[NotificationOut]
    total: int
    unread: int


def whose(principal: Principal) -> tuple[str | None, tuple[str, ...]]:
    """An enterprise user reads its enterprise's inbox; staff read their own authority's."""
    if principal.actor.role == Role.ENTERPRISE:
        return principal.actor.enterprise_uscc, ()
    return None, (principal.actor.jurisdiction_code,) if principal.actor.jurisdiction_code else ()


def out(row: Notification, tour_id: str | None = None) -> NotificationOut:
    return NotificationOut(
        id=row.id or 0,
        record_kind=row.record_kind,
        record_id=row.record_id,
        hazard_code=row.record_id if row.record_kind == "hazard" else None,
        at=as_utc(row.at),  # type: ignore[arg-type]
        kind=row.kind,
        title=row.title,
        body=row.body,
        target_kind=row.target_kind,
        target_code=row.target_code,
        document_hash=row.document_hash,
        read=row.read_at is not None,
        tour_id=row.record_id if row.record_kind == "tour" else tour_id,
    )


def inbox_rows(
    session: Session,
    principal: Principal,
    *,
    unread: bool | None = None,
    record: tuple[str | None, str] | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[Notification], int, int]:
    """One page of the caller's inbox, newest first: the rows, how many in all, how many unread."""
    enterprise, authorities = whose(principal)
    rows, total, unread_count = notifications.inbox(
        session=session, enterprise_uscc=enterprise, authority_codes=authorities, unread=unread,
        record=record, page=page, page_size=page_size,
    )
    return list(rows), total, unread_count


def inbox(session: Session, principal: Principal, **page: Any) -> InboxOut:
    """One page of the caller's inbox as the API answers it (`inbox_rows`' keywords)."""
    rows, total, unread_count = inbox_rows(session, principal, **page)
    tour_of = tour_ids(session, rows)
    return InboxOut(items=[out(r, tour_of.get(r.record_id)) for r in rows], total=total, unread=unread_count)


def tour_ids(session: Session, rows: list[Notification]) -> dict[str, str]:
    """The inspection tour each hazard of these notifications came from."""
    codes = {r.record_id for r in rows if r.record_kind == "hazard"}
    from sqlmodel import col, select

    from models.tables import HazardRow

    found = session.exec(select(HazardRow.code, HazardRow.tour_id).where(col(HazardRow.code).in_(codes),
                                                                         col(HazardRow.tour_id).is_not(None)))
    return {code: tour for code, tour in found if tour}


def mark_read(session: Session, principal: Principal, notification_id: int) -> NotificationOut:
    """Mark one of the caller's notifications read (404 for anyone else's: its existence is not revealed)."""
    row = session.get(Notification, notification_id)
    enterprise, authorities = whose(principal)
    mine = row is not None and (
        (row.target_kind == "enterprise" and row.target_code == enterprise)
        or (row.target_kind == "authority" and row.target_code in authorities)
    )
    if row is None or not mine:
        raise not_found("notification", str(notification_id))
    notifications.mark_read(session=session, notification=row)
    session.commit()
    return out(row)
