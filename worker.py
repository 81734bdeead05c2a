"""The Duban worker: runs HazardWorkflow and the activities that project it into the read model.

Run several for capacity: they share the task queue on the same Temporal server.
"""

import asyncio
import signal
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.worker import Worker

import processes
from core.bytecode import compile_workflows
from core.db import make_engine
from core.logging import configure_logging, get_logger
from core.policies import PolicyRegistry
from core.settings import Settings, get_settings
from core.temporal import connect_with_retry
from models.policy import PolicyProfile
from processes import Needs
from services.outbox import Outbox
from workflows.report_schedules import ensure_schedules  # the reporting cadence


def build_worker(
    client: Client,
    engine: Engine,
    task_queue: str,
    executor: ThreadPoolExecutor,
    max_cached_workflows: int = 1000,
    max_concurrent_workflow_tasks: int = 20,
    settings: Settings | None = None,
    report_profile: PolicyProfile | None = None,
) -> Worker:
    compile_workflows()
    needs = Needs(engine, settings or get_settings(), report_profile or PolicyRegistry().latest("default"))
    return Worker(
        client,
        task_queue=task_queue,
        workflows=processes.workflows(),
        activities=processes.activities(needs),
        activity_executor=executor,
        max_cached_workflows=max_cached_workflows,
        max_concurrent_workflow_tasks=max_concurrent_workflow_tasks,
        max_concurrent_local_activities=max_concurrent_workflow_tasks,
    )


async def serve(settings: Settings) -> None:
    log = get_logger("duban.worker")
    client = await connect_with_retry(settings, metrics_address=settings.worker_metrics_address)
    engine = make_engine(settings.sqlalchemy_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    profile = PolicyRegistry(settings.policies_dir).latest(settings.policy)
    # the reporting cadence's schedules, created or brought up to date at every worker's start
    await ensure_schedules(client, profile, settings.temporal_task_queue)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(
            client, engine, settings.temporal_task_queue, executor, settings.worker_max_cached_workflows,
            settings.worker_max_concurrent_workflow_tasks, settings, report_profile=profile,
        )
        outbox = asyncio.create_task(Outbox(client, engine, settings).run(stop))  # deliveries beyond the inbox
        log.info(
            "worker started",
            task_queue=settings.temporal_task_queue,
            temporal=settings.temporal_target,
            metrics=f"http://{settings.worker_metrics_address}/metrics" if settings.worker_metrics_address else None,
        )
        async with worker:
            await stop.wait()
            log.info("worker stopping")
            await outbox
    engine.dispose()
    log.info("worker stopped")


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
