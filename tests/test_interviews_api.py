"""Interviews (约谈) through the real API, a real worker and a real Temporal dev server.

The interview is started straight from the Temporal client, as its parent hazard would; the parent's id names
no workflow, so telling it the outcome fails, and the interview must close all the same.
"""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, select
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from models.interview import InterviewStart, interview_workflow_id
from models.tables import AuditEntry
from tests import factories as f
from tests.api_helpers import Api, in_days
from tests.eventually import assert_eventually_async
from workflows.interview import InterviewWorkflow

ENTERPRISE_A = "91371702MA3C4G0R29"  # 牡丹区 371702


async def start_interview(api: Api, client: Any) -> tuple[str, WorkflowHandle]:
    """Start an interview conducted by 牡丹区 (371702) of enterprise A, and wait until it is readable."""
    code = f"HZ-371702-2026-{uuid.uuid4().hex[:6]}"
    interview_id = f"{code}-1"
    start = InterviewStart(
        interview_id=interview_id,
        hazard_code=code,
        hazard_workflow_id=f"hazard-{code}",  # no such workflow
        reason="重大事故隐患逾期未整改",
        trigger="manual",
        enterprise_uscc=ENTERPRISE_A,
        enterprise_name="菏泽市牡丹区示范化工有限公司",
        interviewee="王建国",
        conducting_authority_code="371702",
        conducting_authority_name="牡丹区安委会",
        region_path=(f.PROVINCE, f.CITY, f.COUNTY),
        started_by=f.COUNTY_SUPERVISOR,
    )
    handle = await client.start_workflow(
        InterviewWorkflow.run,
        start,
        id=interview_workflow_id(code, 1),
        task_queue=api.app.state.settings.temporal_task_queue,
    )
    async def projected() -> None:
        reply = await api.as_user("county.supervisor", "GET", f"/interviews/{interview_id}")
        assert reply.status_code == 200, "the interview never reached the read model"

    await assert_eventually_async(projected, timeout=10, interval=0.02)
    return interview_id, handle


async def interview_tasks(api: Api, username: str, interview_id: str) -> set[str]:
    """The interview's steps in the caller's "my tasks" (GET /tasks)."""
    reply = await api.as_user(username, "GET", "/tasks", params={"page_size": 200})
    assert reply.status_code == 200, reply.text
    return {t["action"] for t in reply.json()["items"] if t["interview_id"] == interview_id}


async def act(api: Api, username: str, interview_id: str, action: str, body: dict[str, Any]) -> Any:
    return await api.as_user(username, "POST", f"/interviews/{interview_id}/actions/{action}", json=body)


async def done(api: Api, username: str, interview_id: str, action: str, body: dict[str, Any], status: str) -> dict[str, Any]:
    reply = await act(api, username, interview_id, action, body)
    assert reply.status_code == 200, (username, action, reply.text)
    assert reply.json()["status"] == status, (action, reply.json()["status"])
    return reply.json()  # type: ignore[no-any-return]


async def listed_ids(api: Api, username: str, **params: Any) -> set[str]:
    reply = await api.as_user(username, "GET", "/interviews", params=params)
    assert reply.status_code == 200, (username, reply.text)
    return {i["id"] for i in reply.json()}


async def allowed(api: Api, username: str, interview_id: str) -> set[str]:
    reply = await api.as_user(username, "GET", f"/interviews/{interview_id}")
    assert reply.status_code == 200, (username, reply.text)
    return set(reply.json()["allowed_actions"])


