"""Evidence files (photos, PDFs) for completions: stored by SHA-256 under `<data_dir>/attachments/`.

A JPEG or PNG loses its metadata first (EXIF with GPS, XMP, comments, PNG text: `security/image_metadata.py`),
so its id is the SHA-256 of the cleaned image, not of the upload; a PDF is kept byte for byte.

Each blob `<sha256>` has a JSON sidecar `<sha256>.json` with its checked media type, size, and who uploaded it
(and for which hazard, when the upload named one). The type is decided by the content's magic bytes (JPEG,
PNG, PDF only), never by the file name or the client's header. No table: the files are the record.
"""

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from models.tables import HazardRow
from security.image_metadata import UnreadableImage, strip_metadata
from services.errors import ApiError, not_found, refused
from services.principal import Principal
from store import hazards

MAX_BYTES = 10 * 1024 * 1024
# A multipart body carries the file plus a little framing; the body-size guard allows this much on the
# upload routes: the JSON one and the web UI's completion form.
UPLOAD_BODY_BYTES = MAX_BYTES + 256 * 1024
UPLOAD_PATHS = re.compile(
    r"^(/api/v1/attachments|/hazards/[^/]+/act/submit-completion"
    r"|(/api/v1)?/campaigns/[^/]+/import)$"  # a campaign's hazard list (专项整治)
)
ID = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024
MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
)


@dataclass(frozen=True)
class Attachment:
    id: str
    media_type: str
    size: int
    extension: str
    meta: dict[str, Any]


def folder(data_dir: Path) -> Path:
    return data_dir / "attachments"


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, media_type, extension in MAGIC:
        if head.startswith(magic):
            return media_type, extension
    return None


def too_large() -> ApiError:
    return refused(422, "attachment_too_large", mb=MAX_BYTES // (1024 * 1024))


def store(
    *, data_dir: Path, content: bytes, filename: str | None, principal: Principal, hazard_code: str | None = None
) -> Attachment:
    """Check and keep a file; the same content is kept once (its id is its SHA-256)."""
    if len(content) > MAX_BYTES:
        raise too_large()
    if not content:
        raise refused(422, "empty_attachment")
    kind = sniff(content[:16])
    if kind is None:
        raise refused(422, "unsupported_attachment_type")
    media_type, extension = kind
    if media_type.startswith("image/"):
        try:
            content = strip_metadata(content)  # the id is the hash of what is kept: the image without its metadata
        except UnreadableImage:
            raise refused(422, "unreadable_image") from None
    digest = hashlib.sha256(content).hexdigest()
    target = folder(data_dir)
    target.mkdir(parents=True, exist_ok=True)
    blob = target / digest
    if not blob.exists():
        _write_atomically(blob, content)
    meta = _read_meta(target / f"{digest}.json") or {"id": digest, "media_type": media_type, "size": len(content), "uploads": []}
    meta["uploads"].append(
        {
            "by": principal.user.id,
            "username": principal.user.username,
            "at": datetime.now(UTC).isoformat(),
            "filename": (filename or "")[:200],
            "hazard_code": hazard_code,
        }
    )
    _write_atomically(target / f"{digest}.json", json.dumps(meta, ensure_ascii=False).encode())
    return Attachment(digest, media_type, len(content), extension, meta)


def load(*, data_dir: Path, attachment_id: str) -> tuple[Path, Attachment]:
    """The blob's path and its record; 422 for an id that is not 64 hex characters, 404 when unknown."""
    if not ID.fullmatch(attachment_id):
        raise refused(422, "invalid_attachment_id")
    target = folder(data_dir)
    meta = _read_meta(target / f"{attachment_id}.json")
    blob = target / attachment_id
    if meta is None or not blob.is_file():
        raise not_found("attachment", attachment_id)
    with blob.open("rb") as head:
        kind = sniff(head.read(16))
    if kind is None:  # never served unless its content is still what was checked
        raise not_found("attachment", attachment_id)
    return blob, Attachment(attachment_id, kind[0], blob.stat().st_size, kind[1], meta)


def may_read(*, session: Session, principal: Principal, attachment: Attachment) -> bool:
    """The uploader, or whoever may see a hazard the file was uploaded for or whose state references it."""
    uploads = attachment.meta.get("uploads") or []
    if any(u.get("by") == principal.user.id for u in uploads):
        return True
    for code in {u.get("hazard_code") for u in uploads if u.get("hazard_code")}:
        row = hazards.get_row(session=session, code=code)
        if row is not None and hazards.in_scope(row, principal.scope):
            return True
    query = select(HazardRow.code).where(col(HazardRow.state_json).contains(attachment.id))
    scope = principal.scope
    if not scope.everything:
        if scope.enterprise_uscc is not None:
            query = query.where(HazardRow.enterprise_uscc == scope.enterprise_uscc)
        elif scope.path is None:
            return False
        else:
            query = query.where(col(HazardRow.region_path).startswith(scope.path))
    return session.exec(query.limit(1)).first() is not None


def _read_meta(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _write_atomically(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_upload(file: UploadFile) -> bytes:
    """The upload's bytes, refusing it as soon as it passes the size limit."""
    parts: list[bytes] = []
    size = 0
    while chunk := file.file.read(CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise too_large()
        parts.append(chunk)
    return b"".join(parts)
