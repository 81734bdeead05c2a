"""Screenshots of the main screens of the web UI, for the README: `python scripts/screenshots.py [OUT_DIR]`.

Uses the browser tests' setup (`tests/browser_helpers.py`): a Temporal dev server, the app under uvicorn, a
real worker, and Debian's Chromium. It fills a fresh read model through the JSON API (the same service layer as
the pages), as the demo users: a campaign (专项整治), hazards in different states (some tagged to the campaign),
an interview (约谈), an inspection tour (巡查) with findings, a monthly report and a signed circular (通报); then
photographs the pages of every process as the demo users see them. Writes `docs/screenshots/*.png` by default.
"""

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.temporal import temporal_cli  # noqa: E402
from models.base import china_date  # noqa: E402
from tests.browser_helpers import browser_problem, chromium, png, served_app, signed_in  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
VIEWPORT = (1366, 900)


def day(days: int) -> str:
    return (china_date(datetime.now(UTC)) + timedelta(days=days)).isoformat()


class Client:
    """The JSON API as the demo users, to set the scene quickly."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.tokens: dict[str, str] = {}

    async def as_user(self, user: str, method: str, path: str, **kwargs: Any) -> Any:
        if user not in self.tokens:
            reply = await self.http.post("/api/v1/auth/token", data={"username": user, "password": "duban-demo"})
            reply.raise_for_status()
            self.tokens[user] = reply.json()["access_token"]
        reply = await self.http.request(method, f"/api/v1{path}", headers={"Authorization": f"Bearer {self.tokens[user]}"}, **kwargs)
        if reply.status_code >= 400:
            raise RuntimeError(f"{method} {path} as {user}: {reply.status_code} {reply.text}")
        return reply.json()

    async def report(self, user: str, title: str, uscc: str, region: str, industry: str, days_ago: int = 1,
                     campaign: str | None = None) -> str:
        body = {
            "title": title, "description": f"检查发现：{title}", "enterprise_uscc": uscc, "region_code": region,
            "industry": industry, "location": "厂区", "source": "inspection",
            "discovered_at": (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(),
        }
        if campaign is not None:
            body["campaign_id"] = campaign
        return str((await self.as_user(user, "POST", "/hazards", json=body))["code"])

    async def act(self, user: str, code: str, action: str, body: dict[str, Any]) -> None:
        await self.as_user(user, "POST", f"/hazards/{code}/actions/{action}", json=body)


async def eventually(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 60) -> None:
    """Wait until the read model shows what a workflow did (it is projected a moment later)."""
    for _ in range(int(seconds * 4)):
        if await check():
            return
        await asyncio.sleep(0.25)
    raise RuntimeError(f"timed out waiting for {what}")


A, B = "91371702MA3C4G0R29", "91371721MA3D8J7K5L"
PLAN = {"objectives": "消除隐患", "measures": "更换设备并验收", "funds_cny": 8000, "responsible_person": "王建国", "contingency_plan": "停用并设警戒"}


TEAM = [
    {"username": "tour.lead", "role": "leader"}, {"username": "tour.deputy", "role": "deputy"},
    {"username": "tour.m1", "role": "member"}, {"username": "tour.m2", "role": "member"},
    {"username": "tour.m3", "role": "member"}, {"username": "tour.expert", "role": "expert"},
]


async def scene(api: Client) -> dict[str, str]:
    """Every process with something to show; returns the ids of the records photographed in detail."""
    campaign = str((await api.as_user("county.supervisor", "POST", "/campaigns", json={
        "title": "危险化学品安全生产专项整治", "document_number": "菏安办〔2026〕3号", "region_code": "371702",
        "industries": ["危险化学品"], "description": "按照省委、省政府部署，开展危险化学品储存、使用环节专项整治",
        "phases": [
            {"kind": "investigate", "starts_on": day(0), "ends_on": day(20)},
            {"kind": "rectify", "starts_on": day(21), "ends_on": day(60)},
            {"kind": "evaluate", "starts_on": day(61), "ends_on": day(70)},
        ],
    }))["id"])
    measure = {"title": "建立危险化学品隐患排查制度", "responsible_unit": "区应急局", "due_on": day(30)}
    await api.as_user("county.supervisor", "POST", f"/campaigns/{campaign}/actions/add-measure", json=measure)
    measure = {"title": "组织重点企业负责人培训", "responsible_unit": "区应急局", "due_on": day(15)}
    await api.as_user("county.supervisor", "POST", f"/campaigns/{campaign}/actions/add-measure", json=measure)
    await api.as_user("county.supervisor", "POST", f"/campaigns/{campaign}/actions/complete-measure", json={"measure_id": 2, "note": "已培训 36 人"})

    major = await api.report("county.supervisor", "储罐区可燃气体报警器失效", A, "371702", "危险化学品", campaign=campaign)
    await api.act("county.supervisor", major, "assess", {"level": "major", "basis": "GB 30871-2022 5.1", "interim_measures": "停用 2 号储罐"})
    await api.act("city.supervisor", major, "list", {"authority_level": "city", "deadline": day(60), "requirements": "60 日内完成整改"})
    documents = (await api.as_user("city.supervisor", "GET", f"/hazards/{major}"))["documents"]
    notice = next(d for d in documents if d["kind"] == "listing_notice")
    await api.as_user("city.leader", "POST", f"/documents/{notice['id']}/actions/sign", json={})  # the leader signs the listing notice
    await api.act("enterprise.a", major, "submit-plan", {**PLAN, "deadline": day(45)})
    await api.act("city.supervisor", major, "review-plan", {"decision": "approve"})
    await api.act("enterprise.a", major, "report-progress", {"percent": 60, "note": "探头已到货"})
    photo = await api.http.post(
        "/api/v1/attachments", files={"file": ("photo.png", png(320, 200, (47, 158, 91)), "image/png")},
        data={"hazard_code": major}, headers={"Authorization": f"Bearer {api.tokens['enterprise.a']}"},
    )
    await api.act("enterprise.a", major, "submit-completion", {"summary": "已更换探头", "evidence": [photo.json()["id"]]})
    await api.act("county.supervisor", major, "verify", {"decision": "fail", "comment": "探头型号与方案不符", "fake_rectification": True, "new_deadline": day(20)})

    closed = await api.report("county.supervisor", "配电室未设置挡鼠板", A, "371702", "危险化学品", days_ago=20, campaign=campaign)
    await api.act("county.supervisor", closed, "assess", {"level": "general", "rectification": "deadline", "deadline": day(3)})
    await api.act("enterprise.a", closed, "submit-completion", {"summary": "已加装挡鼠板"})
    await api.act("county.supervisor", closed, "verify", {"decision": "pass", "comment": "合格"})
    await api.act("county.supervisor", closed, "close", {"comment": "同意销号"})

    soon = await api.report("inspector", "消防通道堆放杂物", A, "371702", "危险化学品", campaign=campaign)
    await api.act("inspector", soon, "assess", {"level": "general", "rectification": "deadline", "deadline": day(1)})

    listed = await api.report("county2.supervisor", "木粉尘除尘系统未接地", B, "371721", "工贸")
    await api.act("county2.supervisor", listed, "assess", {"level": "major", "basis": "工贸企业重大事故隐患判定标准 第十条"})
    await api.act("county2.supervisor", listed, "list", {"authority_level": "county", "deadline": day(30)})

    waiting = await api.report("county2.supervisor", "喷漆房通风不良", B, "371721", "工贸")
    await api.act("county2.supervisor", waiting, "assess", {"level": "general", "rectification": "immediate"})

    await api.report("inspector", "危化品仓库温湿度计损坏", A, "371702", "危险化学品")
    await api.report("county2.supervisor", "叉车未年检", B, "371721", "工贸")

    await api.act("county2.supervisor", listed, "interview", {"reason": "重大事故隐患整改进度滞后"})
    interviews: list[dict[str, Any]] = []

    async def interview_readable() -> bool:
        interviews[:] = await api.as_user("county2.supervisor", "GET", "/interviews", params={"hazard_code": listed})
        return bool(interviews)

    await eventually(interview_readable, "the interview")
    interview = str(interviews[0]["id"])

    tour = str((await api.as_user("city.supervisor", "POST", "/tours", json={
        "title": "2026年第四季度安全生产巡查", "kind": "comprehensive", "targets": [{"region_code": "371702"}],
        "starts_on": day(0), "ends_on": day(10), "team": TEAM,
    }))["id"])

    async def inspecting() -> bool:
        return str((await api.as_user("city.supervisor", "GET", f"/tours/{tour}"))["status"]) == "inspecting"

    await eventually(inspecting, "the tour to station")
    await api.as_user("tour.m1", "POST", f"/tours/{tour}/actions/record-finding",
                      json={"target": "371702", "kind": "problem", "description": "安全培训台账不全，三级教育记录缺失"})
    await api.as_user("tour.m2", "POST", f"/tours/{tour}/actions/record-finding",
                      json={"target": "371702", "kind": "clue", "description": "群众反映某企业涉嫌瞒报事故"})
    await api.as_user("tour.m2", "POST", f"/tours/{tour}/actions/transfer-clue", json={"finding": "F2", "to": "市纪委监委"})
    hazard = {"title": "储罐区防火堤破损", "enterprise_uscc": A, "region_code": "371702", "industry": "危险化学品"}
    await api.as_user("tour.m3", "POST", f"/tours/{tour}/actions/record-finding",
                      json={"target": "371702", "kind": "hazard", "description": "防火堤破损，未及时修补", "hazard": hazard})

    period = {"period_start": day(-30), "period_end": day(0)}
    report = str((await api.as_user("city.supervisor", "POST", "/reports", json={"kind": "monthly", "region_code": "371700", **period}))["id"])
    circular = await api.as_user("city.supervisor", "POST", "/circulars", json={"region_code": "371700", **period})
    await api.as_user("city.leader", "POST", f"/documents/{circular['documents'][0]['id']}/actions/sign", json={})
    return {"hazard": major, "campaign": campaign, "interview": interview, "tour": tour, "report": report, "circular": str(circular["id"])}


async def shoot(out: Path) -> list[Path]:
    problem = browser_problem()
    if problem:
        raise SystemExit(problem)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    async with await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter,
        dev_server_existing_path=str(temporal_cli()),
        dev_server_extra_args=["--dynamic-config-value", "frontend.enableUpdateWorkflowExecution=true"],
    ) as env:
        with tempfile.TemporaryDirectory() as tmp:
            async with served_app(env.client, Path(tmp), "screenshots") as served, chromium() as browser:
                async with httpx.AsyncClient(base_url=served.base_url, timeout=60) as http:
                    ids = await scene(Client(http))
                code = ids["hazard"]

                async def save(page: Any, name: str, full: bool = False) -> None:
                    path = out / f"{name}.png"
                    await page.screenshot(path=str(path), full_page=full)
                    written.append(path)

                context = await browser.new_context(base_url=served.base_url, viewport={"width": 1366, "height": 760})
                login = await context.new_page()
                await login.goto("/login")
                await save(login, "login")

                county = await signed_in(browser, served.base_url, "county.supervisor", viewport=VIEWPORT)
                await county.goto("/")
                await save(county, "tasks")
                city = await signed_in(browser, served.base_url, "city.supervisor", viewport=VIEWPORT)
                await city.goto("/hazards")
                await save(city, "hazards")
                await city.goto(f"/hazards/{code}")
                await save(city, "hazard", full=True)
                await city.goto("/board")
                await save(city, "board")
                await city.goto("/dashboard")
                await save(city, "dashboard", full=True)
                await city.goto(f"/hazards/{code}")
                notice = await city.locator("#documents a.html").first.get_attribute("href")  # the listing notice's HTML view
                await city.goto(str(notice))
                await save(city, "document", full=True)
                await city.goto("/tours")
                await save(city, "tours")
                await city.goto(f"/tours/{ids['tour']}")
                await save(city, "tour", full=True)
                await city.goto("/reports")
                await save(city, "reports")
                await city.goto(f"/reports/{ids['report']}")
                await save(city, "report", full=True)
                await city.goto("/rankings")
                await save(city, "rankings")
                await city.goto("/circulars")
                await save(city, "circulars")
                await city.goto(f"/circulars/{ids['circular']}")
                await save(city, "circular", full=True)
                await county.goto("/campaigns")
                await save(county, "campaigns")
                await county.goto(f"/campaigns/{ids['campaign']}")
                await save(county, "campaign", full=True)
                county2 = await signed_in(browser, served.base_url, "county2.supervisor", viewport=VIEWPORT)
                await county2.goto(f"/interviews/{ids['interview']}")
                await save(county2, "interview", full=True)
                auditor = await signed_in(browser, served.base_url, "auditor", viewport=VIEWPORT)
                await auditor.goto(f"/audit?hazard={code}")
                await save(auditor, "audit", full=True)
                enterprise = await signed_in(browser, served.base_url, "enterprise.a", viewport=VIEWPORT)
                await enterprise.goto("/notifications")
                await save(enterprise, "notifications")
                await enterprise.goto(f"/hazards/{code}")
                await save(enterprise, "hazard-enterprise")
                english = await signed_in(browser, served.base_url, "city.supervisor", lang="en", viewport=VIEWPORT)
                await english.goto("/board")
                await save(english, "board-en")
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    for path in asyncio.run(shoot(target)):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
