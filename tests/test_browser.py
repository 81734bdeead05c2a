"""The web UI in real Chromium (Debian's package, driven by Playwright) against the app served by uvicorn, a
real worker and a real Temporal dev server: a major hazard from report to close-out, by the people who do it,
with the board and the dashboard checked along the way, and refusals shown where they belong."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.base import china_date
from tests.api_helpers import pass_sign_in_wait
from tests.browser_helpers import (
    Served,
    png,
    signed_in,
)

pytestmark = pytest.mark.slow


def in_days(days: int) -> str:
    return (china_date(datetime.now(UTC)) + timedelta(days=days)).isoformat()


async def act(page: Any, action: str, fields: dict[str, Any], files: dict[str, Any] | None = None) -> None:
    """Fill in and send the form of `action` on the hazard page, as a person would."""
    panel = page.locator(f'details.action[data-action="{action}"]')
    if await panel.get_attribute("open") is None:
        await panel.locator("summary").click()
    form = page.locator(f'form.action-form[data-action="{action}"]')
    for name, value in fields.items():
        field = form.locator(f'[name="{name}"]')
        tag = await field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if tag.startswith("select"):
            await field.select_option(str(value))
        elif tag == "input:checkbox":
            await field.set_checked(bool(value))
        else:
            await field.fill(str(value))
    for name, payload in (files or {}).items():
        await form.locator(f'[name="{name}"]').set_input_files(payload)
    async with page.expect_navigation():
        await form.locator("button[type=submit]").click()


async def status_of(page: Any) -> str:
    return (await page.locator("#badges .status").inner_text()).strip()


async def board_column(page: Any, status: str) -> list[str]:
    await page.goto("/board")
    return await page.locator(f'.column[data-status="{status}"] .card-item').evaluate_all("cards => cards.map(c => c.dataset.code)")


async def kpi(page: Any, name: str) -> str:
    return (await page.locator(f'.kpi[data-kpi="{name}"] .v').inner_text()).strip()


async def test_a_major_hazard_from_report_to_close_out_in_the_browser(browser: Any, served: Served) -> None:
    base = served.base_url
    county = await signed_in(browser, base, "county.supervisor")
    city = await signed_in(browser, base, "city.supervisor")
    enterprise = await signed_in(browser, base, "enterprise.a")

    # The header always says who is signed in, as what, and where.
    header = await county.locator("#who").inner_text()
    assert "牡丹区安委办 督办员" in header and "督办人员" in header and "牡丹区" in header

    # The county supervisor reports the hazard through the form, then assesses it as major.
    await county.goto("/hazards/new")
    await county.fill("#title", "储罐区可燃气体报警器失效")
    await county.fill("#description", "2 号储罐区可燃气体报警器无响应")
    await county.select_option("#enterprise_uscc", "91371702MA3C4G0R29")
    await county.select_option("#region_code", "371702")
    await county.fill("#industry", "危险化学品")
    await county.fill("#location", "牡丹区工业园 1 号")
    await county.fill("#discovered_at", in_days(-1))
    async with county.expect_navigation():
        await county.click("#report button[type=submit]")
    code = re.search(r"/hazards/(HZ-[^?]+)", county.url).group(1)  # type: ignore[union-attr]
    assert await status_of(county) == "登记"

    await act(county, "assess", {"level": "major", "basis": "GB 30871-2022 5.1", "interim_measures": "停用 2 号储罐"})
    assert await status_of(county) == "已定级"

    # A refusal from the rules: the county tries to list at city level → the message, at the top, in Chinese.
    await act(county, "list", {"authority_level": "city", "deadline": in_days(60)})
    refusal = await county.locator("#refusal").inner_text()
    assert "挂牌督办机关" in refusal and await status_of(county) == "已定级"

    # The city lists it (the listing authority).
    await city.goto(f"/hazards/{code}")
    await act(city, "list", {"authority_level": "city", "deadline": in_days(60), "requirements": "60 日内完成整改"})
    assert await status_of(city) == "挂牌督办"
    assert "菏泽市" in await city.locator("#listing").inner_text()
    assert code in await board_column(city, "listed")
    sub = await city.locator('#sub-counts tr[data-region="371702"]').inner_text()
    assert "1" in sub

    # Out of jurisdiction: the other county cannot even open it.
    other = await signed_in(browser, base, "county2.supervisor")
    reply = await other.goto(f"/hazards/{code}")
    assert reply.status == 403 and "不在您的辖区" in await other.locator(".alert.error").inner_text()

    # The enterprise sees it among its tasks and submits its plan.
    await enterprise.goto("/")
    assert await enterprise.locator(f'tr[data-code="{code}"][data-action="submit-plan"]').count() == 1
    await enterprise.goto(f"/hazards/{code}")
    await act(enterprise, "submit-plan", {
        "objectives": "恢复报警功能", "measures": "更换探头并联调", "funds_cny": "12000", "responsible_person": "王建国",
        "deadline": in_days(45), "contingency_plan": "停用储罐并设警戒",
    })
    assert await status_of(enterprise) == "方案待审"
    await city.goto(f"/hazards/{code}")
    await act(city, "review-plan", {"decision": "approve"})
    assert await status_of(city) == "限期整改"
    assert code in await board_column(city, "rectifying")

    # The enterprise requests acceptance with a photo, uploaded by the form.
    await enterprise.goto(f"/hazards/{code}")
    photo = {"name": "photo.png", "mimeType": "image/png", "buffer": png()}
    await act(enterprise, "submit-completion", {"summary": "已更换探头"}, files={"evidence_file": photo})
    assert await status_of(enterprise) == "申请验收"
    image = enterprise.locator("#completion .evidence img")
    assert await image.count() == 1
    assert await image.evaluate("img => img.complete && img.naturalWidth") == 48  # served back, and it is a PNG
    assert code in await board_column(city, "acceptance_requested")

    # The county verifies: a fail without a reason is refused next to the comment field...
    await county.goto(f"/hazards/{code}")
    await act(county, "verify", {"decision": "fail", "new_deadline": in_days(20)})
    message = county.locator('form[data-action="verify"] .field[data-field="comment"] .field-error')
    assert "核查不通过须说明理由" in await message.inner_text()
    assert await status_of(county) == "申请验收"
    # ...then with the reason and a new deadline, once.
    await act(county, "verify", {"decision": "fail", "comment": "探头型号不符", "new_deadline": in_days(20)})
    assert await status_of(county) == "限期整改"
    assert "探头型号不符" in await county.locator("#verifications").inner_text()

    await enterprise.goto(f"/hazards/{code}")
    await act(enterprise, "submit-completion", {"summary": "已按型号更换"}, files={"evidence_file": photo})
    await county.goto(f"/hazards/{code}")
    await act(county, "verify", {"decision": "pass", "comment": "现场核查合格"})
    assert await status_of(county) == "验收通过"
    assert await county.locator('#actions details[data-action="close"]').count() == 0  # four eyes: the city closes

    await city.goto("/dashboard")
    assert (await kpi(city, "found"), await kpi(city, "rectified"), await kpi(city, "listed")) == ("1", "1", "1")
    assert await kpi(city, "rate") == "100.0%" and await kpi(city, "closure_rate") == "0.0%"
    assert await kpi(city, "on_time_rate") == "100.0%"
    assert "牡丹区" in await city.locator("#by-region").inner_text()
    assert await city.locator("svg.chart").count() >= 2

    # The city, the listing authority, closes it out.
    await city.goto(f"/hazards/{code}")
    await act(city, "close", {"comment": "同意销号"})
    assert await status_of(city) == "已销号"
    timeline = await city.locator("#timeline").inner_text()
    for step in ("登记", "定级", "挂牌督办", "提交整改方案", "核查验收", "销号", "探头型号不符"):
        assert step in timeline
    await city.goto("/dashboard")
    assert await kpi(city, "closure_rate") == "100.0%"
    await city.goto("/board")
    assert await city.locator(".card-item").count() == 0 and (await city.locator("#open-count").inner_text()).strip() == "0"

    # In English, the same page speaks English, and the refusal messages too.
    await city.goto("/lang/en?next=/hazards/" + code)
    assert await status_of(city) == "Closed"
    assert "Timeline" in await city.locator("#timeline h2").inner_text()


async def test_sign_in_is_required_and_a_wrong_password_is_refused(browser: Any, served: Served) -> None:
    context = await browser.new_context(base_url=served.base_url)
    page = await context.new_page()
    await page.goto("/board")
    assert "/login" in page.url and "next=" in page.url
    await page.fill("#username", "county.supervisor")
    await page.fill("#password", "wrong")
    await page.click("form button[type=submit]")
    assert "用户名或密码错误" in await page.locator(".alert.error").inner_text()
    pass_sign_in_wait(served.app)  # a person takes longer than the 0.25 s wait after a failure
    await page.fill("#password", "duban-demo")
    async with page.expect_navigation():
        await page.click("form button[type=submit]")
    assert page.url.endswith("/board")
    cookie = next(c for c in await context.cookies() if c["name"] == "duban_token")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    async with page.expect_navigation():
        await page.click("#who button")  # sign out
    assert "/login" in page.url
    await page.goto("/")
    assert "/login" in page.url
