"""Who sees what, who may do what, and how the lists are filtered: through the real API, a real worker
and a real Temporal dev server."""

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from tests.api_helpers import DEMO_PASSWORD, Api, hazard_body, in_days, pass_sign_in_wait

ENTERPRISE_A = "91371702MA3C4G0R29"  # 牡丹区 371702
ENTERPRISE_B = "91371721MA3D8J7K5L"  # 曹县 371721
IN_CAOXIAN = {
    "enterprise_uscc": ENTERPRISE_B,
    "region_code": "371721",
    "industry": "工贸",
    "location": "曹县开发区",
}
UNKNOWN_CODE = "HZ-371702-2001-999999"
PLAN = {
    "objectives": "加装挡鼠板",
    "measures": "采购安装",
    "funds_cny": 5000,
    "responsible_person": "王建国",
    "contingency_plan": "停用配电室",
}


async def report(api: Api, username: str = "inspector", **overrides: Any) -> str:
    reply = await api.report(username, **overrides)
    assert reply.status_code == 201, reply.text
    return reply.json()["code"]


async def act(
    api: Api, username: str, code: str, action: str, body: dict[str, Any], status: str
) -> dict[str, Any]:
    reply = await api.act(username, code, action, body)
    assert reply.status_code == 200, (username, action, reply.text)
    assert reply.json()["status"] == status, (action, reply.json()["status"])
    return reply.json()  # type: ignore[no-any-return]


async def listed(api: Api, username: str, **params: Any) -> dict[str, Any]:
    reply = await api.as_user(username, "GET", "/hazards", params=params)
    assert reply.status_code == 200, (username, params, reply.text)
    return reply.json()  # type: ignore[no-any-return]


async def listed_codes(api: Api, username: str, **params: Any) -> set[str]:
    return {h["code"] for h in (await listed(api, username, **params))["items"]}


async def tasks_for(api: Api, username: str, code: str) -> list[dict[str, Any]]:
    reply = await api.as_user(username, "GET", "/tasks?page_size=200")
    assert reply.status_code == 200, reply.text
    everything = reply.json()["items"]
    assert not {t["action"] for t in everything} & {"void", "report-progress"}, (username, everything)
    return [t for t in everything if t["hazard_code"] == code]


async def task_actions(api: Api, username: str, code: str) -> set[str]:
    return {t["action"] for t in await tasks_for(api, username, code)}


# --- 1. visibility by jurisdiction and enterprise --------------------------------------------------------


async def test_each_user_lists_only_the_hazards_of_their_jurisdiction_or_enterprise(api: Api) -> None:
    by_inspector = await report(api, "inspector")
    by_county = await report(api, "county.supervisor", title="危化品仓库通风不良")
    in_caoxian = await report(api, "county2.supervisor", title="锯木车间粉尘积聚", **IN_CAOXIAN)
    mudan = {by_inspector, by_county}
    everything = mudan | {in_caoxian}

    expected = {
        "county.supervisor": mudan,
        "inspector": mudan,
        "county2.supervisor": {in_caoxian},
        "city.supervisor": everything,
        "auditor": everything,
        "admin": everything,
        "enterprise.a": mudan,
        "enterprise.b": {in_caoxian},
    }
    for username, codes in expected.items():
        page = await listed(api, username)
        assert {h["code"] for h in page["items"]} == codes, username
        assert page["total"] == len(codes), username
    for item in (await listed(api, "enterprise.a"))["items"]:
        assert item["enterprise_uscc"] == ENTERPRISE_A
    for item in (await listed(api, "enterprise.b"))["items"]:
        assert item["enterprise_uscc"] == ENTERPRISE_B


