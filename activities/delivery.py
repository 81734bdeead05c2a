"""The delivery activities: plan a notification's channels, send one message, send a day's digest.

Each send first reads its idempotency record (`delivery.key`): one already sent is not sent again, whatever
retried. Every attempt is logged (`delivery_attempt`) before the activity answers, failed or not; a failure
that trying again may cure raises a retryable error, a permanent one a non-retryable error.
"""

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.attachments import document_attachment
from activities.channels import Attachment, ChannelFailure, build_mail, post_webhook, send_mail
from core.db import write_scope
from core.logging import get_logger
from core.settings import Settings
from domain.delivery import Message, digest_text, mail_text
from models.delivery import (
    Channel,
    DeliveryOrder,
    DeliveryStatus,
    DeliveryTarget,
    DigestOrder,
    WebhookKind,
    digest_key,
)
from models.tables import Delivery, JurisdictionWebhook, Notification
from store import delivery as store
from store.reference import user_by_name

log = get_logger("duban.delivery")


class DeliveryActivities:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self._engine = engine
        self._settings = settings

    @activity.defn(name="plan_deliveries")
    def plan_deliveries(self, order: DeliveryOrder) -> list[DeliveryTarget]:
        with write_scope(self._engine) as session:
            return store.plan(session=session, notification_id=order.notification_id,
                              mail_enabled=bool(self._settings.smtp_host), now=datetime.now(UTC))

    @activity.defn(name="deliver")
    def deliver(self, target: DeliveryTarget) -> bool:
        """Send one message; False when its record says it went out already."""
        with write_scope(self._engine) as session:
            row = store.by_key(session=session, key=target.key)
            if row is None or row.status == DeliveryStatus.SENT.value:
                return False
            notification = session.get(Notification, row.notification_id)
            assert notification is not None, target.key
            message = store.message(session=session, notification=notification, link_base=self._settings.link_base)
            send = self._mail_sender(session, row, message) if target.channel == Channel.EMAIL else self._poster(session, row, message)
        return self._attempt(target.key, send)

    @activity.defn(name="give_up_delivery")
    def give_up_delivery(self, target: DeliveryTarget) -> None:
        with write_scope(self._engine) as session:
            store.give_up(session=session, key=target.key, error="gave up: still failing when the delivery window closed")

    @activity.defn(name="send_digest")
    def send_digest(self, order: DigestOrder) -> bool:
        """One mail with every notification of the user's day; its rows are then marked as gone in the digest."""
        with write_scope(self._engine) as session:
            user = user_by_name(session=session, username=order.username)
            rows = store.digest_rows(session=session, username=order.username, day=order.day)
            if not rows:
                return False
            if user is None or not user.email:
                for row in rows:
                    store.give_up(session=session, key=row.key, error="no email address for the digest")
                return False
            record = store.digest_record(session=session, username=user.username, address=user.email, day=order.day,
                                         now=datetime.now(UTC))
            if record.status == DeliveryStatus.SENT.value:
                return False
            messages = [self._message(session, r) for r in rows]
            subject, text = digest_text(order.day, [m for m in messages if m is not None])
            mail = build_mail(self._settings, to=user.email, subject=subject, text=text, attachments=[],
                              message_id=f"<{record.key.replace(':', '.')}@duban>")
        sent = self._attempt(record.key, lambda: send_mail(self._settings, mail))
        with write_scope(self._engine) as session:
            for row in store.digest_rows(session=session, username=order.username, day=order.day):
                if row.status == DeliveryStatus.DIGEST.value:
                    row.status, row.sent_at = DeliveryStatus.IN_DIGEST.value, datetime.now(UTC)
                    session.add(row)
        return sent

    @activity.defn(name="give_up_digest")
    def give_up_digest(self, order: DigestOrder) -> None:
        with write_scope(self._engine) as session:
            error = "gave up: still failing when the delivery window closed"
            store.give_up(session=session, key=digest_key(order.day, order.username), error=error)
            for row in store.digest_rows(session=session, username=order.username, day=order.day):
                if row.status == DeliveryStatus.DIGEST.value:
                    store.give_up(session=session, key=row.key, error=error)

    def _message(self, session: Session, row: Delivery) -> Message | None:
        notification = session.get(Notification, row.notification_id)
        if notification is None:
            return None
        return store.message(session=session, notification=notification, link_base=self._settings.link_base)

    def _mail_sender(self, session: Session, row: Delivery, message: Message):  # type: ignore[no-untyped-def]
        user = user_by_name(session=session, username=row.recipient)
        address = user.email if user is not None and user.email else row.address
        attachments: list[Attachment] = []
        if message.document_sha256:
            found = document_attachment(session, message.document_sha256)
            attachments = [found] if found else []
        try:
            mail = build_mail(self._settings, to=address, subject=message.title, text=mail_text(message),
                              attachments=attachments, message_id=f"<{row.key.replace(':', '.')}@duban>")
        except ChannelFailure as failure:  # logged as failed at once: no retry mends it
            return _fail_permanently(str(failure))
        return lambda: send_mail(self._settings, mail)

    def _poster(self, session: Session, row: Delivery, message: Message):  # type: ignore[no-untyped-def]
        hook = session.get(JurisdictionWebhook, row.recipient)
        if hook is None:
            return _fail_permanently("the jurisdiction's webhook was removed")
        kind, url, secret = WebhookKind(hook.kind), hook.url, hook.secret
        return lambda: post_webhook(self._settings, kind=kind, url=url, secret=secret, message=message)

    def _attempt(self, key: str, send) -> bool:  # type: ignore[no-untyped-def]
        """Run one send outside any transaction, then log the attempt; raise so Temporal retries a failure."""
        attempt = activity.info().attempt
        try:
            send()
            error, permanent = None, False
        except ChannelFailure as failure:
            error, permanent = str(failure), failure.permanent
        with write_scope(self._engine) as session:
            row = store.by_key(session=session, key=key)
            assert row is not None, key
            store.record_attempt(session=session, delivery=row, attempt=attempt, now=datetime.now(UTC), error=error,
                                 final=permanent)
        bound = log.bind(delivery=key, attempt=attempt)
        if error is None:
            bound.info("delivered")
            return True
        bound.warning("delivery failed", error=error, permanent=permanent)
        raise ApplicationError(error, type="DeliveryFailed", non_retryable=permanent)


def _fail_permanently(error: str):  # type: ignore[no-untyped-def]
    def send() -> None:
        raise ChannelFailure(error, permanent=True)

    return send

