"""The reporting cadence through the API on the real app and worker: reports on demand (idempotent), the workbook,
the figures and the ranking, circulars, and every refusal (403 outside the jurisdiction or for the wrong role, 422
naming the field)."""

import asyncio
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from activities.reports import ReportActivities
from models.base import china_date
from models.enums import HazardLevel, HazardStatus
from models.report import CadenceRun, ReportKind
from services import circulars, reports
from tests.api_helpers import Api, running_api
from tests.factories import COUNTY, DEFAULT_POLICY
from tests.synthetic import Spec, make

EVIL = '=HYPERLINK("http://evil.example","x")'
TODAY = china_date(datetime.now(UTC))
PERIOD = {"period_start": (TODAY - timedelta(days=20)).isoformat(), "period_end": TODAY.isoformat()}


@pytest.fixture
async def api(dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> AsyncIterator[Api]:
    async with running_api(dev_env.client, tmp_path, task_queue) as client:
        _overdue_hazard(client)
        yield client


def _overdue_hazard(api: Api) -> str:
    """An overdue major hazard of 牡丹区 whose title looks like a formula, straight into the read model."""
    now = datetime.now(UTC)
    row, audit = make(Spec(999_001, HazardStatus.RECTIFYING, now - timedelta(days=3), COUNTY, HazardLevel.MAJOR, listed=True,
                           deadline=now - timedelta(days=1), overdue=True, rungs=2, title=EVIL))
    for entry in audit:
        if entry.action == "rung":
            entry.reason = f"rung:{entry.comment}"
    code = row.code
    with Session(api.app.state.engine) as session:
        session.add(row)
        session.add_all(audit)
        session.commit()
    return code


def _refusal(reply: Any, status: int, code: str, field: str | None = None) -> None:
    assert reply.status_code == status, reply.text
    detail = reply.json()["detail"]
    assert detail["code"] == code, detail
    assert detail["message_zh"] and detail["message_en"]
    if field is not None:
        assert detail["field"] == field, detail


async def test_a_report_runs_on_demand_once_per_kind_region_and_period(api: Api) -> None:
    body = {"kind": "monthly", "region_code": "371700", **PERIOD}
    made = await api.as_user("city.supervisor", "POST", "/reports", json=body)
    assert made.status_code == 201, made.text
    report = made.json()
    assert report["totals"]["found"] == 1 and report["totals"]["overdue_now"] == 1
    assert [h["title"] for h in report["overdue_hazards"]] == [EVIL]
    assert {r["region_code"] for r in report["ranking"]} == {"371702", "371721"}
    assert report["campaigns"] == [] and len(report["document_hash"]) == 64
    again = await api.as_user("admin", "POST", "/reports", json=body)
    assert again.status_code == 201 and again.json()["id"] == report["id"] and again.json()["generated_at"] == report["generated_at"]
    assert again.headers["X-Duban-Existing"] == "true" and "X-Duban-Existing" not in made.headers
    listed = (await api.as_user("city.supervisor", "GET", "/reports", params={"kind": "monthly"})).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == report["id"]
    read = await api.as_user("auditor", "GET", f"/reports/{report['id']}")
    assert read.status_code == 200 and read.json()["totals"] == report["totals"]
    figures = (await api.as_user("city.supervisor", "GET", "/metrics", params={"region_code": "371700", **PERIOD})).json()
    assert figures["total"] == report["totals"]  # the figures and the report are one definition
    ranking = (await api.as_user("city.supervisor", "GET", "/rankings", params={"region_code": "371700", **PERIOD})).json()
    assert [(r["region_code"], r["score"]) for r in ranking] == [(r["region_code"], r["score"]) for r in report["ranking"]]
    assert ranking[0]["score"] >= ranking[1]["score"] and {"term", "value", "weight", "points"} <= set(ranking[0]["terms"][0])


async def test_the_report_workbook_keeps_a_formula_as_text(api: Api) -> None:
    made = await api.as_user("admin", "POST", "/reports", json={"kind": "weekly", "region_code": "371702", **PERIOD})
    assert made.status_code == 201, made.text
    reply = await api.as_user("county.supervisor", "GET", f"/reports/{made.json()['id']}.xlsx")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(reply.content))["逾期隐患"]
    cell = sheet.cell(row=2, column=2)
    assert cell.value == EVIL and cell.data_type == "s" and cell.quotePrefix


