"""The read model of deliveries: the outbox's marks, the idempotency record of each (notification, channel,
recipient), every attempt, and who a notification reaches beyond the inbox."""

from datetime import datetime

from sqlmodel import Session, col, func, select

from domain.delivery import Message
from models.base import china_date, record_path
from models.delivery import Channel, DeliveryStatus, DeliveryTarget, delivery_key, digest_key
from models.enums import Role
from models.tables import (
    Delivery,
    DeliveryAttempt,
    JurisdictionWebhook,
    Notification,
    NotificationDispatch,
    User,
)

OPEN = (DeliveryStatus.PENDING.value, DeliveryStatus.RETRYING.value)


LOOKBACK = 10_000  # ids below the newest dispatched one still looked at: rows committed out of id order


def undispatched(*, session: Session, limit: int = 100) -> list[int]:
    """Notifications the outbox has not dispatched yet, oldest first. Only ids above the newest dispatched one
    less `LOOKBACK` are read (an index range, not the whole table every poll); a notification committed after
    a higher id (PostgreSQL allocates ids before commit) is well within that."""
    newest = session.exec(select(func.max(NotificationDispatch.notification_id))).one() or 0
    done = select(NotificationDispatch.notification_id).where(NotificationDispatch.notification_id == Notification.id)
    query = (
        select(Notification.id)
        .where(col(Notification.id) > newest - LOOKBACK, ~done.exists())
        .order_by(col(Notification.id))
        .limit(limit)
    )
    return [i for i in session.exec(query) if i is not None]


def mark_dispatched(*, session: Session, notification_id: int, workflow_id: str | None, now: datetime) -> None:
    if session.get(NotificationDispatch, notification_id) is None:
        session.add(NotificationDispatch(notification_id=notification_id, dispatched_at=now, workflow_id=workflow_id))
        session.flush()


def readers(*, session: Session, notification: Notification) -> list[User]:
    """The people whose inbox holds the notification: an enterprise's users, or the staff of an authority."""
    query = select(User).where(col(User.disabled).is_(False))
    if notification.target_kind == "enterprise":
        query = query.where(User.role == Role.ENTERPRISE.value, User.enterprise_uscc == notification.target_code)
    else:
        query = query.where(User.role != Role.ENTERPRISE.value, User.jurisdiction_code == notification.target_code)
    return list(session.exec(query.order_by(col(User.username))))


def plan(*, session: Session, notification_id: int, mail_enabled: bool, now: datetime) -> list[DeliveryTarget]:
    """Write the idempotency record of every (channel, recipient) the notification goes to (once: a replanned
    notification finds its records) and answer those still to send."""
    notification = session.get(Notification, notification_id)
    if notification is None:
        return []
    wanted: list[tuple[Channel, str, str, bool]] = []  # channel, recipient, address, held for the digest
    if mail_enabled:
        for user in readers(session=session, notification=notification):
            if user.email and user.notify_email:
                wanted.append((Channel.EMAIL, user.username, user.email, user.daily_digest))
    hook = session.get(JurisdictionWebhook, notification.target_code) if notification.target_kind == "authority" else None
    if hook is not None:
        wanted.append((Channel.WEBHOOK, hook.region_code, f"{hook.kind} {_host(hook.url)}", False))
    targets = []
    for channel, recipient, address, held in wanted:
        key = delivery_key(notification_id, channel, recipient)
        row = by_key(session=session, key=key)
        if row is None:
            row = Delivery(
                key=key, notification_id=notification_id, hazard_code=hazard_of(notification), channel=channel.value,
                recipient=recipient, address=address, created_at=now,
                status=(DeliveryStatus.DIGEST if held else DeliveryStatus.PENDING).value,
                digest_day=china_date(now).isoformat() if held else None,
            )
            session.add(row)
            session.flush()
        if row.status in OPEN:
            targets.append(DeliveryTarget(key=key, channel=channel, recipient=recipient))
    return targets


def by_key(*, session: Session, key: str) -> Delivery | None:
    return session.exec(select(Delivery).where(Delivery.key == key)).first()


