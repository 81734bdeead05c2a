"""`schemathesis run --checks all` against the running app and worker, every phase, a time budget: no request
makes a 500, every answer is one the OpenAPI document describes (status, content type, headers, schema, Allow),
schema-valid requests are accepted and schema-violating ones refused, and the stateful phase follows the
document's links from the hazards it reports to acting on them.

`make test` runs it briefly (one example per operation, a few seconds for the stateless phases and a few more for
the stateful one: run apart, a slow machine cannot spend the stateful phase's share on the others; no finding is
allowed, but acting on a reported hazard is asked only of the long run); the long run (every phase in one run of
two minutes, four examples per operation) is `make test-long`'s (the `long` marker)."""

import asyncio
import os
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from api.main import prepare_database
from app import create_app
from core.codec import data_converter
from core.db import make_engine
from core.settings import Settings
from core.temporal import temporal_cli
from models.tables import AuditEntry
from tests.eventually import assert_eventually
from worker import build_worker

FUZZ_SECONDS = int(os.environ.get("DUBAN_FUZZ_SECONDS", "120"))  # the long run
EXAMPLES_PER_OPERATION = int(os.environ.get("DUBAN_FUZZ_EXAMPLES", "4"))
SHORT_FUZZ_SECONDS = int(os.environ.get("DUBAN_SHORT_FUZZ_SECONDS", "8"))  # each of the two runs of `make test`
EVERY_PHASE = "examples,coverage,fuzzing,stateful"
STATELESS, STATEFUL = "examples,coverage,fuzzing", "stateful"
SHORT_EXAMPLES_PER_OPERATION = 1
pytestmark = pytest.mark.slow
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"

# Checks a request can fail although the OpenAPI document cannot say so (JSON Schema has no words for them):
# what the read model holds (a region or an enterprise that exists, a file's real type), today's date (a
# deadline in the past, a discovery in the future) and the hazard's state. A schema-valid request refused
# with 422 for such a reason is what the document promises (every operation documents its 422), not a bug.
DEPENDS_ON_DATA_OR_DATE = [
    "^/api/v1/hazards$",  # region and enterprise registered, the enterprise in that region, discovered not in the future
    r"^/api/v1/hazards/\{code\}/actions/",  # deadlines on or after today, within the policy's limits
    r"^/api/v1/interviews/\{interview_id\}/actions/",  # the interview's time within its notice period
    "^/api/v1/public/reports$",  # the region exists; the photos are images
    "^/api/v1/attachments$",  # the file is a JPEG, PNG or PDF
    r"^/api/v1/whistleblower/reports/\{report_id\}/screen$",  # the hazard it records: as POST /hazards
    "^/api/v1/(hazards|dashboard|board|notifications|interviews|whistleblower/reports)$",  # region filters that exist
    "^/api/v1/admin/",  # users and calendars that refer to regions and enterprises
    "^/api/v1/(reports|circulars|rankings|metrics|campaigns|tours|tours/coverage)$",  # regions that exist, team members
    r"^/api/v1/(campaigns|tours|documents)/\{[a-z_]+\}/(actions/|import$)",  # phases, findings, targets as the record holds them
    "^/api/v1/me/settings$",  # a robot channel only where the jurisdiction has one
]


def config(token: str, region_codes: list[str], usccs: list[str], examples: int) -> str:
    """schemathesis.toml: signed in, the demo's regions and enterprises offered to the generator (so that
    the stateful phase reports real hazards and follows the links to act on them), and the operations above."""
    quoted = ", ".join
    lines = [
        f'headers = {{ Authorization = "Bearer {token}" }}',
        "request-timeout = 30",
        "generation.deterministic = true",
        f"generation.max-examples = {examples}",
        "[dictionaries.regions]",
        f"values = [{quoted(repr(code) for code in region_codes)}]",
        "[dictionaries.enterprises]",
        f"values = [{quoted(repr(code) for code in usccs)}]",
        "[parameters]",
        '"body.region_code" = { dictionary = "regions", probability = 0.9 }',
        '"body.enterprise_uscc" = { dictionary = "enterprises", probability = 0.9 }',
        '"query.region_code" = { dictionary = "regions", probability = 0.9 }',
        "[phases.stateful]",
        "max-steps = 8",
    ]
    for pattern in DEPENDS_ON_DATA_OR_DATE:
        lines += [
            "[[operations]]",
            f"include-path-regex = '{pattern}'",  # a TOML literal string: no escapes
            'checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", 401, 403, 404, 409, 422, 429]',
        ]
    return "\n".join(lines) + "\n"


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


def schemathesis_run(base: str, workdir: Path, seconds: int, examples: int, phases: str) -> subprocess.CompletedProcess[str]:
    """`schemathesis run --checks all` with `phases` (of examples, coverage, fuzzing, stateful) for a time
    budget, signed in as the city supervisor; sign-out is left out (it would revoke the token)."""
    token = httpx.post(f"{base}/api/v1/auth/token", data={"username": "city.supervisor", "password": "duban-demo"}).json()
    (workdir / "schemathesis.toml").write_text(
        config(token["access_token"], ["371700", "371702", "371721"], ["91371702MA3C4G0R29", "91371721MA3D8J7K5L"], examples),
        encoding="utf-8",
    )
    command = [
        str(SCHEMATHESIS), "run", f"{base}/openapi.json", "--checks", "all",
        "--phases", phases, "--max-time", str(seconds),
        "--exclude-path-regex", "/auth/logout$", "--no-color",
    ]
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=max(seconds * 4, 120))


def steps_by_the_city_supervisor(engine: Engine) -> int:
    """The hazards' recorded steps other than reporting taken as the city supervisor (the fuzzer's account)."""
    with Session(engine) as session:
        query = select(func.count()).select_from(AuditEntry).where(
            AuditEntry.actor_name == "菏泽市安委办 督办员", AuditEntry.action != "report"
        )
        return int(session.exec(query).one())


@pytest.fixture
async def own_dev_server() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server of its own: the fuzzer starts hundreds of workflows, which would slow the session's shared one
    for every later test."""
    async with await WorkflowEnvironment.start_local(
        data_converter=data_converter(Settings()), dev_server_existing_path=str(temporal_cli()),
        dev_server_extra_args=["--dynamic-config-value", "frontend.enableUpdateWorkflowExecution=true"],
    ) as environment:
        yield environment


@pytest.mark.parametrize(
    ("seconds", "examples", "runs"),
    [
        pytest.param(SHORT_FUZZ_SECONDS, SHORT_EXAMPLES_PER_OPERATION, (STATELESS, STATEFUL), id="short"),
        pytest.param(FUZZ_SECONDS, EXAMPLES_PER_OPERATION, (EVERY_PHASE,), id="long", marks=pytest.mark.long),
    ],
)
async def test_schemathesis_with_every_check_finds_nothing(
    own_dev_server: WorkflowEnvironment, tmp_path: Path, task_queue: str, seconds: int, examples: int,
    runs: tuple[str, ...],
) -> None:
    dev_env = own_dev_server
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
                before = steps_by_the_city_supervisor(engine)
                results = [await asyncio.to_thread(schemathesis_run, base, tmp_path, seconds, examples, phases) for phases in runs]
    acted = steps_by_the_city_supervisor(engine) - before
    engine.dispose()
    for phases, result in zip(runs, results, strict=True):
        assert result.returncode == 0, phases + "\n" + result.stdout[-12_000:] + result.stderr[-2_000:]
    if len(runs) == 1:  # the long run: two minutes are ample; a few seconds on a busy machine may not get that far
        assert acted, "the stateful phase never acted on a hazard it reported"
