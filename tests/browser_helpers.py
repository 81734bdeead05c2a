"""The real app served by uvicorn on a free port, a real worker, and Debian's Chromium driven by Playwright.

Shared by `tests/test_browser.py` and `scripts/screenshots.py`. Chromium is Debian's package
(`/usr/bin/chromium`), never a browser Playwright downloads. Where it is missing, browser tests skip with a
message saying how to get it; with `DUBAN_REQUIRE_BROWSER=1` (CI) they fail instead.
"""

import asyncio
import base64
import contextlib
import os
import shutil
import socket
import struct
import zlib
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from temporalio.client import Client

from app import create_app
from core.settings import Settings
from tests.eventually import assert_eventually_async
from worker import build_worker

CHROMIUM = os.environ.get("DUBAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_REQUIRED = os.environ.get("DUBAN_REQUIRE_BROWSER") == "1"
HOW_TO_GET_IT = "install Debian's Chromium: apt-get install chromium (make test does it when run as root)"
DEMO_PASSWORD = "duban-demo"


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM}: {HOW_TO_GET_IT}"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is missing: pip install -e '.[dev]'"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    base_url: str
    app: Any


@asynccontextmanager
async def served_app(client: Client, data_dir: Path, task_queue: str, **settings: Any) -> AsyncIterator[Served]:
    """The app under uvicorn on a free port of 127.0.0.1, in this event loop, with a worker on `task_queue`."""
    settings.setdefault("env", "development")  # the demo accounts; explicit, whatever DUBAN_ENV says
    config = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data_dir, temporal_task_queue=task_queue, log_json=False, log_level="WARNING", **settings
    )
    app = create_app(config, temporal=client)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_config=None, log_level="warning", access_log=False)
    )
    serving = asyncio.create_task(server.serve())
    with contextlib.suppress(AssertionError):
        await assert_eventually_async(lambda: server.started or serving.done(), timeout=10, interval=0.025)
    if not server.started:
        server.should_exit = True
        await serving
        raise RuntimeError("uvicorn did not start")
    try:
        with ThreadPoolExecutor(max_workers=8) as executor:
            async with build_worker(client, app.state.engine, task_queue, executor):
                yield Served(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        await serving


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def signed_in(browser: Any, base_url: str, username: str, lang: str = "zh", viewport: tuple[int, int] = (1366, 900)) -> Any:
    """A new browser context (its own cookies) signed in as a demo user through the sign-in form."""
    context = await browser.new_context(
        base_url=base_url, viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN" if lang == "zh" else "en-US"
    )
    if lang != "zh":
        await context.add_cookies([{"name": "lang", "value": lang, "url": base_url}])
    page = await context.new_page()
    page.set_default_timeout(30_000)
    await page.goto("/login")
    await page.fill("#username", username)
    await page.fill("#password", DEMO_PASSWORD)
    await page.click("form button[type=submit]")
    await page.wait_for_url(lambda url: "/login" not in url)
    return page


def png(width: int = 48, height: int = 32, rgb: tuple[int, int, int] = (214, 69, 69)) -> bytes:
    """A small valid PNG, made here (a photo of the fixed barrier, as far as the test is concerned)."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q=="
)
