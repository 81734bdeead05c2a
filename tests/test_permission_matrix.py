"""Who may do what: every role × every action × own/other jurisdiction × own/other enterprise, through the API
and again through a raw Temporal client against the workflow's validators (so nobody bypasses the rules).

The expectations are written from domain.md section 2, not read from the code.
"""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from api.deps import principal_for
from models.actions import Command
from models.enums import Action
from models.hazard import workflow_id_for
from services.hazards import HAZARD_ACTION_BODIES as ACTION_BODIES
from store.reference import user_by_name
from tests.api_helpers import Api, in_days, running_api

pytestmark = pytest.mark.slow

USERS = ("inspector", "county.supervisor", "county2.supervisor", "city.supervisor", "enterprise.a", "enterprise.b",
         "auditor", "admin", "wb.officer")
# A hazard in 371702 (牡丹区) of enterprise A, listed by the county: who may take each action (domain.md section 2).
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
    "publish": {"county.supervisor"},  # issue 16: the listing authority, once a leader signed the notice
}
NEEDS = {
    "assess": "reported", "void": "reported", "interview": "reported", "list": "assessed", "submit-plan": "listed",
    "review-plan": "plan_submitted", "report-progress": "rectifying", "submit-completion": "rectifying",
    "request-extension": "rectifying", "pause": "rectifying", "review-extension": "extension_pending",
    "resume": "paused", "verify": "acceptance_requested", "close": "verified",
    "publish": "listing_signed",  # issue 16
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
    "listing_signed": [("county.leader", "sign")],  # issue 16: the listing notice, signed at its own route
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
        if action == "sign":  # issue 16: a leader signs the listing notice (POST /documents/{id}/actions/sign)
            hazard = (await api.as_user(who, "GET", f"/hazards/{code}")).json()
            notice = next(d for d in hazard["documents"] if d["kind"] == "listing_notice")
            assert (await api.as_user(who, "POST", f"/documents/{notice['id']}/actions/sign")).status_code == 200
            continue
        assert (await api.act(who, code, action, body(action))).status_code == 200, (action, state)
    return code


async def accepted_updates(env: WorkflowEnvironment, code: str) -> int:
    history = await env.client.get_workflow_handle(workflow_id_for(code)).fetch_history()
    return sum(1 for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)


@pytest.mark.parametrize("action", sorted(ALLOWED))
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


@pytest.mark.parametrize("action", sorted(ALLOWED))
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
    from api.gateway import UPDATES

    return UPDATES[Action(action)]


def test_the_matrix_covers_every_human_action() -> None:
    from models.enums import HUMAN_ACTIONS

    assert set(ALLOWED) == {a.value for a in HUMAN_ACTIONS} == set(NEEDS)
