"""Helpers for the inspection tours' API tests: a tour already past its dates, started from a raw client."""

import uuid
from datetime import date
from typing import Any

from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from models.tour import TeamSlot, TourCreate, TourStart, tour_workflow_id
from services.principal import principal_for
from services.tours import resolve_targets, resolve_team
from store import reference
from store.reference import user_by_name
from tests.api_helpers import Api, in_days
from tests.eventually import assert_eventually_async
from tests.factories import CITY, DEFAULT_POLICY, PROVINCE
from workflows.tour import TourWorkflow

TEAM = [{"username": "tour.lead", "role": "leader"}, {"username": "tour.deputy", "role": "deputy"},
        {"username": "tour.m1", "role": "member"}, {"username": "tour.m2", "role": "member"},
        {"username": "tour.m3", "role": "member"}, {"username": "tour.expert", "role": "expert"}]


def actor(api: Api, username: str) -> Any:
    with Session(api.app.state.engine) as session:
        user = user_by_name(session=session, username=username)
        assert user is not None
        return principal_for(session, user).actor


async def past_tour(api: Api, env: WorkflowEnvironment, targets: tuple[dict[str, str], ...] = ({"region_code": "371702"},)) -> str:
    """A city tour that ended yesterday, started from a raw client (the API refuses a start in the past): it
    stations and ends at once, so its report is due. Returns its id once the read model shows `reporting`."""
    yesterday = date.fromisoformat(in_days(-1))
    create = TourCreate(title="巡查", kind="comprehensive", targets=targets, starts_on=yesterday, ends_on=yesterday,  # type: ignore[arg-type]
                        team=tuple(TeamSlot.model_validate(m) for m in TEAM))
    with Session(api.app.state.engine) as session:
        organizer = reference.get_jurisdiction(session=session, code="371700")
        assert organizer is not None
        resolved_targets = resolve_targets(session, organizer, create)
        team = resolve_team(session, create.team)
    tour_id = f"TR-371700-{yesterday.year}-{uuid.uuid4().hex[:6]}"
    start = TourStart(id=tour_id, title="巡查", kind=create.kind, organizer=CITY, organizer_path=(PROVINCE, CITY),
                      targets=resolved_targets, starts_on=yesterday, ends_on=yesterday, focus=create.focus, team=team,
                      created_by=actor(api, "city.supervisor"), policy=DEFAULT_POLICY)
    task_queue = api.app.state.settings.temporal_task_queue
    await env.client.start_workflow(TourWorkflow.run, start, id=tour_workflow_id(tour_id), task_queue=task_queue)
    await status_reached(api, tour_id, "reporting")
    return tour_id


async def status_reached(api: Api, tour_id: str, status: str) -> None:
    async def reached() -> None:
        reply = await api.as_user("admin", "GET", f"/tours/{tour_id}")
        assert reply.status_code == 200 and reply.json()["status"] == status, reply.text

    await assert_eventually_async(reached)