def record_attempt(
    *, session: Session, delivery: Delivery, attempt: int, now: datetime, error: str | None, final: bool = False
) -> None:
    """Log one attempt and move the record on: sent, still retrying, or failed for good."""
    session.add(DeliveryAttempt(delivery_id=delivery.id or 0, attempt=attempt, at=now, ok=error is None, error=error))
    delivery.attempts += 1
    if error is None:
        delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT.value, now, None
    else:
        delivery.status = (DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING).value
        delivery.last_error = error[:1000]
    session.add(delivery)
    session.flush()


def give_up(*, session: Session, key: str, error: str) -> None:
    row = by_key(session=session, key=key)
    if row is not None and row.status != DeliveryStatus.SENT.value:
        row.status, row.last_error = DeliveryStatus.FAILED.value, error[:1000]
        session.add(row)
        session.flush()


def hazard_of(notification: Notification) -> str | None:
    """The hazard a notification is about, if it is about one."""
    return notification.record_id if notification.record_kind == "hazard" else None


def message(*, session: Session, notification: Notification, link_base: str) -> Message:
    document = notification.document_hash
    return Message(
        notification_id=notification.id or 0, hazard_code=notification.record_id, at=notification.at,
        kind=notification.kind, title=notification.title, body=notification.body,
        target_kind=notification.target_kind, target_code=notification.target_code,
        hazard_url=link_base + record_path(notification.record_kind, notification.record_id),
        document_sha256=document, document_url=f"{link_base}/api/v1/documents/{document}" if document else None,
    )


def digests_due(*, session: Session, today: str) -> list[tuple[str, str]]:
    """(username, day) of every digest whose day has ended and that has not gone out yet."""
    query = (
        select(Delivery.recipient, Delivery.digest_day)
        .where(Delivery.status == DeliveryStatus.DIGEST.value, col(Delivery.digest_day) < today)
        .distinct()
        .order_by(col(Delivery.digest_day), col(Delivery.recipient))
    )
    return [(recipient, day) for recipient, day in session.exec(query) if day is not None]


def digest_rows(*, session: Session, username: str, day: str) -> list[Delivery]:
    query = select(Delivery).where(
        Delivery.channel == Channel.EMAIL.value, Delivery.recipient == username, Delivery.digest_day == day,
        col(Delivery.notification_id).is_not(None),
    )
    return list(session.exec(query.order_by(col(Delivery.notification_id))))


def digest_record(*, session: Session, username: str, address: str, day: str, now: datetime) -> Delivery:
    """The digest's own idempotency record (one per user and day)."""
    key = digest_key(day, username)
    row = by_key(session=session, key=key)
    if row is None:
        row = Delivery(key=key, channel=Channel.EMAIL.value, recipient=username, address=address, digest_day=day,
                       status=DeliveryStatus.PENDING.value, created_at=now)
        session.add(row)
        session.flush()
    return row


def page(
    *, session: Session, status: str | None, channel: str | None, hazard_code: str | None,
    notification_id: int | None, page: int, page_size: int,
) -> tuple[list[tuple[Delivery, list[DeliveryAttempt]]], int]:
    """The admins' delivery log, newest first, each delivery with its attempts."""
    query = select(Delivery)
    for column, value in ((Delivery.status, status), (Delivery.channel, channel), (Delivery.hazard_code, hazard_code),
                          (Delivery.notification_id, notification_id)):
        if value is not None:
            query = query.where(column == value)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = list(session.exec(query.order_by(col(Delivery.id).desc()).offset((page - 1) * page_size).limit(page_size)))
    attempts: dict[int, list[DeliveryAttempt]] = {r.id or 0: [] for r in rows}
    if rows:
        found = select(DeliveryAttempt).where(col(DeliveryAttempt.delivery_id).in_(list(attempts)))
        for attempt in session.exec(found.order_by(col(DeliveryAttempt.id))):
            attempts[attempt.delivery_id].append(attempt)
    return [(r, attempts[r.id or 0]) for r in rows], int(total)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""
