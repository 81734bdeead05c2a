"""The worker's outbox: it starts one `DeliveryWorkflow` per new notification, one `DigestWorkflow` per user and
ended day, and one `SignOffWorkflow` per draft circular that has none yet; it touches no hazard or interview
workflow.

Why an outbox and not a step of the hazard's workflow: a notification is a row the projection writes in the
same transaction as its transition; the outbox picks it up afterwards, so neither the hazard's history nor its
committed replays change, and nothing a channel does (an SMTP server down, a robot refusing) can delay a rung, a
reminder or a transition. The workflow id is the notification's (`delivery-<id>`, reuse rejected), so a second
outbox, a crash between the start and the mark, or a restart never starts it twice; and each send has its own
idempotency record, so a retried activity never sends twice. It polls with wall-clock sleeps in the worker
process (`DUBAN_DELIVERY_POLL_SECONDS`): a polling *workflow* would write a timer into history every few
seconds and keep a time-skipping test server from skipping.
"""

import asyncio
import contextlib
from datetime import UTC, datetime

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from core.db import session_scope, write_scope
from core.logging import get_logger
from core.settings import Settings
from models.base import china_date
from models.delivery import DeliveryOrder, DigestOrder, delivery_workflow_id, digest_workflow_id
from models.tables import CircularRow
from services import signoffs
from store import delivery as store
from workflows.delivery import DeliveryWorkflow, DigestWorkflow

log = get_logger("duban.outbox")


class Outbox:
    def __init__(self, client: Client, engine: Engine, settings: Settings, task_queue: str | None = None) -> None:
        self._client, self._engine, self._settings = client, engine, settings
        self._task_queue = task_queue or settings.temporal_task_queue

    async def dispatch(self) -> int:
        """Start the delivery workflow of every notification not yet dispatched; answers how many."""
        ids = await asyncio.to_thread(self._undispatched)
        for notification_id in ids:
            workflow_id: str | None = None
            if await asyncio.to_thread(self._has_recipients, notification_id):  # else no workflow is needed
                workflow_id = delivery_workflow_id(notification_id)
                order = DeliveryOrder(notification_id=notification_id, give_up_hours=self._settings.delivery_give_up_hours,
                                      retry_max_seconds=self._settings.delivery_retry_max_seconds)
                await self._start(DeliveryWorkflow.run, order, workflow_id)
            await asyncio.to_thread(self._mark, notification_id, workflow_id)
        return len(ids)

    async def digests(self, now: datetime | None = None) -> int:
        """Start the digest of every user and day that has ended (Asia/Shanghai) with mail held for it."""
        today = china_date(now or datetime.now(UTC)).isoformat()
        due = await asyncio.to_thread(self._digests_due, today)
        for username, day in due:
            order = DigestOrder(username=username, day=day, retry_max_seconds=self._settings.delivery_retry_max_seconds,
                                give_up_hours=self._settings.delivery_give_up_hours)
            await self._start(DigestWorkflow.run, order, digest_workflow_id(username, day))
        return len(due)

    async def signoffs(self) -> int:
        """Start the SignOffWorkflow of every draft circular that has none yet (the reporting cadence
        drafts them; the API starts its own, unless Temporal was away); answers how many."""
        rows = await asyncio.to_thread(self._unstarted_signoffs)
        for row in rows:
            workflow_id = await signoffs.start(self._client, row, self._task_queue)
            await asyncio.to_thread(self._mark_signoff, row.id, workflow_id)
        return len(rows)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; an error (the database or Temporal away) is logged and tried again later."""
        log.info("outbox started", poll_seconds=self._settings.delivery_poll_seconds)
        while not stop.is_set():
            try:
                await self.dispatch()
                await self.digests()
                await self.signoffs()
            except Exception as error:  # noqa: BLE001 -- the next poll tries again
                log.warning("outbox poll failed", error=f"{type(error).__name__}: {error}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._settings.delivery_poll_seconds)
        log.info("outbox stopped")

    async def _start(self, run: object, order: object, workflow_id: str) -> None:
        try:
            await self._client.start_workflow(
                run, order, id=workflow_id, task_queue=self._task_queue,  # type: ignore[call-overload,arg-type]
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
            log.info("delivery started", workflow_id=workflow_id)
        except WorkflowAlreadyStartedError:
            pass  # started before (another outbox, or a crash before the mark): never twice

    def _undispatched(self) -> list[int]:
        with session_scope(self._engine) as session:
            return store.undispatched(session=session)

    def _has_recipients(self, notification_id: int) -> bool:
        """Plan the notification's deliveries (the same idempotent step its workflow takes first): any to send
        now? Mail held for a digest goes out with the digest; a notification nobody is mailed and no robot hears
        starts no workflow."""
        with write_scope(self._engine) as session:
            targets = store.plan(session=session, notification_id=notification_id,
                                 mail_enabled=bool(self._settings.smtp_host), now=datetime.now(UTC))
        return bool(targets)

    def _mark(self, notification_id: int, workflow_id: str | None) -> None:
        with write_scope(self._engine) as session:
            store.mark_dispatched(session=session, notification_id=notification_id, workflow_id=workflow_id,
                                  now=datetime.now(UTC))

    def _unstarted_signoffs(self) -> list[CircularRow]:
        with session_scope(self._engine) as session:
            rows = signoffs.unstarted(session)
            for row in rows:
                session.expunge(row)
            return rows

    def _mark_signoff(self, circular_id: str, workflow_id: str) -> None:
        with write_scope(self._engine) as session:
            signoffs.mark_started(session, circular_id, workflow_id)

    def _digests_due(self, today: str) -> list[tuple[str, str]]:
        with session_scope(self._engine) as session:
            return store.digests_due(session=session, today=today)
