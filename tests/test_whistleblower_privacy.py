"""Whistleblowers' privacy: a receipt is looked up from a POST body and never put in a URL; photos are
kept without their metadata (EXIF with GPS, PNG text); a hazard screened from a report is discovered on the day
of receipt, not at the instant that could identify the reporter."""

import base64
import hashlib
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from api.main import loggable_path
from models.base import CHINA_TZ
from models.tables import WhistleblowerReport
from security.throttle import RateLimiter
from tests.api_helpers import Api, running_api

LOOKUP = "/api/v1/public/reports/lookup"
SECRET = "secret-maker-4711"


@pytest.fixture
async def api(dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str) -> AsyncIterator[Api]:
    async with running_api(dev_env.client, tmp_path, task_queue, public_reports_per_hour=50) as client:
        yield client


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = SECRET  # Make
    exif[0x0110] = "Phone 15"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (35.0, 14.0, 52.5)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (115.0, 28.0, 1.0)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "JPEG", exif=exif, comment=SECRET.encode())
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825) and SECRET.encode() in data  # the test's own photo has them
    return data


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRET)
    info.add_text("Location", "Heze, Mudan district", zip=True)
    info.add_itxt("Comment", f"菏泽市牡丹区 {SECRET}")
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 60, 60)).save(out, "PNG", pnginfo=info)
    data = out.getvalue()
    assert b"tEXt" in data and b"zTXt" in data and b"iTXt" in data
    return data


def assert_clean(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert dict(image.getexif()) == {} and "exif" not in image.info and "xmp" not in image.info
    assert not {"comment", "Author", "Location", "Comment"} & set(image.info), image.info
    assert SECRET.encode() not in data and b"GPS" not in data
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
        assert chunk not in data, chunk


async def file_report(api: Api, **body: object) -> dict[str, str]:
    reply = await api.http.post("/api/v1/public/reports", json={"description": "违规动火", "location": "工业园", **body})
    assert reply.status_code == 201, reply.text
    return reply.json()  # type: ignore[no-any-return]


# --- 1. a receipt never in a URL ---------------------------------------------------------------------------------------


async def test_a_receipt_is_looked_up_from_a_post_body_and_never_in_a_url(api: Api) -> None:
    filed = await file_report(api)
    assert set(filed) == {"receipt", "lookup_url"} and filed["lookup_url"] == LOOKUP
    assert filed["receipt"] not in filed["lookup_url"]
    status = await api.http.post(LOOKUP, json={"receipt": filed["receipt"]})
    assert status.status_code == 200 and set(status.json()) == {"status", "public_outcome", "received_at"}
    assert status.json()["status"] == "received"

    old = await api.http.get(f"/api/v1/public/reports/{filed['receipt']}")  # the GET by receipt is gone
    assert old.status_code in (404, 405) and "status" not in old.json()
    assert (await api.http.get(LOOKUP, params={"receipt": filed["receipt"]})).status_code == 405
    paths = [r.path for r in api.app.routes if "public" in getattr(r, "path", "")]
    assert not [p for p in paths if "{" in p], paths  # no public route takes anything in its path

    unknown = await api.http.post(LOOKUP, json={"receipt": "A" * 43})
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": {"code": "not_found", "field": "receipt", "message_zh": "未找到该回执对应的举报",
                                         "message_en": "no report has this receipt"}}
    for bad in ({}, {"receipt": ""}, {"receipt": "A" * 101}, {"receipt": "x", "more": 1}):
        refused = await api.http.post(LOOKUP, json=bad)
        assert refused.status_code == 422 and refused.json()["detail"]["code"] == "invalid_input", bad


async def test_receipt_lookups_are_rate_limited_per_address(api: Api) -> None:
    receipt = (await file_report(api))["receipt"]
    api.app.state.public_status_limiter = RateLimiter(
        limit=3, window=60, scope="public_lookup", secret=api.app.state.settings.secret_key
    )
    replies = [await api.http.post(LOOKUP, json={"receipt": receipt if i % 2 else "B" * 43}) for i in range(4)]
    assert [r.status_code for r in replies] == [404, 200, 404, 429]
    assert replies[-1].json()["detail"]["code"] == "too_many_requests" and 1 <= int(replies[-1].headers["Retry-After"]) <= 60


