"""Schemathesis against the API's own OpenAPI schema (bounded examples): no request makes a 500, and every
answer is one the document describes (status, content type, headers, schema)."""

import asyncio
import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from temporalio.testing import WorkflowEnvironment

from api.main import create_app, prepare_database
from core.db import make_engine
from core.settings import Settings
from tests.eventually import assert_eventually
from worker import build_worker

CONFORMANCE = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]
EXAMPLES_PER_OPERATION = int(os.environ.get("DUBAN_FUZZ_EXAMPLES", "6"))
STATEFUL_EXAMPLES = int(os.environ.get("DUBAN_FUZZ_STATEFUL", "10"))
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerThread:
    """The real app served by uvicorn on a free port, in a thread with its own event loop."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        assert_eventually(lambda: self.server.started, timeout=60, interval=0.05, what="the app did not start")
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def fuzz(base: str) -> list[str]:
    token = httpx.post(f"{base}/api/v1/auth/token", data={"username": "city.supervisor", "password": "duban-demo"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.endswith("/auth/logout"):
            continue  # it would revoke the token every later operation is fuzzed with (tests/test_accounts.py has it)

        @hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def examine(case: schemathesis.Case) -> None:
            response = case.call(base_url=base, headers=headers, timeout=30)
            if response.status_code >= 500 and response.status_code != 503:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}")
            try:  # the answer is one the document describes: its status, content type, headers and schema
                case.validate_response(response, checks=CONFORMANCE)
            except Exception as failure:  # noqa: BLE001 - schemathesis groups its failures in one exception
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {str(failure)[:300]}")

        examine()
    return failures


def stateful(base: str) -> list[str]:
    """Schemathesis's stateful phase: sequences of calls that may follow the document's links (a reported
    hazard's `code` to reading it and to its actions); every answer must conform to the document. With this small
    budget the sequences rarely start from a valid report (its generated enterprise and region are refused)."""
    token = httpx.post(f"{base}/api/v1/auth/token", data={"username": "county.supervisor", "password": "duban-demo"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    failures: list[str] = []
    steps: list[str] = []
    machine = schema.as_state_machine()

    class HazardLives(machine):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, object]:
            steps.append(f"{case.method} {case.path}")
            return {"headers": headers, "timeout": 30}

        def validate_response(self, response: object, case: schemathesis.Case, **kwargs: object) -> None:
            status = getattr(response, "status_code", 0)
            if status >= 500 and status != 503:
                failures.append(f"{case.method} {case.formatted_path} -> {status}")
            try:
                case.validate_response(response, checks=CONFORMANCE)  # type: ignore[arg-type]
            except Exception as failure:  # noqa: BLE001
                failures.append(f"{case.method} {case.formatted_path} -> {status}: {str(failure)[:300]}")

    HazardLives.run(settings=hypothesis_settings(
        max_examples=STATEFUL_EXAMPLES, stateful_step_count=4, deadline=None, database=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    ))
    if not steps:
        failures.append("the stateful phase made no call")
    return failures


async def test_no_generated_request_makes_a_server_error(dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        temporal_task_queue=task_queue,
        temporal_address=dev_env.client.service_client.config.target_host,
        public_reports_per_hour=1000,
    )
    prepare_database(settings)
    engine = make_engine(settings.sqlalchemy_url)
    with ThreadPoolExecutor(max_workers=8) as executor:
        async with build_worker(dev_env.client, engine, task_queue, executor):
            with ServerThread(settings) as base:
                failures = await asyncio.to_thread(fuzz, base)
                failures += await asyncio.to_thread(stateful, base)
    engine.dispose()
    assert failures == [], "\n".join(failures)
