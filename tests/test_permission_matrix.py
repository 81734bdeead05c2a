"""Who may do what: every role × every action × own/other jurisdiction × own/other enterprise, exhaustively
through the rules themselves (a table test: no app, no workflow), and for a sample of the actions through both
doors: the API, and a raw Temporal client against the workflow's validators (so nobody bypasses the rules).

The expectations are written from docs/domain.md §2, not read from the code.
"""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from models.actions import Command
from models.campaign import CampaignAction
from models.enums import Action
from models.hazard import workflow_id_for
from services.hazards import HAZARD_ACTION_BODIES as ACTION_BODIES
from services.principal import principal_for
from store.reference import user_by_name
from tests.api_helpers import Api, in_days, running_api
from tests.tour_helpers import TEAM

pytestmark = pytest.mark.slow

USERS = ("inspector", "county.supervisor", "county2.supervisor", "city.supervisor", "enterprise.a", "enterprise.b",
         "auditor", "admin", "wb.officer")
# A hazard in 371702 (牡丹区) of enterprise A, listed by the county: who may take each action
# (docs/domain.md §2).
ALLOWED: dict[str, set[str]] = {
    "assess": {"inspector", "county.supervisor", "city.supervisor"},  # whose jurisdiction holds it
    "list": {"county.supervisor"},  # at county level: the county's own supervisors
    "submit-plan": {"enterprise.a"},
    "report-progress": {"enterprise.a"},
    "submit-completion": {"enterprise.a"},
    "request-extension": {"enterprise.a"},
    "review-plan": {"county.supervisor"},  # the listing authority
    "review-extension": {"county.supervisor"},
    "pause": {"county.supervisor"},
    "resume": {"county.supervisor"},
    "verify": {"county.supervisor"},  # the listing authority (the city sits above it)
    "close": {"county.supervisor"},  # the listing authority, not the verifier (four eyes)
    "void": {"county.supervisor", "city.supervisor"},  # supervisors whose jurisdiction holds it
    "interview": {"county.supervisor", "city.supervisor"},
    "publish": {"county.supervisor"},  # the listing authority, once a leader signed the notice
}
NEEDS = {
    "assess": "reported", "void": "reported", "interview": "reported", "list": "assessed", "submit-plan": "listed",
    "review-plan": "plan_submitted", "report-progress": "rectifying", "submit-completion": "rectifying",
    "request-extension": "rectifying", "pause": "rectifying", "review-extension": "extension_pending",
    "resume": "paused", "verify": "acceptance_requested", "close": "verified",
    "publish": "listing_signed",  # publication waits on the signed listing notice
}


def body(action: str) -> dict[str, Any]:
    bodies: dict[str, dict[str, Any]] = {
        "assess": {"level": "major", "basis": "GB 30871-2022 5.1"},
        "list": {"authority_level": "county", "deadline": in_days(90)},
        "submit-plan": {"objectives": "整改", "measures": "措施", "funds_cny": 1000, "responsible_person": "王建国",
                        "deadline": in_days(80), "contingency_plan": "预案"},
        "review-plan": {"decision": "approve"},
        "report-progress": {"percent": 30, "note": "进展"},
        "submit-completion": {"summary": "已完成"},
        "request-extension": {"days": 5, "reason": "设备未到"},
        "review-extension": {"decision": "approve", "days": 5},
        "pause": {"reason": "停产"},
        "resume": {"reason": "复产"},
        "verify": {"decision": "pass"},
        "close": {"comment": "销号"},
        "void": {"reason": "重复"},
        "interview": {"reason": "约谈"},
        "publish": {},
    }
    return bodies[action]


SETUP = [  # (state reached, who acts, action)
    ("assessed", "county.supervisor", "assess"),
    ("listed", "county.supervisor", "list"),
    ("plan_submitted", "enterprise.a", "submit-plan"),
    ("rectifying", "county.supervisor", "review-plan"),
]
BRANCHES = {
    "extension_pending": [("enterprise.a", "request-extension")],
    "paused": [("county.supervisor", "pause")],
    "acceptance_requested": [("enterprise.a", "submit-completion")],
    "verified": [("enterprise.a", "submit-completion"), ("verifier.two", "verify")],
    "listing_signed": [("county.leader", "sign")],  # the listing notice, signed at its own route
}


