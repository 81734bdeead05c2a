"""Throttles in the database: failed sign-ins answer 429 with `Retry-After` at once (no request sleeps), API
processes on one database share the counts, and `X-Forwarded-For` counts only from a trusted proxy."""

import ipaddress
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from api.client_address import forwarded_client
from app import create_app
from core.settings import Settings
from models.tables import ThrottleEvent
from security.throttle import SignInThrottle

TOKEN = "/api/v1/auth/token"


class NoTemporal:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"sign-in touched Temporal ({name})")


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def apps(tmp_path: Path, count: int, peer: str = "127.0.0.1", **settings: Any) -> AsyncIterator[list[httpx.AsyncClient]]:
    """`count` API apps (as separate processes would be) on one SQLite read model, their sign-in throttles on one
    stopped clock (argon2 takes a while; the test decides when time passes)."""
    clock = Clock()
    settings = {"env": "development", "log_json": False, "log_level": "WARNING"} | settings
    config = Settings(_env_file=None, data_dir=tmp_path, **settings)  # type: ignore[call-arg]
    async with AsyncExitStack() as stack:
        clients = []
        for _ in range(count):
            app = create_app(config, temporal=NoTemporal())  # type: ignore[arg-type]
            await stack.enter_async_context(app.router.lifespan_context(app))
            app.state.sign_in_throttle = SignInThrottle(secret=config.secret_key, clock=clock)
            transport = httpx.ASGITransport(app=app, client=(peer, 4711))
            clients.append(await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://duban.test")))
        yield clients


def app_of(client: httpx.AsyncClient) -> FastAPI:
    return client._transport.app  # type: ignore[attr-defined,no-any-return]


async def sign_in(client: httpx.AsyncClient, username: str, password: str = "wrong-password", **headers: str) -> httpx.Response:
    started = time.perf_counter()
    reply = await client.post(TOKEN, data={"username": username, "password": password}, headers=headers)
    assert time.perf_counter() - started < 1.0, "no sign-in request waits"
    return reply


async def test_failures_answer_429_with_retry_after_at_once_then_lock_and_the_wait_doubles(tmp_path: Path) -> None:
    async with apps(tmp_path, 1) as (api,):
        clock = Clock()
        app_of(api).state.sign_in_throttle = SignInThrottle(secret=app_of(api).state.settings.secret_key, clock=clock)
        waits = []
        for failure in range(1, 11):
            assert (await sign_in(api, "inspector")).status_code == 401
            early = await sign_in(api, "inspector", "duban-demo")  # too soon: refused without checking the password
            assert early.status_code == 429 and early.json()["detail"]["code"] == "too_many_attempts"
            assert set(early.json()["detail"]) >= {"code", "field", "message_zh", "message_en"}
            waits.append(int(early.headers["Retry-After"]))
            if failure < 10:
                clock.now += min(0.25 * 2 ** (failure - 1), 8.0)  # exactly the wait: the next one is checked
        # 0.25, 0.5, 1, 2, 4, 8 s (rounded up); then locked until the first failure, 39.75 s ago, leaves the window
        assert waits == [1, 1, 1, 2, 4, 8, 8, 8, 8, 861]
        locked = await sign_in(api, "inspector", "duban-demo")  # even the right password, for now
        assert locked.status_code == 429 and locked.headers["Retry-After"] == "861"
        assert "15" in locked.json()["detail"]["message_en"]
        clock.now += 8
        assert (await sign_in(api, "county.supervisor", "duban-demo")).status_code == 200  # others may sign in
        clock.now += 15 * 60  # the window has passed
        assert (await sign_in(api, "inspector", "duban-demo")).status_code == 200
        with Session(app_of(api).state.engine) as session:
            stored = session.exec(select(ThrottleEvent)).all()
        assert all("inspector" not in e.key_hash and "127.0.0.1" not in e.key_hash for e in stored)


async def test_the_web_sign_in_page_shows_the_wait(tmp_path: Path) -> None:
    import re

    async with apps(tmp_path, 1) as (web,):
        form = await web.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        body = {"username": "inspector", "password": "nope", "csrf": csrf, "next": "/"}
        assert (await web.post("/login", data=body)).status_code == 401
        again = await web.post("/login", data=body | {"password": "duban-demo"})
        assert again.status_code == 429 and again.headers["Retry-After"] == "1"
        assert "登录失败后请等待 1 秒再试" in again.text and "duban_token" not in again.headers.get("set-cookie", "")


async def test_two_api_processes_on_one_database_share_the_counts(tmp_path: Path) -> None:
    async with apps(tmp_path, 2, public_reports_per_hour=2) as (one, two):
        assert (await sign_in(one, "inspector")).status_code == 401
        refused = await sign_in(two, "inspector", "duban-demo")  # the other process knows of the failure
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
        report = {"description": "夜间违规动火", "location": "工业园"}
        replies = [await client.post("/api/v1/public/reports", json=report) for client in (one, two, one, two)]
        assert [r.status_code for r in replies] == [201, 201, 429, 429]
        assert 3590 <= int(replies[-1].headers["Retry-After"]) <= 3600
        assert replies[-1].json()["detail"]["code"] == "too_many_reports"
        app_of(one).state.public_status_limiter.limit = app_of(two).state.public_status_limiter.limit = 1
        lookups = [await client.post("/api/v1/public/reports/lookup", json={"receipt": "A" * 43}) for client in (two, one)]
        assert [r.status_code for r in lookups] == [404, 429] and lookups[1].json()["detail"]["code"] == "too_many_requests"


async def test_x_forwarded_for_counts_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    async with apps(tmp_path / "trusted", 1, peer="10.0.0.5", trusted_proxies="10.0.0.0/8, 192.0.2.1") as (api,):
        assert (await sign_in(api, "inspector", **{"X-Forwarded-For": "203.0.113.7"})).status_code == 401
        # Another client behind the same proxy is another address: not slowed by the first one's failure.
        assert (await sign_in(api, "auditor", **{"X-Forwarded-For": "198.51.100.9"})).status_code == 401
        # The same client (a spoofed hop before it changes nothing): slowed.
        same = await sign_in(api, "admin", **{"X-Forwarded-For": "1.2.3.4, 203.0.113.7"})
        assert same.status_code == 429
    async with apps(tmp_path / "direct", 1, peer="10.0.0.5") as (api,):  # no trusted proxies: the header is ignored
        assert (await sign_in(api, "inspector", **{"X-Forwarded-For": "203.0.113.7"})).status_code == 401
        spoofed = await sign_in(api, "auditor", **{"X-Forwarded-For": "198.51.100.9"})
        assert spoofed.status_code == 429  # the same socket peer, whatever the header says


def test_the_client_address_is_the_first_untrusted_hop_from_the_right() -> None:
    nets = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8::/32")]
    assert forwarded_client("10.0.0.5", ["203.0.113.7"], nets) == "203.0.113.7"
    assert forwarded_client("10.0.0.5", ["6.6.6.6, 203.0.113.7, 10.0.0.9"], nets) == "203.0.113.7"
    assert forwarded_client("10.0.0.5", ["6.6.6.6", "203.0.113.7"], nets) == "203.0.113.7"  # two header lines
    assert forwarded_client("10.0.0.5", [], nets) == "10.0.0.5"
    assert forwarded_client("10.0.0.5", ["not-an-ip"], nets) == "10.0.0.5"
    assert forwarded_client("10.0.0.5", ["10.0.0.7"], nets) == "10.0.0.7"  # only proxies: the farthest one
    assert forwarded_client("2001:db8::1", ["2001:db9::5"], nets) == "2001:db9::5"
    assert forwarded_client("203.0.113.7", ["6.6.6.6"], nets) == "203.0.113.7"  # not from a proxy: ignored
    assert forwarded_client("10.0.0.5", ["6.6.6.6"], []) == "10.0.0.5"  # none trusted: ignored


def test_trusted_proxies_must_be_addresses_or_ranges() -> None:
    from pydantic import ValidationError

    ok = Settings(_env_file=None, trusted_proxies="10.0.0.0/8, 192.0.2.1,::1")  # type: ignore[call-arg]
    assert [str(n) for n in ok.trusted_proxy_networks] == ["10.0.0.0/8", "192.0.2.1/32", "::1/128"]
    assert Settings(_env_file=None).trusted_proxy_networks == []  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="DUBAN_TRUSTED_PROXIES"):
        Settings(_env_file=None, trusted_proxies="proxy.internal")  # type: ignore[call-arg]


