"""`make run` (run.py): comes up on moved ports, stops cleanly on Ctrl-C, and a second run carries on."""

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from tests.api_helpers import hazard_body

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def free_ports() -> tuple[int, int, int]:
    while True:
        # below the ephemeral range (32768 and up): the dev servers other tests start take ports from there
        temporal = random.randrange(20000, 32000, 100)
        ports = (temporal + 50, temporal, temporal + 60)  # http, temporal (+10, +20 for its own), ui
        if all(free(p) for p in (*ports, temporal + 10, temporal + 20)):
            return ports


class Running:
    def __init__(self, data_dir: Path, **extra: str) -> None:
        self.http, self.temporal, self.ui = free_ports()
        env = os.environ | {
            "DUBAN_ENV": "development",  # `make run` on a laptop: the demo accounts (the image defaults to production)
            "DUBAN_DATA_DIR": str(data_dir),
            "DUBAN_HTTP_PORT": str(self.http),
            "DUBAN_TEMPORAL_PORT": str(self.temporal),
            "DUBAN_TEMPORAL_UI_PORT": str(self.ui),
            **extra,
        }
        env.pop("DUBAN_DATABASE_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "run.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.output = ""
        self._read_until("Press Ctrl-C to stop.")
        self.base = f"http://127.0.0.1:{self.http}/api/v1"

    def _read_until(self, marker: str, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        assert self.process.stdout is not None
        while marker not in self.output:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                raise AssertionError(f"run.py exited early:\n{self.output}")
            self.output += line
            if time.monotonic() > deadline:
                raise AssertionError(f"no '{marker}' within {seconds}s:\n{self.output}")

    def token(self, username: str) -> dict[str, str]:
        reply = httpx.post(f"{self.base}/auth/token", data={"username": username, "password": "duban-demo"})
        reply.raise_for_status()
        return {"Authorization": f"Bearer {reply.json()['access_token']}"}

    def ctrl_c(self) -> int:
        self.process.send_signal(signal.SIGINT)
        rest, _ = self.process.communicate(timeout=60)
        self.output += rest
        return self.process.returncode


def test_run_starts_everything_stops_on_ctrl_c_and_a_second_run_finds_the_hazard_where_it_was(tmp_path: Path) -> None:
    first = Running(tmp_path)
    try:
        for where in (f"http://127.0.0.1:{first.http}/", f"http://127.0.0.1:{first.http}/docs", f"127.0.0.1:{first.temporal}", f"http://127.0.0.1:{first.ui}"):
            assert where in first.output
        assert "enterprise.a" in first.output and "duban-demo" in first.output
        assert httpx.get(f"http://127.0.0.1:{first.ui}/", timeout=10).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{first.http}/docs").status_code == 200
        assert "登录" in httpx.get(f"http://127.0.0.1:{first.http}/login").text
        inspector = first.token("inspector")
        reply = httpx.post(f"{first.base}/hazards", json=hazard_body(), headers=inspector, timeout=30)
        assert reply.status_code == 201, reply.text
        code = reply.json()["code"]
        reply = httpx.post(
            f"{first.base}/hazards/{code}/actions/assess",
            json={"level": "general", "rectification": "immediate"},
            headers=first.token("county.supervisor"),
            timeout=30,
        )
        assert reply.json()["status"] == "acceptance_requested"
    finally:
        assert first.ctrl_c() == 0
    assert "stopped api" in first.output and "stopped worker" in first.output and "stopped temporal" in first.output
    assert all(free(p) for p in (first.http, first.temporal, first.ui))
    assert (tmp_path / "temporal.db").exists() and (tmp_path / "duban.db").exists()

    second = Running(tmp_path)
    try:
        supervisor = second.token("county.supervisor")
        hazard = httpx.get(f"{second.base}/hazards/{code}", headers=supervisor).json()
        assert hazard["status"] == "acceptance_requested"
        reply = httpx.post(f"{second.base}/hazards/{code}/actions/verify", json={"decision": "pass"}, headers=supervisor, timeout=30)
        assert reply.status_code == 200 and reply.json()["status"] == "verified"
    finally:
        assert second.ctrl_c() == 0


def test_run_with_a_temporal_address_starts_no_temporal_server(tmp_path: Path, dev_env: WorkflowEnvironment) -> None:
    address = dev_env.client.service_client.config.target_host
    running = Running(tmp_path, DUBAN_TEMPORAL_ADDRESS=address, DUBAN_TEMPORAL_TASK_QUEUE=f"ext-{tmp_path.name}")
    try:
        assert f"{address} (external)" in running.output
        assert free(running.temporal) and not (tmp_path / "temporal.db").exists()
        reply = httpx.post(f"{running.base}/hazards", json=hazard_body(), headers=running.token("inspector"), timeout=90)
        assert reply.status_code in (201, 202), reply.text  # 202: accepted, the shared server slower than the wait
    finally:
        assert running.ctrl_c() == 0
    assert "stopped temporal" not in running.output


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped; only its (new) parent has not reaped it yet


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_run_killed_with_sigkill_takes_its_children_with_it(tmp_path: Path) -> None:
    running = Running(tmp_path)
    children = children_of(running.process.pid)
    try:
        assert len(children) == 3, running.output  # temporal, worker, api
        assert not free(running.http) and not free(running.temporal)  # (the web UI's port may open later)
    finally:
        running.process.kill()  # SIGKILL: no handler runs, no orderly stop
        running.process.wait(10)
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline and (
        any(alive(pid) for pid in children) or not all(free(p) for p in (running.http, running.temporal, running.ui))
    ):
        time.sleep(0.2)
    left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode() for pid in children if alive(pid)}
    busy = [p for p in (running.http, running.temporal, running.ui) if not free(p)]
    for pid in left:  # do not leave them behind for the next test, whatever the assertion says
        os.kill(pid, signal.SIGKILL)
    logs = {log.name: log.read_text()[-2000:] for log in (tmp_path / "logs").glob("*.log")}
    assert not left and not busy, f"still running after run.py was killed: {left}, ports {busy}; logs {logs}"
