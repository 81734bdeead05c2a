"""The inbox: notifications for an enterprise or an authority, and the documents they carry."""

from datetime import UTC, datetime

from sqlmodel import Session, col, func, select

from models.tables import Document, Notification


def inbox_filter(*, enterprise_uscc: str | None, authority_codes: tuple[str, ...]):  # type: ignore[no-untyped-def]
    if enterprise_uscc is not None:
        return (col(Notification.target_kind) == "enterprise") & (col(Notification.target_code) == enterprise_uscc)
    return (col(Notification.target_kind) == "authority") & col(Notification.target_code).in_(authority_codes)


def inbox(
    *,
    session: Session,
    enterprise_uscc: str | None,
    authority_codes: tuple[str, ...],
    unread: bool | None,
    record: tuple[str | None, str] | None,
    page: int,
    page_size: int,
) -> tuple[list[Notification], int, int]:
    """The caller's notifications, newest first, with the total and the unread count."""
    mine = inbox_filter(enterprise_uscc=enterprise_uscc, authority_codes=authority_codes)
    query = select(Notification).where(mine)
    if record is not None:  # one record's notifications (of any kind when the kind is not given)
        kind, record_id = record
        query = query.where(Notification.record_id == record_id)
        if kind is not None:
            query = query.where(Notification.record_kind == kind)
    if unread is not None:
        query = query.where(col(Notification.read_at).is_(None) if unread else col(Notification.read_at).is_not(None))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    unread_count = session.exec(
        select(func.count()).select_from(Notification).where(mine, col(Notification.read_at).is_(None))
    ).one()
    rows = session.exec(
        query.order_by(col(Notification.at).desc(), col(Notification.id).desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return list(rows), int(total), int(unread_count)


def mark_read(*, session: Session, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = datetime.now(UTC)
        session.add(notification)
        session.flush()
    return notification


def document(*, session: Session, sha256: str) -> Document | None:
    return session.get(Document, sha256)