async def test_log_lines_carry_the_trusted_client_address_but_never_a_whistleblowers(tmp_path: Path) -> None:
    import logging

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign,assignment]
    logger = logging.getLogger("duban.api")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # logging is configured once per process, maybe at WARNING by another test
    try:
        async with apps(tmp_path, 1, peer="10.0.0.5", trusted_proxies="10.0.0.0/8") as (api,):
            await sign_in(api, "inspector", **{"X-Forwarded-For": "203.0.113.7"})
            await api.post("/api/v1/public/reports", json={"description": "x", "location": "y"}, headers={"X-Forwarded-For": "198.51.100.9"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = [str(r.msg) for r in records if "'request'" in str(r.msg) or "request " in str(r.msg)]
    signed = [line for line in lines if "/auth/token" in line]
    public = [line for line in lines if "/public/reports" in line]
    assert signed and all("203.0.113.7" in line for line in signed)
    assert public and not any("198.51.100.9" in line or "10.0.0.5" in line for line in public)


def test_the_throttles_count_in_the_database_on_sqlite_and_postgresql(engine: Any) -> None:
    """Two throttle objects (as in two API processes) on one database: one count, one wait, one lock-out."""
    from security.throttle import RateLimiter

    clock = Clock()
    one, two = (RateLimiter(limit=2, window=60, scope="public_report", secret="s" * 40, clock=clock) for _ in range(2))
    with Session(engine) as session:
        assert [one.hit(session, "203.0.113.7"), two.hit(session, "203.0.113.7")] == [None, None]
        assert two.hit(session, "203.0.113.7") == pytest.approx(60)  # refused, not counted
        assert one.count(session, "203.0.113.7") == 2 and one.hit(session, "198.51.100.9") is None
        clock.now += 61  # the window has passed: the old rows are pruned by the next hit
        assert one.hit(session, "203.0.113.7") is None and two.count(session, "203.0.113.7") == 1
        first, second = (SignInThrottle(secret="s" * 40, clock=clock) for _ in range(2))
        keys = ("user:inspector", "client:203.0.113.7")
        first.fail(session, *keys)
        first.fail(session, *keys)
        assert second.wait(session, *keys) == (False, 0.5) and second.failures(session, *keys) == 2
        assert second.wait(session, "user:auditor", "client:198.51.100.9") == (False, 0.0)
        for _ in range(8):
            second.fail(session, *keys)
        locked, seconds = first.wait(session, *keys)
        assert locked and seconds == pytest.approx(15 * 60)
        first.succeed(session, "user:inspector")
        assert second.wait(session, *keys) == (False, 8.0)  # the name is cleared; the address still waits
        stored = session.exec(select(ThrottleEvent.key_hash)).all()
    assert stored and not any("inspector" in h or "203.0.113.7" in h for h in stored)


def test_guessing_a_name_from_afar_slows_it_but_never_locks_its_owner_out(sqlite_engine: Any) -> None:
    from services.auth import authenticate
    from services.errors import ApiError
    from store.demo import load_demo_data

    clock = Clock()
    throttle = SignInThrottle(secret="s" * 40, clock=clock)
    with Session(sqlite_engine) as session:
        load_demo_data(session=session)
        session.commit()
        for _ in range(12):  # more than enough to lock the name, were it locked by name
            clock.now += 10
            with pytest.raises(ApiError) as refused:
                authenticate(throttle, session, "inspector", "wrong", "203.0.113.7")
        assert refused.value.status == 429  # the guesser's address is locked out
        clock.now += 10  # the name's wait has passed; from the owner's own address the right password works
        assert authenticate(throttle, session, "inspector", "duban-demo", "198.51.100.9").username == "inspector"
