"""Inspection tours (巡查) in real Chromium: the city office organizes a tour through the form (a 回避 conflict
refused next to the team, naming the person), the tour page shows the plan, the team with its 回避 result, the
deadlines and the forms; a team member records findings by target (a hazard finding links to its hazard);
the coverage table shows which counties are due; the nav links to it all."""

import re
from typing import Any

import pytest

from tests.browser_helpers import Served, signed_in
from tests.eventually import assert_eventually_async
from tests.test_browser import in_days

pytestmark = pytest.mark.slow
TEAM = "tour.lead | leader\ntour.deputy | deputy\ntour.m1 | member\ntour.m2 | member\ntour.m3 | member\ntour.expert | expert"


async def organize(page: Any, team: str) -> None:
    await page.goto("/tours")
    await page.fill("#tour-title", "2026年第四季度安全生产巡查")
    await page.select_option("#tour-kind", "comprehensive")
    await page.fill("#tour-targets", "371702")
    await page.fill("#tour-starts", in_days(0))
    await page.fill("#tour-ends", in_days(10))
    await page.fill("#tour-team", team)
    async with page.expect_navigation():
        await page.click("#new-tour button[type=submit]")


async def test_a_tour_organized_inspected_and_covered_in_the_browser(browser: Any, served: Served) -> None:
    city = await signed_in(browser, served.base_url, "city.supervisor")
    assert await city.locator('nav.main-nav a[href="/tours"]').count() == 1

    # 地域回避: the 牡丹区 inspector may not tour 牡丹区; the refusal sits by the team and names him.
    await organize(city, TEAM.replace("tour.m3 | member", "inspector | member"))
    problem = await city.locator('[data-field="team"] .field-error').inner_text()
    assert "inspector" in problem and "地域回避" in problem

    await organize(city, TEAM)
    tour_id = re.search(r"/tours/(TR-[^?]+)", city.url).group(1)  # type: ignore[union-attr]
    assert re.fullmatch(r"TR-371700-\d{4}-\d{3}", tour_id)
    assert "牡丹区" in await city.locator("#plan").inner_text()
    assert await city.locator("#team tr[data-user] .avoidance .mark.green").count() == 6

    # A team member records findings at the target; the page shows them by target, a hazard linked.
    member = await signed_in(browser, served.base_url, "tour.m2")

    async def inspecting() -> None:
        await member.goto(f"/tours/{tour_id}")
        assert await member.locator('details.action[data-action="record-finding"]').count() == 1

    await assert_eventually_async(inspecting)
    form = member.locator('details.action[data-action="record-finding"] form')
    await form.locator('[name="kind"]').select_option("problem")
    await form.locator('[name="description"]').fill("安全培训台账不全")
    async with member.expect_navigation():
        await form.locator("button[type=submit]").click()
    assert "安全培训台账不全" in await member.locator('#findings [data-finding="F1"]').inner_text()
    form = member.locator('details.action[data-action="record-finding"] form')
    await form.locator('[name="kind"]').select_option("hazard")
    await form.locator('[name="description"]').fill("储罐区防火堤破损")
    for name, value in (("title", "防火堤破损"), ("enterprise_uscc", "91371702MA3C4G0R29"), ("region_code", "371702"), ("industry", "危险化学品")):
        await form.locator(f'[name="hazard_{name}"]').fill(value)
    async with member.expect_navigation():
        await form.locator("button[type=submit]").click()
    link = member.locator('#findings [data-finding="F2"] a')
    assert (await link.inner_text()).startswith("HZ-371702-")
    assert "巡查进驻" in await member.locator("#tour-status").inner_text()
    async with member.expect_navigation():
        await link.click()
    assert await member.locator("#from-tour").inner_text() == tour_id  # the hazard shows the tour it came from
    county = await signed_in(browser, served.base_url, "county.supervisor")
    await county.goto("/notifications")
    assert await county.locator(f'.inbox a[href="/tours/{tour_id}"]').count() >= 1  # the target was told

    # The list and the coverage table: 牡丹区 toured within the cycle, 曹县 due.
    await city.goto("/tours")
    assert await city.locator(f'#tours a[href="/tours/{tour_id}"]').count() == 1
    await city.click("#coverage-link")
    assert await city.locator('#coverage tr[data-region="371702"] .mark.green').count() == 1
    assert await city.locator('#coverage tr[data-region="371721"] .mark.red').count() == 1
