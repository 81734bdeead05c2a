"""Outages answer quickly with 503, `Retry-After` and the refusal body (in-process: a dead database URL, a
Temporal address nobody listens on). The real-process outages are in tests/test_outage_recovery.py."""

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from app import create_app
from core.db import make_engine
from core.settings import Settings
from core.temporal import API_RETRY
from tests.api_helpers import hazard_body
from tests.browser_helpers import free_port
from tests.outage_helpers import assert_unavailable

DEMO_PASSWORD = "duban-demo"


@pytest.fixture
async def dead_temporal() -> Client:
    """A client of a Temporal frontend nobody listens on (connected lazily, as after the server went away)."""
    return await Client.connect(
        f"127.0.0.1:{free_port()}", data_converter=pydantic_data_converter, lazy=True, retry_config=API_RETRY
    )


@pytest.fixture
async def app(tmp_path: Path, dead_temporal: Client) -> AsyncIterator[Any]:
    settings = Settings(_env_file=None, data_dir=tmp_path, log_json=False, log_level="WARNING")  # type: ignore[call-arg]
    application = create_app(settings, temporal=dead_temporal)
    async with application.router.lifespan_context(application):
        yield application


def http(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://duban.test", timeout=30)


def kill_database(app: Any) -> None:
    """Point the app at a PostgreSQL port nobody listens on: every query now fails to connect."""
    app.state.engine.dispose()
    app.state.engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/duban")


async def test_an_action_with_temporal_unreachable_answers_503_quickly(app: Any) -> None:
    async with http(app) as client:
        token = (await client.post("/api/v1/auth/token", data={"username": "inspector", "password": DEMO_PASSWORD})).json()["access_token"]
        started = time.monotonic()
        reply = await client.post("/api/v1/hazards", json=hazard_body(), headers={"Authorization": f"Bearer {token}"})
        assert time.monotonic() - started < 5
        assert_unavailable(reply, "engine_unavailable")
        health = await client.get("/healthz")
    assert health.status_code == 503 and health.headers["retry-after"]
    body = health.json()
    assert body["status"] == "degraded"
    assert body["components"]["database"] == {"ok": True, "detail": "sqlite"}
    assert body["components"]["temporal"]["ok"] is False and body["components"]["temporal"]["detail"]


async def test_the_web_ui_shows_a_friendly_page_when_temporal_is_unreachable(app: Any) -> None:
    async with http(app) as client:
        form = await client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        signed_in = await client.post("/login", data={"username": "inspector", "password": DEMO_PASSWORD, "csrf": csrf})
        assert signed_in.status_code == 303
        page = await client.get("/hazards/new")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        fields = {k: v for k, v in hazard_body().items() if k != "discovered_at"}
        reply = await client.post("/hazards/new", data={**fields, "discovered_at": hazard_body()["discovered_at"][:10], "csrf": csrf})
    assert reply.status_code == 503 and reply.headers["retry-after"]
    assert "text/html" in reply.headers["content-type"]
    assert "流程引擎暂时无法连接" in reply.text and "the workflow engine cannot be reached" in reply.text


async def test_a_dead_database_answers_503_quickly_on_the_api_and_the_web_ui(app: Any) -> None:
    async with http(app) as client:
        token = (await client.post("/api/v1/auth/token", data={"username": "inspector", "password": DEMO_PASSWORD})).json()["access_token"]
        kill_database(app)
        started = time.monotonic()
        reply = await client.post("/api/v1/auth/token", data={"username": "inspector", "password": DEMO_PASSWORD})
        assert time.monotonic() - started < 5
        assert_unavailable(reply, "database_unavailable")
        assert_unavailable(await client.get("/api/v1/hazards", headers={"Authorization": f"Bearer {token}"}), "database_unavailable")
        client.cookies.set("duban_token", token)
        signed_in_page = await client.get("/")
        assert signed_in_page.status_code == 503 and "数据库暂时无法连接" in signed_in_page.text
        client.cookies.clear()

        form = await client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        page = await client.post("/login", data={"username": "inspector", "password": DEMO_PASSWORD, "csrf": csrf})
        assert page.status_code == 503 and page.headers["retry-after"]
        assert "text/html" in page.headers["content-type"]
        assert "数据库暂时无法连接" in page.text and "the database cannot be reached" in page.text

        started = time.monotonic()
        health = await client.get("/healthz")
        assert time.monotonic() - started < 5
    assert health.status_code == 503
    components = health.json()["components"]
    assert components["database"]["ok"] is False and "OperationalError" in components["database"]["detail"]


async def test_healthz_is_ok_with_every_component_up(tmp_path: Path, dev_env: Any) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, log_json=False, log_level="WARNING")  # type: ignore[call-arg]
    application = create_app(settings, temporal=dev_env.client)
    async with application.router.lifespan_context(application), http(application) as client:
        reply = await client.get("/healthz")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["status"] == "ok"
    assert body["components"]["database"]["ok"] and body["components"]["temporal"]["ok"]