async def test_a_county_sees_its_own_reports_only(api: Api) -> None:
    city = (await api.as_user("city.supervisor", "POST", "/reports", json={"kind": "monthly", "region_code": "371700", **PERIOD})).json()
    county = await api.as_user("county.supervisor", "POST", "/reports", json={"kind": "monthly", "region_code": "371702", **PERIOD})
    assert county.status_code == 201, county.text
    listed = (await api.as_user("county.supervisor", "GET", "/reports")).json()
    assert [i["region_code"] for i in listed["items"]] == ["371702"]
    _refusal(await api.as_user("county.supervisor", "GET", f"/reports/{city['id']}"), 404, "not_found")
    _refusal(await api.as_user("county.supervisor", "GET", "/reports", params={"region_code": "371700"}), 403, "outside_jurisdiction", "region_code")


async def test_report_refusals_name_the_field(api: Api) -> None:
    body = {"kind": "monthly", "region_code": "371700", **PERIOD}
    _refusal(await api.as_user("county.supervisor", "POST", "/reports", json=body), 403, "outside_jurisdiction", "region_code")
    _refusal(await api.as_user("inspector", "POST", "/reports", json={**body, "region_code": "371702"}), 403, "role_not_allowed")
    _refusal(await api.as_user("enterprise.a", "GET", "/reports"), 403, "role_not_allowed")
    _refusal(await api.as_user("city.supervisor", "POST", "/reports", json={**body, "kind": "hourly"}), 422, "invalid_input", "kind")
    late = {**body, "period_start": "2026-03-31", "period_end": "2026-03-01"}
    reply = await api.as_user("city.supervisor", "POST", "/reports", json=late)
    _refusal(reply, 422, "invalid_input", "period_end")
    assert reply.json()["detail"]["errors"][0]["code"] == "period_order"
    _refusal(await api.as_user("city.supervisor", "POST", "/reports", json={**body, "period_start": "2026-13-01"}), 422, "invalid_input", "period_start")
    _refusal(await api.as_user("city.supervisor", "POST", "/reports", json={**body, "region_code": "999999"}), 422, "unknown_region", "region_code")
    _refusal(await api.as_user("city.supervisor", "GET", "/reports", params={"kind": "hourly"}), 422, "invalid_input", "kind")
    _refusal(await api.as_user("city.supervisor", "GET", "/reports/RP-none"), 404, "not_found")


async def test_figures_and_ranking_refusals(api: Api) -> None:
    _refusal(await api.as_user("city.supervisor", "GET", "/metrics", params={"group_by": "weather"}), 422, "invalid_input", "group_by")
    _refusal(await api.as_user("county.supervisor", "GET", "/metrics", params={"region_code": "371700"}), 403, "outside_jurisdiction", "region_code")
    _refusal(await api.as_user("city.supervisor", "GET", "/metrics", params={"period_start": "2026-02-30"}), 422, "invalid_input", "period_start")
    _refusal(await api.as_user("city.supervisor", "GET", "/metrics", params={"period_start": "2026-03-31", "period_end": "2026-03-01"}),
             422, "period_order", "period_end")
    _refusal(await api.as_user("enterprise.a", "GET", "/rankings"), 403, "role_not_allowed")
    _refusal(await api.as_user("county.supervisor", "GET", "/rankings", params={"region_code": "371700"}), 403, "outside_jurisdiction", "region_code")
    _refusal(await api.as_user("admin", "GET", "/rankings"), 422, "region_required", "region_code")
    for group_by in ("region", "industry", "level", "source"):
        reply = await api.as_user("city.supervisor", "GET", "/metrics", params={"group_by": group_by, **PERIOD})
        assert reply.status_code == 200 and sum(g["found"] for g in reply.json()["groups"]) == reply.json()["total"]["found"]
        field = {"region": "region_code"}.get(group_by, group_by)
        assert all(g[field] == g["key"] for g in reply.json()["groups"])
    assert (await api.http.get("/metrics")).status_code == 200  # the Prometheus text at the root is still there


