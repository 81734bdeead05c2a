"""The read model's tables of one process: Notifications that leave the building (migration 0016)."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.columns import utc_column as _utc_column


class JurisdictionWebhook(SQLModel, table=True):
    """A jurisdiction's group robot (DingTalk, WeCom or a generic JSON POST), set by an admin."""

    __tablename__ = "jurisdiction_webhook"

    region_code: str = Field(primary_key=True, foreign_key="jurisdiction.code", max_length=12)
    kind: str = Field(max_length=20)  # dingtalk | wecom | generic
    url: str = Field(max_length=1000)
    secret: str | None = Field(default=None, max_length=200)
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))
    updated_by: str = Field(max_length=100)


class NotificationDispatch(SQLModel, table=True):
    """The outbox's mark: this notification's delivery workflow was started (or it predates deliveries)."""

    __tablename__ = "notification_dispatch"

    notification_id: int = Field(primary_key=True)
    dispatched_at: datetime = Field(sa_column=_utc_column(nullable=False))
    workflow_id: str | None = Field(default=None, max_length=80)  # None: before deliveries existed


class Delivery(SQLModel, table=True):
    """One message on one channel to one recipient: the idempotency record (`key` is unique) and its status."""

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, max_length=200)  # "<notification>:<channel>:<recipient>" or "digest:<day>:<user>"
    notification_id: int | None = Field(default=None, index=True)  # None for a digest
    hazard_code: str | None = Field(default=None, max_length=40)
    channel: str = Field(max_length=20)  # email | webhook
    recipient: str = Field(max_length=100)  # username (email) or jurisdiction code (webhook)
    address: str = Field(default="", max_length=300)  # the mail address, or the webhook's kind and host
    status: str = Field(max_length=20)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    digest_day: str | None = Field(default=None, max_length=10)  # the digest it waits for / went out in
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=_utc_column())


class DeliveryAttempt(SQLModel, table=True):
    """Every attempt of a delivery, failed or not, as the admins' delivery log shows it."""

    __tablename__ = "delivery_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    attempt: int
    at: datetime = Field(sa_column=_utc_column(nullable=False))
    ok: bool
    error: str | None = Field(default=None, max_length=1000)
