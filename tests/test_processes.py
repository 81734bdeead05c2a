"""The list of processes (`processes.py`) is what runs and what is served: the worker's workflows are the ones
a replay checks, its activities are every process's, and every action a process registers is reachable through
both doors, the JSON API and the web UI's forms."""

from collections.abc import Sequence
from pathlib import Path

import pytest
from fastapi import APIRouter
from starlette.routing import Match
from temporalio import activity

import processes
from app import create_app
from core.settings import Settings
from workflows.registry import WORKFLOWS

ACTION_PROCESSES = [p for p in processes.PROCESSES if p.registry is not None]


def endpoint(routers: Sequence[APIRouter], method: str, path: str) -> str | None:
    """The name of the endpoint these routers route `method path` to, None when none takes it."""
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    for router in routers:
        for route in router.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return getattr(route, "name", None)
    return None


def test_the_worker_runs_every_workflow_a_replay_checks_once() -> None:
    listed = processes.workflows()
    assert sorted(w.__name__ for w in listed) == sorted(w.__name__ for w in WORKFLOWS)
    assert len(listed) == len(set(listed))


def test_the_worker_registers_every_activity_once(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from core.policies import PolicyRegistry

    needs = processes.Needs(create_engine("sqlite://"), Settings(_env_file=None), PolicyRegistry().latest("default"))  # type: ignore[call-arg]
    names = [activity._Definition.must_from_callable(m).name for m in processes.activities(needs)]
    assert len(names) == len(set(names)) and {"project_transition", "project_tour", "render_document"} <= set(names)


@pytest.mark.parametrize("process", ACTION_PROCESSES, ids=lambda p: p.name)
def test_every_registered_action_is_reachable_through_both_doors(process: processes.Process) -> None:
    assert process.registry is not None and process.records
    for spec in process.registry.actions:
        api = endpoint(process.routes, "POST", f"/{process.records}/X-1/actions/{spec.name}")
        assert api is not None and api != "unknown_action", (process.name, spec.name, api)
        web_path = f"/{process.records}/X-1/" + process.web_action.format(action=spec.name)
        assert endpoint(process.pages, "POST", web_path) is not None, (process.name, spec.name, web_path)
    assert endpoint(process.routes, "POST", f"/{process.records}/X-1/actions/no-such-action") == "unknown_action"


def test_the_app_documents_every_process_s_routes(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    app = create_app(settings, temporal=object())  # type: ignore[arg-type]  # its routes only: never started
    documented = set(app.openapi()["paths"])
    listed = {f"/api/v1{r.path}" for router in processes.api_routes() for r in router.routes
              if getattr(r, "include_in_schema", False)}
    assert listed and listed <= documented


def test_a_process_s_record_kind_is_one_the_audit_trail_knows() -> None:
    from store.records import RECORD_KINDS

    assert {p.record_kind for p in processes.PROCESSES if p.record_kind} <= set(RECORD_KINDS)
