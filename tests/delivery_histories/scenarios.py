"""Committed histories of the delivery workflows, kept apart from the hazards' (`tests/histories/`, whose
replay job is hazard-shaped): one notification delivered on two channels, the first after two failed attempts,
the second refused for good and given up; and a daily digest. `python tests/delivery_histories/scenarios.py`
records them again; `tests/test_delivery_replay.py` replays them against today's code."""

import asyncio
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from temporalio import activity  # noqa: E402
from temporalio.client import WorkflowHistory  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.exceptions import ApplicationError  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from core.temporal import time_skipping_server_binary  # noqa: E402
from models.delivery import Channel, DeliveryOrder, DeliveryTarget, DigestOrder  # noqa: E402
from workflows.delivery import DeliveryWorkflow, DigestWorkflow  # noqa: E402

MAIL = DeliveryTarget(key="1:email:enterprise.a", channel=Channel.EMAIL, recipient="enterprise.a")
ROBOT = DeliveryTarget(key="1:webhook:371702", channel=Channel.WEBHOOK, recipient="371702")
FILES = {"delivery": ("delivery-1", "DeliveryWorkflow"), "digest": ("digest-enterprise.a-2040-03-05", "DigestWorkflow")}


@activity.defn(name="plan_deliveries")
def plan_deliveries(order: DeliveryOrder) -> list[DeliveryTarget]:
    return [MAIL, ROBOT]


@activity.defn(name="deliver")
def deliver(target: DeliveryTarget) -> bool:
    if target == ROBOT:
        raise ApplicationError("webhook answered 404", type="DeliveryFailed", non_retryable=True)
    if activity.info().attempt < 3:
        raise ApplicationError("SMTP 451 try again later", type="DeliveryFailed")
    return True


@activity.defn(name="give_up_delivery")
def give_up_delivery(target: DeliveryTarget) -> None:
    return None


@activity.defn(name="send_digest")
def send_digest(order: DigestOrder) -> bool:
    return True


@activity.defn(name="give_up_digest")
def give_up_digest(order: DigestOrder) -> None:
    return None


async def record() -> dict[str, WorkflowHistory]:
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=str(time_skipping_server_binary())
    ) as env:
        with ThreadPoolExecutor(max_workers=4) as executor:
            async with Worker(
                env.client, task_queue="delivery-histories", workflows=[DeliveryWorkflow, DigestWorkflow],
                activities=[plan_deliveries, deliver, give_up_delivery, send_digest, give_up_digest],
                activity_executor=executor,
            ):
                order = DeliveryOrder(notification_id=1, retry_max_seconds=1)
                sent = await env.client.execute_workflow(DeliveryWorkflow.run, order, id=FILES["delivery"][0],
                                                         task_queue="delivery-histories")
                assert sent == 1
                digest = DigestOrder(username="enterprise.a", day="2040-03-05")
                assert await env.client.execute_workflow(DigestWorkflow.run, digest, id=FILES["digest"][0],
                                                         task_queue="delivery-histories")
        return {name: await env.client.get_workflow_handle(wid).fetch_history() for name, (wid, _) in FILES.items()}


def committed(name: str) -> WorkflowHistory:
    return WorkflowHistory.from_json(FILES[name][0], (HERE / f"{name}.json").read_text(encoding="utf-8"))


if __name__ == "__main__":
    for name, history in asyncio.run(record()).items():
        (HERE / f"{name}.json").write_text(json.dumps(history.to_json_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {name}.json")
