"""The reporting cadence's pages in real Chromium against the app under uvicorn, a real worker and a Temporal dev
server, over the hand-computed data set (tests/report_dataset.py): a supervisor runs a report from the form (after
a refusal shown with its field), reads it and downloads its workbook, ranks the counties, issues a circular, which a
leader signs; the dashboard shows the same figures with the new breakdowns; the enterprise named finds the circular in its inbox."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from tests import report_dataset as data
from tests.browser_helpers import Served, served_app, signed_in

pytestmark = pytest.mark.slow


@pytest.fixture
async def served(dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> AsyncIterator[Served]:
    async with served_app(dev_env.client, tmp_path, task_queue) as app:
        with Session(app.app.state.engine) as session:
            data.load(session)
        yield app


async def kpi(page: Any, name: str) -> str:
    return (await page.locator(f'.kpi[data-kpi="{name}"] .v').inner_text()).strip()


async def fill_and_send(page: Any, panel: str, fields: dict[str, str]) -> None:
    details = page.locator(f"details#{panel}")
    if await details.get_attribute("open") is None:
        await details.locator("summary").click()
    form = details.locator("form")
    for name, value in fields.items():
        field = form.locator(f'[name="{name}"]')
        if (await field.evaluate("e => e.tagName.toLowerCase()")) == "select":
            await field.select_option(value)
        else:
            await field.fill(value)
    async with page.expect_navigation():
        await form.locator("button[type=submit]").click()


async def test_reports_rankings_circulars_and_the_dashboard_in_the_browser(browser: Any, served: Served) -> None:
    city = await signed_in(browser, served.base_url, "city.supervisor")
    await city.click("nav.main-nav a[href='/reports']")
    await fill_and_send(city, "run-report", {"kind": "monthly", "region_code": "371700", "period_start": "2026-03-31",
                                             "period_end": "2026-03-01"})
    alert = city.locator("details#run-report .alert.error")
    assert await alert.get_attribute("data-field") == "period_end"
    assert "结束日期" in await alert.inner_text()
    await fill_and_send(city, "run-report", {"kind": "monthly", "region_code": "371700", "period_start": "2026-03-01",
                                             "period_end": "2026-03-31"})
    assert city.url.endswith("/reports/RP-monthly-371700-20260301-20260331")
    assert await kpi(city, "found") == "5" and await kpi(city, "overdue_now") == "1"
    assert await kpi(city, "rectification_rate") == "60.0%" and await kpi(city, "government_deadlines_missed") == "1"
    assert await city.locator("#by-level tbody tr").count() == 3  # general, major, total
    ranking = await city.locator("#ranking tbody tr td:nth-child(2)").all_inner_texts()
    assert [r.split()[-1] for r in ranking] == ["371721", "371702"]
    workbook = await city.request.get(await city.locator("#downloads a[href$='.xlsx']").get_attribute("href"))
    assert workbook.ok and workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    document = await city.request.get(await city.locator("#downloads a[href^='/api/v1/documents/']").get_attribute("href"))
    assert document.ok and "月分析报告" in await document.text()

    await city.click("nav.main-nav a[href='/rankings']")
    await city.goto("/rankings?region_code=371700&from=2026-03-01&to=2026-03-31")
    assert await city.locator("#ranking tbody tr").first.get_attribute("data-region") == "371721"
    assert [s.strip() for s in await city.locator("#ranking .score").all_inner_texts()] == ["68.0", "43.6667"]

    await city.click("nav.main-nav a[href='/circulars']")
    await fill_and_send(city, "issue-circular", {"region_code": "371700", "period_start": "2026-03-01", "period_end": "2026-03-31"})
    assert "/circulars/CR-371700-20260301-20260331" in city.url
    assert await city.locator("#enterprises tr").count() == 1 and await city.locator("#fake tr").count() == 1
    assert "371702" in await city.locator("#lagging").inner_text()
    assert "草稿" in await city.locator("#documents .document-status").inner_text()  # a leader signs it first
    assert await city.locator("#documents form.sign-document").count() == 0  # a supervisor has no sign button
    leader = await signed_in(browser, served.base_url, "city.leader")
    await leader.goto("/circulars/CR-371700-20260301-20260331")
    await leader.click("#documents form.sign-document button")
    await leader.wait_for_url("**/circulars/CR-371700-20260301-20260331")
    assert "已签发" in await leader.locator("#documents .document-status").inner_text()

    await city.click("nav.main-nav a[href='/dashboard']")
    await city.goto("/dashboard?from=2026-03-01&to=2026-03-31")
    assert await kpi(city, "found") == "5" and await kpi(city, "rate") == "60.0%"  # as the report said
    assert await city.locator("#by-source tbody tr").count() == 3 and await city.locator("#by-level").count() == 1

    enterprise = await signed_in(browser, served.base_url, "enterprise.a")
    assert await enterprise.locator("nav.main-nav a[href='/reports']").count() == 0
    await enterprise.goto("/notifications")
    assert "通报" in await enterprise.locator(".inbox").inner_text()