@pytest.fixture
async def api(dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> AsyncIterator[Api]:
    async with running_api(dev_env.client, tmp_path, task_queue) as client:
        second = {"username": "verifier.two", "password": "duban-demo", "role": "supervisor", "jurisdiction_code": "371702"}
        assert (await client.as_user("admin", "POST", "/admin/users", json=second)).status_code == 201
        yield client


async def hazard_in(api: Api, state: str) -> str:
    code: str = (await api.report()).json()["code"]
    if state == "reported":
        return code
    for reached, who, action in SETUP:
        assert (await api.act(who, code, action, body(action))).status_code == 200, (action, reached)
        if reached == state:
            return code
    for who, action in BRANCHES[state]:
        if action == "sign":  # a leader signs the listing notice (POST /documents/{id}/actions/sign)
            hazard = (await api.as_user(who, "GET", f"/hazards/{code}")).json()
            notice = next(d for d in hazard["documents"] if d["kind"] == "listing_notice")
            assert (await api.as_user(who, "POST", f"/documents/{notice['id']}/actions/sign")).status_code == 200
            continue
        assert (await api.act(who, code, action, body(action))).status_code == 200, (action, state)
    return code


async def accepted_updates(env: WorkflowEnvironment, code: str) -> int:
    history = await env.client.get_workflow_handle(workflow_id_for(code)).fetch_history()
    return sum(1 for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)


# The actions `make test` takes through both doors: who holds the jurisdiction (assess), the enterprise
# (submit-plan), the listing authority under four eyes (close) and the signed listing notice (publish); for tours
# the organizer's leader, the team and the target. The table test below covers every action on every `make test`;
# `make test-long` (the `long` marker) takes the other actions through both doors too.
HAZARD_SAMPLE = ["assess", "close", "publish", "submit-plan"]
TOUR_SAMPLE = ["approve-report", "record-finding", "submit-rectification-report"]


def sampled(actions: list[str], sample: list[str]) -> list[Any]:
    return [action if action in sample else pytest.param(action, marks=pytest.mark.long) for action in sorted(actions)]


@pytest.mark.parametrize("action", sampled(list(ALLOWED), HAZARD_SAMPLE))
async def test_through_the_api_each_role_may_take_exactly_its_actions(api: Api, dev_env: WorkflowEnvironment, action: str) -> None:
    code = await hazard_in(api, NEEDS[action])
    before = (await api.as_user("admin", "GET", f"/hazards/{code}")).json()
    updates = await accepted_updates(dev_env, code)
    for user in USERS:
        if user in ALLOWED[action]:
            continue
        reply = await api.act(user, code, action, body(action))
        assert reply.status_code == 403, (action, user, reply.text)
        assert reply.json()["detail"]["message_zh"] and reply.json()["detail"]["message_en"]
    after = (await api.as_user("admin", "GET", f"/hazards/{code}")).json()
    assert after["timeline"] == before["timeline"]  # refusals change nothing...
    assert await accepted_updates(dev_env, code) == updates  # ...and leave no trace in the workflow's history
    for user in sorted(ALLOWED[action]):
        fresh = await hazard_in(api, NEEDS[action])
        reply = await api.act(user, fresh, action, body(action))
        assert reply.status_code == 200, (action, user, reply.text)


@pytest.mark.parametrize("action", sampled(list(ALLOWED), HAZARD_SAMPLE))
async def test_through_a_raw_temporal_client_the_validators_refuse_the_same(api: Api, dev_env: WorkflowEnvironment, action: str) -> None:
    update = _update(action)
    model = ACTION_BODIES[Action(action)]
    code = await hazard_in(api, NEEDS[action])
    handle = dev_env.client.get_workflow_handle(workflow_id_for(code))
    for user in USERS:
        command = Command[model](actor=_actor(api, user), body=model.model_validate(body(action)))  # type: ignore[valid-type]
        if user in ALLOWED[action]:
            fresh = dev_env.client.get_workflow_handle(workflow_id_for(await hazard_in(api, NEEDS[action])))
            await fresh.execute_update(update, command)
            continue
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(update, command)
        cause = refused.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == "forbidden", (action, user, cause)


def _actor(api: Api, username: str) -> Any:
    with Session(api.app.state.engine) as session:
        user = user_by_name(session=session, username=username)
        assert user is not None
        return principal_for(session, user).actor


def _update(action: str) -> Any:
    from services.gateway import UPDATES

    return UPDATES[Action(action)]


def test_the_matrix_covers_every_human_action() -> None:
    from models.enums import HUMAN_ACTIONS

    assert set(ALLOWED) == {a.value for a in HUMAN_ACTIONS} == set(NEEDS)
    assert set(HAZARD_SAMPLE) <= set(ALLOWED) and set(TOUR_SAMPLE) <= set(TOUR_ALLOWED)


# --- campaigns (专项整治): a campaign of 牡丹区 (371702) launched by the county ------------------------------------

CAMPAIGN_ALLOWED = {"county.supervisor", "verifier.two"}  # supervisors (or leaders) of the launching authority


def campaign_body(action: str) -> dict[str, Any]:
    bodies: dict[str, dict[str, Any]] = {
        "amend-phase": {"kind": "rectify", "starts_on": in_days(0), "ends_on": in_days(50), "reason": "顺延"},
        "add-measure": {"title": "建立制度", "responsible_unit": "区应急局", "due_on": in_days(20)},
        "complete-measure": {"measure_id": 1},
        "cancel": {"reason": "撤销"},
    }
    return bodies[action]


async def campaign_with_a_measure(api: Api) -> str:
    phases = [{"kind": "rectify", "starts_on": in_days(0), "ends_on": in_days(40)}]
    launched = await api.as_user("county.supervisor", "POST", "/campaigns", json={"title": "专项整治", "region_code": "371702", "phases": phases})
    assert launched.status_code == 201, launched.text
    campaign_id: str = launched.json()["id"]
    added = await api.as_user("county.supervisor", "POST", f"/campaigns/{campaign_id}/actions/add-measure", json=campaign_body("add-measure"))
    assert added.status_code == 200, added.text
    return campaign_id


@pytest.mark.parametrize("action", ["amend-phase", "add-measure", "complete-measure", "cancel"])
async def test_only_the_launching_authority_acts_on_a_campaign_through_both_doors(
    api: Api, dev_env: WorkflowEnvironment, action: str
) -> None:
    from models.campaign import campaign_workflow_id
    from services.campaigns import ACTION_BODIES as CAMPAIGN_BODIES
    from services.campaigns import UPDATES as CAMPAIGN_UPDATES

    campaign_id = await campaign_with_a_measure(api)
    handle = dev_env.client.get_workflow_handle(campaign_workflow_id(campaign_id))
    model = CAMPAIGN_BODIES[CampaignAction(action)]
    for user in USERS:
        if user in CAMPAIGN_ALLOWED:
            continue
        reply = await api.as_user(user, "POST", f"/campaigns/{campaign_id}/actions/{action}", json=campaign_body(action))
        assert reply.status_code == 403, (action, user, reply.text)
        command = Command[model](actor=_actor(api, user), body=model.model_validate(campaign_body(action)))  # type: ignore[valid-type]
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(CAMPAIGN_UPDATES[CampaignAction(action)], command)
        cause = refused.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == "forbidden", (action, user, cause)
    for user in sorted(CAMPAIGN_ALLOWED):
        fresh = await campaign_with_a_measure(api)
        reply = await api.as_user(user, "POST", f"/campaigns/{fresh}/actions/{action}", json=campaign_body(action))
        assert reply.status_code == 200, (action, user, reply.text)


# --- inspection tours -----------------------------------------------------------------------------------
# A city tour (371700) of 牡丹区 (371702) with the demo tour team: who may take each step (docs/domain.md §7).

TOUR_USERS = (*USERS, "tour.lead", "tour.m1", "city.leader")
TOUR_ALLOWED: dict[str, set[str]] = {
    "change-team": {"city.supervisor", "city.leader"},  # the organizing committee (its office or a leader)
    "record-finding": {"tour.lead", "tour.m1"},  # team members
    "transfer-clue": {"tour.lead", "tour.m1"},
    "submit-report": {"tour.lead"},  # the team leader
    "approve-report": {"city.leader"},  # a leader of the organizing jurisdiction
    "deliver-feedback": {"city.supervisor", "tour.lead"},  # the office, or the team itself through its leader
    "submit-rectification-report": {"county.supervisor"},  # a supervisor of the target
    "accept-rectification": {"city.supervisor", "city.leader"},
    "reject-rectification": {"city.supervisor", "city.leader"},
    "publish": {"city.supervisor", "city.leader"},
}
TOUR_NEEDS = {
    "change-team": "inspecting", "record-finding": "inspecting", "transfer-clue": "clue", "submit-report": "reporting",
    "approve-report": "report_submitted", "deliver-feedback": "report_approved",
    "submit-rectification-report": "rectifying", "accept-rectification": "target_reported",
    "reject-rectification": "target_reported", "publish": "rectified",
}


def tour_body(action: str) -> dict[str, Any]:
    bodies: dict[str, dict[str, Any]] = {
        "change-team": {"team": TEAM},
        "record-finding": {"target": "371702", "kind": "problem", "description": "台账不全"},
        "transfer-clue": {"finding": "F1", "to": "市纪委监委"},
        "submit-report": {"summary": "总体情况", "proposals": "意见建议"},
        "approve-report": {"comment": "同意"},
        "deliver-feedback": {"comment": ""},
        "submit-rectification-report": {"target": "371702", "summary": "已整改"},
        "accept-rectification": {"target": "371702", "comment": ""},
        "reject-rectification": {"target": "371702", "comment": "整改不到位"},
        "publish": {"comment": "向社会公开"},
    }
    return bodies[action]


TOUR_SETUP = [  # (state reached, who acts, action)
    ("report_submitted", "tour.lead", "submit-report"),
    ("report_approved", "city.leader", "approve-report"),
    ("rectifying", "city.supervisor", "deliver-feedback"),
    ("target_reported", "county.supervisor", "submit-rectification-report"),
    ("rectified", "city.supervisor", "accept-rectification"),
]


async def tour_in(api: Api, env: WorkflowEnvironment, state: str) -> str:
    """A tour in `state`: inspecting from the API (it starts today); later states from a tour started from a raw
    client with yesterday's dates (it stations and ends at once), then moved on through the API."""
    if state in ("inspecting", "clue"):
        reply = await api.as_user("city.supervisor", "POST", "/tours", json={
            "title": "巡查", "kind": "comprehensive", "targets": [{"region_code": "371702"}], "starts_on": in_days(0),
            "ends_on": in_days(3), "team": TEAM})
        assert reply.status_code == 201, reply.text
        tour_id: str = reply.json()["id"]
        await _tour_status(api, tour_id, "inspecting")
        if state == "clue":
            clue = {"target": "371702", "kind": "clue", "description": "涉嫌瞒报"}
            assert (await api.as_user("tour.m2", "POST", f"/tours/{tour_id}/actions/record-finding", json=clue)).status_code == 200
        return tour_id
    tour_id = await _past_tour(api, env)
    await _tour_status(api, tour_id, "reporting")
    for reached, who, action in TOUR_SETUP:
        if state == "reporting":
            break
        reply = await api.as_user(who, "POST", f"/tours/{tour_id}/actions/{action}", json=tour_body(action))
        assert reply.status_code == 200, (action, reply.text)
        if action == "approve-report":  # a leader signs the report (publication waits on it)
            (report,) = reply.json()["documents"]
            signed = await api.as_user("city.leader", "POST", f"/documents/{report['id']}/actions/sign", json={})
            assert signed.status_code == 200, signed.text
        if reached == state:
            break
    return tour_id


async def _past_tour(api: Api, env: WorkflowEnvironment) -> str:
    from tests.tour_helpers import past_tour

    return await past_tour(api, env)


async def _tour_status(api: Api, tour_id: str, status: str) -> None:
    from tests.tour_helpers import status_reached

    await status_reached(api, tour_id, status)


@pytest.mark.parametrize("action", sampled(list(TOUR_ALLOWED), TOUR_SAMPLE))
async def test_through_the_api_each_role_may_take_exactly_its_tour_steps(api: Api, dev_env: WorkflowEnvironment, action: str) -> None:
    tour_id = await tour_in(api, dev_env, TOUR_NEEDS[action])
    before = (await api.as_user("admin", "GET", f"/tours/{tour_id}")).json()
    for user in TOUR_USERS:
        if user in TOUR_ALLOWED[action]:
            continue
        reply = await api.as_user(user, "POST", f"/tours/{tour_id}/actions/{action}", json=tour_body(action))
        assert reply.status_code == 403, (action, user, reply.text)
        assert reply.json()["detail"]["message_zh"] and reply.json()["detail"]["message_en"]
    after = (await api.as_user("admin", "GET", f"/tours/{tour_id}")).json()
    assert after["timeline"] == before["timeline"]  # refusals change nothing
    for user in sorted(TOUR_ALLOWED[action]):
        fresh = await tour_in(api, dev_env, TOUR_NEEDS[action])
        reply = await api.as_user(user, "POST", f"/tours/{fresh}/actions/{action}", json=tour_body(action))
        assert reply.status_code == 200, (action, user, reply.text)


@pytest.mark.parametrize("action", sampled(list(TOUR_ALLOWED), TOUR_SAMPLE))
async def test_through_a_raw_temporal_client_the_tour_validators_refuse_the_same(api: Api, dev_env: WorkflowEnvironment, action: str) -> None:
    from models.tour import ChangeTeamBody, TeamCommand, TourAction, tour_workflow_id
    from registry.tour import TOUR
    from services.tours import UPDATES as TOUR_UPDATES
    from services.tours import resolve_team

    tour_id = await tour_in(api, dev_env, TOUR_NEEDS[action])
    handle = dev_env.client.get_workflow_handle(tour_workflow_id(tour_id))
    model = TOUR.spec(action).body
    for user in TOUR_USERS:
        if user in TOUR_ALLOWED[action]:
            continue
        payload: Any
        if action == "change-team":
            with Session(api.app.state.engine) as session:
                team_body = ChangeTeamBody.model_validate(tour_body(action))
                payload = TeamCommand(actor=_actor(api, user), body=team_body, members=resolve_team(session, team_body.team))
        else:
            payload = Command[model](actor=_actor(api, user), body=model.model_validate(tour_body(action)))  # type: ignore[valid-type]
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(TOUR_UPDATES[TourAction(action)], payload)
        cause = refused.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == "forbidden", (action, user, cause)


def test_the_tour_matrix_covers_every_tour_step() -> None:
    from registry.tour import TOUR

    assert set(TOUR_ALLOWED) == set(TOUR.names) == set(TOUR_NEEDS)


# --- the exhaustive table, through the rules themselves -------------------------------------------------------
# Every role × every action on a hazard walked into the state the action needs by the same rules (check, then
# apply), for the demo accounts as the API resolves them. The samples above and below take the same table through
# both doors (the API, and a raw Temporal client against the workflow's validators).


@pytest.fixture(scope="module")
def actors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo accounts (and a second supervisor of the county) as the API resolves them into actors."""
    from core.db import make_engine, session_scope
    from models.enums import Role
    from store.demo import load_demo_data
    from store.users import create_user
    from tests.databases import copy_sqlite_template

    path = tmp_path_factory.mktemp("actors") / "readmodel.db"
    copy_sqlite_template(path)
    engine = make_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        load_demo_data(session=session)
        create_user(session=session, username="verifier.two", password="duban-demo", role=Role.SUPERVISOR,
                    jurisdiction_code="371702", by="admin")
    with Session(engine) as session:
        found = {}
        for name in (*USERS, "verifier.two"):
            user = user_by_name(session=session, username=name)
            assert user is not None, name
            found[name] = principal_for(session, user).actor
    engine.dispose()
    return found


def walked_to(state: str, actors: dict[str, Any], now: datetime) -> Any:
    """A hazard of enterprise A in 牡丹区, reported by the inspector, taken into `state` by the rules (the
    listing notice's signature aside: `publish` is checked on a listed hazard, its who before its paperwork)."""
    from domain import transitions
    from models.hazard import HazardState
    from tests import factories

    facts = factories.facts().model_copy(update={"discovered_at": now - timedelta(days=1)})
    hazard = HazardState(code="HZ-371702-2026-000001", facts=facts, reported_at=now, reported_by=actors["inspector"],
                         policy=factories.DEFAULT_POLICY, status_since=now)
    hazard = transitions.reported(hazard, actors["inspector"]).state
    steps = [(who, action) for reached, who, action in SETUP]
    if state not in {"reported", "listing_signed"}:
        upto = [reached for reached, _, _ in SETUP]
        steps = steps[: upto.index(state) + 1] if state in upto else [*steps, *BRANCHES[state]]
    elif state == "reported":
        steps = []
    else:
        steps = steps[:2]
    for who, action in steps:
        model = ACTION_BODIES[Action(action)]
        command = model.model_validate(body(action))
        transitions.check(Action(action), hazard, actors[who], command, now)
        hazard = transitions.apply(Action(action), hazard, actors[who], command, now)[-1].state
    return hazard


@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_by_the_rules_each_role_may_take_exactly_its_actions(action: str, actors: dict[str, Any]) -> None:
    from domain import transitions
    from domain.refusals import Refusal
    from models.enums import RefusalKind

    now = datetime.now(UTC)
    hazard = walked_to(NEEDS[action], actors, now)
    command = ACTION_BODIES[Action(action)].model_validate(body(action))
    for user in USERS:
        try:
            transitions.check(Action(action), hazard, actors[user], command, now)
            refusal = None
        except Refusal as refused:
            refusal = refused
        if user not in ALLOWED[action]:
            assert refusal is not None and refusal.kind == RefusalKind.FORBIDDEN, (action, user, refusal)
        elif action == "publish":  # its who passed; what it publishes is the paperwork's (a notice not yet signed)
            assert refusal is None or refusal.kind != RefusalKind.FORBIDDEN, (action, user, refusal.code)
        else:
            assert refusal is None, (action, user, refusal.code)


@pytest.mark.parametrize("action", sorted(TOUR_ALLOWED))
def test_by_the_rules_each_role_may_take_exactly_its_tour_steps(action: str, actors: dict[str, Any], tour_actors: dict[str, Any]) -> None:
    """Who may take each tour step (role and party: team, leader, target, organizer), for every user."""
    from domain import tour as rules
    from domain.refusals import Refusal
    from models.enums import RefusalKind
    from models.tour import TourAction, TourState
    from registry.tour import TOUR

    start, now = tour_actors["start"], datetime.now(UTC)
    state = TourState(start=start, workflow_id=f"tour-{start.id}", created_at=now, team=start.team)
    command = TOUR.spec(action).body.model_validate(tour_body(action))
    for user in TOUR_USERS:
        actor = {**actors, **tour_actors}[user]
        try:
            rules.check_role(TourAction(action), actor)
            rules.check_party(TourAction(action), state, actor, command)
            refusal = None
        except Refusal as refused:
            refusal = refused
        if user in TOUR_ALLOWED[action]:
            assert refusal is None, (action, user, refusal.code)
        else:
            assert refusal is not None and refusal.kind == RefusalKind.FORBIDDEN, (action, user, refusal)


@pytest.fixture(scope="module")
def tour_actors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The tour's demo accounts as actors, and a city tour of 牡丹区 with the demo tour team (resolved as the API does)."""
    from core.db import make_engine, session_scope
    from models.tour import ChangeTeamBody, TourKind, TourStart
    from services.tours import resolve_team
    from store.demo import load_demo_data
    from tests import factories
    from tests.databases import copy_sqlite_template
    from tests.test_tour_workflow import COUNTY_TARGET

    path = tmp_path_factory.mktemp("tour-actors") / "readmodel.db"
    copy_sqlite_template(path)
    engine = make_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        load_demo_data(session=session)
    with Session(engine) as session:
        found: dict[str, Any] = {}
        for name in ("tour.lead", "tour.m1", "city.leader", "city.supervisor"):
            user = user_by_name(session=session, username=name)
            assert user is not None, name
            found[name] = principal_for(session, user).actor
        team = resolve_team(session, ChangeTeamBody.model_validate({"team": TEAM}).team)
    engine.dispose()
    found["start"] = TourStart(
        id="TR-371700-2026-000001", title="巡查", kind=TourKind.COMPREHENSIVE, organizer=factories.CITY,
        organizer_path=(factories.PROVINCE, factories.CITY), targets=(COUNTY_TARGET,), starts_on=date.today(),
        ends_on=date.today() + timedelta(days=3), focus=(), team=team, created_by=found["city.supervisor"],
        policy=factories.DEFAULT_POLICY,
    )
    return found
