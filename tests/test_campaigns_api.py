"""Campaigns (专项整治) through the real API, a real worker and a real Temporal dev server: launching, every refusal,
visibility, the actions, hazards tagged on intake and filtered, the live figures, the ledger and the import."""

import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from core.spreadsheet import append_row
from models.base import china_date
from services.campaign_ledger import HEADERS
from tests.api_helpers import Api

ENTERPRISE_A = "91371702MA3C4G0R29"  # 牡丹区 371702, 危险化学品
ENTERPRISE_B = "91371721MA3D8J7K5L"  # 曹县 371721, 工贸


def day(offset: int) -> str:
    return (china_date(datetime.now(UTC)) + timedelta(days=offset)).isoformat()


def campaign_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "危险化学品安全生产专项整治",
        "document_number": "菏安办〔2026〕3号",
        "region_code": "371702",
        "industries": [],
        "description": "按照省委、省政府部署开展专项整治",
        "phases": [
            {"kind": "investigate", "starts_on": day(0), "ends_on": day(20)},
            {"kind": "rectify", "starts_on": day(21), "ends_on": day(60)},
            {"kind": "evaluate", "starts_on": day(61), "ends_on": day(70)},
        ],
    }
    body.update(overrides)
    return body


async def launch(api: Api, username: str = "county.supervisor", **overrides: Any) -> dict[str, Any]:
    reply = await api.as_user(username, "POST", "/campaigns", json=campaign_body(**overrides))
    assert reply.status_code == 201, reply.text
    return reply.json()  # type: ignore[no-any-return]


async def test_a_supervisor_launches_a_campaign_that_is_active_from_its_first_phase(api: Api) -> None:
    campaign = await launch(api)
    year = date.fromisoformat(day(0)).year
    assert re.fullmatch(rf"CP-371702-{year}-\d{{3}}", campaign["id"]), campaign["id"]
    assert campaign["status"] == "active" and campaign["current_phase"] == "investigate"
    assert [p["status"] for p in campaign["phases"]] == ["active", "planned", "planned"]
    assert campaign["figures"] == {"found": 0, "major": 0, "rectified": 0, "rectification_rate": None, "on_time_rate": None,
                                   "listed": 0, "closed": 0, "overdue": 0}
    assert campaign["authority_code"] == "371702" and campaign["account"] is None
    assert set(campaign["allowed_actions"]) == {"amend-phase", "add-measure", "complete-measure", "cancel"}
    later = await launch(api, phases=[{"kind": "rectify", "starts_on": day(5), "ends_on": day(9)}])
    assert later["status"] == "planned" and later["current_phase"] is None and later["id"] != campaign["id"]
    read = await api.as_user("county.supervisor", "GET", f"/campaigns/{campaign['id']}")
    assert read.status_code == 200 and read.json()["timeline"][0]["action"] == "launch"


@pytest.mark.parametrize(
    "phases,field,code",
    [
        ([{"kind": "investigate", "starts_on": day(0), "ends_on": day(10)}, {"kind": "rectify", "starts_on": day(10), "ends_on": day(20)}],
         "phases.1.starts_on", "phases_overlap"),
        ([{"kind": "rectify", "starts_on": day(10), "ends_on": day(5)}], "phases.0.ends_on", "phase_ends_before_start"),
        ([{"kind": "investigate", "starts_on": day(0), "ends_on": day(10)}], "phases", "rectify_phase_required"),
        ([{"kind": "rectify", "starts_on": "2026-02-30", "ends_on": day(5)}], "phases.0.starts_on", "invalid_input"),
        ([{"kind": "rectify", "starts_on": "soon", "ends_on": day(5)}], "phases.0.starts_on", "invalid_input"),
        ([{"kind": "repair", "starts_on": day(0), "ends_on": day(5)}], "phases.0.kind", "invalid_input"),
    ],
    ids=["overlap", "end-before-start", "no-rectify", "no-such-day", "not-a-date", "unknown-kind"],
)
async def test_bad_phases_are_refused_naming_the_field(api: Api, phases: list[dict[str, str]], field: str, code: str) -> None:
    reply = await api.as_user("county.supervisor", "POST", "/campaigns", json=campaign_body(phases=phases))
    assert reply.status_code == 422, reply.text
    detail = reply.json()["detail"]
    assert detail["code"] == "invalid_input" and detail["field"] == field, detail
    assert detail["errors"][0]["code"] == code and detail["message_zh"] and detail["message_en"]


