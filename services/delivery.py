"""Notifications that leave the building, as the API and the UI see them: the jurisdictions' group robots
(admins), the delivery log (admins), and each user's own channels and daily digest."""

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlmodel import Session

from core.db import as_utc
from domain.delivery import mask_secret, mask_url
from models.delivery import Channel, DeliveryStatus, NotificationSettingsIn, WebhookIn, WebhookKind
from models.enums import Role
from models.tables import Delivery, DeliveryAttempt, JurisdictionWebhook, User
from services.errors import not_found, refused, role_refused
from services.principal import Principal
from store import delivery as deliveries
from store import webhooks
from store.reference import get_jurisdiction


class WebhookOut(BaseModel):
    region_code: str
    region_name: str
    kind: WebhookKind
    url: str  # its query values (access tokens) masked
    secret: str | None  # masked: never the secret in full
    secret_set: bool
    updated_at: datetime
    updated_by: str


class AttemptOut(BaseModel):
    attempt: int
    at: datetime
    ok: bool
    error: str | None


class DeliveryOut(BaseModel):
    id: int
    notification_id: int | None
    hazard_code: str | None
    channel: Channel
    recipient: str
    address: str
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    digest_day: str | None
    created_at: datetime
    sent_at: datetime | None
    attempt_log: list[AttemptOut]


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    total: int
    page: int
    page_size: int


class SettingsOut(BaseModel):
    username: str
    email: str | None
    channels: list[Channel]  # what the user is reached by
    daily_digest: bool
    available_channels: list[Channel]  # what applies to this user
    webhook: dict[str, str] | None  # the user's jurisdiction's group robot, if it has one: region_code, kind


def require_admin(principal: Principal) -> None:
    if principal.actor.role != Role.ADMIN:
        raise role_refused(principal.actor.role, {Role.ADMIN}, "manage notification channels", "管理通知渠道")


def webhook_out(session: Session, row: JurisdictionWebhook) -> WebhookOut:
    region = get_jurisdiction(session=session, code=row.region_code)
    return WebhookOut(
        region_code=row.region_code, region_name=region.name if region else "", kind=WebhookKind(row.kind), url=mask_url(row.url),
        secret=mask_secret(row.secret), secret_set=bool(row.secret), updated_at=as_utc(row.updated_at),  # type: ignore[arg-type]
        updated_by=row.updated_by,
    )


def list_webhooks(session: Session, principal: Principal) -> list[WebhookOut]:
    require_admin(principal)
    return [webhook_out(session, r) for r in webhooks.list_webhooks(session=session)]


def get_webhook(session: Session, principal: Principal, region_code: str) -> WebhookOut:
    require_admin(principal)
    row = webhooks.get_webhook(session=session, region_code=region_code)
    if row is None:
        raise not_found("webhook", region_code)
    return webhook_out(session, row)


def put_webhook(session: Session, principal: Principal, region_code: str, body: WebhookIn) -> tuple[WebhookOut, bool]:
    require_admin(principal)
    if get_jurisdiction(session=session, code=region_code) is None:
        raise refused(404, "unknown_region", "region_code", region=region_code)
    row, created = webhooks.put_webhook(session=session, region_code=region_code, body=body,
                                        by=principal.user.username, now=datetime.now(UTC))
    session.commit()
    return webhook_out(session, row), created


def delete_webhook(session: Session, principal: Principal, region_code: str) -> None:
    require_admin(principal)
    row = webhooks.get_webhook(session=session, region_code=region_code)
    if row is None:
        raise not_found("webhook", region_code)
    webhooks.delete_webhook(session=session, row=row, by=principal.user.username, now=datetime.now(UTC))
    session.commit()


def delivery_log(
    session: Session, principal: Principal, *, status: DeliveryStatus | None, channel: Channel | None,
    hazard_code: str | None, notification_id: int | None, page: int, page_size: int,
) -> DeliveryPage:
    require_admin(principal)
    rows, total = deliveries.page(
        session=session, status=status.value if status else None, channel=channel.value if channel else None,
        hazard_code=hazard_code, notification_id=notification_id, page=page, page_size=page_size,
    )
    return DeliveryPage(items=[delivery_out(d, a) for d, a in rows], total=total, page=page, page_size=page_size)


def delivery_out(row: Delivery, attempts: list[DeliveryAttempt]) -> DeliveryOut:
    return DeliveryOut(
        id=row.id or 0, notification_id=row.notification_id, hazard_code=row.hazard_code, channel=Channel(row.channel),
        recipient=row.recipient, address=row.address, status=DeliveryStatus(row.status), attempts=row.attempts,
        last_error=row.last_error, digest_day=row.digest_day, created_at=as_utc(row.created_at),  # type: ignore[arg-type]
        sent_at=as_utc(row.sent_at),
        attempt_log=[AttemptOut(attempt=a.attempt, at=as_utc(a.at), ok=a.ok, error=a.error) for a in attempts],  # type: ignore[arg-type]
    )


def my_settings(session: Session, principal: Principal) -> SettingsOut:
    user = session.get(User, principal.user.id) or principal.user
    hook = webhooks.get_webhook(session=session, region_code=user.jurisdiction_code) if user.jurisdiction_code else None
    available = [Channel.INBOX, Channel.EMAIL] + ([Channel.WEBHOOK] if hook else [])
    channels = [Channel.INBOX] + ([Channel.EMAIL] if user.notify_email else []) + ([Channel.WEBHOOK] if hook else [])
    return SettingsOut(
        username=user.username, email=user.email, channels=channels, daily_digest=user.daily_digest,
        available_channels=available, webhook={"region_code": hook.region_code, "kind": hook.kind} if hook else None,
    )


def update_my_settings(session: Session, principal: Principal, body: NotificationSettingsIn) -> SettingsOut:
    """The inbox is the record and cannot be left; the group robot is the office's, set by an admin."""
    current = my_settings(session, principal)
    if unknown := [c for c in body.channels if c not in current.available_channels]:
        raise refused(422, "channel_unavailable", "channels", channel=unknown[0].value)
    if Channel.INBOX not in body.channels:
        raise refused(422, "inbox_required", "channels")
    user = session.get(User, principal.user.id)
    assert user is not None
    user.notify_email = Channel.EMAIL in body.channels
    user.daily_digest = body.daily_digest
    session.add(user)
    session.commit()
    return my_settings(session, principal)
