"""The hazard lifecycle through the real API, a real worker and a real Temporal dev server."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from temporalio.testing import WorkflowEnvironment

from models.tables import AuditEntry, HazardRow
from tests.api_helpers import Api, in_days, running_api


@pytest.fixture(params=["sqlite", "postgres"])
async def api_on_both(
    request: pytest.FixtureRequest, dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str
) -> AsyncIterator[Api]:
    """The app with its read model on SQLite, then on PostgreSQL."""
    database = {"database_url": request.getfixturevalue("postgres_url")} if request.param == "postgres" else {}
    async with running_api(dev_env.client, tmp_path, task_queue, **database) as client:
        yield client


def audit_rows(api: Api, code: str) -> list[AuditEntry]:
    with Session(api.app.state.engine) as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.record_id == code).order_by(AuditEntry.seq)))


async def test_major_hazard_goes_from_report_to_close_out_through_the_api(api_on_both: Api) -> None:
    api = api_on_both
    reply = await api.report()
    assert reply.status_code == 201, reply.text
    hazard = reply.json()
    code = hazard["code"]
    assert re.fullmatch(r"HZ-371702-20\d\d-\d{6}", code)
    assert hazard["status"] == "reported" and hazard["timeline"][0]["action"] == "report"

    steps = [
        ("county.supervisor", "assess", {"level": "major", "basis": "GB 30871-2022 5.1", "interim_measures": "停用"}, "assessed"),
        ("city.supervisor", "list", {"authority_level": "city", "deadline": in_days(60), "requirements": "限期整改"}, "listed"),
        ("enterprise.a", "submit-plan", {"objectives": "加装", "measures": "采购安装", "funds_cny": 5000, "responsible_person": "王建国", "deadline": in_days(45), "contingency_plan": "停用"}, "plan_submitted"),
        ("city.supervisor", "review-plan", {"decision": "approve"}, "rectifying"),
        ("enterprise.a", "report-progress", {"percent": 60, "note": "已采购"}, "rectifying"),
        ("enterprise.a", "submit-completion", {"summary": "已安装", "evidence": []}, "acceptance_requested"),
        ("county.supervisor", "verify", {"decision": "fail", "comment": "高度不足", "new_deadline": in_days(20)}, "rectifying"),
        ("enterprise.a", "submit-completion", {"summary": "已加高"}, "acceptance_requested"),
        ("county.supervisor", "verify", {"decision": "pass", "comment": "合格"}, "verified"),
        ("city.supervisor", "close", {"comment": "同意销号"}, "closed"),
    ]
    for user, action, body, status in steps:
        reply = await api.act(user, code, action, body)
        assert reply.status_code == 200, (action, reply.text)
        assert reply.json()["status"] == status, action

    hazard = (await api.as_user("auditor", "GET", f"/hazards/{code}")).json()
    assert hazard["status"] == "closed"
    assert hazard["listing"]["authority_code"] == "371700"
    assert len(hazard["verifications"]) == 2 and hazard["failed_verifications"] == 1
    timeline = hazard["timeline"]
    assert [t["seq"] for t in timeline] == list(range(1, 12))
    assert timeline[-1] == timeline[-1] | {"action": "close", "from_status": "verified", "to_status": "closed", "actor_role": "supervisor"}
    assert timeline[7]["comment"] == "高度不足"
    rows = audit_rows(api, code)
    assert len(rows) == len({r.seq for r in rows}) == 11


async def test_a_refused_action_answers_with_its_reason_and_changes_nothing(api: Api) -> None:
    code = (await api.report()).json()["code"]
    cases = [
        ("county.supervisor", "verify", {"decision": "pass"}, 409, "wrong_state"),
        ("enterprise.a", "assess", {"level": "general", "rectification": "immediate"}, 403, "role_not_allowed"),
        ("county2.supervisor", "assess", {"level": "general", "rectification": "immediate"}, 403, "outside_jurisdiction"),
        ("county.supervisor", "assess", {"level": "major"}, 422, "invalid_input"),
        ("county.supervisor", "assess", {"level": "general", "rectification": "deadline", "deadline": in_days(-3)}, 422, "date_in_past"),
        ("auditor", "void", {"reason": "x"}, 403, "role_not_allowed"),
    ]
    for user, action, body, status, reason in cases:
        reply = await api.act(user, code, action, body)
        assert reply.status_code == status, (user, action, reply.text)
        detail = reply.json()["detail"]
        assert detail["code"] == reason and detail["message_zh"] and detail["message_en"]
    hazard = (await api.as_user("county.supervisor", "GET", f"/hazards/{code}")).json()
    assert hazard["status"] == "reported" and len(hazard["timeline"]) == 1
    reply = await api.act("county.supervisor", code, "approve-everything", {})
    assert reply.status_code == 404 and "submit-plan" in reply.json()["detail"]["message_en"]


async def test_a_retried_report_with_the_same_idempotency_key_returns_the_same_hazard(api: Api) -> None:
    headers = {"Idempotency-Key": "report-7f3a"}
    body = _body()
    first = await api.as_user("inspector", "POST", "/hazards", json=body, headers=headers)
    again = await api.as_user("inspector", "POST", "/hazards", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    changed = await api.as_user("inspector", "POST", "/hazards", json=body | {"title": "另一个"}, headers=headers)
    assert changed.status_code == 422 and changed.json()["detail"]["code"] == "idempotency_key_reused"
    other = await api.report()
    assert other.status_code == 201 and other.json()["code"] != first.json()["code"]
    listed = (await api.as_user("inspector", "GET", "/hazards")).json()
    assert listed["total"] == 2


def _body(**overrides: object) -> dict[str, object]:
    from tests.api_helpers import hazard_body

    return hazard_body(**overrides)


BAD_REPORTS = [
    ({"region_code": "379999"}, "unknown_region"),
    ({"region_code": "37"}, "invalid_input"),
    ({"enterprise_uscc": "91371702MA3C4G0R28"}, "invalid_input"),  # wrong check character
    ({"enterprise_uscc": "91371702"}, "invalid_input"),
    ({"enterprise_uscc": "91371702MA3C4G0R2I"}, "invalid_input"),  # I is not in the alphabet
    ({"discovered_at": "2999-01-01"}, "invalid_input"),
    ({"title": "   "}, "invalid_input"),
    ({"source": "rumour"}, "invalid_input"),
    ({"description": "很" * 2_000_000}, "body_too_large"),
    ({"enterprise_uscc": "91371721MA3D8J7K5L"}, "enterprise_elsewhere"),
]


@pytest.mark.parametrize("overrides,reason", BAD_REPORTS, ids=[r[1] + ":" + next(iter(r[0])) for r in BAD_REPORTS])
async def test_bad_report_gets_a_422_that_says_what_is_wrong_and_nothing_is_written(
    api: Api, overrides: dict[str, object], reason: str
) -> None:
    reply = await api.report(**overrides)
    assert reply.status_code == 422, reply.text
    detail = reply.json()["detail"]
    assert detail["code"] == reason and detail["message_en"]
    with Session(api.app.state.engine) as session:
        assert session.exec(select(func.count()).select_from(HazardRow)).one() == 0
    if reason == "invalid_input":
        assert detail["errors"] and next(iter(overrides)) in detail["errors"][0]["field"]