async def test_who_may_launch_and_where(api: Api) -> None:
    outside = await api.as_user("county.supervisor", "POST", "/campaigns", json=campaign_body(region_code="371721"))
    assert outside.status_code == 403 and outside.json()["detail"]["code"] == "outside_jurisdiction"
    assert outside.json()["detail"]["field"] == "region_code"
    for username in ("inspector", "enterprise.a", "auditor"):
        reply = await api.as_user(username, "POST", "/campaigns", json=campaign_body())
        assert reply.status_code == 403 and reply.json()["detail"]["code"] == "role_not_allowed", username
    unknown = await api.as_user("city.supervisor", "POST", "/campaigns", json=campaign_body(region_code="371799"))
    assert unknown.status_code == 422 and unknown.json()["detail"]["field"] == "region_code"
    city = await launch(api, "city.supervisor", region_code="371721")  # a city launches for one of its counties
    assert city["authority_code"] == "371700" and city["region_code"] == "371721"
    led = await launch(api, "county.leader")  # a leader of the authority may launch too
    assert led["authority_code"] == "371702"
    cancelled = await api.as_user("county.leader", "POST", f"/campaigns/{led['id']}/actions/cancel", json={"reason": "并入全市行动"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


async def test_the_list_shows_the_subtree_and_the_authorities_above(api: Api) -> None:
    county = await launch(api)
    city = await launch(api, "city.supervisor", region_code="371700")

    async def ids(username: str) -> set[str]:
        reply = await api.as_user(username, "GET", "/campaigns")
        assert reply.status_code == 200, reply.text
        assert reply.json()["total"] == len(reply.json()["items"])
        return {c["id"] for c in reply.json()["items"]}

    assert await ids("county.supervisor") == {county["id"], city["id"]}
    assert await ids("city.supervisor") == {county["id"], city["id"]}
    assert await ids("county2.supervisor") == {city["id"]}
    assert await ids("enterprise.a") == set()
    hidden = await api.as_user("county2.supervisor", "GET", f"/campaigns/{county['id']}")
    assert hidden.status_code == 403
    assert (await api.as_user("county.supervisor", "GET", "/campaigns/CP-000000-2026-999")).status_code == 404


async def test_the_actions_and_their_refusals(api: Api) -> None:
    campaign = await launch(api)
    cid = campaign["id"]

    async def act(username: str, action: str, body: dict[str, Any]) -> Any:
        return await api.as_user(username, "POST", f"/campaigns/{cid}/actions/{action}", json=body)

    amended = await act("county.supervisor", "amend-phase", {"kind": "rectify", "starts_on": day(25), "ends_on": day(58), "reason": "汛期顺延"})
    assert amended.status_code == 200, amended.text
    assert [p["ends_on"] for p in amended.json()["phases"]][1] == day(58)
    assert "汛期顺延" in amended.json()["timeline"][-1]["comment"]
    started = await act("county.supervisor", "amend-phase", {"kind": "investigate", "starts_on": day(1), "ends_on": day(22), "reason": "x"})
    assert started.status_code == 422 and started.json()["detail"]["code"] == "phase_started"
    overlap = await act("county.supervisor", "amend-phase", {"kind": "evaluate", "starts_on": day(50), "ends_on": day(70), "reason": "x"})
    assert overlap.status_code == 422 and overlap.json()["detail"]["code"] == "phases_overlap"
    missing = await act("county.supervisor", "amend-phase", {"kind": "mobilize", "starts_on": day(5), "ends_on": day(6), "reason": "x"})
    assert missing.status_code == 422 and missing.json()["detail"]["field"] == "kind"
    no_reason = await act("county.supervisor", "amend-phase", {"kind": "rectify", "starts_on": day(25), "ends_on": day(58), "reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["detail"]["field"] == "reason"
    city = await act("city.supervisor", "cancel", {"reason": "x"})
    assert city.status_code == 403 and city.json()["detail"]["code"] == "not_launching_authority"
    inspector = await act("inspector", "cancel", {"reason": "x"})
    assert inspector.status_code == 403 and inspector.json()["detail"]["code"] == "role_not_allowed"
    other = await act("county2.supervisor", "cancel", {"reason": "x"})
    assert other.status_code == 403

    added = await act("county.supervisor", "add-measure", {"title": "建立危险化学品隐患排查制度", "responsible_unit": "区应急局", "due_on": day(30)})
    assert added.status_code == 200 and added.json()["measures"][0]["id"] == 1
    late = await act("county.supervisor", "add-measure", {"title": "x", "responsible_unit": "y", "due_on": day(-1)})
    assert late.status_code == 422 and late.json()["detail"]["field"] == "due_on"
    unknown = await act("county.supervisor", "complete-measure", {"measure_id": 7})
    assert unknown.status_code == 422 and unknown.json()["detail"]["code"] == "measure_not_found"
    done = await act("county.supervisor", "complete-measure", {"measure_id": 1, "note": "已印发"})
    assert done.status_code == 200 and done.json()["measures"][0]["completed_at"]
    again = await act("county.supervisor", "complete-measure", {"measure_id": 1})
    assert again.status_code == 409 and again.json()["detail"]["code"] == "measure_done"

    assert (await api.as_user("county.supervisor", "GET", f"/campaigns/{cid}/account")).status_code == 404
    cancelled = await act("county.supervisor", "cancel", {"reason": "并入全市行动"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    twice = await act("county.supervisor", "cancel", {"reason": "again"})
    assert twice.status_code == 409
    assert (await act("county.supervisor", "no-such", {})).status_code == 404
    assert (await api.as_user("county.supervisor", "GET", f"/campaigns/{cid}/account")).status_code == 404


async def test_hazards_are_tagged_on_intake_filtered_and_counted(api: Api) -> None:
    campaign = await launch(api, region_code="371700", industries=["危险化学品"], username="city.supervisor")
    planned = await launch(api, phases=[{"kind": "rectify", "starts_on": day(5), "ends_on": day(9)}])
    cid = campaign["id"]
    tagged = await api.report("inspector", campaign_id=cid)
    assert tagged.status_code == 201, tagged.text
    assert tagged.json()["campaign_id"] == cid
    second = await api.report("county.supervisor", campaign_id=cid, title="储罐区未设置可燃气体报警")
    untagged = await api.report("inspector")
    assert second.status_code == 201 and untagged.status_code == 201

    for campaign_id, code in ((planned["id"], "campaign_not_active"), ("CP-000000-2026-999", "campaign_not_found")):
        reply = await api.report("inspector", campaign_id=campaign_id)
        assert reply.status_code == 422 and reply.json()["detail"]["code"] == code, reply.text
        assert reply.json()["detail"]["field"] == "campaign_id"
    industry = await api.report("inspector", campaign_id=cid, industry="工贸")
    assert industry.status_code == 422 and industry.json()["detail"]["code"] == "campaign_industry_mismatch"
    county = await launch(api)
    region = await api.report("city.supervisor", campaign_id=county["id"], region_code="371721", enterprise_uscc=ENTERPRISE_B, industry="工贸")
    assert region.status_code == 422 and region.json()["detail"]["code"] == "campaign_region_mismatch"

    listed = await api.as_user("city.supervisor", "GET", "/hazards", params={"campaign_id": cid})
    assert {h["code"] for h in listed.json()["items"]} == {tagged.json()["code"], second.json()["code"]}
    assert untagged.json()["campaign_id"] is None and {h["campaign_id"] for h in listed.json()["items"]} == {cid}
    code = second.json()["code"]
    assessed = await api.act("county.supervisor", code, "assess", {"level": "major", "basis": "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》第一条"})
    assert assessed.status_code == 200, assessed.text
    figures = (await api.as_user("city.supervisor", "GET", f"/campaigns/{cid}")).json()["figures"]
    assert figures["found"] == 2 and figures["major"] == 1 and figures["rectified"] == 0 and figures["rectification_rate"] == 0.0


def workbook(rows: list[dict[str, Any]], headers: tuple[str, ...] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    append_row(sheet, headers)
    for row in rows:
        append_row(sheet, [row.get(h) for h in headers])  # text as text, as the ledger writes it
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(title: str, **extra: Any) -> dict[str, Any]:
    return {"隐患名称": title, "统一社会信用代码": ENTERPRISE_A, "行政区划代码": "371702", "行业": "危险化学品",
            "发现日期": day(-1), "隐患描述": "导入", **extra}


async def test_import_dry_run_then_real_run_then_the_same_file_twice(api: Api) -> None:
    cid = (await launch(api))["id"]
    data = workbook([
        row("液氨储罐未设置紧急切断装置"),
        row("=HYPERLINK(\"http://evil\",\"点我\")"),
        row("企业不存在", **{"统一社会信用代码": "91371702MA3C4G0R30"}),
        row("日期不对", **{"发现日期": "明天"}),
        row("液氨储罐未设置紧急切断装置"),  # the same hazard twice in one file
        row("不在本区", **{"统一社会信用代码": ENTERPRISE_B, "行政区划代码": "371721", "行业": "工贸"}),
    ])

    async def upload(dry_run: bool, content: bytes = data) -> dict[str, Any]:
        files = {"file": ("list.xlsx", content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
        reply = await api.as_user("county.supervisor", "POST", f"/campaigns/{cid}/import", params={"dry_run": str(dry_run).lower()}, files=files)
        assert reply.status_code == 200, reply.text
        return reply.json()  # type: ignore[no-any-return]

    async def tagged() -> set[str]:
        reply = await api.as_user("county.supervisor", "GET", "/hazards", params={"campaign_id": cid, "page_size": 200})
        return {h["code"] for h in reply.json()["items"]}

    preview = await upload(True)
    assert [r["status"] for r in preview["rows"]] == ["valid", "valid", "refused", "refused", "existing", "refused"]
    assert preview["rows"][2]["detail"]["field"] == "enterprise_uscc"
    assert preview["rows"][3]["detail"]["field"].startswith("discovered_at")
    assert preview["rows"][5]["detail"]["code"] == "outside_jurisdiction"
    assert [r["row"] for r in preview["rows"]] == [2, 3, 4, 5, 6, 7]
    assert await tagged() == set(), "a dry run writes nothing"

    real = await upload(False)
    assert [r["status"] for r in real["rows"]] == ["created", "created", "refused", "refused", "existing", "refused"]
    assert real["created"] == 2 and real["refused"] == 3 and real["rows"][4]["code"] == real["rows"][0]["code"]
    codes = {r["code"] for r in real["rows"] if r["status"] == "created"}
    assert await tagged() == codes

    again = await upload(False)
    assert again["created"] == 0 and [r["status"] for r in again["rows"]][:2] == ["existing", "existing"]
    assert {r["code"] for r in again["rows"][:2]} == codes and await tagged() == codes

    ledger = await api.as_user("county.supervisor", "GET", f"/campaigns/{cid}/ledger.xlsx")
    assert ledger.status_code == 200 and ledger.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(ledger.content)).active
    assert tuple(c.value for c in sheet[1]) == HEADERS
    titles = {r[1].value: r[1] for r in sheet.iter_rows(min_row=2)}
    formula = titles["=HYPERLINK(\"http://evil\",\"点我\")"]
    assert formula.data_type == "s" and formula.quotePrefix, "a formula-looking title stays text"
    assert {r[0].value for r in sheet.iter_rows(min_row=2)} == codes
    back = await upload(False, ledger.content)  # the export imports back as nothing new
    assert [r["status"] for r in back["rows"]] == ["existing", "existing"]

    bad = await api.as_user("county.supervisor", "POST", f"/campaigns/{cid}/import", files={"file": ("x.xlsx", b"not a workbook", "application/octet-stream")})
    assert bad.status_code == 422 and bad.json()["detail"]["code"] == "not_a_workbook"
    auditor = await api.as_user("auditor", "POST", f"/campaigns/{cid}/import", files={"file": ("x.xlsx", b"not a workbook", "application/octet-stream")})
    assert auditor.status_code == 403 and auditor.json()["detail"]["code"] == "role_not_allowed"  # before the file is read
    missing = await api.as_user("county.supervisor", "POST", f"/campaigns/{cid}/import",
                                files={"file": ("x.xlsx", workbook([row("x")], headers=("隐患名称", "行业")), "application/octet-stream")})
    assert missing.status_code == 422 and missing.json()["detail"]["code"] == "missing_columns"
    outsider = await api.as_user("county2.supervisor", "POST", f"/campaigns/{cid}/import", files={"file": ("list.xlsx", data, "application/octet-stream")})
    assert outsider.status_code == 403
