"""The workflow modules' bytecode is written before a worker starts, even where Python is told not to write it:
the sandbox imports a workflow's module for every workflow it creates, and without it compiles the source each time."""

import importlib.util
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from core.bytecode import WORKFLOWS_DIR, compile_workflows
from worker import build_worker


def _bytecode_of(source: Path) -> Path:
    return Path(importlib.util.cache_from_source(str(source)))


def test_every_workflow_module_gets_bytecode_that_matches_its_source(tmp_path: Path) -> None:
    copy = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))

    assert compile_workflows(copy)

    sources = sorted(copy.glob("*.py"))
    assert sources
    for source in sources:
        header = _bytecode_of(source).read_bytes()[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER
        assert int.from_bytes(header[8:12], "little") == int(source.stat().st_mtime) & 0xFFFFFFFF  # what import checks


async def test_building_a_worker_writes_the_workflows_bytecode(env: WorkflowEnvironment, sqlite_engine: Engine) -> None:
    bytecode = _bytecode_of(WORKFLOWS_DIR / "hazard.py")
    bytecode.unlink(missing_ok=True)
    with ThreadPoolExecutor(max_workers=1) as executor:
        build_worker(env.client, sqlite_engine, "tq-bytecode", executor)
    assert bytecode.is_file()