async def test_a_circular_names_the_overdue_enterprise_and_notifies_it(api: Api) -> None:
    body = {"region_code": "371700", **PERIOD}
    _refusal(await api.as_user("admin", "POST", "/circulars", json=body), 403, "role_not_allowed")
    _refusal(await api.as_user("county.supervisor", "POST", "/circulars", json=body), 403, "outside_jurisdiction", "region_code")
    _refusal(await api.as_user("city.supervisor", "POST", "/circulars", json={**body, "period_end": "1899-01-01"}), 422, "invalid_input", "period_end")
    made = await api.as_user("city.supervisor", "POST", "/circulars", json=body)
    assert made.status_code == 201, made.text
    circular = made.json()
    assert circular["status"] == "draft" and [d["status"] for d in circular["documents"]] == ["draft"]
    assert [e["uscc"] for e in circular["enterprises"]] == ["91371702MA3C4G0R29"]
    assert [r["region_code"] for r in circular["lagging_jurisdictions"]] == ["371702"]
    repeated = await api.as_user("city.supervisor", "POST", "/circulars", json=body)
    assert repeated.status_code == 201 and repeated.json()["id"] == circular["id"] and repeated.headers["X-Duban-Existing"] == "true"
    listed = (await api.as_user("county.supervisor", "GET", "/circulars")).json()
    assert listed["total"] == 0  # the city's circular is not the county's to list
    assert (await api.as_user("city.supervisor", "GET", "/circulars")).json()["items"][0]["id"] == circular["id"]
    assert (await api.as_user("auditor", "GET", f"/circulars/{circular['id']}")).json()["document_hash"] == circular["document_hash"]
    inbox = (await api.as_user("enterprise.a", "GET", "/notifications")).json()["items"]
    assert not [n for n in inbox if n["kind"] == "circular"]  # a draft is sent to nobody
    owed = (await api.as_user("city.leader", "GET", "/tasks")).json()["items"]
    assert [(t["action"], t["process"]) for t in owed if t["circular_id"] == circular["id"]] == [("sign", "circular")]
    signed = await sign_circular(api, circular)
    owed = (await api.as_user("city.leader", "GET", "/tasks")).json()["items"]
    assert not [t for t in owed if t["circular_id"] == circular["id"]]
    after = (await api.as_user("auditor", "GET", f"/circulars/{circular['id']}")).json()
    assert (after["status"], after["document_hash"], after["signed_by"]) == ("issued", signed["sha256"], signed["signed_by"])
    inbox = (await api.as_user("enterprise.a", "GET", "/notifications")).json()["items"]
    assert [(n["kind"], n["document_hash"]) for n in inbox if n["kind"] == "circular"] == [("circular", signed["sha256"])]
    sign_again = await api.as_user("city.leader", "POST", f"/documents/{signed['id']}/actions/sign", json={})
    _refusal(sign_again, 409, "already_signed")
    county_inbox = (await api.as_user("county.supervisor", "GET", "/notifications")).json()["items"]
    assert any(n["kind"] == "circular" for n in county_inbox)  # 牡丹区 is at the bottom of the ranking


USERS = ("inspector", "county.supervisor", "county2.supervisor", "city.supervisor", "enterprise.a", "enterprise.b",
         "auditor", "admin", "wb.officer")
# For 371702 (牡丹区), from docs/domain.md §2: a supervisor of the jurisdiction (or one above it) or
# an admin runs a report; a supervisor of an authority issues a circular; staff of the jurisdiction read.
MAY_RUN = {"county.supervisor", "city.supervisor", "admin"}
MAY_ISSUE = {"county.supervisor", "city.supervisor"}
MAY_READ = {"inspector", "county.supervisor", "city.supervisor", "auditor", "admin", "wb.officer"}  # staff holding 371702


OUTSIDE = {"county2.supervisor"}  # a role that may, of another jurisdiction: refused for the region, not the role


def _answers(reply: Any, user: str, allowed: set[str], success: int) -> None:
    """Exactly `success` for a user allowed; else exactly 403, for the region or for the role (never a 500)."""
    if user in allowed:
        assert reply.status_code == success, (user, reply.text)
    elif user in OUTSIDE:
        _refusal(reply, 403, "outside_jurisdiction", "region_code")
    else:
        _refusal(reply, 403, "role_not_allowed")


async def test_each_role_may_do_exactly_its_part(api: Api) -> None:
    period = {"period_start": "2026-03-01", "period_end": "2026-03-31"}
    for user in USERS:
        ran = await api.as_user(user, "POST", "/reports", json={"kind": "annual", "region_code": "371702", **period})
        _answers(ran, user, MAY_RUN, 201)
        issued = await api.as_user(user, "POST", "/circulars", json={"region_code": "371702", **period})
        _answers(issued, user, MAY_ISSUE, 201)
        read = await api.as_user(user, "GET", "/metrics", params={"region_code": "371702", **period})
        _answers(read, user, MAY_READ, 200)


