"""Escalation through the real API and worker on the time-skipping server: the hazard shows its deadline,
extensions, pause and ladder; rungs reach the inbox with their documents; no human acts in between."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from models.base import china_date
from tests.api_helpers import Api, hazard_body, running_api


@pytest.fixture
async def api(skipping: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> AsyncIterator[Api]:
    async with running_api(skipping.client, tmp_path, task_queue) as client:
        yield client


async def day(env: WorkflowEnvironment, days: int) -> str:
    return (china_date(await env.get_current_time()) + timedelta(days=days)).isoformat()


async def listed(api: Api, env: WorkflowEnvironment, days: int) -> str:
    code = (await api.report(discovered_at=(await env.get_current_time() - timedelta(days=1)).isoformat())).json()["code"]
    body = {"level": "major", "basis": "GB 30871-2022 5.1"}
    assert (await api.act("county.supervisor", code, "assess", body)).status_code == 200
    listing = {"authority_level": "county", "deadline": await day(env, days)}
    assert (await api.act("county.supervisor", code, "list", listing)).status_code == 200
    return code


async def test_an_ignored_hazard_shows_its_rungs_and_fills_the_inboxes(api: Api, skipping: WorkflowEnvironment) -> None:
    code = await listed(api, skipping, days=20)
    hazard = (await api.as_user("county.supervisor", "GET", f"/hazards/{code}")).json()
    assert hazard["escalation"]["rung"] is None and hazard["escalation"]["fired"] == []
    assert hazard["escalation"]["next"]["rung"] == "urging_letter"
    assert hazard["escalation"]["next"]["due_at"] == hazard["deadline"]
    assert isinstance(hazard["deadline_provisional"], bool) and hazard["paused"] is False
    assert hazard["policy"] == "default@1"

    await skipping.sleep(timedelta(days=40))
    hazard = (await api.as_user("county.supervisor", "GET", f"/hazards/{code}")).json()
    fired = [f["rung"] for f in hazard["escalation"]["fired"]]
    assert fired[:3] == ["urging_letter", "circular", "interview"] and hazard["escalation"]["rung"] == fired[-1]
    assert hazard["overdue"] is True
    assert [t for t in hazard["timeline"] if t["action"] == "rung"][0]["actor"] == "系统"

    inbox = (await api.as_user("enterprise.a", "GET", "/notifications")).json()
    letters = [n for n in inbox["items"] if n["kind"] == "rung" and "督办函" in n["title"]]
    assert letters and inbox["unread"] >= len(letters)
    document = await api.as_user("enterprise.a", "GET", f"/documents/{letters[0]['document_hash']}")
    assert document.status_code == 200 and document.headers["content-type"] == "application/pdf"
    document = await api.as_user("enterprise.a", "GET", f"/documents/{letters[0]['document_hash']}?format=html")
    assert document.status_code == 200 and code in document.text and "督办函" in document.text
    assert (await api.as_user("enterprise.b", "GET", f"/documents/{letters[0]['document_hash']}")).status_code == 403
    county = (await api.as_user("county.supervisor", "GET", "/notifications", params={"hazard_code": code})).json()
    assert any(n["kind"] == "reminder" for n in county["items"]) and any(n["kind"] == "rung" for n in county["items"])
    assert (await api.as_user("enterprise.b", "GET", "/notifications")).json()["total"] == 0
    read = await api.as_user("enterprise.a", "POST", f"/notifications/{letters[0]['id']}/read")
    assert read.status_code == 200 and read.json()["read"] is True
    assert (await api.as_user("enterprise.b", "POST", f"/notifications/{letters[0]['id']}/read")).status_code == 404
    interviews = (await api.as_user("county.supervisor", "GET", "/interviews", params={"hazard_code": code})).json()
    assert len(interviews) == 1


async def test_extension_and_pause_through_the_api(api: Api, skipping: WorkflowEnvironment) -> None:
    code = await listed(api, skipping, days=60)
    plan = {"objectives": "加装", "measures": "采购安装", "funds_cny": 5000, "responsible_person": "王建国",
            "deadline": await day(skipping, 50), "contingency_plan": "停用"}
    assert (await api.act("enterprise.a", code, "submit-plan", plan)).status_code == 200
    assert (await api.act("county.supervisor", code, "review-plan", {"decision": "approve"})).status_code == 200
    before = (await api.as_user("county.supervisor", "GET", f"/hazards/{code}")).json()

    reply = await api.act("enterprise.a", code, "request-extension", {"days": 10, "reason": "设备到货延迟"})
    assert reply.status_code == 200 and reply.json()["extensions"][0]["status"] == "pending"
    again = await api.act("enterprise.a", code, "request-extension", {"days": 5, "reason": "再延"})
    assert again.status_code == 409 and again.json()["detail"]["code"] == "extension_pending"
    tasks = (await api.as_user("county.supervisor", "GET", "/tasks")).json()["items"]
    assert any(t["hazard_code"] == code and t["action"] == "review-extension" and t["due_at"] for t in tasks)
    assert (await api.act("enterprise.a", code, "review-extension", {"decision": "approve", "days": 10})).status_code == 403
    approved = await api.act("county.supervisor", code, "review-extension", {"decision": "approve", "days": 8})
    assert approved.status_code == 200
    after = approved.json()
    assert after["deadline"] > before["deadline"] and after["extensions"][0]["approved_days"] == 8

    paused = await api.act("county.supervisor", code, "pause", {"reason": "法院查封"})
    assert paused.status_code == 200 and paused.json()["paused"] is True and paused.json()["escalation"]["next"] is None
    assert (await api.act("county.supervisor", code, "pause", {"reason": "again"})).status_code == 409
    await skipping.sleep(timedelta(days=7))
    resumed = await api.act("county.supervisor", code, "resume", {"reason": "解封"})
    assert resumed.status_code == 200 and resumed.json()["paused"] is False
    assert resumed.json()["deadline"] > after["deadline"]  # the paused working days were added
    assert len(resumed.json()["pauses"]) == 1


async def test_reporting_pins_the_newest_policy_version(api: Api, skipping: WorkflowEnvironment) -> None:
    reply = await api.report(discovered_at=(await skipping.get_current_time()).isoformat())
    assert reply.status_code == 201 and reply.json()["policy"] == "default@1"
    assert hazard_body()["title"] == reply.json()["title"]


async def test_a_new_policy_version_applies_to_new_hazards_only(skipping: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    default = (Path(__file__).resolve().parent.parent / "policies" / "default.toml").read_text(encoding="utf-8")
    (policies / "default.toml").write_text(default, encoding="utf-8")
    async with running_api(skipping.client, tmp_path / "one", task_queue, policies_dir=policies) as api:
        old = (await api.report(discovered_at=(await skipping.get_current_time()).isoformat())).json()["code"]
    stricter = default.replace("version = 1", "version = 2").replace("offset_working_days = 5\n", "offset_working_days = 2\n", 1)
    assert stricter != default
    (policies / "default.v2.toml").write_text(stricter, encoding="utf-8")
    async with running_api(skipping.client, tmp_path / "one", task_queue, policies_dir=policies) as api:
        new = (await api.report(discovered_at=(await skipping.get_current_time()).isoformat())).json()
        assert new["policy"] == "default@2"
        assert (await api.as_user("inspector", "GET", f"/hazards/{old}")).json()["policy"] == "default@1"
        listed = (await api.as_user("auditor", "GET", "/policies/default")).json()
        assert listed["version"] == 2


async def test_after_raise_listing_the_city_owns_the_hazard_and_the_county_still_reads_it(api: Api, skipping: WorkflowEnvironment) -> None:
    code = await listed(api, skipping, days=10)
    await skipping.sleep(timedelta(days=60))
    hazard = (await api.as_user("county.supervisor", "GET", f"/hazards/{code}")).json()
    assert "raise_listing" in [f["rung"] for f in hazard["escalation"]["fired"]]
    assert hazard["listing"]["authority_code"] == "371700" and hazard["listing"]["authority_level"] == "city"
    city = (await api.as_user("city.supervisor", "GET", f"/hazards/{code}")).json()
    assert "pause" in city["allowed_actions"] and "pause" not in hazard["allowed_actions"]
    inbox = (await api.as_user("city.supervisor", "GET", "/notifications", params={"hazard_code": code})).json()
    assert any("提级督办" in n["title"] for n in inbox["items"])
