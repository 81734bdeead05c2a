"""Inspection tours (巡查) through the real API, a real worker and a Temporal dev server: creation and its
refusals (team, 回避, targets), findings (a hazard finding becomes a hazard with source `inspection_tour`, listed
only by the organizing committee), clue transfers, every step's refusals, and the coverage table."""

import re
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.api_helpers import Api, in_days
from tests.eventually import assert_eventually_async
from tests.tour_helpers import TEAM


def tour_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "2026年第四季度安全生产巡查", "kind": "comprehensive", "targets": [{"region_code": "371702"}],
        "starts_on": in_days(0), "ends_on": in_days(10), "team": TEAM,
    }
    body.update(overrides)
    return body


async def create(api: Api, username: str = "city.supervisor", **overrides: Any) -> Any:
    return await api.as_user(username, "POST", "/tours", json=tour_body(**overrides))


async def inspecting(api: Api) -> str:
    """A tour that started today: stationed at 00:00, so inspecting at once."""
    reply = await create(api)
    assert reply.status_code == 201, reply.text
    tour_id = reply.json()["id"]

    async def stationed() -> None:
        tour = (await api.as_user("city.supervisor", "GET", f"/tours/{tour_id}")).json()
        assert tour["status"] == "inspecting", tour["status"]

    await assert_eventually_async(stationed)
    return tour_id


async def act(api: Api, username: str, tour_id: str, action: str, body: dict[str, Any]) -> Any:
    return await api.as_user(username, "POST", f"/tours/{tour_id}/actions/{action}", json=body)