def in_hours(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


SCHEDULE = {"place": "牡丹区应急管理局三楼会议室"}
MATERIALS = {"facts": "配电室未设置挡鼠板", "causes": "安全投入不足", "measures": "十日内加装挡鼠板"}


async def test_interviews_are_listed_and_read_only_within_the_callers_jurisdiction_or_enterprise(
    api: Api, dev_env: WorkflowEnvironment
) -> None:
    interview_id, _ = await start_interview(api, dev_env.client)
    hazard_code = interview_id.removesuffix("-1")

    for username in ("county.supervisor", "city.supervisor", "enterprise.a", "admin", "auditor"):
        assert await listed_ids(api, username) == {interview_id}, username
    for username in ("county2.supervisor", "enterprise.b"):
        assert await listed_ids(api, username) == set(), username
        reply = await api.as_user(username, "GET", f"/interviews/{interview_id}")
        assert reply.status_code == 403, (username, reply.text)
        assert reply.json()["detail"]["code"] == "outside_jurisdiction"

    assert await listed_ids(api, "county.supervisor", hazard_code=hazard_code) == {interview_id}
    assert await listed_ids(api, "county.supervisor", hazard_code="HZ-371702-2001-000001") == set()
    assert await listed_ids(api, "county.supervisor", status="notice") == {interview_id}
    assert await listed_ids(api, "county.supervisor", status="closed") == set()
    reply = await api.as_user("county.supervisor", "GET", "/interviews", params={"status": "nonsense"})
    assert reply.status_code == 422

    reply = await api.as_user("county.supervisor", "GET", f"/interviews/{interview_id}")
    interview = reply.json()
    assert interview["status"] == "notice" and interview["interviewee"] == "王建国"
    assert interview["hazard_code"] == hazard_code and interview["trigger"] == "manual"
    assert [e["action"] for e in interview["timeline"]] == ["notice"]
    assert interview["workflow_id"] == interview_workflow_id(hazard_code, 1)
    reply = await api.as_user("county.supervisor", "GET", "/interviews/no-such-interview")
    assert reply.status_code == 404 and reply.json()["detail"]["code"] == "not_found"


async def test_an_interview_is_scheduled_prepared_held_and_answered_through_the_api(
    api: Api, dev_env: WorkflowEnvironment
) -> None:
    interview_id, handle = await start_interview(api, dev_env.client)
    assert await allowed(api, "county.supervisor", interview_id) == {"schedule"}
    assert await allowed(api, "enterprise.a", interview_id) == set()
    assert await allowed(api, "city.supervisor", interview_id) == set()  # sees it; does not conduct it
    assert await interview_tasks(api, "county.supervisor", interview_id) == {"schedule"}
    assert await interview_tasks(api, "city.supervisor", interview_id) == set()

    interview = await done(api, "county.supervisor", interview_id, "schedule", SCHEDULE | {"at": in_hours(48)}, "scheduled")
    assert interview["scheduled_at"] is not None and interview["place"] == SCHEDULE["place"]
    assert await allowed(api, "county.supervisor", interview_id) == {"record"}
    assert await allowed(api, "enterprise.a", interview_id) == {"submit-materials"}

    interview = await done(api, "enterprise.a", interview_id, "submit-materials", MATERIALS, "scheduled")
    assert interview["materials"]["causes"] == MATERIALS["causes"]

    record = {
        "attended": True,
        "minutes": "企业主要负责人到场，承认问题，承诺整改",
        "attendees": ["王建国", "牡丹区安委办 督办员"],
        "commitments": [{"text": "加装挡鼠板", "due": in_days(10)}],
    }
    interview = await done(api, "county.supervisor", interview_id, "record", record, "held")
    assert interview["reply_due"] is not None and interview["attended"] is True
    assert datetime.fromisoformat(interview["reply_due"]) > datetime.now(UTC) + timedelta(days=5)
    assert interview["commitments"][0]["text"] == "加装挡鼠板"
    assert await allowed(api, "enterprise.a", interview_id) == {"reply"}
    assert await interview_tasks(api, "enterprise.a", interview_id) == {"reply"}
    assert await listed_ids(api, "county.supervisor", status="held") == {interview_id}

    interview = await done(api, "enterprise.a", interview_id, "reply", {"text": "已加装挡鼠板"}, "closed")
    assert interview["outcome"] == "replied" and interview["reply"]["text"] == "已加装挡鼠板"
    assert [e["action"] for e in interview["timeline"]] == ["notice", "schedule", "submit-materials", "record", "reply"]
    assert [e["seq"] for e in interview["timeline"]] == [1, 2, 3, 4, 5]
    assert await interview_tasks(api, "enterprise.a", interview_id) == set()
    assert interview["allowed_actions"] == []

    final = await asyncio.wait_for(handle.result(), 15)  # the parent is gone: the signal fails, quietly
    assert final.outcome == "replied"
    with Session(api.app.state.engine) as session:
        events = session.exec(select(AuditEntry).where(AuditEntry.record_kind == "interview",
                                                      AuditEntry.record_id == interview_id)).all()
    assert len(events) == 5  # every step once, whatever the retries

    reply = await act(api, "enterprise.a", interview_id, "reply", {"text": "再次回复"})
    assert reply.status_code == 409, reply.text


async def test_a_no_show_recorded_through_the_api_closes_the_interview_as_no_show(
    api: Api, dev_env: WorkflowEnvironment
) -> None:
    interview_id, handle = await start_interview(api, dev_env.client)
    await done(api, "county.supervisor", interview_id, "schedule", SCHEDULE | {"at": in_hours(24)}, "scheduled")
    interview = await done(api, "county.supervisor", interview_id, "record", {"attended": False}, "closed")
    assert interview["outcome"] == "no_show" and interview["reply_due"] is None
    assert await listed_ids(api, "enterprise.a", status="closed") == {interview_id}
    assert (await asyncio.wait_for(handle.result(), 15)).outcome == "no_show"


async def test_interview_steps_are_refused_with_403_409_and_422_and_their_reasons(
    api: Api, dev_env: WorkflowEnvironment
) -> None:
    interview_id, _ = await start_interview(api, dev_env.client)

    async def refused(username: str, action: str, body: dict[str, Any], status: int, code: str) -> None:
        reply = await act(api, username, interview_id, action, body)
        assert reply.status_code == status, (username, action, reply.text)
        detail = reply.json()["detail"]
        assert detail["code"] == code and detail["message_zh"] and detail["message_en"], (username, action, detail)

    good = SCHEDULE | {"at": in_hours(48)}
    await refused("enterprise.a", "schedule", good, 403, "role_not_allowed")
    await refused("inspector", "schedule", good, 403, "role_not_allowed")
    await refused("city.supervisor", "schedule", good, 403, "not_conducting_authority")
    await refused("county2.supervisor", "schedule", good, 403, "outside_jurisdiction")
    await refused("county.supervisor", "record", {"attended": False}, 409, "wrong_state")
    await refused("enterprise.a", "reply", {"text": "x"}, 409, "wrong_state")
    await refused("county.supervisor", "schedule", SCHEDULE | {"at": in_hours(24 * 8.5)}, 422, "schedule_too_late")
    await refused("county.supervisor", "schedule", SCHEDULE | {"at": in_hours(-1)}, 422, "schedule_in_past")
    await refused("county.supervisor", "schedule", {"at": in_hours(48), "place": "  "}, 422, "invalid_input")
    await refused("county.supervisor", "record", {"attended": True, "attendees": ["王建国"]}, 422, "invalid_input")
    reply = await act(api, "county.supervisor", interview_id, "close", {})
    assert reply.status_code == 404 and reply.json()["detail"]["code"] == "unknown_action"

    await done(api, "county.supervisor", interview_id, "schedule", good, "scheduled")
    await refused("enterprise.b", "submit-materials", MATERIALS, 403, "outside_jurisdiction")
    await refused("county.supervisor", "schedule", good, 409, "wrong_state")
    past = {"attended": True, "minutes": "纪要", "attendees": ["王建国"], "commitments": [{"text": "x", "due": in_days(-1)}]}
    await refused("county.supervisor", "record", past, 422, "date_in_past")

    interview = (await api.as_user("county.supervisor", "GET", f"/interviews/{interview_id}")).json()
    assert interview["status"] == "scheduled"
    assert [e["action"] for e in interview["timeline"]] == ["notice", "schedule"]
