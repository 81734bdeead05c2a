"""Official documents in real Chromium: the hazard page lists the listing notice with its PDF and HTML
links (the PDF opens as `application/pdf`), a leader's signature shows there, and the public listings page (no
sign-in) shows the listing only once it is published."""

from typing import Any

import httpx
import pytest

from tests.api_helpers import hazard_body, in_days
from tests.browser_helpers import Served, signed_in

pytestmark = pytest.mark.slow


async def as_user(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    reply = await http.post("/api/v1/auth/token", data={"username": username, "password": "duban-demo"})
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


async def listed_hazard(base_url: str) -> tuple[str, str]:
    """A hazard listed by the city through the API (the browser part is the documents)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        code = (await http.post("/api/v1/hazards", json=hazard_body(), headers=await as_user(http, "inspector"))).json()["code"]
        county, city = await as_user(http, "county.supervisor"), await as_user(http, "city.supervisor")
        await http.post(f"/api/v1/hazards/{code}/actions/assess", json={"level": "major", "basis": "GB 30871-2022 5.1"}, headers=county)
        listed = await http.post(f"/api/v1/hazards/{code}/actions/list",
                                 json={"authority_level": "city", "deadline": in_days(60)}, headers=city)
        return code, listed.json()["listing"]["notice_number"]


async def test_the_hazard_page_links_its_documents_and_the_public_page_shows_published_listings(browser: Any, served: Served) -> None:
    code, number = await listed_hazard(served.base_url)
    public = await browser.new_context(base_url=served.base_url)
    anyone = await public.new_page()
    await anyone.goto("/public/listings")
    assert number not in await anyone.locator("#public-listings").inner_text()

    city = await signed_in(browser, served.base_url, "city.supervisor")
    await city.goto(f"/hazards/{code}")
    row = city.locator("#documents tr").first
    assert "挂牌督办" in await row.inner_text() and "草稿" in await row.inner_text()
    href = await row.locator("a.pdf").get_attribute("href")
    reply = await city.request.get(href)
    assert reply.status == 200 and reply.headers["content-type"] == "application/pdf"
    html = await city.request.get(await row.locator("a.html").get_attribute("href"))
    assert number in await html.text()

    assert await row.locator("form.sign-document").count() == 0  # a supervisor signs nothing
    leader = await signed_in(browser, served.base_url, "city.leader")
    await leader.goto(f"/hazards/{code}")
    await leader.click("#documents tr:first-child form.sign-document button")  # the leader signs on the page
    await leader.wait_for_url(f"**/hazards/{code}")
    async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as http:
        published = await http.post(f"/api/v1/hazards/{code}/actions/publish", json={}, headers=await as_user(http, "city.supervisor"))
        assert published.status_code == 200, published.text

    await city.goto(f"/hazards/{code}")
    assert "已签发" in await city.locator("#documents tr").first.inner_text()
    assert "公告" in await city.locator("#documents").inner_text()
    await anyone.goto("/public/listings")
    listings = await anyone.locator("#public-listings").inner_text()
    assert number in listings and "配电室未设置挡鼠板" in listings