async def sign_circular(api: Api, circular: dict[str, Any]) -> dict[str, Any]:
    """A leader of the circular's region signs its draft: only a leader, only of that region."""
    path = f"/documents/{circular['documents'][0]['id']}/actions/sign"
    _refusal(await api.as_user("city.supervisor", "POST", path, json={}), 403, "not_a_leader")
    signed = await api.as_user("city.leader", "POST", path, json={})
    assert signed.status_code == 200, signed.text
    answer: dict[str, Any] = signed.json()
    assert answer["status"] == "issued" and answer["signed_by"] and answer["sha256"] != circular["document_hash"]
    return answer


async def test_a_circulars_document_is_for_its_readers_and_whom_it_names(api: Api) -> None:
    made = (await api.as_user("city.supervisor", "POST", "/circulars", json={"region_code": "371700", **PERIOD})).json()
    signed = await sign_circular(api, made)
    path = f"/documents/{signed['sha256']}"
    named = await api.as_user("enterprise.a", "GET", path)
    assert named.status_code == 200 and named.headers["X-Content-SHA256"] == signed["sha256"]
    assert named.headers["content-type"] == "application/pdf"  # an official document, its text read back
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(named.content)).pages).replace("\n", "")
    assert "通报" in text and "菏泽市安全生产委员会办公室" in text and made["id"] in text and "李主任" in text  # the signer
    assert (await api.as_user("auditor", "GET", path)).status_code == 200
    _refusal(await api.as_user("enterprise.b", "GET", path), 404, "not_found")
    _refusal(await api.as_user("county2.supervisor", "GET", path), 404, "not_found")


async def test_a_circular_the_cadence_drafted_gets_its_sign_off_from_the_outbox_and_is_then_signed(api: Api) -> None:
    assert DEFAULT_POLICY.reports is not None
    profile = DEFAULT_POLICY.model_copy(update={"reports": DEFAULT_POLICY.reports.model_copy(update={"monthly_circular": True})})
    run = CadenceRun(kind=ReportKind.MONTHLY, due=datetime.now(UTC))
    await asyncio.to_thread(ReportActivities(api.app.state.engine, profile).run_periodic_reports, run)
    drafts = (await api.as_user("city.supervisor", "GET", "/circulars", params={"region_code": "371700"})).json()["items"]
    (circular,) = drafts
    assert circular["status"] == "draft" and circular["issued_by"]  # drafted by the schedule, nobody told yet
    started = await api.app.state.outbox.signoffs()
    assert started >= 1 and await api.app.state.outbox.signoffs() == 0  # each draft's sign-off started once
    signed = await sign_circular(api, circular)
    assert (await api.as_user("auditor", "GET", f"/circulars/{circular['id']}")).json()["signed_by"] == signed["signed_by"]


async def test_the_typed_answers_are_what_the_services_write(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """A report, a circular, their lists, the figures and the ranking answer through their response models the
    very bytes the services' documents make: the same fields, nesting, order and values."""
    written: list[Any] = []
    for module, name in ((reports, "full"), (reports, "list_reports"), (reports, "figures"), (reports, "rankings"),
                         (circulars, "full"), (circulars, "list_circulars")):
        monkeypatch.setattr(module, name, _recorded(getattr(module, name), written))

    async def same(method: str, path: str, **kwargs: Any) -> Any:
        written.clear()
        reply = await api.as_user("city.supervisor", method, path, **kwargs)
        assert reply.status_code in (200, 201), reply.text
        (document,) = written
        assert reply.content == json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        return reply.json()

    report = await same("POST", "/reports", json={"kind": "monthly", "region_code": "371700", **PERIOD})
    assert report["by_region"] and report["overdue_hazards"] and report["ranking"][0]["terms"]
    await same("GET", f"/reports/{report['id']}")
    await same("GET", "/reports")
    for group_by in ("region", "industry", "level", "source"):
        await same("GET", "/metrics", params={"group_by": group_by, **PERIOD})
    await same("GET", "/rankings", params=PERIOD)
    circular = await same("POST", "/circulars", json={"region_code": "371700", **PERIOD})
    assert circular["enterprises"] and circular["lagging_jurisdictions"] and circular["documents"]
    await same("GET", f"/circulars/{circular['id']}")
    await same("GET", "/circulars")
    await sign_circular(api, circular)
    assert (await same("GET", f"/circulars/{circular['id']}"))["signed_at"]


def _recorded(function: Any, written: list[Any]) -> Any:
    def recorded(*args: Any, **kwargs: Any) -> Any:
        answer = function(*args, **kwargs)
        written.append(answer)
        return answer
    return recorded
