"""The bench suite's stack and helpers: an embedded Temporal dev server, the app under uvicorn and worker
process(es) as `make run` starts them (`stack()`), the bare ceilings' trivial workflow, and the small helpers
every bench shares (a client pool, quantiles, a token, a hazard report's body)."""

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker

from api.main import prepare_database
from core.codec import data_converter
from core.settings import Settings
from core.temporal import temporal_cli
from models.base import china_date

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "duban-demo"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(f"DUBAN_BENCH_{name.upper()}", default))


# --- the bare ceilings' workflow ------------------------------------------------------------------------------


@workflow.defn(sandboxed=False)
class Trivial:
    """Starts, takes Updates that return at once, ends when told."""

    def __init__(self) -> None:
        self._done = False
        self._n = 0

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self._done)
        return self._n

    @workflow.update
    async def touch(self) -> int:
        self._n += 1
        return self._n

    @workflow.signal
    def finish(self) -> None:
        self._done = True


# --- the stack: an embedded dev server, the app under uvicorn, a worker --------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class DevServer:
    address: str
    process: subprocess.Popen[bytes]
    db: Path

    def db_mib(self) -> float:
        return sum(p.stat().st_size for p in self.db.parent.glob(self.db.name + "*")) / 2**20


@contextmanager
def dev_server(directory: Path) -> Iterator[DevServer]:
    port = free_port()
    db = directory / "temporal.db"
    args = [
        str(temporal_cli()), "server", "start-dev", "--db-filename", str(db), "--port", str(port),
        "--ui-port", str(free_port()), "--http-port", str(free_port()), "--metrics-port", str(free_port()),
        "--headless", "--sqlite-pragma", "journal_mode=wal", "--log-level", "error",
        "--dynamic-config-value", "frontend.enableUpdateWorkflowExecution=true",
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield DevServer(f"127.0.0.1:{port}", process, db)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


async def connect(address: str) -> Client:
    for _ in range(300):
        try:
            return await Client.connect(address, data_converter=data_converter(Settings()))
        except Exception:  # noqa: BLE001 - not up yet
            await asyncio.sleep(0.1)
    raise RuntimeError(f"no Temporal server at {address}")


@dataclass
class Stack:
    """The production shape on one machine, as `make run` starts it: the dev server, worker process(es) and the
    API (uvicorn) in processes of their own; the bench drives them from this process over HTTP and gRPC."""

    server: DevServer
    client: Client
    settings: Settings
    base_url: str
    task_queue: str
    directory: Path
    workers: list[subprocess.Popen[bytes]]
    api: subprocess.Popen[bytes]

    def worker_rss_mib(self) -> float:
        return sum(rss_mib(w.pid) for w in self.workers)


def _child(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def _wait_for_http(url: str, api: subprocess.Popen[bytes], log: Path) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            if api.poll() is not None:
                raise RuntimeError(f"the API stopped: {log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the API did not start: {log}")


@asynccontextmanager
async def stack(cache: int = 1000, workers: int = 1, database_url: str | None = None) -> AsyncIterator[Stack]:
    """A fresh dev server, read model (SQLite, or `database_url`), `workers` worker processes and the API."""
    with tempfile.TemporaryDirectory(prefix="duban-bench-") as tmp:
        directory = Path(tmp)
        with dev_server(directory) as server:
            client = await connect(server.address)
            task_queue = f"bench-{uuid.uuid4().hex[:8]}"
            port = free_port()
            env = {
                **os.environ, "DUBAN_DATA_DIR": str(directory / "data"), "DUBAN_TEMPORAL_ADDRESS": server.address,
                "DUBAN_TEMPORAL_TASK_QUEUE": task_queue, "DUBAN_LOG_LEVEL": "WARNING",
                "DUBAN_WORKER_MAX_CACHED_WORKFLOWS": str(cache), "DUBAN_HTTP_PORT": str(port),
                **({"DUBAN_DATABASE_URL": database_url} if database_url else {}),
            }
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None, data_dir=directory / "data", temporal_address=server.address, temporal_task_queue=task_queue,
                database_url=database_url, log_json=False, log_level="WARNING",
            )
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            prepare_database(settings)
            logs = directory / "logs"
            logs.mkdir()
            children = [_child([sys.executable, "worker.py"], env, logs / f"worker-{n}.log") for n in range(workers)]
            api = _child([sys.executable, "-m", "uvicorn", "app:create_app", "--factory", "--host", "127.0.0.1",
                          "--port", str(port), "--no-access-log", "--log-level", "warning"], env, logs / "api.log")
            children.append(api)
            try:
                base_url = f"http://127.0.0.1:{port}"
                await _wait_for_http(f"{base_url}/healthz", api, logs / "api.log")
                async with Worker(client, task_queue=f"{task_queue}-bare", workflows=[Trivial]):
                    yield Stack(server, client, settings, base_url, task_queue, directory, children[:-1], api)
            finally:
                for child in reversed(children):
                    _stop(child)


async def token(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    reply = await http.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    reply.raise_for_status()
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def hazard_body(n: int) -> dict[str, Any]:
    return {
        "title": f"压测隐患 {n}", "description": "压测", "enterprise_uscc": "91371702MA3C4G0R29", "region_code": "371702",
        "industry": "危险化学品", "location": "工业园 1 号", "source": "inspection",
        "discovered_at": china_date(datetime.now().astimezone()).isoformat(),
    }


async def pool(n: int, concurrency: int, one: Callable[[int], Awaitable[None]]) -> None:
    """Run one(0..n-1) with `concurrency` clients, each taking the next number."""
    counter = iter(range(n))

    async def client() -> None:
        for i in counter:
            await one(i)

    await asyncio.gather(*(client() for _ in range(concurrency)))


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
