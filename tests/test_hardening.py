"""Hardening: far dates and huge page numbers are refused (422 naming the field, never a 500), the
Excel ledger never writes a formula, and every response carries the security headers. No Temporal needed."""

import base64
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlmodel import Session

from app import create_app
from core.settings import Settings
from models.actions import ListBody, VerifyBody
from models.enums import HazardStatus
from models.interview import Commitment
from services.errors import ApiError
from tests.api_helpers import hazard_body
from tests.browser_helpers import png
from tests.factories import COUNTY
from tests.synthetic import Spec, insert
from tests.test_web import NoTemporal, browser, csrf_of
from web.pages.board import period_day

NOW = datetime.now(UTC)
FORMULA = '=HYPERLINK("http://evil")'
BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[Any]:
    settings = Settings(_env_file=None, data_dir=tmp_path, log_json=False, log_level="WARNING")  # type: ignore[call-arg]
    application = create_app(settings, temporal=NoTemporal())  # type: ignore[arg-type]
    async with application.router.lifespan_context(application):
        with Session(application.state.engine) as session:
            insert(session, [
                Spec(1, HazardStatus.REPORTED, NOW - timedelta(days=1), COUNTY, title=FORMULA),
                Spec(2, HazardStatus.REPORTED, NOW - timedelta(days=1), COUNTY, title="-1+1 @SUM(A1) 正常名称"),
            ])
        yield application


