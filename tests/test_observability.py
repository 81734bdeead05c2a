"""Operations: the SDK core's own log lines come out as JSON, the API's /metrics counts requests and refusals,
and a worker serves the SDK's Prometheus metrics when configured."""

import asyncio
import io
import json
import logging
import socket
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from temporalio import workflow
from temporalio.client import WorkflowFailureError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from core.logging import formatter
from core.settings import Settings
from core.temporal import CORE_LOGGER, connect, sdk_runtime
from tests.api_helpers import Api, running_api
from tests.eventually import assert_eventually_async

UNKNOWN_CODE = "HZ-371702-2001-999999"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_metrics_count_requests_by_route_template_and_refusals_by_code(api: Api) -> None:
    assert (await api.http.get("/healthz")).status_code == 200
    reported = await api.report()
    assert reported.status_code == 201, reported.text
    code = reported.json()["code"]
    assert (await api.as_user("inspector", "GET", f"/hazards/{code}")).status_code == 200
    missing = await api.as_user("inspector", "GET", f"/hazards/{UNKNOWN_CODE}")
    assert missing.status_code == 404 and missing.json()["detail"]["code"] == "not_found"
    invalid = await api.as_user("inspector", "POST", "/hazards", json={"description": "no enterprise, no place"})
    assert invalid.status_code == 422 and invalid.json()["detail"]["code"] == "invalid_input"
    before = samples((await api.http.get("/metrics")).text)

    again = await api.as_user("inspector", "GET", f"/hazards/{UNKNOWN_CODE}")
    assert again.status_code == 404
    reply = await api.http.get("/metrics")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    after = samples(reply.text)

    def requests(method: str, route: str, status: str) -> float:
        return after.get(("duban_http_requests_total", (("method", method), ("route", route), ("status", status))), 0)

    assert requests("GET", "/healthz", "200") == 1
    assert requests("POST", "/api/v1/hazards", "201") == 1
    assert requests("POST", "/api/v1/hazards", "422") == 1
    assert requests("GET", "/api/v1/hazards/{code}", "200") == 1
    assert requests("GET", "/api/v1/hazards/{code}", "404") == 2
    assert code not in reply.text and UNKNOWN_CODE not in reply.text  # templates, never concrete paths
    assert not any(route == "/metrics" for (_, labels) in after for key, route in labels if key == "route")
    refusal = ("duban_api_refusals_total", (("code", "not_found"),))
    assert before[refusal] == 1 and after[refusal] == 2
    assert after[("duban_api_refusals_total", (("code", "invalid_input"),))] == 1
    latency = ("duban_http_request_duration_seconds_count", (("method", "GET"), ("route", "/api/v1/hazards/{code}")))
    assert after[latency] == 3


async def test_metrics_are_for_loopback_clients_or_the_bearer_of_the_metrics_token(
    dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str
) -> None:
    async with running_api(dev_env.client, tmp_path, task_queue) as api:
        remote = httpx.ASGITransport(app=api.app, client=("203.0.113.7", 40000))
        async with httpx.AsyncClient(transport=remote, base_url="http://duban.test") as http:
            assert (await http.get("/metrics")).status_code == 403
    async with running_api(dev_env.client, tmp_path, task_queue, metrics_token="scrape-me") as api:
        assert (await api.http.get("/metrics")).status_code == 401  # a token, once set, is asked of everyone
        wrong = await api.http.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = await api.http.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
        assert right.status_code == 200 and "duban_http_requests_total" in right.text


async def test_a_worker_serves_the_sdk_metrics_with_workflow_task_latencies(
    dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str
) -> None:
    address = f"127.0.0.1:{free_port()}"
    target = dev_env.client.service_client.config.target_host
    settings = Settings(_env_file=None, temporal_address=target, worker_metrics_address=address)  # type: ignore[call-arg]
    client = await connect(settings, metrics_address=settings.worker_metrics_address)
    async with running_api(client, tmp_path, task_queue) as api:
        reply = await api.report()
        assert reply.status_code == 201, reply.text

        async def scraped() -> str:
            async with httpx.AsyncClient() as http:
                text = (await http.get(f"http://{address}/metrics", timeout=5)).text
            assert "temporal_workflow_task_schedule_to_start_latency" in text
            assert "temporal_workflow_task_execution_latency" in text
            return text

        text = await assert_eventually_async(scraped, timeout=20)
    names = {family.name for family in text_string_to_metric_families(text)}
    assert {"temporal_workflow_task_schedule_to_start_latency", "temporal_workflow_task_execution_latency"} <= names
    assert f'task_queue="{task_queue}"' in text


@workflow.defn(sandboxed=False)
class BrokenWorkflow:
    @workflow.run
    async def run(self) -> None:
        raise RuntimeError("a bug in the workflow code")  # not an ApplicationError: the task fails, and retries


async def test_the_sdk_core_log_lines_come_out_as_json(dev_env: WorkflowEnvironment) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(json=True))
    core_logger = logging.getLogger(CORE_LOGGER)
    core_logger.addHandler(handler)
    core_logger.setLevel(logging.WARNING)
    target = dev_env.client.service_client.config.target_host
    client = await connect(Settings(_env_file=None, temporal_address=target))  # type: ignore[call-arg]
    assert client.service_client.config.runtime is sdk_runtime()
    task_queue = f"broken-{uuid.uuid4()}"
    try:
        async with Worker(
            client, task_queue=task_queue, workflows=[BrokenWorkflow], workflow_runner=UnsandboxedWorkflowRunner()
        ):
            handle = await client.start_workflow(
                BrokenWorkflow.run, id=f"broken-{uuid.uuid4()}", task_queue=task_queue,
                execution_timeout=timedelta(seconds=30),
            )  # fmt: skip

            async def failed_line() -> dict[str, object]:
                for line in stream.getvalue().splitlines():
                    record = json.loads(line)  # every line is one JSON object, no ANSI colours
                    if "Failing workflow task" in str(record["event"]):
                        return record  # type: ignore[no-any-return]
                raise AssertionError(f"no core line yet: {stream.getvalue()!r}")

            record = await assert_eventually_async(failed_line, timeout=20)
            await handle.terminate()
            with pytest.raises(WorkflowFailureError):
                await handle.result()
    finally:
        core_logger.removeHandler(handler)
        await asyncio.sleep(0)
    assert record["logger"] == CORE_LOGGER and str(record["core_target"]).startswith("temporalio_sdk_core")
    assert record["level"] == "warning"
    assert record["run_id"] == handle.result_run_id
    assert "a bug in the workflow code" in str(record.get("failure"))
    assert "\x1b[" not in stream.getvalue()