async def test_reading_a_hazard_outside_ones_scope_is_forbidden_and_an_unknown_code_is_not_found(
    api: Api,
) -> None:
    mudan = await report(api, "inspector")
    caoxian = await report(api, "county2.supervisor", **IN_CAOXIAN)

    reads = [  # (who, which hazard, the status they get): outside one's scope 403, inside 200
        ("county.supervisor", caoxian, 403),
        ("inspector", caoxian, 403),
        ("county2.supervisor", mudan, 403),
        ("enterprise.a", caoxian, 403),
        ("enterprise.b", mudan, 403),
        ("county.supervisor", mudan, 200),
        ("county2.supervisor", caoxian, 200),
        ("city.supervisor", mudan, 200),
        ("city.supervisor", caoxian, 200),
        ("auditor", caoxian, 200),
        ("enterprise.a", mudan, 200),
        ("enterprise.b", caoxian, 200),
    ]
    for username, code, status in reads:
        reply = await api.as_user(username, "GET", f"/hazards/{code}")
        assert reply.status_code == status, (username, code, reply.text)
        if status == 403:
            detail = reply.json()["detail"]
            assert detail["code"] == "outside_jurisdiction" and detail["message_zh"] and detail["message_en"]
        else:
            assert reply.json()["code"] == code

    for username in ("county.supervisor", "enterprise.a", "admin"):
        reply = await api.as_user(username, "GET", f"/hazards/{UNKNOWN_CODE}")
        assert reply.status_code == 404, (username, reply.text)
        assert reply.json()["detail"]["code"] == "not_found"


# --- 2. filters and paging on GET /hazards --------------------------------------------------------------


async def test_hazard_list_filters_by_status_level_region_enterprise_overdue_and_title(api: Api) -> None:
    general = await report(api, "inspector", title="配电室挡鼠板缺失")
    major = await report(api, "county.supervisor", title="消防通道堵塞")
    caoxian = await report(api, "county2.supervisor", title="锯木车间粉尘积聚", **IN_CAOXIAN)
    await act(
        api,
        "county.supervisor",
        general,
        "assess",
        {"level": "general", "rectification": "deadline", "deadline": in_days(10)},
        "rectifying",
    )
    await act(
        api,
        "county.supervisor",
        major,
        "assess",
        {"level": "major", "basis": "GB 30871-2022 5.1"},
        "assessed",
    )
    everything = {general, major, caoxian}

    city = "city.supervisor"
    assert await listed_codes(api, city) == everything
    assert await listed_codes(api, city, status="reported") == {caoxian}
    assert await listed_codes(api, city, status="rectifying") == {general}
    assert await listed_codes(api, city, status="closed") == set()
    assert await listed_codes(api, city, level="major") == {major}
    assert await listed_codes(api, city, level="general") == {general}
    assert await listed_codes(api, city, level="major", status="assessed") == {major}
    assert await listed_codes(api, city, level="major", status="reported") == set()

    assert await listed_codes(api, city, region_code="371700") == everything
    assert await listed_codes(api, city, region_code="370000") == everything
    assert await listed_codes(api, city, region_code="371721") == {caoxian}
    assert await listed_codes(api, city, region_code="371702") == {general, major}
    # A region filter never widens the caller's own scope.
    assert await listed_codes(api, "county.supervisor", region_code="371721") == set()
    assert await listed_codes(api, "county.supervisor", region_code="371700") == {general, major}

    assert await listed_codes(api, city, enterprise_uscc=ENTERPRISE_A) == {general, major}
    assert await listed_codes(api, city, enterprise_uscc=ENTERPRISE_B) == {caoxian}
    assert await listed_codes(api, "enterprise.a", enterprise_uscc=ENTERPRISE_B) == set()

    assert await listed_codes(api, city, overdue="false") == everything
    assert await listed_codes(api, city, overdue="true") == set()

    assert await listed_codes(api, city, q="挡鼠板") == {general}
    assert await listed_codes(api, city, q="粉尘") == {caoxian}
    assert await listed_codes(api, city, q="不存在的标题") == set()
    assert await listed_codes(api, city, q="通道", status="assessed", region_code="371702") == {major}


async def test_title_search_treats_like_wildcards_as_plain_characters(api: Api) -> None:
    percent = await report(api, "inspector", title="隐患整改率100%未达标")
    digits = await report(api, "inspector", title="隐患整改率1000项未达标")
    underscore = await report(api, "inspector", title="阀门编号A_1泄漏")
    letter = await report(api, "inspector", title="阀门编号AB1泄漏")

    assert await listed_codes(api, "county.supervisor", q="100%") == {percent}
    assert await listed_codes(api, "county.supervisor", q="A_1") == {underscore}
    assert await listed_codes(api, "county.supervisor", q="整改率") == {percent, digits}
    assert await listed_codes(api, "county.supervisor", q="阀门编号") == {underscore, letter}