def refused(reply: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    detail = reply.json()["detail"]
    if detail["code"] == "invalid_input" and code != "invalid_input":  # a body model's own check
        assert detail["errors"][0]["code"] == code, detail
    else:
        assert detail["code"] == code, detail
    if field is not None:
        assert detail["field"] == field, detail
    assert detail["message_zh"] and detail["message_en"]
    return detail  # type: ignore[no-any-return]


async def test_a_committee_supervisor_creates_a_tour_with_its_plan_team_and_timeline(api: Api) -> None:
    reply = await create(api, starts_on=in_days(3), ends_on=in_days(12))
    assert reply.status_code == 201, reply.text
    tour = reply.json()
    assert re.fullmatch(r"TR-371700-\d{4}-\d{3}", tour["id"])
    assert tour["status"] == "planned" and tour["kind"] == "comprehensive"
    assert [t["region_code"] for t in tour["targets"]] == ["371702"] and tour["targets"][0]["name"] == "牡丹区"
    assert [m["username"] for m in tour["team"]] == [m["username"] for m in TEAM]
    assert {m["avoidance"] for m in tour["team"]} == {"ok"}
    assert len(tour["focus"]) == 8  # the seed's eight inspection contents by default
    assert tour["findings"] == [] and tour["deadlines"]["rectification_due"] == {}
    expected = (await api.as_user("city.supervisor", "GET", "/calendar/deadline", params={"start": in_days(12), "working_days": 15})).json()
    assert tour["deadlines"]["report_due"] == expected["deadline"]  # the 15th working day after the end, from the plan
    assert [e["action"] for e in tour["timeline"]] == ["plan"]
    listed = (await api.as_user("city.supervisor", "GET", "/tours")).json()
    assert tour["id"] in [t["id"] for t in listed]
    assert tour["id"] in [t["id"] for t in (await api.as_user("county.supervisor", "GET", "/tours")).json()]
    assert tour["id"] not in [t["id"] for t in (await api.as_user("county2.supervisor", "GET", "/tours")).json()]
    notified = (await api.as_user("county.supervisor", "GET", "/notifications")).json()["items"]
    assert any(n["tour_id"] == tour["id"] for n in notified)  # the target is told in advance


@pytest.mark.parametrize(
    ("team", "code", "field", "person"),
    [
        (TEAM[:5], "team_too_small", "team", None),
        ([{**TEAM[0]}, {**TEAM[1]}, *TEAM[2:5], {"username": "city.leader", "role": "leader"}], "team_needs_one_leader", "team", None),
        ([TEAM[0], {"username": "tour.deputy", "role": "member"}, *TEAM[2:]], "team_needs_deputy", "team", None),
        ([*TEAM[:5], {"username": "nobody.here", "role": "expert"}], "unknown_user", "team.5.username", "nobody.here"),
        ([*TEAM[:5], {"username": "enterprise.a", "role": "expert"}], "team_member_not_staff", "team.5.username", "enterprise.a"),
        ([*TEAM[:5], {"username": "admin", "role": "expert"}], "team_member_not_staff", "team.5.username", "admin"),
        ([*TEAM[:5], {"username": "tour.m1", "role": "member"}], "team_member_twice", "team.5.username", "tour.m1"),
        # 地域回避: the 牡丹区 inspector may not tour 牡丹区
        ([*TEAM[:5], {"username": "inspector", "role": "member"}], "avoidance_region", "team.5.username", "inspector"),
    ],
)
async def test_a_tour_with_a_bad_team_is_refused_naming_the_field_and_the_person(
    api: Api, team: list[dict[str, str]], code: str, field: str, person: str | None
) -> None:
    detail = refused(await create(api, team=team), 422, code, field)
    if person is not None:
        assert person in detail["message_zh"] and person in detail["message_en"]


async def test_unit_avoidance_refuses_a_member_touring_the_department_they_work_for(api: Api) -> None:
    targets = [{"department": "菏泽市住房和城乡建设局", "region_code": "371700"}]
    detail = refused(await create(api, targets=targets), 422, "avoidance_unit", "team.2.username")
    assert "tour.m1" in detail["message_zh"] and "任职回避" in detail["message_zh"]
    other = [{"department": "菏泽市水务局", "region_code": "371700"}]
    assert (await create(api, targets=other)).status_code == 201


async def test_creation_is_refused_to_the_wrong_person_and_outside_the_organizers_subtree(api: Api) -> None:
    refused(await create(api, "inspector"), 403, "role_not_allowed")
    refused(await create(api, "county.supervisor", targets=[{"region_code": "371721"}]), 403, "target_outside_organizer", "targets.0.region_code")
    refused(await create(api, targets=[{"region_code": "371700"}]), 403, "target_outside_organizer")
    refused(await create(api, targets=[{"region_code": "999999"}]), 422, "unknown_region", "targets.0.region_code")
    refused(await create(api, starts_on=in_days(5), ends_on=in_days(1)), 422, "ends_before_start", "ends_on")
    refused(await create(api, kind="weekly"), 422, "invalid_input")


async def test_findings_clues_and_a_hazard_finding_that_only_the_organizing_committee_lists(api: Api) -> None:
    tour_id = await inspecting(api)
    problem = await act(api, "tour.m2", tour_id, "record-finding", {"target": "371702", "kind": "problem", "description": "安全培训台账不全"})
    assert problem.status_code == 200, problem.text
    clue = await act(api, "tour.m2", tour_id, "record-finding", {"target": "371702", "kind": "clue", "description": "涉嫌瞒报事故"})
    assert [f["id"] for f in clue.json()["findings"]] == ["F1", "F2"]
    refused(await act(api, "tour.m2", tour_id, "transfer-clue", {"finding": "F1", "to": "市纪委监委"}), 422, "not_a_clue", "finding")
    refused(await act(api, "tour.m2", tour_id, "transfer-clue", {"finding": "F9", "to": "市纪委监委"}), 422, "unknown_finding", "finding")
    moved = await act(api, "tour.m2", tour_id, "transfer-clue", {"finding": "F2", "to": "市纪委监委"})
    assert moved.json()["findings"][1]["transferred_to"] == "市纪委监委"
    refused(await act(api, "tour.m2", tour_id, "transfer-clue", {"finding": "F2", "to": "市纪委监委"}), 409, "clue_already_transferred")
    hazard = {"title": "储罐区防火堤破损", "enterprise_uscc": "91371702MA3C4G0R29", "region_code": "371702", "industry": "危险化学品"}
    found = await act(api, "tour.m3", tour_id, "record-finding", {"target": "371702", "kind": "hazard", "description": "防火堤破损", "hazard": hazard})
    assert found.status_code == 200, found.text
    code = found.json()["findings"][2]["hazard_code"]
    assert code and code.startswith("HZ-371702-")

    async def listed_with_its_tour() -> None:
        items = (await api.as_user("city.supervisor", "GET", "/hazards", params={"source": "inspection_tour"})).json()["items"]
        assert [(h["code"], h["source"], h["tour_id"]) for h in items if h["code"] == code] == [(code, "inspection_tour", tour_id)]

    await assert_eventually_async(listed_with_its_tour)
    assert (await api.act("county.supervisor", code, "assess", {"level": "major", "basis": "GB 50160 6.2"})).status_code == 200
    listing = {"authority_level": "county", "deadline": in_days(30)}
    refused(await api.act("county.supervisor", code, "list", listing), 403, "tour_hazard_listing")
    assert (await api.act("city.supervisor", code, "list", {**listing, "authority_level": "city"})).status_code == 200
    assert code in (await api.as_user("city.supervisor", "GET", f"/tours/{tour_id}")).json()["hazards"]


async def test_every_step_refuses_the_wrong_person_state_and_body(api: Api) -> None:
    tour_id = await inspecting(api)
    finding = {"target": "371702", "kind": "problem", "description": "x"}
    refused(await act(api, "city.supervisor", tour_id, "record-finding", finding), 403, "not_team_member")
    refused(await act(api, "enterprise.a", tour_id, "record-finding", finding), 403, "outside_jurisdiction")
    refused(await act(api, "tour.m1", tour_id, "record-finding", {**finding, "target": "371721"}), 422, "unknown_target", "target")
    refused(await act(api, "tour.m1", tour_id, "record-finding", {**finding, "kind": "hazard"}), 422, "hazard_fields_required", "hazard")
    elsewhere = {"title": "t", "enterprise_uscc": "91371721MA3D8J7K5L", "region_code": "371721", "industry": "工贸"}
    refused(await act(api, "tour.m1", tour_id, "record-finding", {**finding, "kind": "hazard", "hazard": elsewhere}), 422, "hazard_outside_target", "hazard.region_code")
    unknown = {**elsewhere, "enterprise_uscc": "91371702MA3C4G0R2X", "region_code": "371702"}
    refused(await act(api, "tour.m1", tour_id, "record-finding", {**finding, "kind": "hazard", "hazard": unknown}), 422, "unknown_enterprise", "hazard.enterprise_uscc")
    refused(await act(api, "tour.lead", tour_id, "submit-report", {"summary": "s", "proposals": "p"}), 409, "wrong_state")
    refused(await act(api, "city.supervisor", tour_id, "approve-report", {"comment": ""}), 403, "role_not_allowed")
    refused(await act(api, "city.leader", tour_id, "approve-report", {"comment": ""}), 409, "wrong_state")
    refused(await act(api, "city.supervisor", tour_id, "deliver-feedback", {"comment": ""}), 409, "wrong_state")
    refused(await act(api, "county.supervisor", tour_id, "submit-rectification-report", {"target": "371702", "summary": "s"}), 409, "wrong_state")
    refused(await act(api, "city.supervisor", tour_id, "accept-rectification", {"target": "371702"}), 409, "wrong_state")
    refused(await act(api, "city.supervisor", tour_id, "reject-rectification", {"target": "371702"}), 422, "rectification_reject_needs_comment", "comment")
    refused(await act(api, "city.supervisor", tour_id, "publish", {"comment": ""}), 409, "wrong_state")
    refused(await act(api, "county.supervisor", tour_id, "change-team", {"team": TEAM}), 403, "not_organizer")
    refused(await act(api, "city.supervisor", tour_id, "no-such-step", {}), 404, "unknown_action")
    refused(await api.as_user("county2.supervisor", "GET", f"/tours/{tour_id}"), 403, "outside_jurisdiction")
    refused(await api.as_user("city.supervisor", "GET", "/tours/TR-371700-1999-001"), 404, "not_found")


async def test_a_team_change_is_checked_for_avoidance_and_recorded(api: Api) -> None:
    tour_id = await inspecting(api)
    with_local = [*TEAM[:5], {"username": "inspector", "role": "member"}]
    detail = refused(await act(api, "city.supervisor", tour_id, "change-team", {"team": with_local}), 422, "avoidance_region", "team.5.username")
    assert "inspector" in detail["message_zh"]
    refused(await act(api, "city.supervisor", tour_id, "change-team", {"team": TEAM[:4]}), 422, "team_too_small", "team")
    swapped = [*TEAM[:5], {"username": "city.leader", "role": "expert"}]
    changed = await act(api, "city.supervisor", tour_id, "change-team", {"team": swapped})
    assert changed.status_code == 200 and changed.json()["team"][-1]["username"] == "city.leader"
    assert changed.json()["timeline"][-1]["action"] == "change-team"


async def test_coverage_shows_each_county_with_its_last_comprehensive_tour_and_whether_it_is_in_the_cycle(api: Api) -> None:
    before = (await api.as_user("city.supervisor", "GET", "/tours/coverage", params={"region_code": "371700"})).json()
    assert {c["region_code"]: c["within_cycle"] for c in before} == {"371702": False, "371721": False}
    assert (await create(api)).status_code == 201
    assert (await create(api, kind="special", targets=[{"region_code": "371721"}])).status_code == 201
    after = (await api.as_user("city.supervisor", "GET", "/tours/coverage", params={"region_code": "371700"})).json()
    rows = {c["region_code"]: c for c in after}
    assert rows["371702"]["within_cycle"] and rows["371702"]["last_toured_on"] == in_days(10)
    assert rows["371702"]["cycle_years"] == 2
    assert not rows["371721"]["within_cycle"]  # a special tour does not count...
    assert rows["371721"]["special_this_year"] and not rows["371702"]["special_this_year"]  # ...but spares this year
    refused(await api.as_user("county.supervisor", "GET", "/tours/coverage", params={"region_code": "371700"}), 403, "outside_jurisdiction")


async def test_a_tip_carrying_the_tours_id_goes_to_the_team_s_screening(api: Api) -> None:
    tour_id = await inspecting(api)
    announcement = (await api.as_user("city.supervisor", "GET", f"/tours/{tour_id}")).json()["announcement"]
    assert tour_id in announcement and "12350" in announcement
    tip = {"description": "某单位安全培训走过场", "location": "牡丹区", "tour_id": tour_id, "region_code": "371702"}
    filed = await api.http.post("/api/v1/public/reports", json=tip)
    assert filed.status_code == 201, filed.text
    listed = (await api.as_user("tour.m1", "GET", "/whistleblower/reports", params={"tour_id": tour_id})).json()
    assert [(r["tour_id"], r["description"], r["region_code"]) for r in listed] == [(tour_id, tip["description"], "371702")]
    tip_id = listed[0]["id"]
    for user in ("county.supervisor", "inspector"):  # the inspected county neither lists, screens nor opens it
        assert tip_id not in [r["id"] for r in (await api.as_user(user, "GET", "/whistleblower/reports")).json()]
    rejected = await api.as_user("inspector", "POST", f"/whistleblower/reports/{tip_id}/screen",
                                 json={"decision": "reject", "public_outcome": "经核查不属实"})
    assert rejected.status_code == 404
    screened = await api.as_user("tour.m1", "POST", f"/whistleblower/reports/{tip_id}/screen",
                                 json={"decision": "reject", "public_outcome": "已转交有关部门核查"})
    assert screened.status_code == 200 and screened.json()["status"] == "rejected"
    unknown = await api.http.post("/api/v1/public/reports", json={**tip, "tour_id": "TR-371700-1999-001"})
    refused(unknown, 422, "unknown_tour", "tour_id")


async def test_a_tour_from_report_to_publication_with_a_rejected_rectification_and_its_interview(
    api: Api, dev_env: WorkflowEnvironment
) -> None:
    from tests.tour_helpers import past_tour

    tour_id = await past_tour(api, dev_env)
    reporting = (await api.as_user("city.supervisor", "GET", f"/tours/{tour_id}")).json()
    assert [d["name"] for d in reporting["deadlines"]["items"]] == ["report"] and not reporting["deadlines"]["report_lapsed"]
    report = {"summary": "总体情况", "proposals": "加强隐患排查治理"}
    refused(await act(api, "tour.m1", tour_id, "submit-report", report), 403, "not_team_leader")
    submitted = await act(api, "tour.lead", tour_id, "submit-report", report)
    assert submitted.status_code == 200 and submitted.json()["status"] == "report_submitted"
    report_hash = submitted.json()["report"]["document_hash"]
    draft_for_target = await api.as_user("county.supervisor", "GET", f"/documents/{report_hash}")
    assert draft_for_target.status_code == 404  # the inspected never read the report before it is approved
    pdf = await api.as_user("city.supervisor", "GET", f"/documents/{report_hash}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    letter = await api.as_user("city.supervisor", "GET", f"/documents/{report_hash}", params={"format": "html"})
    assert letter.status_code == 200 and "加强隐患排查治理" in letter.text
    (draft,) = submitted.json()["documents"]
    assert (draft["kind"], draft["status"], draft["signed_by"], draft["sha256"]) == ("tour_report", "draft", None, report_hash)
    owed = (await api.as_user("city.leader", "GET", "/tasks")).json()["items"]
    assert ("sign", tour_id) in [(t["action"], t["tour_id"]) for t in owed]  # the leader's task: sign the report
    assert (await act(api, "city.leader", tour_id, "approve-report", {"comment": "同意"})).json()["status"] == "report_approved"
    fed = (await act(api, "city.supervisor", tour_id, "deliver-feedback", {"comment": ""})).json()
    assert fed["status"] == "rectifying" and fed["deadlines"]["rectification_due"]["371702"] == fed["targets"][0]["rectification_due"]
    assert [d["kind"] for d in fed["documents"]] == ["tour_report", "tour_feedback"]
    assert any(e["action"] == "deliver-feedback" for e in fed["timeline"])
    tasks = (await api.as_user("county.supervisor", "GET", "/tasks")).json()["items"]
    assert ("submit-rectification-report", tour_id) in [(t["action"], t["tour_id"]) for t in tasks]

    body = {"target": "371702", "summary": "已整改"}
    refused(await act(api, "city.supervisor", tour_id, "submit-rectification-report", body), 403, "not_target_authority")
    refused(await act(api, "city.supervisor", tour_id, "accept-rectification", {"target": "371702"}), 409, "target_wrong_state", "target")
    refused(await act(api, "county.supervisor", tour_id, "submit-rectification-report", {**body, "target": "371721"}), 422, "unknown_target", "target")
    assert (await act(api, "county.supervisor", tour_id, "submit-rectification-report", body)).status_code == 200
    refused(await act(api, "county.supervisor", tour_id, "submit-rectification-report", body), 409, "target_wrong_state")
    rejected = (await act(api, "city.supervisor", tour_id, "reject-rectification", {"target": "371702", "comment": "整改不到位"})).json()
    (interview_id,) = rejected["targets"][0]["interviews"]

    async def interview_visible() -> None:
        interview = (await api.as_user("county.supervisor", "GET", f"/interviews/{interview_id}")).json()
        assert interview["tour_id"] == tour_id and interview["interviewee"] == "牡丹区主要负责人"
        assert interview["conducting_authority_code"] == "371700"

    await assert_eventually_async(interview_visible)
    assert (await act(api, "county.supervisor", tour_id, "submit-rectification-report", body)).status_code == 200
    accepted = (await act(api, "city.supervisor", tour_id, "accept-rectification", {"target": "371702"})).json()
    assert accepted["status"] == "rectified" and accepted["targets"][0]["status"] == "accepted"
    refused(await act(api, "city.leader", tour_id, "publish", {"comment": "向社会公开"}), 409, "document_not_signed")
    signed = await api.as_user("city.leader", "POST", f"/documents/{draft['id']}/actions/sign", json={})
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "issued" and signed.json()["signed_by"] and signed.json()["sha256"] != report_hash
    after = (await api.as_user("city.supervisor", "GET", f"/tours/{tour_id}")).json()
    assert after["report"]["document_hash"] == signed.json()["sha256"] and after["documents"][0]["status"] == "issued"
    assert any(e["action"] == "sign" for e in after["timeline"])
    owed = (await api.as_user("city.leader", "GET", "/tasks")).json()["items"]
    assert ("sign", tour_id) not in [(t["action"], t["tour_id"]) for t in owed]
    closed = (await act(api, "city.leader", tour_id, "publish", {"comment": "向社会公开"})).json()
    assert closed["status"] == "closed" and closed["published_at"]
    refused(await act(api, "city.supervisor", tour_id, "publish", {"comment": ""}), 409, "wrong_state")


async def test_an_inspected_county_reads_only_what_is_addressed_to_it(api: Api) -> None:
    reply = await create(api, targets=[{"region_code": "371702"}, {"region_code": "371721"}])
    assert reply.status_code == 201, reply.text
    tour_id = reply.json()["id"]

    async def stationed() -> None:
        assert (await api.as_user("city.supervisor", "GET", f"/tours/{tour_id}")).json()["status"] == "inspecting"

    await assert_eventually_async(stationed)
    for target, kind, words in (("371702", "problem", "安全培训台账不全"), ("371702", "clue", "涉嫌瞒报事故"),
                                ("371721", "problem", "应急预案未演练")):
        recorded = await act(api, "tour.m2", tour_id, "record-finding", {"target": target, "kind": kind, "description": words})
        assert recorded.status_code == 200, recorded.text
    assert (await act(api, "tour.m2", tour_id, "transfer-clue", {"finding": "F2", "to": "市纪委监委"})).status_code == 200

    for user in ("county.supervisor", "inspector"):  # the inspected county's supervisor and inspector
        seen = (await api.as_user(user, "GET", f"/tours/{tour_id}")).json()
        assert [f["description"] for f in seen["findings"]] == ["安全培训台账不全"], user
        assert all(f["by"]["username"] == "" for f in seen["findings"])
        assert "涉嫌瞒报事故" not in str(seen) and "市纪委监委" not in str(seen)
        assert {m["username"] for m in seen["team"]} == {""} and seen["report"] is None
        assert not {e["action"] for e in seen["timeline"]} & {"record-finding", "transfer-clue"}
    other = (await api.as_user("county2.supervisor", "GET", f"/tours/{tour_id}")).json()
    assert [f["description"] for f in other["findings"]] == ["应急预案未演练"]
    office = (await api.as_user("city.supervisor", "GET", f"/tours/{tour_id}")).json()
    assert [f["kind"] for f in office["findings"]] == ["problem", "clue", "problem"]
    assert office["findings"][1]["by"]["username"] == "tour.m2" and office["findings"][1]["transferred_to"] == "市纪委监委"
    colleague = (await api.as_user("tour.m3", "GET", f"/tours/{tour_id}")).json()
    assert colleague["findings"][1]["kind"] == "clue" and colleague["findings"][1]["by"]["username"] == ""
