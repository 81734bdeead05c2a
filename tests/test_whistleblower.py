"""Whistleblowers: an anonymous report with a receipt, screened into a hazard; the reporter's contact is
sealed and appears in no response, log line or workflow history but the officer's."""

import base64
import io
import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from models.tables import AdminAudit, WhistleblowerReport
from tests.api_helpers import Api, running_api
from tests.browser_helpers import png

PNG = png()
LOOKUP = "/api/v1/public/reports/lookup"


@pytest.fixture
async def api(dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> AsyncIterator[Api]:
    async with running_api(dev_env.client, tmp_path, task_queue, public_reports_per_hour=5) as client:
        yield client


async def test_a_report_becomes_a_hazard_and_its_contact_leaks_nowhere(api: Api, dev_env: WorkflowEnvironment) -> None:
    contact = f"138-0013-8000 王先生 {uuid.uuid4().hex}"
    bodies: list[str] = []

    async def keep(response: httpx.Response) -> None:
        await response.aread()
        bodies.append(response.text)

    api.http.event_hooks["response"].append(keep)
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(logging.getLogger().handlers[0].formatter)
    logging.getLogger().addHandler(handler)
    try:
        photo = base64.b64encode(PNG).decode()
        filed = await api.http.post("/api/v1/public/reports", json={
            "description": "工厂夜间违规动火，无人监护", "location": "牡丹区工业园北门", "region_code": "371702",
            "photos": [photo], "contact": contact,
        })
        assert filed.status_code == 201
        receipt = filed.json()["receipt"]
        assert len(receipt) >= 40 and filed.json() == {"receipt": receipt, "lookup_url": LOOKUP}
        status = (await api.http.post(LOOKUP, json={"receipt": receipt})).json()
        assert set(status) == {"status", "public_outcome", "received_at"} and status["status"] == "received"

        listed = (await api.as_user("inspector", "GET", "/whistleblower/reports")).json()
        (report,) = listed
        assert report["has_contact"] is True and "contact" not in report
        assert (await api.as_user("county2.supervisor", "GET", "/whistleblower/reports")).json() == []
        screened = await api.as_user("inspector", "POST", f"/whistleblower/reports/{report['id']}/screen", json={
            "decision": "hazard", "title": "夜间违规动火作业", "enterprise_uscc": "91371702MA3C4G0R29",
            "region_code": "371702", "industry": "危险化学品",
        })
        assert screened.status_code == 422  # the screener writes what the enterprise reads
        screened = await api.as_user("inspector", "POST", f"/whistleblower/reports/{report['id']}/screen", json={
            "decision": "hazard", "title": "夜间违规动火作业", "description": "动火作业未落实监护，请核查",
            "enterprise_uscc": "91371702MA3C4G0R29", "region_code": "371702", "industry": "危险化学品",
        })
        assert screened.status_code == 200 and screened.json()["status"] == "hazard"
        code = screened.json()["hazard_code"]
        hazard = (await api.as_user("county.supervisor", "GET", f"/hazards/{code}")).json()
        assert hazard["source"] == "whistleblower" and hazard["description"] == "动火作业未落实监护，请核查"
        seen = (await api.as_user("enterprise.a", "GET", f"/hazards/{code}")).json()
        assert "工厂夜间违规动火" not in str(seen)  # the tipster's words never reach the enterprise
        await api.act("county.supervisor", code, "assess", {"level": "general", "rectification": "immediate"})
        assert (await api.http.post(LOOKUP, json={"receipt": receipt})).json()["status"] == "hazard"
        again = await api.as_user("inspector", "POST", f"/whistleblower/reports/{report['id']}/screen", json={"decision": "reject", "public_outcome": "x"})
        assert again.status_code == 409

        for who in ("inspector", "county.supervisor", "auditor", "admin"):
            refused = await api.as_user(who, "GET", f"/whistleblower/reports/{report['id']}/contact")
            assert refused.status_code in (403, 404)
        bodies_before_officer = list(bodies)
        officer = await api.as_user("wb.officer", "GET", f"/whistleblower/reports/{report['id']}/contact")
        assert officer.status_code == 200 and officer.json()["contact"] == contact
    finally:
        logging.getLogger().removeHandler(handler)

    assert not [b for b in bodies_before_officer if contact in b]  # no other response ever carried it
    server_lines = [line for line in lines.getvalue().splitlines() if "\"logger\": \"httpx\"" not in line]  # not the test client
    assert not [line for line in server_lines if contact in line or receipt in line], [line for line in server_lines if contact in line or receipt in line][:3]  # nor any log line
    history = await dev_env.client.get_workflow_handle(f"hazard-{code}").fetch_history()
    assert contact not in history.to_json() and receipt not in history.to_json()  # nor the workflow history
    with Session(api.app.state.engine) as session:
        stored = session.exec(select(WhistleblowerReport)).one()
        assert contact not in (stored.contact_sealed or "") and receipt not in stored.receipt_hash
        reads = session.exec(select(AdminAudit).where(AdminAudit.action == "whistleblower.contact.read")).all()
        assert len(reads) == 1 and contact not in reads[0].details_json


@pytest.mark.parametrize(
    "body,code",
    [
        ({"description": "", "location": "x"}, "invalid_input"),
        ({"description": "x", "location": "x", "photos": ["bm90IGFuIGltYWdl"]}, "invalid_photo"),  # "not an image"
        ({"description": "x", "location": "x", "photos": ["%%%"]}, "invalid_photo"),
        ({"description": "x", "location": "x", "region_code": "379999"}, "unknown_region"),
        ({"description": "x", "location": "x", "name": "extra"}, "invalid_input"),
    ],
)
async def test_a_bad_public_report_is_refused_and_nothing_is_stored(api: Api, body: dict[str, object], code: str) -> None:
    reply = await api.http.post("/api/v1/public/reports", json=body)
    assert reply.status_code == 422 and reply.json()["detail"]["code"] == code
    with Session(api.app.state.engine) as session:
        assert session.exec(select(WhistleblowerReport)).all() == []


async def test_public_reports_are_rate_limited_per_address_and_receipts_are_not_guessable(api: Api) -> None:
    replies = [await api.http.post("/api/v1/public/reports", json={"description": "x", "location": "y"}) for _ in range(6)]
    assert [r.status_code for r in replies] == [201] * 5 + [429]
    assert len({r.json()["receipt"] for r in replies[:5]}) == 5
    unknown = await api.http.post(LOOKUP, json={"receipt": "A" * 43})
    assert unknown.status_code == 404 and unknown.json()["detail"]["code"] == "not_found"


async def test_a_tip_naming_no_region_goes_to_the_provincial_queue_not_to_every_screener(api: Api) -> None:
    filed = await api.http.post("/api/v1/public/reports", json={"description": "某厂夜间偷排", "location": "不详"})
    assert filed.status_code == 201, filed.text
    for user in ("inspector", "county.supervisor", "city.supervisor", "county2.supervisor"):
        assert (await api.as_user(user, "GET", "/whistleblower/reports")).json() == [], user
    with Session(api.app.state.engine) as session:
        (stored,) = session.exec(select(WhistleblowerReport)).all()
        assert stored.region_code is None and stored.region_path == "370000/"
