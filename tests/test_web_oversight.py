"""The oversight screens against the real app, worker and Temporal: whistleblower intake for the screening
inspector (and the officer's audited look at the contact), and the auditor's audit view."""

import uuid

from tests.api_helpers import Api
from tests.test_web import browser, csrf_of


async def test_an_inspector_screens_a_report_into_a_hazard_on_the_intake_screen(api: Api) -> None:
    contact = f"139 0000 {uuid.uuid4().hex[:8]}"
    filed = await api.http.post("/api/v1/public/reports", json={
        "description": "夜间偷排废液", "location": "牡丹区化工园", "region_code": "371702", "contact": contact,
    })
    assert filed.status_code == 201
    inspector = await browser(api.app, "inspector")
    page = await inspector.get("/whistleblower")
    assert page.status_code == 200 and "夜间偷排废液" in page.text and contact not in page.text
    report_id = page.text.split('data-id="')[1].split('"')[0]
    refused = await inspector.post(f"/whistleblower/{report_id}/screen", data={"csrf": csrf_of(page.text), "decision": "hazard"})
    assert refused.status_code == 422 and "title" in refused.text  # what is missing is said on the page
    screened = await inspector.post(f"/whistleblower/{report_id}/screen", data={
        "csrf": csrf_of(page.text), "decision": "hazard", "title": "违规排放废液", "description": "违规排放废液，请核查整改",
        "enterprise_uscc": "91371702MA3C4G0R29",
        "region_code": "371702", "industry": "危险化学品",
    })
    assert screened.status_code == 303 and "HZ-371702-" in screened.headers["location"]
    code = screened.headers["location"].split("done=")[1]
    hazard = await inspector.get(f"/hazards/{code}")
    assert hazard.status_code == 200 and "违规排放废液" in hazard.text and contact not in hazard.text

    officer = await browser(api.app, "wb.officer")
    intake = await officer.get("/whistleblower")
    assert contact not in intake.text
    shown = await officer.post(f"/whistleblower/{report_id}/contact", data={"csrf": csrf_of(intake.text)})
    assert shown.status_code == 200 and contact in shown.text
    nosy = await inspector.post(f"/whistleblower/{report_id}/contact", data={"csrf": csrf_of(page.text)})
    assert nosy.status_code == 403 and contact not in nosy.text
    assert (await (await browser(api.app, "enterprise.a")).get("/whistleblower")).status_code == 403


async def test_an_auditor_checks_the_chain_signs_a_checkpoint_and_replays_a_hazard_on_the_audit_view(api: Api) -> None:
    code = (await api.report()).json()["code"]
    await api.act("county.supervisor", code, "assess", {"level": "general", "rectification": "immediate"})
    auditor = await browser(api.app, "auditor")
    page = await auditor.get("/audit")
    assert page.status_code == 200 and 'id="chain-ok"' in page.text
    signed = await auditor.post("/audit/checkpoint", data={"csrf": csrf_of(page.text)})
    assert signed.status_code == 303
    page = await auditor.get("/audit", params={"hazard": code})
    assert 'id="replay-ok"' in page.text and "✓" in page.text  # the checkpoint still holds
    assert "assess" in page.text and "county.supervisor" in page.text  # the history timeline names the actor
    assert (await (await browser(api.app, "county.supervisor")).get("/audit")).status_code == 403
