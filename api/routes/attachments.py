"""Evidence files: `POST /attachments` (multipart, signed-in users) and `GET /attachments/{id}`."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import BaseModel

from api import attachments
from api.deps import BrowserOrApiUser, CurrentUser, SessionDep, SettingsDep
from services import presenters
from services.errors import not_found
from services.schemas import ErrorOut

router = APIRouter(tags=["attachments"])
REFUSALS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorOut} for status in (401, 403, 404, 422)}


class AttachmentOut(BaseModel):
    id: str
    media_type: str
    size: int


@router.post("/attachments", status_code=201, response_model=AttachmentOut, responses=REFUSALS)
def upload_attachment(
    file: UploadFile,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    hazard_code: Annotated[str | None, Form(max_length=40)] = None,
) -> AttachmentOut:
    """Upload an evidence file (JPEG, PNG or PDF, at most 10 MB; the type is checked by content). Name the
    `hazard_code` it is for, and whoever may see that hazard may read it; otherwise the uploader and whoever
    may see a hazard whose state references its id."""
    if hazard_code:
        presenters.visible_row(session, hazard_code, principal)
    stored = attachments.store(
        data_dir=settings.data_dir, content=attachments.read_upload(file), filename=file.filename, principal=principal,
        hazard_code=hazard_code or None,
    )
    return AttachmentOut(id=stored.id, media_type=stored.media_type, size=stored.size)


@router.get("/attachments/{attachment_id}", response_class=FileResponse,
            responses={**REFUSALS, 200: {"content": {media: {} for _, media, _ in attachments.MAGIC}}})
def get_attachment(
    attachment_id: Annotated[str, PathParam(json_schema_extra={"pattern": "^[0-9a-f]{64}$"}, description="its SHA-256")],
    principal: BrowserOrApiUser, session: SessionDep, settings: SettingsDep) -> FileResponse:
    """The file, with its checked content type, to the uploader or whoever may see a hazard referencing it."""
    path, attachment = attachments.load(data_dir=settings.data_dir, attachment_id=attachment_id)
    if not attachments.may_read(session=session, principal=principal, attachment=attachment):
        raise not_found("attachment", attachment_id)
    return FileResponse(
        path,
        media_type=attachment.media_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{attachment.id[:16]}.{attachment.extension}"',
            "Cache-Control": "private, max-age=3600",
        },
    )
