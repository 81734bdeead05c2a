"""Screenshots of the main screens of the web UI, for the README: `python scripts/screenshots.py [OUT_DIR]`.

Uses the browser tests' setup (`tests/browser_helpers.py`): a Temporal dev server, the app under uvicorn, a
real worker, and Debian's Chromium. It fills a fresh read model with a few hazards in different states
through the JSON API (the same service layer as the pages), then photographs the pages as the demo users see
them. Writes `docs/screenshots/*.png` by default.
"""

import asyncio
import sys
import tempfile
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

    async def report(self, user: str, title: str, uscc: str, region: str, industry: str, days_ago: int = 1) -> str:
        body = {
            "title": title, "description": f"检查发现：{title}", "enterprise_uscc": uscc, "region_code": region,
            "industry": industry, "location": "厂区", "source": "inspection",
            "discovered_at": (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(),
        }
        return str((await self.as_user(user, "POST", "/hazards", json=body))["code"])

    async def act(self, user: str, code: str, action: str, body: dict[str, Any]) -> None:
        await self.as_user(user, "POST", f"/hazards/{code}/actions/{action}", json=body)


A, B = "91371702MA3C4G0R29", "91371721MA3D8J7K5L"
PLAN = {"objectives": "消除隐患", "measures": "更换设备并验收", "funds_cny": 8000, "responsible_person": "王建国", "contingency_plan": "停用并设警戒"}


async def scene(api: Client) -> str:
    """Hazards in most states; returns the code of the one shown in detail."""
    major = await api.report("county.supervisor", "储罐区可燃气体报警器失效", A, "371702", "危险化学品")
    await api.act("county.supervisor", major, "assess", {"level": "major", "basis": "GB 30871-2022 5.1", "interim_measures": "停用 2 号储罐"})
    await api.act("city.supervisor", major, "list", {"authority_level": "city", "deadline": day(60), "requirements": "60 日内完成整改"})
    await api.act("enterprise.a", major, "submit-plan", {**PLAN, "deadline": day(45)})
    await api.act("city.supervisor", major, "review-plan", {"decision": "approve"})
    await api.act("enterprise.a", major, "report-progress", {"percent": 60, "note": "探头已到货"})
    photo = await api.http.post(
        "/api/v1/attachments", files={"file": ("photo.png", png(320, 200, (47, 158, 91)), "image/png")},
        data={"hazard_code": major}, headers={"Authorization": f"Bearer {api.tokens['enterprise.a']}"},
    )
    await api.act("enterprise.a", major, "submit-completion", {"summary": "已更换探头", "evidence": [photo.json()["id"]]})
    await api.act("county.supervisor", major, "verify", {"decision": "fail", "comment": "探头型号与方案不符", "fake_rectification": True, "new_deadline": day(20)})

    closed = await api.report("county.supervisor", "配电室未设置挡鼠板", A, "371702", "危险化学品", days_ago=20)
    await api.act("county.supervisor", closed, "assess", {"level": "general", "rectification": "deadline", "deadline": day(3)})
    await api.act("enterprise.a", closed, "submit-completion", {"summary": "已加装挡鼠板"})
    await api.act("county.supervisor", closed, "verify", {"decision": "pass", "comment": "合格"})
    await api.act("county.supervisor", closed, "close", {"comment": "同意销号"})

    soon = await api.report("inspector", "消防通道堆放杂物", A, "371702", "危险化学品")
    await api.act("inspector", soon, "assess", {"level": "general", "rectification": "deadline", "deadline": day(1)})

    listed = await api.report("county2.supervisor", "木粉尘除尘系统未接地", B, "371721", "工贸")
    await api.act("county2.supervisor", listed, "assess", {"level": "major", "basis": "工贸企业重大事故隐患判定标准 第十条"})
    await api.act("county2.supervisor", listed, "list", {"authority_level": "county", "deadline": day(30)})

    waiting = await api.report("county2.supervisor", "喷漆房通风不良", B, "371721", "工贸")
    await api.act("county2.supervisor", waiting, "assess", {"level": "general", "rectification": "immediate"})

    await api.report("inspector", "危化品仓库温湿度计损坏", A, "371702", "危险化学品")
    await api.report("county2.supervisor", "叉车未年检", B, "371721", "工贸")
    return major


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
                    code = await scene(Client(http))

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
