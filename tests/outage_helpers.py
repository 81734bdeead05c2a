"""Real processes for the outage tests: a Temporal dev server on a SQLite file (killed with `kill -9` and
started again on the same file and port), the API under uvicorn, the worker, and a private PostgreSQL cluster
(never the machine's shared one) that can be stopped and started."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import httpx

from core.temporal import temporal_cli
from tests.browser_helpers import free_port

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("DUBAN_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the process stopped (exit {process.returncode}): {log.read_text()[-2000:]}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {seconds:g} s: {log.read_text()[-2000:]}")


def terminate(process: subprocess.Popen[bytes], seconds: float) -> None:
    """SIGTERM a process still running, and SIGKILL it if it has not ended within `seconds`."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class TemporalServer:
    """`temporal server start-dev` persisted to a SQLite file; `kill_9` and `start` again keep file and port."""

    def __init__(self, directory: Path) -> None:
        self.db = directory / "temporal.db"
        self.log = directory / "temporal.log"
        self.port, self.http_port, self.metrics_port = free_port(), free_port(), free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            str(temporal_cli()), "server", "start-dev", "--headless",
            "--db-filename", str(self.db), "--ip", "127.0.0.1", "--port", str(self.port),
            "--http-port", str(self.http_port), "--metrics-port", str(self.metrics_port),
            "--sqlite-pragma", "journal_mode=wal", "--log-level", "warn",
            "--dynamic-config-value", "frontend.enableUpdateWorkflowExecution=true",
        ]  # fmt: skip
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, self.process, self.log)

    def kill_9(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None:
            terminate(self.process, 15)


class ApiProcess:
    """`uvicorn app:create_app --factory` with the given settings (DUBAN_* variables)."""

    def __init__(self, data_dir: Path, **settings: str) -> None:
        self.port = free_port()
        self.log = data_dir / "api.log"
        env = os.environ | {"DUBAN_DATA_DIR": str(data_dir), "DUBAN_HTTP_PORT": str(self.port), "DUBAN_LOG_JSON": "true"}
        env |= {f"DUBAN_{k.upper()}": v for k, v in settings.items()}
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "app:create_app", "--factory", "--host", "127.0.0.1",
                 "--port", str(self.port), "--no-access-log"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the API stopped: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"the API did not become healthy: {self.log.read_text()[-3000:]}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        terminate(self.process, 15)


class WorkerProcess:
    """`python worker.py` with the given settings (DUBAN_* variables)."""

    def __init__(self, log: Path, **settings: str) -> None:
        env = os.environ | {f"DUBAN_{k.upper()}": v for k, v in settings.items()}
        self._log = log.open("ab")
        self.process = subprocess.Popen([sys.executable, str(ROOT / "worker.py")], cwd=ROOT, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        terminate(self.process, 30)
        self._log.close()


def postgres_problem() -> str | None:
    """Why a private PostgreSQL cluster cannot be made here, or None."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / tool).is_file():
            return f"{PG_BIN / tool} not found (install postgresql-15, or set DUBAN_TEST_PG_BIN)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: initdb refuses root"
    return None


class PrivateCluster:
    """A PostgreSQL cluster of the test's own (initdb in a temporary directory, its own port and socket
    directory), stopped and started at will. As root, the cluster runs as the `postgres` user (initdb refuses
    root). The machine's shared server is never touched."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="duban-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            import pwd

            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-N", "-E", "UTF8")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self._as, str(PG_BIN / tool), *args], check=True, capture_output=True, timeout=60)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "postgres.log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


async def token(http: httpx.AsyncClient, username: str, password: str = "duban-demo") -> dict[str, str]:
    reply = await http.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def assert_unavailable(reply: httpx.Response, code: str) -> dict[str, Any]:
    assert reply.status_code == 503, reply.text
    assert reply.headers["retry-after"].isdigit()
    detail: dict[str, Any] = reply.json()["detail"]
    assert detail["code"] == code and detail["field"] is None
    assert detail["message_zh"] and detail["message_en"] and detail["message_zh"] != detail["message_en"]
    return detail