async def api_client(app: Any, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://duban.test/api/v1")
    token = (await client.post("/auth/token", data={"username": username, "password": "duban-demo"})).json()
    client.headers["Authorization"] = f"Bearer {token['access_token']}"
    return client


def refused(reply: httpx.Response, field: str) -> dict[str, Any]:
    assert reply.status_code == 422, reply.text
    detail: dict[str, Any] = reply.json()["detail"]
    assert detail["field"] == field and detail["message_zh"] and detail["message_en"], detail
    return detail


# --- 1. the three 500s, and the same pattern elsewhere -------------------------------------------------------------


async def test_a_discovery_date_before_1900_is_refused_422_naming_discovered_at(app: Any) -> None:
    api = await api_client(app, "inspector")
    for value in ("0001-01-01", "0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "1899-12-31"):
        detail = refused(await api.post("/hazards", json=hazard_body(discovered_at=value)), "discovered_at")
        assert detail["errors"][0]["code"] == "discovered_too_early" and "1900-01-01" in detail["message_en"]
    far = await api.post("/hazards", json=hazard_body(discovered_at="9999-12-31T23:59:59-12:00"))
    assert refused(far, "discovered_at")["errors"][0]["code"] == "discovered_in_future"


async def test_a_dashboard_period_out_of_range_shows_the_refusal_with_422_not_a_500(app: Any) -> None:
    city = await browser(app, "city.supervisor")
    for params, field in (({"from": "0001-01-01"}, "from"), ({"to": "9999-12-31"}, "to"), ({"from": "0001-01-01", "to": "0001-01-01"}, "from"), ({"to": "nonsense"}, "to")):
        page = await city.get("/dashboard", params=params)
        assert page.status_code == 422 and 'class="alert error"' in page.text, (params, page.text[:300])
        assert "1900-01-01" in page.text and "2199-12-31" in page.text
        with pytest.raises(ApiError) as error:  # the refusal behind the page names the field
            period_day(params.get("from") or params["to"], field)
        assert error.value.status == 422 and error.value.detail["field"] == field
    assert (await city.get("/dashboard", params={"from": "2020-01-01", "to": ""})).status_code == 200


async def test_a_huge_notification_page_is_refused_422_naming_page(app: Any) -> None:
    api = await api_client(app, "county.supervisor")
    for page in (100_001, 2**62, 2**63):
        refused(await api.get("/notifications", params={"page": page}), "page")
    for path in ("/hazards", "/tasks"):
        refused(await api.get(path, params={"page": 2**62}), "page")
    assert (await api.get("/notifications", params={"page": 100_000, "page_size": 200})).status_code == 200
    web = await browser(app, "county.supervisor")
    refused(await web.get("/notifications", params={"p": 2**62}), "p")
    refused(await web.get("/hazards", params={"page": 2**62}), "page")


async def test_a_far_date_in_a_deadline_query_or_an_action_body_is_refused_naming_the_field(app: Any) -> None:
    api = await api_client(app, "county.supervisor")
    for start in ("0001-01-01", "9999-12-31"):
        detail = refused(await api.get("/calendar/deadline", params={"start": start, "working_days": 10}), "start")
        assert detail["errors"][0]["code"] == "date_out_of_range"
    with pytest.raises(ValidationError) as listed:
        ListBody(authority_level="city", deadline="9999-12-31")  # type: ignore[arg-type]
    assert listed.value.errors()[0]["type"] == "date_out_of_range"
    with pytest.raises(ValidationError):
        VerifyBody(decision="fail", comment="x", new_deadline="0001-01-01")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Commitment(text="x", due="9999-12-31")  # type: ignore[arg-type]


# --- 2. no formula in a spreadsheet ------------------------------------------------------------------------------


async def test_the_ledger_export_writes_a_formula_like_title_as_text_never_a_formula(app: Any) -> None:
    from openpyxl import load_workbook

    county = await browser(app, "county.supervisor")
    reply = await county.get("/hazards/export.xlsx")
    assert reply.status_code == 200
    sheet = load_workbook(io.BytesIO(reply.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    titles = {c.value: c for c in cells if c.column == 2}
    assert titles[FORMULA].data_type == "s" and titles[FORMULA].quotePrefix
    assert titles["-1+1 @SUM(A1) 正常名称"].data_type == "s"
    assert b"<f>" not in _sheet_xml(reply.content)


def _sheet_xml(xlsx: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_the_spreadsheet_helper_keeps_every_risky_start_as_text() -> None:
    from openpyxl import Workbook, load_workbook

    from core.spreadsheet import append_row

    book = Workbook()
    texts = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "plain", "bad\x01char"]
    append_row(book.active, [*texts, 7])
    buffer = io.BytesIO()
    book.save(buffer)
    row = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    assert [c.data_type for c in row] == ["s"] * 8 + ["n"]
    assert [c.quotePrefix for c in row[:7]] == [True] * 6 + [False]
    assert row[7].value == "badchar" and row[8].value == 7


# --- 3. security headers ------------------------------------------------------------------------------------------


def assert_security_headers(reply: httpx.Response) -> None:
    for name, value in BASE_HEADERS.items():
        assert reply.headers.get(name) == value, (reply.url, name, reply.headers)
    policy = reply.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy


async def test_pages_api_replies_static_files_and_refusals_carry_the_security_headers(app: Any) -> None:
    county = await browser(app, "county.supervisor")
    api = await api_client(app, "county.supervisor")
    for reply in (
        await county.get("/hazards"),
        await county.get("/login"),
        await county.get("/static/app.js"),
        await api.get("/tasks"),
        await api.get("/notifications", params={"page": 0}),
        await county.get("/api/v1/tasks"),  # 401
    ):
        assert_security_headers(reply)
        assert "strict-transport-security" not in reply.headers  # development
    docs = await county.get("/docs")
    assert docs.status_code == 200 and "cdn.jsdelivr.net" in docs.headers["content-security-policy"]


async def test_sign_in_and_a_reporters_contact_are_never_stored_in_a_cache(app: Any) -> None:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://duban.test")
    token = await client.post("/api/v1/auth/token", data={"username": "wb.officer", "password": "duban-demo"})
    assert token.status_code == 200 and token.headers["cache-control"] == "no-store"
    photo = base64.b64encode(png()).decode()
    report = await client.post("/api/v1/public/reports", json={
        "description": "夜间偷排废液", "location": "牡丹区化工园", "region_code": "371702", "photos": [photo],
        "contact": "139 0000 0000",
    })
    assert report.status_code == 201, report.text
    officer = await api_client(app, "wb.officer")
    reports = (await officer.get("/whistleblower/reports")).json()
    report_id = reports[0]["id"] if isinstance(reports, list) else reports["items"][0]["id"]
    contact = await officer.get(f"/whistleblower/reports/{report_id}/contact")
    assert contact.status_code == 200 and contact.headers["cache-control"] == "no-store"
    assert_security_headers(contact)
    web = await browser(app, "wb.officer")
    intake = await web.get("/whistleblower")
    assert "cache-control" not in intake.headers or "no-store" not in intake.headers["cache-control"]
    shown = await web.post(f"/whistleblower/{report_id}/contact", data={"csrf": csrf_of(intake.text)})
    assert shown.status_code == 200 and "139 0000 0000" in shown.text
    assert shown.headers["cache-control"] == "no-store"
    signed_in = await browser(app)
    login = await signed_in.get("/login")
    posted = await signed_in.post("/login", data={"username": "wb.officer", "password": "duban-demo", "csrf": csrf_of(login.text)})
    assert posted.status_code == 303 and posted.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("env", ["development", "production"])
async def test_strict_transport_security_only_in_production(tmp_path: Path, env: str) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path, env=env, secret_key="s" * 40, whistleblower_key=base64.urlsafe_b64encode(b"k" * 32).decode(),
        payload_keys="k1:" + base64.b64encode(b"p" * 32).decode(), log_json=False, log_level="WARNING",
    )
    application = create_app(settings, temporal=NoTemporal())  # type: ignore[arg-type]
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://duban.test")
    reply = await client.get("/healthz")  # no lifespan: the app answers without a database
    assert_security_headers(reply)
    hsts = reply.headers.get("strict-transport-security")
    assert (hsts == "max-age=31536000; includeSubDomains") if env == "production" else hsts is None