async def test_hazard_list_pages_newest_first_and_total_stays_the_full_count(api: Api) -> None:
    codes = [await report(api, "inspector", title=f"分页测试隐患{n}") for n in range(3)]
    codes.append(await report(api, "county2.supervisor", title="分页测试隐患3", **IN_CAOXIAN))

    pages = [await listed(api, "city.supervisor", page=n, page_size=3) for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [3, 1, 0]
    assert [p["total"] for p in pages] == [4, 4, 4]
    assert [(p["page"], p["page_size"]) for p in pages] == [(1, 3), (2, 3), (3, 3)]
    seen = [h["code"] for p in pages for h in p["items"]]
    assert seen == list(reversed(codes))  # newest first, no repeats across pages

    filtered = await listed(api, "city.supervisor", region_code="371702", page=2, page_size=2)
    assert filtered["total"] == 3 and len(filtered["items"]) == 1
    assert filtered["items"][0]["code"] == codes[0]


async def test_hazard_list_refuses_an_unknown_region_and_invalid_parameters(api: Api) -> None:
    reply = await api.as_user("city.supervisor", "GET", "/hazards", params={"region_code": "379999"})
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"]["code"] == "unknown_region"

    reply = await api.as_user("city.supervisor", "GET", "/hazards", params={"status": "pending"})
    assert reply.status_code == 422, reply.text
    detail = reply.json()["detail"]
    assert detail["code"] == "invalid_input" and detail["message_zh"] and detail["message_en"]
    assert detail["errors"][0]["field"] == "status"

    for params, field in [
        ({"level": "huge"}, "level"),
        ({"region_code": "37"}, "region_code"),
        ({"page": 0}, "page"),
        ({"page_size": 201}, "page_size"),
        ({"overdue": "maybe"}, "overdue"),
    ]:
        reply = await api.as_user("city.supervisor", "GET", "/hazards", params=params)
        assert reply.status_code == 422, (params, reply.text)
        detail = reply.json()["detail"]
        assert detail["code"] == "invalid_input" and detail["errors"][0]["field"] == field, params


# --- 3. tasks (待办) --------------------------------------------------------------------------------------


async def test_tasks_follow_the_hazard_to_whoever_must_act_next(api: Api) -> None:
    code = await report(api, "inspector")
    assert await task_actions(api, "county.supervisor", code) == {"assess"}
    assert await task_actions(api, "inspector", code) == {"assess"}
    assert await task_actions(api, "county2.supervisor", code) == set()
    assert await task_actions(api, "enterprise.a", code) == set()
    assert await task_actions(api, "auditor", code) == set()
    (task,) = await tasks_for(api, "county.supervisor", code)
    assert task["status"] == "reported" and task["title"] == hazard_body()["title"]
    # Assessment is due within 3 working days of the report (the default policy), at 24:00 Asia/Shanghai.
    hazard = (await api.as_user("county.supervisor", "GET", f"/hazards/{code}")).json()
    (assess_clock,) = [c for c in hazard["clocks"] if c["name"] == "assess"]
    assert task["due_at"] == assess_clock["due_at"] and task["due_at"].endswith("T16:00:00Z")

    await act(
        api, "county.supervisor", code, "assess", {"level": "major", "basis": "GB 30871-2022 5.1"}, "assessed"
    )
    assert await task_actions(api, "city.supervisor", code) == {"list"}
    assert await task_actions(api, "county.supervisor", code) == {"list"}
    assert await task_actions(api, "inspector", code) == set()
    assert await task_actions(api, "county2.supervisor", code) == set()

    hazard = await act(
        api, "city.supervisor", code, "list", {"authority_level": "city", "deadline": in_days(60)}, "listed"
    )
    (task,) = await tasks_for(api, "enterprise.a", code)
    assert task["action"] == "submit-plan" and task["status"] == "listed"
    assert hazard["deadline"] is not None
    # The plan is due 10 working days after listing (its own clock), well before the rectification deadline.
    (plan_clock,) = [c for c in hazard["clocks"] if c["name"] == "plan"]
    assert datetime.fromisoformat(task["due_at"]) == datetime.fromisoformat(plan_clock["due_at"])
    assert datetime.fromisoformat(task["due_at"]) < datetime.fromisoformat(hazard["deadline"])
    assert await task_actions(api, "city.supervisor", code) == set()
    assert await task_actions(api, "county.supervisor", code) == set()
    assert await task_actions(api, "enterprise.b", code) == set()

    await act(api, "enterprise.a", code, "submit-plan", PLAN | {"deadline": in_days(45)}, "plan_submitted")
    assert await task_actions(api, "city.supervisor", code) == {"review-plan"}
    assert await task_actions(api, "county.supervisor", code) == set()
    assert await task_actions(api, "enterprise.a", code) == set()

    await act(api, "city.supervisor", code, "review-plan", {"decision": "approve"}, "rectifying")
    assert await task_actions(api, "enterprise.a", code) == {"submit-completion"}  # never report-progress
    assert await task_actions(api, "city.supervisor", code) == set()  # never void


# --- 4. who may report ------------------------------------------------------------------------------------


async def test_only_inspectors_supervisors_and_enterprises_report_and_only_within_their_scope(
    api: Api,
) -> None:
    refused = [
        ("auditor", {}, "role_not_allowed"),
        ("admin", {}, "role_not_allowed"),
        ("county2.supervisor", {}, "outside_jurisdiction"),
        ("county.supervisor", IN_CAOXIAN, "outside_jurisdiction"),
        ("enterprise.b", {"source": "self_inspection"}, "not_your_enterprise"),
        ("enterprise.a", IN_CAOXIAN | {"source": "self_inspection"}, "not_your_enterprise"),
    ]
    for username, overrides, reason in refused:
        reply = await api.report(username, **overrides)
        assert reply.status_code == 403, (username, reply.text)
        detail = reply.json()["detail"]
        assert detail["code"] == reason and detail["message_zh"] and detail["message_en"], username
    assert (await listed(api, "admin"))["total"] == 0

    reply = await api.report("enterprise.a", source="self_inspection", title="储罐区静电接地断开")
    assert reply.status_code == 201, reply.text
    hazard = reply.json()
    assert hazard["source"] == "self_inspection" and hazard["enterprise_uscc"] == ENTERPRISE_A
    assert hazard["status"] == "reported" and hazard["reported_by"] == "示范化工 安全员"
    assert await listed_codes(api, "county.supervisor") == {hazard["code"]}

    reply = await api.report("city.supervisor", **IN_CAOXIAN)
    assert reply.status_code == 201, reply.text


# --- 5. reference data ------------------------------------------------------------------------------------


async def _jurisdiction_codes(api: Api, username: str) -> list[str]:
    reply = await api.as_user(username, "GET", "/jurisdictions")
    assert reply.status_code == 200, reply.text
    return [j["code"] for j in reply.json()]


async def _enterprise_usccs(api: Api, username: str, **params: Any) -> set[str]:
    reply = await api.as_user(username, "GET", "/enterprises", params=params)
    assert reply.status_code == 200, reply.text
    return {e["uscc"] for e in reply.json()}


async def test_jurisdictions_show_the_callers_subtree_and_its_ancestors(api: Api) -> None:
    assert set(await _jurisdiction_codes(api, "county2.supervisor")) == {"370000", "371700", "371721"}
    assert set(await _jurisdiction_codes(api, "county.supervisor")) == {"370000", "371700", "371702"}
    assert set(await _jurisdiction_codes(api, "city.supervisor")) == {"370000", "371700", "371702", "371721"}
    assert set(await _jurisdiction_codes(api, "admin")) == {"370000", "371700", "371702", "371721"}
    assert set(await _jurisdiction_codes(api, "enterprise.b")) == {"370000", "371700", "371721"}
    reply = await api.as_user("admin", "GET", "/jurisdictions")
    caoxian = next(j for j in reply.json() if j["code"] == "371721")
    assert caoxian == {"code": "371721", "name": "曹县", "level": "county", "parent_code": "371700"}


async def test_enterprises_are_limited_to_the_callers_scope_and_the_region_filter(api: Api) -> None:
    assert await _enterprise_usccs(api, "county.supervisor") == {ENTERPRISE_A}
    assert await _enterprise_usccs(api, "county2.supervisor") == {ENTERPRISE_B}
    assert await _enterprise_usccs(api, "city.supervisor") == {ENTERPRISE_A, ENTERPRISE_B}
    assert await _enterprise_usccs(api, "enterprise.a") == {ENTERPRISE_A}
    assert await _enterprise_usccs(api, "city.supervisor", region_code="371721") == {ENTERPRISE_B}
    assert await _enterprise_usccs(api, "city.supervisor", region_code="370000") == {
        ENTERPRISE_A,
        ENTERPRISE_B,
    }
    assert await _enterprise_usccs(api, "county.supervisor", region_code="371721") == set()
    assert await _enterprise_usccs(api, "county.supervisor", region_code="371700") == {ENTERPRISE_A}
    reply = await api.as_user("city.supervisor", "GET", "/enterprises", params={"region_code": "379999"})
    assert reply.status_code == 422 and reply.json()["detail"]["code"] == "unknown_region"


# --- 6. signing in -----------------------------------------------------------------------------------------


async def test_sign_in_refuses_a_wrong_password_and_requests_without_a_valid_token(api: Api) -> None:
    for username, password in [("county.supervisor", "wrong-password"), ("nobody", DEMO_PASSWORD)]:
        if username == "nobody":
            pass_sign_in_wait(api.app)  # the wait after the address's failure
        reply = await api.http.post("/api/v1/auth/token", data={"username": username, "password": password})
        assert reply.status_code == 401, reply.text
        detail = reply.json()["detail"]
        assert detail["code"] == "bad_credentials" and detail["message_zh"] and detail["message_en"]

    forged = jwt.encode(
        {"sub": "someone", "exp": datetime.now(UTC) + timedelta(hours=1)},
        "not-the-secret-" * 4,
        algorithm="HS256",
    )
    headers_tried: list[dict[str, str]] = [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": "Basic Y291bnR5OmR1YmFu"},
    ]
    for headers in headers_tried:
        for path in ("/hazards", "/tasks", "/auth/me", "/jurisdictions"):
            reply = await api.http.get(f"/api/v1{path}", headers=headers)
            assert reply.status_code == 401, (headers, path, reply.text)
            assert reply.json()["detail"]["code"] == "not_authenticated"


async def test_me_returns_the_signed_in_users_name_role_and_jurisdiction(api: Api) -> None:
    reply = await api.as_user("county2.supervisor", "GET", "/auth/me")
    assert reply.status_code == 200, reply.text
    assert reply.json() == {
        "username": "county2.supervisor",
        "display_name": "曹县安委办 督办员",
        "role": "supervisor",
        "jurisdiction_code": "371721",
        "enterprise_uscc": None,
    }
    me = (await api.as_user("enterprise.a", "GET", "/auth/me")).json()
    assert (me["username"], me["role"], me["jurisdiction_code"], me["enterprise_uscc"]) == (
        "enterprise.a",
        "enterprise",
        None,
        ENTERPRISE_A,
    )


# --- 7. allowed actions -----------------------------------------------------------------------------------


async def test_a_fresh_hazard_shows_each_caller_the_actions_they_may_take(api: Api) -> None:
    code = await report(api, "inspector")

    async def allowed(username: str) -> set[str]:
        reply = await api.as_user(username, "GET", f"/hazards/{code}")
        assert reply.status_code == 200, reply.text
        return set(reply.json()["allowed_actions"])

    county = await allowed("county.supervisor")
    assert {"assess", "void"} <= county
    assert not county & {"list", "submit-plan", "review-plan", "verify", "close"}
    assert await allowed("enterprise.a") == set()
    assert await allowed("inspector") == {"assess"}
    assert await allowed("auditor") == set()
    assert await allowed("admin") == set()

    await act(
        api, "county.supervisor", code, "assess", {"level": "major", "basis": "GB 30871-2022 5.1"}, "assessed"
    )
    assert await allowed("city.supervisor") == {"list", "void", "interview"}
    assert await allowed("enterprise.a") == set()
