"""Deliveries beyond the inbox, each its own workflow so that a failing channel never touches a hazard's.

`DeliveryWorkflow` (id `delivery-<notification id>`, started once by the worker's outbox) plans the
notification's channels and sends each in its own activity, retried with backoff until it goes through or
the delivery window closes (then the delivery is marked failed). `DigestWorkflow` (id
`digest-<username>-<day>`) sends one user's daily digest the same way.
"""

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.delivery import DeliveryActivities
    from models.delivery import DeliveryOrder, DeliveryTarget, DigestOrder

P = TypeVar("P")

PLAN_TIMEOUT = timedelta(seconds=30)
SEND_TIMEOUT = timedelta(seconds=60)  # one attempt: a connection, a handshake, a message


def send_retry(retry_max_seconds: float) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=min(1.0, retry_max_seconds)), backoff_coefficient=2.0,
        maximum_interval=timedelta(seconds=retry_max_seconds), maximum_attempts=0,  # unlimited within the window
        non_retryable_error_types=[],
    )


async def send_or_give_up(
    send: Callable[[DeliveryActivities, P], bool],
    give_up: Callable[[DeliveryActivities, P], None],
    payload: P,
    order: DeliveryOrder | DigestOrder,
) -> bool:
    """`send` `payload`, retried with backoff within `order`'s window; past it, `give_up` on it (answers False)."""
    try:
        return await workflow.execute_activity_method(
            send, payload, start_to_close_timeout=SEND_TIMEOUT,
            schedule_to_close_timeout=timedelta(hours=order.give_up_hours),
            retry_policy=send_retry(order.retry_max_seconds),
        )
    except ActivityError:
        await workflow.execute_activity_method(
            give_up, payload, start_to_close_timeout=PLAN_TIMEOUT,
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30)),
        )
        return False


@workflow.defn(name="DeliveryWorkflow")
class DeliveryWorkflow:
    @workflow.run
    async def run(self, order: DeliveryOrder) -> int:
        """Answers how many messages went out."""
        targets = await workflow.execute_activity_method(
            DeliveryActivities.plan_deliveries, order, start_to_close_timeout=PLAN_TIMEOUT,
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30)),
        )
        sent = await asyncio.gather(*(self._deliver(order, target) for target in targets))
        return sum(1 for s in sent if s)

    async def _deliver(self, order: DeliveryOrder, target: DeliveryTarget) -> bool:
        return await send_or_give_up(DeliveryActivities.deliver, DeliveryActivities.give_up_delivery, target, order)


@workflow.defn(name="DigestWorkflow")
class DigestWorkflow:
    @workflow.run
    async def run(self, order: DigestOrder) -> bool:
        return await send_or_give_up(DeliveryActivities.send_digest, DeliveryActivities.give_up_digest, order, order)
