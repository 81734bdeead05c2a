"""A projection activity's one job: write a workflow's step into the read model in one transaction, and log
whether it did (or found it written already), bound to the running activity's workflow, run and attempt."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio import activity

from core.db import write_scope
from core.logging import get_logger

log = get_logger("duban.projection")


def project_step(engine: Engine, write: Callable[[Session], bool], step: str, **fields: Any) -> bool:
    """Run `write` in a write transaction; log `"{step} projected"` (or `already projected`) with `fields`."""
    info = activity.info()
    with write_scope(engine) as session:
        written = write(session)
    bound = log.bind(workflow_id=info.workflow_id, run_id=info.workflow_run_id, activity_type=info.activity_type,
                     attempt=info.attempt, **fields)
    bound.info(f"{step} projected" if written else f"{step} already projected")
    return written
