"""Whistleblower reports (举报): received anonymously, screened by an inspector into a hazard or not.

The receipt is kept only as its SHA-256 (a leaked table reveals no receipt), the contact only sealed.
"""

import base64
import hashlib
import json
import secrets
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, col, select

from models.tables import WhistleblowerReport
from security.image_metadata import PUBLIC_MAX_PIXELS, strip_metadata

IMAGE_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
MAX_PHOTO_BYTES = 2 * 1024 * 1024


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()


def photo_problem(data: bytes) -> str | None:
    if len(data) > MAX_PHOTO_BYTES:
        return f"a photo may be at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB"
    if not any(data.startswith(magic) for magic in IMAGE_SIGNATURES):
        return "a photo must be a JPEG or PNG image"
    return None


def decode_photo(text: str) -> bytes:
    """A photo sent as base64 (a `data:image/...;base64,` prefix is allowed)."""
    if text.startswith("data:"):
        text = text.split(",", 1)[-1]
    return base64.b64decode(text, validate=True)


def store_photo(directory: Path, data: bytes) -> str:
    """Keep a photo without its metadata (EXIF, GPS, XMP, comments, PNG text); its id is the SHA-256 of the
    cleaned bytes, which are what is stored and served. Raises `UnreadableImage` for what is no readable image."""
    data = strip_metadata(data, PUBLIC_MAX_PIXELS)  # a public tip's photo: the lower cap
    digest = hashlib.sha256(data).hexdigest()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / digest
    if not target.exists():
        target.write_bytes(data)
    return digest


def receive(
    *, session: Session, description: str, location: str, region_code: str | None, region_path: str | None,
    photos: list[str], contact_sealed: str | None, tour_id: str | None = None,
) -> tuple[WhistleblowerReport, str]:
    """Record a report; returns it and its receipt (shown to the reporter once, never stored in clear)."""
    receipt = secrets.token_urlsafe(32)
    report = WhistleblowerReport(
        id=str(uuid.uuid4()), receipt_hash=receipt_hash(receipt), description=description, location=location,
        region_code=region_code, region_path=region_path, photos_json=json.dumps(photos), contact_sealed=contact_sealed,
        received_at=datetime.now(UTC), tour_id=tour_id,
    )
    session.add(report)
    session.flush()
    return report, receipt


def by_receipt(*, session: Session, receipt: str) -> WhistleblowerReport | None:
    return session.exec(select(WhistleblowerReport).where(WhistleblowerReport.receipt_hash == receipt_hash(receipt))).first()


def for_staff(
    *, session: Session, path: str | None, status: str | None, tour_ids: tuple[str, ...] = (), tour_id: str | None = None,
) -> list[WhistleblowerReport]:
    """Reports in a jurisdiction subtree (all for `None`), and the tips to the tours in `tour_ids` (the caller's
    tour teams). `tour_id` keeps one tour's tips. A report with no jurisdiction is an admin's only."""
    query = select(WhistleblowerReport).order_by(col(WhistleblowerReport.received_at).desc())
    if path is not None:
        mine = col(WhistleblowerReport.region_path).startswith(path)
        if tour_ids:
            mine = mine | col(WhistleblowerReport.tour_id).in_(tour_ids)
        query = query.where(mine)
    if tour_id is not None:
        query = query.where(WhistleblowerReport.tour_id == tour_id)
    if status is not None:
        query = query.where(WhistleblowerReport.status == status)
    return list(session.exec(query))


def screened(*, report: WhistleblowerReport, status: str, outcome: str, by: str, hazard_code: str | None = None) -> None:
    report.status = status
    report.public_outcome = outcome
    report.hazard_code = hazard_code
    report.screened_at = datetime.now(UTC)
    report.screened_by = by
