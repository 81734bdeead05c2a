"""Official documents: a leader's signature (`POST /documents/{id}/actions/sign`) and the public
listings (`GET /public/listings`, no sign-in). `GET /documents/{sha256}` is in routes/notifications.py."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from api.deps import CurrentUser, SessionDep, SettingsDep, TemporalDep
from api.routes.actions import add_unknown_action
from models.documents import SignBody
from registry.documents import DOCUMENT
from services import documents as services
from services.schemas import DocumentOut, ErrorOut, PublicListingPage, action_description

router = APIRouter(tags=["documents"])
public = APIRouter(prefix="/public", tags=["public"])
SIGN = DOCUMENT.spec("sign")
REFUSALS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorOut} for status in (401, 403, 404, 409, 422)}


@router.post("/documents/{document_id}/actions/sign", response_model=DocumentOut, responses=REFUSALS,
             summary=f"{SIGN.label_en} ({SIGN.label_zh})", description=action_description(DOCUMENT, SIGN))
def sign_document(
    document_id: str,
    session: SessionDep,
    principal: CurrentUser,
    client: TemporalDep,
    settings: SettingsDep,
    body: Annotated[SignBody, Body()] = SignBody(),  # noqa: B008 - an empty body is the usual one
) -> DocumentOut:
    """A leader (`leader`) of the issuing authority signs a draft document: it is issued, re-rendered with the
    signer's name. 403 for anyone else, 409 if it is already signed or needs no signature."""
    return services.sign(session=session, principal=principal, client=client, document_id=document_id,
                         comment=body.comment, task_queue=settings.temporal_task_queue)


@public.get("/listings", response_model=PublicListingPage)
def public_listings(
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PublicListingPage:
    """Published listings (公示) and their close-outs, for anyone: the enterprise, the hazard's title and level, the
    listing authority, 文号, deadline, status and dates. Nothing about who reported it; only published ones."""
    return services.public_listings(session, page, page_size)


add_unknown_action(router, "/documents/{document_id}", DOCUMENT)  # after `sign`, which matches first
