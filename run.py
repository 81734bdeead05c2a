"""`make run`: the whole system on embedded defaults, in one terminal.

Starts (unless DUBAN_TEMPORAL_ADDRESS points elsewhere) a Temporal dev server persisted to SQLite under the
data directory, then the worker and the API; prints where everything is; on Ctrl-C stops them in reverse
order. A second run finds every hazard where it was left: Temporal's and the read model's files persist.

However the supervisor dies (even `kill -9`, which it cannot catch), its children stop too: on Linux each is
started with the parent-death signal set to SIGTERM (`prctl(PR_SET_PDEATHSIG)`), so the kernel tells it to
stop the moment this process is gone, and it shuts down as it would on Ctrl-C, freeing its ports.
"""

import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from core.settings import Settings, get_settings
from core.temporal import temporal_cli
from store.demo import DEMO_PASSWORD, DEMO_USERNAMES

ROOT = Path(__file__).resolve().parent
STOP_GRACE_SECONDS = 15
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def stop_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` for Popen (Linux only): the child is sent SIGTERM when the process that started it
    dies, however it dies. It survives the exec (the children are not set-uid). None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    parent = os.getpid()

    def arm() -> None:
        # Runs in the child between fork and exec: nothing here may allocate much or take locks.
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the supervisor died before the signal was armed
            os._exit(1)

    return arm


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Supervisor:
    settings: Settings
    children: list[Child] = field(default_factory=list)
    stopping: bool = False

    def start(self, name: str, command: list[str]) -> Child:
        log = self.settings.data_dir / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            # A session of its own: Ctrl-C reaches only this supervisor, which stops children in order. Should
            # the supervisor die without that orderly stop, the parent-death signal stops each child.
            process = subprocess.Popen(
                command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=os.environ.copy(),
                preexec_fn=stop_with_parent(),
            )
        child = Child(name, process, log)
        self.children.append(child)
        return child

    def check_alive(self) -> None:
        for child in self.children:
            code = child.process.poll()
            if code is not None:
                raise SystemExit(f"{child.name} stopped unexpectedly (exit {code}); see {child.log}")

    def stop(self) -> None:
        # A second Ctrl-C must not cut the orderly stop short (each child gets STOP_GRACE_SECONDS, then a kill).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        self.stopping = True
        for child in reversed(self.children):
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
                try:
                    child.process.wait(STOP_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    child.process.kill()
                    child.process.wait()
            print(f"  stopped {child.name}", flush=True)


def temporal_command(settings: Settings) -> list[str]:
    port = settings.temporal_port
    return [
        str(temporal_cli()), "server", "start-dev",
        "--db-filename", str((settings.data_dir / "temporal.db").resolve()),
        "--ip", "127.0.0.1",
        "--port", str(port),
        "--ui-port", str(settings.temporal_ui_port),
        "--http-port", str(port + 10),
        "--metrics-port", str(port + 20),
        "--namespace", settings.temporal_namespace,
        "--sqlite-pragma", "journal_mode=wal",
        "--log-level", "warn",
        # the Web UI decodes payloads through the API (signed-in auditors and admins: api/routes/codec.py)
        "--ui-codec-endpoint", f"http://{api_host(settings)}:{settings.http_port}/api/v1/codec",
    ]  # fmt: skip


def api_host(settings: Settings) -> str:
    return "127.0.0.1" if settings.http_host in ("0.0.0.0", "::", "") else settings.http_host


def wait_for_port(host: str, port: int, child: Child, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise SystemExit(f"{child.name} failed to start; see {child.log}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"{child.name} did not open {host}:{port} within {seconds:.0f}s; see {child.log}")


def wait_for_http(url: str, child: Child, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise SystemExit(f"{child.name} failed to start; see {child.log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{child.name} did not answer {url} within {seconds:.0f}s; see {child.log}")


def banner(settings: Settings, supervisor: Supervisor) -> str:
    api = f"http://{settings.http_host}:{settings.http_port}"
    temporal = (
        f"{settings.temporal_target} (embedded dev server, {settings.data_dir.resolve() / 'temporal.db'})"
        if settings.embedded_temporal
        else f"{settings.temporal_target} (external)"
    )
    lines = [
        "",
        f"Duban is running ({settings.env}).",
        f"  Web UI                {api}/",
        f"  API and OpenAPI docs  {api}/docs",
        f"  Temporal              {temporal}, namespace {settings.temporal_namespace}",
    ]
    if settings.embedded_temporal:
        lines.append(f"  Temporal Web UI       http://127.0.0.1:{settings.temporal_ui_port}")
        # the reporting cadence: the worker creates the report schedules at its start
        lines.append(f"  Report schedules      http://127.0.0.1:{settings.temporal_ui_port}/namespaces/{settings.temporal_namespace}/schedules")
    lines += [
        f"  Read model            {settings.sqlalchemy_url.split('@')[-1]}",
        f"  Logs                  {(settings.data_dir / 'logs').resolve()}/" + "{" + ",".join(c.name for c in supervisor.children) + "}.log",
    ]
    metrics = f"{api}/metrics (API)"
    if settings.worker_metrics_address:
        metrics += f", http://{settings.worker_metrics_address}/metrics (worker)"
    lines.append(f"  Prometheus metrics    {metrics}")
    if settings.development and settings.load_demo_data:
        lines.append(f"  Demo users            {', '.join(DEMO_USERNAMES)} (password {DEMO_PASSWORD})")
    lines += ["Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


def main() -> int:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    supervisor = Supervisor(settings)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)  # even when started with SIGINT ignored (a background job)
    try:
        print("Preparing the read model (migrations, demo data)...", flush=True)
        from api.main import prepare_database

        prepare_database(settings)
        if settings.embedded_temporal:
            temporal = supervisor.start("temporal", temporal_command(settings))
            wait_for_port("127.0.0.1", settings.temporal_port, temporal)
            print(f"  Temporal dev server up on {settings.temporal_target}", flush=True)
        supervisor.start("worker", [sys.executable, str(ROOT / "worker.py")])
        api = supervisor.start(
            "api",
            [sys.executable, "-m", "uvicorn", "app:create_app", "--factory",
             "--host", settings.http_host, "--port", str(settings.http_port), "--no-access-log", "--no-proxy-headers"],
        )  # fmt: skip
        wait_for_http(f"http://{settings.http_host}:{settings.http_port}/healthz", api)
        supervisor.check_alive()
        print(banner(settings, supervisor), flush=True)
        while True:
            supervisor.check_alive()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping Duban...", flush=True)
        supervisor.stop()
        print("Stopped. Run `make run` again to carry on where you left off.", flush=True)
        return 0
    except SystemExit as failure:
        print(f"Duban could not run: {failure}", file=sys.stderr, flush=True)
        supervisor.stop()
        return 1


if __name__ == "__main__":
    sys.exit(main())
