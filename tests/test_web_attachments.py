"""Evidence files: `POST /api/v1/attachments` checks the type by content and the size, stores by SHA-256 with a
JSON sidecar; `GET /api/v1/attachments/{id}` serves it with its checked type to who may see it."""

import hashlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from api import attachments
from app import create_app
from core.settings import Settings
from models.enums import HazardLevel, HazardStatus
from models.tables import HazardRow
from security.image_metadata import strip_metadata
from tests.browser_helpers import TINY_JPEG, png
from tests.factories import COUNTY, COUNTY2
from tests.synthetic import Spec, insert
from tests.test_whistleblower_privacy import assert_clean, jpeg_with_gps, png_with_text

NOW = datetime.now(UTC)
YEAR = (NOW - timedelta(days=10)).year
CODE_A = f"HZ-371702-{YEAR}-000001"  # enterprise.a's, in 牡丹区
CODE_B = f"HZ-371721-{YEAR}-000002"  # enterprise.b's, in 曹县


class NoTemporal:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"attachments touched Temporal ({name})")


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(_env_file=None, data_dir=tmp_path, log_json=False, log_level="WARNING")  # type: ignore[call-arg]
    app = create_app(settings, temporal=NoTemporal())  # type: ignore[arg-type]
    async with app.router.lifespan_context(app):
        with Session(app.state.engine) as session:
            insert(session, [
                Spec(1, HazardStatus.RECTIFYING, NOW - timedelta(days=10), COUNTY, HazardLevel.GENERAL, deadline=NOW + timedelta(days=9)),
                Spec(2, HazardStatus.RECTIFYING, NOW - timedelta(days=10), COUNTY2, HazardLevel.GENERAL, deadline=NOW + timedelta(days=9)),
            ])
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://duban.test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


async def token(api: httpx.AsyncClient, username: str) -> dict[str, str]:
    reply = await api.post("/api/v1/auth/token", data={"username": username, "password": "duban-demo"})
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


async def upload(api: httpx.AsyncClient, username: str, content: bytes, name: str = "photo.png", **data: str) -> httpx.Response:
    return await api.post(
        "/api/v1/attachments", files={"file": (name, content, "application/octet-stream")}, data=data, headers=await token(api, username)
    )


