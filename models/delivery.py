"""Notifications that leave the building: the channels, the webhook settings, and what a delivery workflow
carries (shared by the API, the outbox and the delivery workflow)."""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from models.base import Frozen


class Channel(StrEnum):
    INBOX = "inbox"  # the in-app inbox: always on, it is the record
    EMAIL = "email"
    WEBHOOK = "webhook"  # the jurisdiction's group robot (DingTalk, WeCom or a generic JSON POST)


class WebhookKind(StrEnum):
    DINGTALK = "dingtalk"
    WECOM = "wecom"
    GENERIC = "generic"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # planned, not tried yet
    RETRYING = "retrying"  # at least one attempt failed; the activity tries again
    SENT = "sent"
    FAILED = "failed"  # given up: a permanent refusal, or still failing when the delivery window closed
    DIGEST = "digest"  # held for the recipient's daily digest
    IN_DIGEST = "in_digest"  # went out in the daily digest


class WebhookIn(BaseModel):
    """`PUT /admin/webhooks/{region_code}`: the jurisdiction's group robot."""

    model_config = ConfigDict(extra="forbid")

    kind: WebhookKind
    url: Annotated[str, Field(min_length=8, max_length=1000)]
    secret: Annotated[str, Field(max_length=200)] | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
            raise ValueError("url must be an absolute http:// or https:// address")
        return value


class NotificationSettingsIn(BaseModel):
    """`PUT /me/settings`: the channels a user is reached by, and the daily digest."""

    model_config = ConfigDict(extra="forbid")

    channels: Annotated[list[Channel], Field(max_length=3, json_schema_extra={"contains": {"const": "inbox"}})]  # the inbox stays
    daily_digest: Annotated[bool, Strict()] = False  # true or false, never 0 or 1


class DeliveryOrder(Frozen):
    """A `DeliveryWorkflow`'s input: one notification (workflow id `delivery-<notification id>`) and how long and
    how patiently its channels are tried."""

    notification_id: int
    retry_max_seconds: float = Field(default=300, gt=0)  # the longest wait between two attempts
    give_up_hours: float = Field(default=48, gt=0)  # after this a delivery still failing is marked failed


class DeliveryTarget(Frozen):
    """One message on one channel to one recipient: `key` is its idempotency record's key."""

    key: str
    channel: Channel
    recipient: str  # a username (email) or a jurisdiction code (webhook)


class DigestOrder(Frozen):
    """A `DigestWorkflow`'s input: one user's notifications of one day (workflow id `digest-<username>-<day>`)."""

    username: str
    day: str  # YYYY-MM-DD, Asia/Shanghai
    retry_max_seconds: float = Field(default=300, gt=0)
    give_up_hours: float = Field(default=48, gt=0)


def delivery_key(notification_id: int, channel: Channel, recipient: str) -> str:
    return f"{notification_id}:{channel.value}:{recipient}"


def digest_key(day: str, username: str) -> str:
    return f"digest:{day}:{username}"


def delivery_workflow_id(notification_id: int) -> str:
    return f"delivery-{notification_id}"


def digest_workflow_id(username: str, day: str) -> str:
    return f"digest-{username}-{day}"
