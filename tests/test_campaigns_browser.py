"""The campaign pages in real Chromium against the served app, a real worker and a Temporal dev server: a supervisor
launches a campaign through the form, sees its phases on the timeline bar with today marked, keeps the list of
measures, previews an import (nothing written) and then imports, and a refusal shows where it belongs."""

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from core.spreadsheet import append_row
from models.base import china_date
from services.campaign_ledger import HEADERS
from tests.browser_helpers import Served, signed_in
from tests.eventually import assert_eventually_async

pytestmark = pytest.mark.slow
IMPORT_SECONDS = 90  # an import starts a workflow a row; a loaded dev server answers slowly


def day(offset: int) -> str:
    return (china_date(datetime.now(UTC)) + timedelta(days=offset)).isoformat()


def hazard_list() -> bytes:
    book = Workbook()
    sheet = book.active
    append_row(sheet, HEADERS)
    rows = [
        {"隐患名称": "液氨储罐未设置紧急切断装置", "统一社会信用代码": "91371702MA3C4G0R29", "行政区划代码": "371702", "行业": "危险化学品", "发现日期": day(-1)},
        {"隐患名称": "不在本区", "统一社会信用代码": "91371721MA3D8J7K5L", "行政区划代码": "371721", "行业": "工贸", "发现日期": day(-1)},
    ]
    for row in rows:
        append_row(sheet, [row.get(h) for h in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def open_form(page: Any, action: str) -> None:
    panel = page.locator(f'details.action[data-action="{action}"]')
    if await panel.get_attribute("open") is None:
        await panel.locator("summary").click()


async def test_a_campaign_from_launch_to_import_in_the_browser(browser: Any, served: Served) -> None:
    county = await signed_in(browser, served.base_url, "county.supervisor")
    await county.goto("/")
    await county.click("nav.main-nav >> text=专项整治")
    assert county.url.endswith("/campaigns")

    # A bad plan (no rectify phase) is refused on the form, the values kept.
    await county.locator("#launch summary").click()
    await county.fill("#cp-title", "危险化学品安全专项整治")
    await county.fill("#cp-investigate-starts_on", day(0))
    await county.fill("#cp-investigate-ends_on", day(20))
    async with county.expect_navigation():
        await county.click("#launch button[type=submit]")
    assert "限期整改" in await county.locator("#launch-problem").inner_text()
    assert await county.input_value("#cp-title") == "危险化学品安全专项整治"

    await county.fill("#cp-rectify-starts_on", day(21))
    await county.fill("#cp-rectify-ends_on", day(60))
    await county.fill("#cp-document_number", "牡安办〔2026〕3号")
    async with county.expect_navigation():
        await county.click("#launch button[type=submit]")
    campaign_id = re.search(r"/campaigns/(CP-[^?]+)", county.url).group(1)  # type: ignore[union-attr]
    assert "进行中" in await county.locator("#campaign-status").inner_text()
    assert await county.locator('.phase-bar .phase.active[data-phase="investigate"]').count() == 1
    assert await county.locator("#today-marker").count() == 1
    assert await county.locator('[data-figure="found"] dd').inner_text() == "0"

    # The list of measures, through the action form.
    await open_form(county, "add-measure")
    form = county.locator('form.action-form[data-action="add-measure"]')
    await form.locator('[name="title"]').fill("建立危险化学品隐患排查治理制度")
    await form.locator('[name="responsible_unit"]').fill("区应急管理局")
    await form.locator('[name="due_on"]').fill(day(30))
    async with county.expect_navigation():
        await form.locator("button[type=submit]").click()
    assert "建立危险化学品隐患排查治理制度" in await county.locator('#measures tr[data-measure="1"]').inner_text()

    # A refusal of the rules: moving the start of a phase that has begun, shown next to its form.
    await open_form(county, "amend-phase")
    form = county.locator('form.action-form[data-action="amend-phase"]')
    await form.locator('[name="kind"]').select_option("investigate")
    await form.locator('[name="starts_on"]').fill(day(1))
    await form.locator('[name="ends_on"]').fill(day(20))
    await form.locator('[name="reason"]').fill("调整")
    async with county.expect_navigation():
        await form.locator("button[type=submit]").click()
    assert "只能调整结束日期" in await county.locator('form.action-form[data-action="amend-phase"]').inner_text()

    # The import: a dry run previews each row and writes nothing; the real run reports the valid row.
    (upload := Path(served.app.state.settings.data_dir) / "list.xlsx").write_bytes(hazard_list())
    await county.set_input_files("#import-file", str(upload))
    async with county.expect_navigation(timeout=IMPORT_SECONDS * 1000):
        await county.click("#import button[type=submit]", timeout=IMPORT_SECONDS * 1000)
    assert "预览" in await county.locator("#import-result").inner_text()
    assert await county.locator('tr[data-row="2"][data-status="valid"]').count() == 1
    assert await county.locator('tr[data-row="3"][data-status="refused"]').count() == 1
    assert "0" in await county.locator("#hazard-list h2 .count").inner_text()

    # created, or accepted when the engine took longer than the intake's wait (a loaded server): recorded soon after;
    # refused by an engine that did not answer at all, the same file is imported again, as the office would
    row = 'tr[data-row="2"][data-status="created"], tr[data-row="2"][data-status="accepted"], tr[data-row="2"][data-status="existing"]'
    for _attempt in range(3):
        await county.set_input_files("#import-file", str(upload))
        await county.locator('#import input[name="dry_run"]').set_checked(False)
        async with county.expect_navigation(timeout=IMPORT_SECONDS * 1000):
            await county.click("#import button[type=submit]", timeout=IMPORT_SECONDS * 1000)
        if await county.locator(row).count() == 1:
            break
    assert await county.locator(row).count() == 1, await county.locator("#import-result").inner_text()

    async def listed() -> bool:
        await county.goto(f"/campaigns/{campaign_id}")
        return "液氨储罐未设置紧急切断装置" in await county.locator("#hazard-list").inner_text()

    await assert_eventually_async(listed, timeout=IMPORT_SECONDS, interval=0.5, what="the imported hazard on the campaign page")
    assert await county.locator('[data-figure="found"] dd').inner_text() == "1"

    other = await signed_in(browser, served.base_url, "county2.supervisor")
    reply = await other.goto(f"/campaigns/{campaign_id}")
    assert reply is not None and reply.status == 403