async def test_an_uploaded_photo_is_stored_by_its_hash_and_served_with_its_checked_type(api: httpx.AsyncClient, tmp_path: Path) -> None:
    content = png()
    reply = await upload(api, "enterprise.a", content, hazard_code=CODE_A)
    assert reply.status_code == 201, reply.text
    body = reply.json()
    kept = strip_metadata(content)  # an image is kept re-saved without its metadata; its id is that content's hash
    assert body == {"id": hashlib.sha256(kept).hexdigest(), "media_type": "image/png", "size": len(kept)}
    blob = tmp_path / "attachments" / body["id"]
    assert blob.read_bytes() == kept
    sidecar = json.loads((tmp_path / "attachments" / f"{body['id']}.json").read_text(encoding="utf-8"))
    assert sidecar["media_type"] == "image/png" and sidecar["uploads"][0]["hazard_code"] == CODE_A

    served = await api.get(f"/api/v1/attachments/{body['id']}", headers=await token(api, "enterprise.a"))
    assert served.status_code == 200 and served.content == kept
    assert (await upload(api, "enterprise.a", content, hazard_code=CODE_A)).json()["id"] == body["id"]  # kept once
    assert served.headers["content-type"] == "image/png" and served.headers["x-content-type-options"] == "nosniff"
    jpeg = await upload(api, "county.supervisor", TINY_JPEG, name="x.png")  # the name does not decide the type
    assert jpeg.status_code == 201 and jpeg.json()["media_type"] == "image/jpeg"
    pdf = await upload(api, "enterprise.a", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF\n", name="report.pdf")
    assert pdf.status_code == 201 and pdf.json()["media_type"] == "application/pdf"


async def test_only_jpeg_png_and_pdf_within_the_size_limit_are_accepted(api: httpx.AsyncClient) -> None:
    for content, name in ((b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.png"), (b"GIF89a....", "a.gif"), (b"<html>", "a.pdf")):
        reply = await upload(api, "enterprise.a", content, name=name)
        assert reply.status_code == 422 and reply.json()["detail"]["code"] == "unsupported_attachment_type", name
    assert (await upload(api, "enterprise.a", b"")).json()["detail"]["code"] == "empty_attachment"
    too_big = png() + b"\0" * attachments.MAX_BYTES
    reply = await upload(api, "enterprise.a", too_big)
    assert reply.status_code == 422 and reply.json()["detail"]["code"] in {"attachment_too_large", "body_too_large"}
    # Just under the limit passes, although the API's usual body limit is 1 MB.
    fits = png() + b"\0" * (2 * 1024 * 1024)
    assert (await upload(api, "enterprise.a", fits)).status_code == 201
    # Elsewhere the usual limit still holds.
    big_json = await api.post("/api/v1/hazards", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                              headers={**await token(api, "inspector"), "Content-Type": "application/json"})
    assert big_json.status_code == 422 and big_json.json()["detail"]["code"] == "body_too_large"


async def test_evidence_images_are_kept_without_exif_gps_or_png_text_and_pdfs_as_sent(api: httpx.AsyncClient, tmp_path: Path) -> None:
    for original, media_type in ((jpeg_with_gps(), "image/jpeg"), (png_with_text(), "image/png")):
        reply = await upload(api, "enterprise.a", original, hazard_code=CODE_A)
        assert reply.status_code == 201 and reply.json()["media_type"] == media_type, reply.text
        stored = (tmp_path / "attachments" / reply.json()["id"]).read_bytes()
        assert_clean(stored)
        assert reply.json()["id"] == hashlib.sha256(stored).hexdigest() and reply.json()["size"] == len(stored)
        served = await api.get(f"/api/v1/attachments/{reply.json()['id']}", headers=await token(api, "enterprise.a"))
        assert served.status_code == 200 and served.content == stored
    pdf = b"%PDF-1.4\n1 0 obj<</Author (secret-maker-4711)>>endobj\n%%EOF\n"  # a PDF's metadata is not touched
    reply = await upload(api, "enterprise.a", pdf, name="report.pdf")
    assert reply.status_code == 201 and reply.json()["id"] == hashlib.sha256(pdf).hexdigest()
    assert (tmp_path / "attachments" / reply.json()["id"]).read_bytes() == pdf
    broken = await upload(api, "enterprise.a", b"\xff\xd8\xff\xe0" + b"\x00" * 100)  # a JPEG in its first bytes only
    assert broken.status_code == 422 and broken.json()["detail"]["code"] == "unreadable_image"


async def test_who_may_read_an_attachment(api: httpx.AsyncClient) -> None:
    mine = (await upload(api, "enterprise.a", png(rgb=(1, 2, 3)), hazard_code=CODE_A)).json()["id"]
    loose = (await upload(api, "enterprise.a", png(rgb=(4, 5, 6)))).json()["id"]  # for no hazard yet
    path = f"/api/v1/attachments/{mine}"
    assert (await api.get(path, headers=await token(api, "county.supervisor"))).status_code == 200  # holds the hazard
    assert (await api.get(path, headers=await token(api, "city.supervisor"))).status_code == 200
    assert (await api.get(path, headers=await token(api, "enterprise.b"))).status_code == 404
    assert (await api.get(path, headers=await token(api, "county2.supervisor"))).status_code == 404
    assert (await api.get(path)).status_code == 401
    assert (await api.get(f"/api/v1/attachments/{loose}", headers=await token(api, "county.supervisor"))).status_code == 404
    # Once a hazard's state references it (the completion's evidence), whoever sees that hazard may read it.
    with Session(api.app.state.engine) as session:  # type: ignore[attr-defined]
        row = session.get(HazardRow, CODE_A)
        assert row is not None
        row.state_json = row.state_json.replace('"completion":null', f'"completion":{{"summary":"x","evidence":["{loose}"],"at":"2026-01-01T00:00:00Z","by":{{"user_id":"u","username":"u","role":"enterprise"}}}}')
        session.add(row)
        session.commit()
    assert (await api.get(f"/api/v1/attachments/{loose}", headers=await token(api, "county.supervisor"))).status_code == 200
    assert (await api.get(f"/api/v1/attachments/{loose}", headers=await token(api, "enterprise.b"))).status_code == 404
    # Uploading "for" a hazard one cannot see is refused.
    assert (await upload(api, "enterprise.b", png(), hazard_code=CODE_A)).status_code == 403


async def test_path_tricks_and_malformed_ids_are_refused(api: httpx.AsyncClient) -> None:
    headers = await token(api, "enterprise.a")
    for bad in ("..", "..%2F..%2Fduban.db", "A" * 64, "g" * 64, "0" * 63, f"{'0' * 64}.json"):
        reply = await api.get(f"/api/v1/attachments/{bad}", headers=headers)
        assert reply.status_code in (404, 422), bad
        assert reply.headers["content-type"].startswith("application/json"), bad
    assert (await api.get(f"/api/v1/attachments/{'0' * 64}", headers=headers)).status_code == 404


async def test_the_web_sessions_cookie_opens_attachments_and_documents(api: httpx.AsyncClient) -> None:
    content = png(rgb=(9, 9, 9))
    attachment = (await upload(api, "enterprise.a", content, hazard_code=CODE_A)).json()["id"]
    browser = httpx.AsyncClient(transport=api._transport, base_url="http://duban.test")  # type: ignore[attr-defined]
    reply = await api.post("/api/v1/auth/token", data={"username": "county.supervisor", "password": "duban-demo"})
    browser.cookies.set("duban_token", reply.json()["access_token"])
    served = await browser.get(f"/api/v1/attachments/{attachment}")
    assert served.status_code == 200 and served.content == strip_metadata(content)
    assert (await browser.get(f"/api/v1/documents/{'0' * 64}")).status_code == 404  # signed in, no such document
    # The cookie alone cannot upload (no CSRF check on the JSON API: it keeps to the bearer header).
    refused = await browser.post("/api/v1/attachments", files={"file": ("p.png", content, "image/png")})
    assert refused.status_code == 401