def test_log_lines_show_the_lookup_path_and_mask_anything_else_under_public_reports() -> None:
    assert loggable_path(LOOKUP) == LOOKUP
    assert loggable_path("/api/v1/public/reports/" + "Zx9" * 14) == "/api/v1/public/reports/{receipt}"
    assert loggable_path("/api/v1/public/reports") == "/api/v1/public/reports"
    assert loggable_path("/api/v1/hazards/HZ-1") == "/api/v1/hazards/HZ-1"


# --- 2. photos without their metadata ---------------------------------------------------------------------------------


async def test_a_whistleblowers_jpeg_is_stored_and_served_without_its_exif_gps(api: Api, tmp_path: Path) -> None:
    original = jpeg_with_gps()
    await file_report(api, region_code="371702", photos=[base64.b64encode(original).decode()])
    (report,) = (await api.as_user("inspector", "GET", "/whistleblower/reports")).json()
    (photo_id,) = report["photos"]
    stored = (tmp_path / "whistleblower" / photo_id).read_bytes()
    assert_clean(stored)
    assert hashlib.sha256(stored).hexdigest() == photo_id != hashlib.sha256(original).hexdigest()  # the id is the cleaned bytes'
    served = await api.as_user("inspector", "GET", f"/whistleblower/photos/{photo_id}")
    assert served.status_code == 200 and served.content == stored and served.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(served.content)).size == (64, 48)  # the picture itself is kept
    assert [p.name for p in (tmp_path / "whistleblower").iterdir()] == [photo_id]  # nothing of the original kept


async def test_a_whistleblowers_png_is_stored_without_its_text_chunks(api: Api, tmp_path: Path) -> None:
    original = png_with_text()
    await file_report(api, region_code="371702", photos=[base64.b64encode(original).decode()])
    (report,) = (await api.as_user("inspector", "GET", "/whistleblower/reports")).json()
    (photo_id,) = report["photos"]
    stored = (tmp_path / "whistleblower" / photo_id).read_bytes()
    assert_clean(stored)
    assert Image.open(io.BytesIO(stored)).getpixel((5, 5)) == (200, 60, 60)


async def test_a_photo_that_only_looks_like_an_image_is_refused_and_nothing_stored(api: Api, tmp_path: Path) -> None:
    fake = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode()
    reply = await api.http.post("/api/v1/public/reports", json={"description": "x", "location": "y", "photos": [fake]})
    assert reply.status_code == 422 and reply.json()["detail"]["code"] == "invalid_photo"
    assert reply.json()["detail"]["message_en"].startswith("photos[0]: ")
    with Session(api.app.state.engine) as session:
        assert session.exec(select(WhistleblowerReport)).all() == []


def test_an_upright_photo_stays_upright_when_its_exif_orientation_is_dropped() -> None:
    from security.image_metadata import strip_metadata

    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 10, 10)).save(out, "JPEG", exif=exif)
    cleaned = Image.open(io.BytesIO(strip_metadata(out.getvalue())))
    assert cleaned.size == (20, 40) and dict(cleaned.getexif()) == {}


# --- 3. the day of receipt, not its instant ---------------------------------------------------------------------------


async def test_a_screened_reports_hazard_is_discovered_on_the_day_of_receipt_not_at_its_instant(api: Api) -> None:
    await file_report(api, region_code="371702")
    yesterday = datetime.now(CHINA_TZ).date() - timedelta(days=1)
    # 01:37:12 in Shanghai is still the day before in UTC: the day is Shanghai's
    received = datetime(yesterday.year, yesterday.month, yesterday.day, 1, 37, 12, 345678, tzinfo=CHINA_TZ)
    with Session(api.app.state.engine) as session:
        stored = session.exec(select(WhistleblowerReport)).one()
        stored.received_at = received.astimezone(UTC)
        session.add(stored)
        session.commit()
        report_id = stored.id
    screened = await api.as_user("inspector", "POST", f"/whistleblower/reports/{report_id}/screen", json={
        "decision": "hazard", "title": "夜间违规动火作业", "description": "动火作业未落实监护",
        "enterprise_uscc": "91371702MA3C4G0R29",
        "region_code": "371702", "industry": "危险化学品",
    })
    assert screened.status_code == 200, screened.text
    hazard = (await api.as_user("county.supervisor", "GET", f"/hazards/{screened.json()['hazard_code']}")).json()
    discovered = datetime.fromisoformat(hazard["discovered_at"])
    midnight = datetime(yesterday.year, yesterday.month, yesterday.day, tzinfo=CHINA_TZ)
    assert discovered == midnight and discovered != received
    assert discovered.astimezone(CHINA_TZ).time().isoformat() == "00:00:00"
