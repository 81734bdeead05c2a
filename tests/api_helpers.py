"""The real app and a real worker behind an httpx client, signed in as the demo users."""

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from app import create_app
from worker import build_worker

DEMO_PASSWORD = "duban-demo"


class Api:
    """An httpx client that remembers a token per demo user."""

    def __init__(self, http: httpx.AsyncClient, app: Any) -> None:
        self.http = http
        self.app = app
        self._tokens: dict[str, str] = {}

    async def token(self, username: str) -> str:
        if username not in self._tokens:
            reply = await self.http.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
            assert reply.status_code == 200, reply.text
            self._tokens[username] = reply.json()["access_token"]
        return self._tokens[username]

    async def as_user(self, username: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {await self.token(username)}", **kwargs.pop("headers", {})}
        return await self.http.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    async def act(self, username: str, code: str, action: str, body: dict[str, Any]) -> httpx.Response:
        return await self.as_user(username, "POST", f"/hazards/{code}/actions/{action}", json=body)

    async def report(self, username: str = "inspector", **overrides: Any) -> httpx.Response:
        return await self.as_user(username, "POST", "/hazards", json=hazard_body(**overrides))


def hazard_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "配电室未设置挡鼠板",
        "description": "检查发现配电室门口未设置挡鼠板",
        "enterprise_uscc": "91371702MA3C4G0R29",
        "region_code": "371702",
        "industry": "危险化学品",
        "location": "牡丹区工业园 1 号",
        "source": "inspection",
        "discovered_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
    }
    body.update(overrides)
    return body


def in_days(days: int) -> str:
    from models.base import china_date

    return (china_date(datetime.now(UTC)) + timedelta(days=days)).isoformat()


def _own_code_range(engine: Any) -> None:
    """Tests share one Temporal server but each has a fresh read model: start this one's hazard numbers in a
    range of its own, so its codes do not collide with workflows other tests left on the server."""
    import random

    from sqlmodel import Session

    from models.base import china_date
    from models.tables import HazardCodeCounter

    start = random.randrange(1, 9_000) * 100
    with Session(engine) as session:
        for region in ("371702", "371721", "371700", "370000"):
            for year in {china_date(datetime.now(UTC)).year, china_date(datetime.now(UTC) - timedelta(days=2)).year}:
                if session.get(HazardCodeCounter, (region, year)) is None:  # a restart keeps its range
                    session.add(HazardCodeCounter(region_code=region, year=year, value=start))
        session.commit()


@asynccontextmanager
async def running_api(
    client: Client, data_dir: Path, task_queue: str, outbox: bool = False, **settings: Any
) -> AsyncIterator[Api]:
    from core.settings import Settings

    settings.setdefault("env", "development")  # the demo accounts; explicit, whatever DUBAN_ENV says
    config = Settings(_env_file=None, data_dir=data_dir, temporal_task_queue=task_queue, **settings)  # type: ignore[call-arg]
    app = create_app(config, temporal=client)
    async with app.router.lifespan_context(app):
        _own_code_range(app.state.engine)
        with ThreadPoolExecutor(max_workers=8) as executor:
            async with build_worker(client, app.state.engine, task_queue, executor, settings=config):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://duban.test", timeout=30) as http, \
                        outbox_running(client, app, config, task_queue, start=outbox):
                    yield Api(http, app)


@asynccontextmanager
async def outbox_running(client: Client, app: Any, config: Any, task_queue: str, start: bool) -> AsyncIterator[None]:
    """The worker's outbox (deliveries beyond the inbox), as `worker.py` runs it; `app.state.outbox` for tests
    that call it themselves (the daily digest)."""
    import asyncio

    from services.outbox import Outbox

    app.state.outbox = Outbox(client, app.state.engine, config, task_queue)
    if not start:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(app.state.outbox.run(stop))
    try:
        yield
    finally:
        stop.set()
        await task


def pass_sign_in_wait(app: Any) -> None:
    """Move the sign-in throttle's clock past the wait that follows a failure (as a person's pause would), instead
    of sleeping for it: an attempt sooner is answered 429 (tests/test_throttle.py)."""
    throttle = app.state.sign_in_throttle
    before, ahead = throttle.clock, throttle.base_delay * 4
    throttle.clock = lambda: before() + ahead
